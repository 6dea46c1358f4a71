/*
 * dup/dup2 for Node, which has neither: point file descriptor 2 at /dev/null and back.
 * src/engine/quiet-stderr.ts uses it while the native TensorFlow library loads (see there why).
 * Built by scripts/setup-native.js into build/quiet-stderr.node; optional.
 */
#include <fcntl.h>
#include <unistd.h>
#include <node_api.h>

/* silence() -> the saved descriptor (>= 0), or -1 if nothing was changed. */
static napi_value silence(napi_env env, napi_callback_info info) {
  (void)info;
  int saved = -1;
  int nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (nul >= 0) {
    saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
    if (saved >= 0 && dup2(nul, 2) < 0) { close(saved); saved = -1; }
    close(nul);
  }
  napi_value out;
  napi_create_int32(env, saved, &out);
  return out;
}

/* restore(saved): descriptor 2 is the original again; saved is closed. */
static napi_value restore(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t saved = -1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc == 1) napi_get_value_int32(env, argv[0], &saved);
  int ok = 0;
  if (saved >= 0) { ok = dup2(saved, 2) >= 0; close(saved); }
  napi_value out;
  napi_get_boolean(env, ok, &out);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value f;
  napi_create_function(env, "silence", NAPI_AUTO_LENGTH, silence, NULL, &f);
  napi_set_named_property(env, exports, "silence", f);
  napi_create_function(env, "restore", NAPI_AUTO_LENGTH, restore, NULL, &f);
  napi_set_named_property(env, exports, "restore", f);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)

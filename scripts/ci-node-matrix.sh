#!/usr/bin/env bash
# CI smoke on the Node.js lines a learner installs today (issue 31): for each version, a fresh
# clone of HEAD, a fresh `npm ci` with that Node first on the PATH, then `info`, a few training
# steps of each model kind, chapter 00 through the real tslab kernel (`npm start -- 00`) and
# chapter 03's exercise checks against the solutions. The full suite runs on the machine's own
# Node in .ci/run; this proves the rest of the lines install and train.
#
#   bash scripts/ci-node-matrix.sh            # 22 24 26
#   bash scripts/ci-node-matrix.sh 24         # one line
#
# Node binaries come from the npm registry's `node` package (the only place this machine can
# download from): `npm install node@24` puts one in node_modules/.bin. Ends with
# "node matrix: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VERSIONS=("$@")
[ ${#VERSIONS[@]} -eq 0 ] && VERSIONS=(22 24 26)
WORK=${LGPT_MATRIX_DIR:-$ROOT/out/node-matrix}
mkdir -p "$WORK"
passed=0
failed=0
start=$(date +%s)
note() { echo "[matrix $(( $(date +%s) - start ))s] $*"; }
step() { # step NAME CMD...: run, count, keep the last lines of a failure
  local name=$1; shift
  local log="$WORK/$label-$(echo "$name" | tr -c 'a-z0-9' '-').log"
  local t0=$(date +%s)
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1)); note "node $label: $name ok ($(( $(date +%s) - t0 )) s)"
  else
    failed=$((failed + 1)); note "node $label: $name FAILED ($(( $(date +%s) - t0 )) s); last lines:"; tail -15 "$log" | sed 's/^/    /'
  fi
}

for v in "${VERSIONS[@]}"; do
  label=$v
  bin="$WORK/node-$v/node_modules/.bin"
  if [ ! -x "$bin/node" ]; then
    mkdir -p "$WORK/node-$v"
    echo '{"private":true}' > "$WORK/node-$v/package.json"
    if ! (cd "$WORK/node-$v" && npm install --no-audit --no-fund --silent "node@$v" >/dev/null 2>&1); then
      failed=$((failed + 1)); note "node $v: could not install node@$v from the npm registry"; continue
    fi
  fi
  clone="$WORK/clone-$v"
  rm -rf "$clone"
  git clone -q --no-hardlinks "$ROOT" "$clone" || { failed=$((failed + 1)); note "node $v: git clone failed"; continue; }
  (
    cd "$clone" || exit 1
    passed=0; failed=0
    export PATH="$bin:$PATH"
    note "node $v: $(node --version), npm $(npm --version)"
    # Without CI set, npm ci skips the optional PyTorch install (scripts/setup-torch.js): the smoke needs none.
    step "npm ci" env -u CI npm ci --no-audit --no-fund
    step "info (native backend)" bash -c 'node bin/literate-gpt.js info --json | tee /dev/stderr | grep -q "\"native\":true"'
    step "train lm, 3 steps" node bin/literate-gpt.js train lm --preset pico --steps 3 --out out/m-lm --json
    step "train classifier, 3 steps" node bin/literate-gpt.js train classifier --train-size 32 --steps 3 --out out/m-cls --json
    step "train image, 3 steps" node bin/literate-gpt.js train image --preset pico --steps 3 --eval-images 20 --out out/m-img --json
    step "train lm on wasm, 2 steps" env LGPT_BACKEND=wasm node bin/literate-gpt.js train lm --preset pico --steps 2 --out out/m-wasm --json
    step "npm start -- 00 (tslab)" bash -c 'LGPT_FAST=1 npm start -- 00 2>&1 | tee /dev/stderr | grep -Eq "^1 passed, 0 failed"'
    step "npm run check -- 03 --solutions" npm run -s check -- 03 --solutions
    if command -v chromium >/dev/null 2>&1; then
      step "views and JupyterLab in Chromium (playwright)" node scripts/views-smoke.js --lab out/00-setup.html
    fi
    echo "$passed $failed" > "$WORK/counts-$v"
  )
  read -r p f < "$WORK/counts-$v" 2>/dev/null || { p=0; f=1; }
  passed=$((passed + p)); failed=$((failed + f))
  rm -f "$WORK/counts-$v"
  [ "${LGPT_MATRIX_KEEP:-0}" = 1 ] || rm -rf "$clone"
done
note "done"
echo "node matrix: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]

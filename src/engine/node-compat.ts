/**
 * A bridge for Node.js 23 and later, which removed the old `util.is*` type-check helpers
 * (deprecated since Node 4, DEP0044-DEP0058; gone in Node 23.0).
 *
 * `@tensorflow/tfjs-node` (and `-node-gpu`) 4.22.0 still call `util.isNullOrUndefined` in its
 * kernel backend (`getDTypes`/`executeMultipleOutputs`, the first training step reaches them)
 * and in its TopK kernel, so on Node 24 or 26 training fails with
 * `(0 , util_1.isNullOrUndefined) is not a function` while sampling works. The fix is merged
 * upstream (tensorflow/tfjs PR #8425) but not released; see issues #8609 (Node 24) and #8746
 * (Node 26). Remove this file once a tfjs-node release after 4.22.0 carries that fix.
 *
 * It also calls `util.isArray`, which Node 22+ still has but wraps in a runtime deprecation
 * (DEP0044): every process would print a DeprecationWarning a learner cannot act on. Where the
 * helper is such a wrapper (Node names it `deprecated`), it is replaced by its documented
 * equivalent, `Array.isArray`.
 *
 * tfjs-node reads the helper from the shared `util` module object at call time
 * (`(0, util_1.isNullOrUndefined)(x)`), so defining the missing helpers on that object before
 * the package is used is enough: nothing inside node_modules changes, and where Node still
 * has a helper (Node 20, 22) it is left untouched.
 */
/** The legacy helpers tfjs-node 4.22 calls, each with Node's documented semantics. */
const LEGACY_HELPERS: Readonly<Record<string, (x: unknown) => boolean>> = {
  isNullOrUndefined: (x) => x === null || x === undefined,
  isArray: (x) => Array.isArray(x),
};

/** Node's `util.deprecate` returns a wrapper function named `deprecated`. */
function isDeprecationWrapper(f: unknown): boolean {
  return typeof f === 'function' && f.name === 'deprecated';
}

/**
 * Define each legacy `util` helper that this Node lacks or only has behind a runtime deprecation.
 * Returns the names it defined (empty on Node 20). Safe to call more than once.
 */
export function bridgeLegacyUtil(target: Record<string, unknown> = require('util') as Record<string, unknown>): string[] {
  const added: string[] = [];
  for (const [name, fn] of Object.entries(LEGACY_HELPERS)) {
    if (typeof target[name] === 'function' && !isDeprecationWrapper(target[name])) continue;
    Object.defineProperty(target, name, { value: fn, writable: true, configurable: true, enumerable: false });
    added.push(name);
  }
  return added;
}

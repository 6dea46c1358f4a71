#!/usr/bin/env bash
# The notebook part of CI, on a clone where `npm ci` has run (its postinstall compiled dist/ and ran
# scripts/setup-jupyter.js). Debian packages CI installs first: chromium (static figures, lab smoke);
# python3-venv, or python3-nbclient + python3-nbconvert when no .venv can be made.
#
#   scripts/ci-notebooks.sh                  outputs check, exercise solutions, notebooks in fast mode,
#                                             the stale-prose check on them, their HTML exports in
#                                             Chromium (scripts/views-smoke.js)
#   LGPT_LAB_SMOKE=1 scripts/ci-notebooks.sh  also run 00-setup and the interactive views inside
#                                             JupyterLab in headless Chromium
#
# Every step runs even after a failure, prints its own "N passed, N failed" line, and the script
# ends with the totals and a non-zero exit code if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
step() {
  echo "== $*"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "== FAILED: $*"; fi
}

step node scripts/setup-jupyter.js                 # idempotent: link, kernelspec, .venv
step node scripts/strip-notebooks.js --check       # committed notebooks carry no outputs
step node scripts/check-exercises.js --solutions   # every exercise check passes on the solutions
step env LGPT_FAST=1 node scripts/run-notebooks.js --fast --no-prose-check
step node scripts/check-prose.js                  # stale prose: every quantity covered by a claim or marked fixed
# The exports just written, opened offline in Chromium: formulas typeset, views respond (about a minute).
if [ "${LGPT_LAB_SMOKE:-0}" = "1" ]; then
  step node scripts/views-smoke.js --lab
  step node scripts/lab-smoke.js
else
  step node scripts/views-smoke.js
fi

echo "notebook CI steps: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]

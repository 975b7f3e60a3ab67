#!/usr/bin/env bash
# Runs the browser journeys (journeys.mjs) in headless Debian Chromium against the real `sportello serve`.
#   tests/browser/run.sh <sportello binary> [repository root] [default screenshots dir]
# Exit status: 0 passed, 1 failed, 77 skipped (CTest SKIP_RETURN_CODE). A missing node, chromium or
# tests/browser/node_modules is a skip on a developer's machine and a failure in CI (CI set, not "false"):
# scripts/setup.sh --test installs all three. Screenshots go to $SPORTELLO_ARTIFACTS when set.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="${1:?usage: run.sh <sportello binary> [repository root] [screenshots dir]}"
repo="${2:-$(cd "$here/../.." && pwd)}"
shots="${3:-}"
chromium="${SPORTELLO_CHROMIUM:-/usr/bin/chromium}"

missing=()
command -v node >/dev/null || missing+=("node")
[ -x "$chromium" ] || missing+=("chromium ($chromium)")
[ -f "$here/node_modules/playwright-core/package.json" ] || missing+=("playwright-core (tests/browser/node_modules)")
if [ ${#missing[@]} -gt 0 ]; then
  list="$(printf '%s, ' "${missing[@]}")" && list="${list%, }"
  if [ -n "${CI:-}" ] && [ "${CI}" != "false" ] && [ "${CI}" != "0" ]; then
    echo "FAIL: browser tests need $list; CI=$CI, so this is a failure (run scripts/setup.sh --test)" >&2
    exit 1
  fi
  echo "SKIP: browser tests need $list; install with scripts/setup.sh --test"
  exit 77
fi
[ -x "$binary" ] || { echo "FAIL: no sportello binary at $binary" >&2; exit 1; }

exec node "$here/journeys.mjs" "$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")" "$repo" "$chromium" ${shots:+"$shots"}

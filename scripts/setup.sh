#!/usr/bin/env bash
# Installs whatever Sportello needs from Debian 12 packages, and nothing when all is there.
#   scripts/setup.sh            build dependencies (enough for `sportello serve`)
#   scripts/setup.sh --test     + what the test suites use (Debian's chromium and, in tests/browser,
#                               playwright-core from npm: `npm ci` when node_modules is missing or stale)
#   scripts/setup.sh --bench    + what bench/ compares against (wrk, nginx)
# Idempotent: asks dpkg first and calls apt-get only for what is missing. Runs as root or through sudo.
set -euo pipefail

build_pkgs=(
  g++ cmake ninja-build pkg-config ccache git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-program-options1.81-dev
  libssl-dev openssl libxml2-dev libxmlsec1-dev xmlsec1 libsqlite3-dev sqlite3 libtomlplusplus-dev zlib1g-dev
  ca-certificates
)
test_pkgs=(
  libgtest-dev libgmock-dev curl python3 clang-format
  python3-onelogin-saml2 python3-pysaml2 python3-xmlsec python3-lxml python3-requests python3-cryptography
  chromium
)
bench_pkgs=(
  libbenchmark-dev wrk nginx-light
)

want=("${build_pkgs[@]}")
with_tests=0
for arg in "$@"; do
  case "$arg" in
    --test)  want+=("${test_pkgs[@]}"); with_tests=1 ;;
    --bench) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}"); with_tests=1 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
# Google Benchmark is a build dependency of bench/ only, but CMake finds it optionally; tests need GTest.
want+=(libbenchmark-dev)
# The browser tests need Node.js and npm. Machines that already have them (e.g. from nodesource, whose
# nodejs ships npm) keep theirs: Debian's npm package would clash with it. Otherwise Debian's.
if [ $with_tests -eq 1 ] && ! command -v npm >/dev/null; then want+=(nodejs npm); fi

# The browser tests' npm packages (playwright-core only: it drives Debian's /usr/bin/chromium and never
# downloads a browser of its own). `npm ci` installs exactly package-lock.json; it runs when node_modules is
# missing or the lock differs from the one it was last installed from (a copy kept in node_modules).
browser_npm() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
  [ -f "$dir/package-lock.json" ] || return 0
  if [ -d "$dir/node_modules" ] && cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed"; then
    return 0
  fi
  # Node.js and npm are the machine's own (nodesource's nodejs ships npm; Debian's npm package would clash).
  command -v npm >/dev/null || { echo "setup.sh: npm missing, cannot install $dir/node_modules" >&2; return 1; }
  echo "setup.sh: npm ci in tests/browser"
  ( cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error )
  cp "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed"
}

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  if [ $with_tests -eq 1 ]; then browser_npm; fi
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# nginx-light's package enables and starts a system nginx on port 80; the benchmark runs its own.
if printf '%s\n' "${missing[@]}" | grep -q '^nginx'; then
  ( $SUDO systemctl disable --now nginx 2>/dev/null || $SUDO service nginx stop 2>/dev/null || true ) >/dev/null 2>&1
fi
if [ $with_tests -eq 1 ]; then browser_npm; fi
echo "setup.sh: done"

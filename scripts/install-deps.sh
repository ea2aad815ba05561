#!/usr/bin/env bash
# Installs the Debian packages civicgrid builds and runs with. Idempotent and quiet when all is present.
# Usage: scripts/install-deps.sh [--with-fuzz] [--with-browser] [--with-postgres] [--with-bench]
#   --with-fuzz      also clang and its libFuzzer/sanitizer runtimes, for `make fuzz`
#   --with-browser   also Debian's chromium and a CJK font, for the browser tests of `make test`
#   --with-postgres  also the PostgreSQL 15 server with PostGIS, which `make test` starts for the tests
#                    of the PostgreSQL store (the client library is always installed), and nginx, which
#                    `make test` runs in front of two app nodes (deploy/nginx/civicgrid.conf); nginx is
#                    installed without starting its service (the tests start their own instance)
#   --with-bench    also the peers and load tools of `make bench`: PostgreSQL 15 with PostGIS, GEOS, wrk
set -euo pipefail

with_fuzz=0
with_browser=0
with_bench=0
with_postgres=0
for arg in "$@"; do
  case "$arg" in
    --with-fuzz) with_fuzz=1 ;;
    --with-browser) with_browser=1 ;;
    --with-bench) with_bench=1 ;;
    --with-postgres) with_postgres=1 ;;
    *) echo "install-deps: unknown option '$arg' (usage: scripts/install-deps.sh [--with-fuzz] [--with-browser] [--with-postgres] [--with-bench])" >&2; exit 2 ;;
  esac
done

packages=(
  build-essential cmake pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libpq-dev libsodium-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
if [ "$with_fuzz" -eq 1 ]; then
  packages+=(clang libclang-rt-14-dev)
fi
if [ "$with_browser" -eq 1 ]; then
  # The browser tests drive Debian's chromium (never a downloaded browser build); the font draws Chinese.
  packages+=(chromium)
  if ! fc-list 2>/dev/null | grep -qi -e cjk -e wqy; then packages+=(fonts-wqy-microhei); fi
fi

if [ "$with_postgres" -eq 1 ] || [ "$with_bench" -eq 1 ]; then
  packages+=(postgresql-15 postgresql-15-postgis-3)
fi
if [ "$with_bench" -eq 1 ]; then
  # The peers measured beside civicgrid, and the HTTP load generator.
  packages+=(libgeos-dev wrk)
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for p in "${packages[@]}"; do
  if ! installed "$p"; then
    missing+=("$p")
  fi
done

# nginx: only when no nginx is there yet (Debian's package, or one on PATH).
want_nginx=0
if [ "$with_postgres" -eq 1 ] && ! installed nginx && ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  want_nginx=1
fi

# Node.js and npm build the web UI; any install that provides both commands will do.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ] && [ "$want_nginx" -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${#missing[@]} package(s): ${missing[*]}"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "$want_nginx" -eq 1 ]; then
  # Debian's package starts its service on port 80 once installed; the tests run nginx themselves. A
  # policy-rc.d answering 101 ("action forbidden") keeps the service stopped during the install; it is
  # put there only when there is none, and taken away again afterwards.
  echo "install-deps: installing nginx (its service is not started)"
  policy=/usr/sbin/policy-rc.d
  own_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# installing nginx for civicgrid tests: start no service\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 0755 "$policy"
    own_policy=1
    trap '$SUDO rm -f "$policy"' EXIT
  fi
  $SUDO apt-get install -y -qq --no-install-recommends nginx >/dev/null
  if [ "$own_policy" -eq 1 ]; then
    $SUDO rm -f "$policy"
    trap - EXIT
  fi
fi
echo "install-deps: done"

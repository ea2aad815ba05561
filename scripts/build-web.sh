#!/usr/bin/env bash
# Builds the web UI into web/dist: `npm ci` when the lockfile changed since the last install, then
# `vite build` when any source is newer than the last build. Quiet when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/../web"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "build-web: installing front-end packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

stamp=dist/index.html
if [ ! -f "$stamp" ] || [ -n "$(find src public index.html vite.config.js package-lock.json -newer "$stamp" -print -quit)" ]; then
  echo "build-web: building the web UI (vite build)"
  npm run --silent build
fi

#!/usr/bin/env bash
# Builds and starts the PERS Asset Manager. It opens on the local sandbox, a
# PERS-compatible demo server that runs inside the app, so no account or
# network is needed. Extra arguments are passed to cargo run.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/setup.sh"
cd "$repo"
echo "run: building and starting the app (the first build can take 20 minutes or more)"
exec cargo run --quiet -p pers-asset-manager "$@"

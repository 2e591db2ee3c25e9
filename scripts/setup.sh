#!/usr/bin/env bash
# Installs what building and testing the app needs on Debian 12: system packages,
# npm dependencies of the UI, and the built UI. Safe to run again: each step is
# skipped when its result is present.
#
# Usage: scripts/setup.sh [--for-tests]
#   --for-tests  also installs the GUI test tools (Xvfb, WebKitWebDriver, tauri-driver)
#                and a Secret Service (dbus, gnome-keyring) for the keychain test
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for_tests=0
[[ "${1-}" == "--for-tests" ]] && for_tests=1

# cmake builds the bundled libheif, which decodes HEIC with libde265 and AVIF with dav1d or libaom.
packages=(libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev librsvg2-dev libturbojpeg0-dev
  cmake libde265-dev libdav1d-dev libaom-dev curl file)
if [[ $for_tests -eq 1 ]]; then
  packages+=(xvfb xauth webkit2gtk-driver imagemagick libimage-exiftool-perl libvips-tools dbus gnome-keyring)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup: installing system packages: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

for tool in cargo node npm; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is missing; install Rust (rustup) and Node.js 20 or newer first" >&2; exit 1; }
done

cd "$repo/ui"
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: installing UI dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "setup: building the UI"
npm run --silent build

if [[ $for_tests -eq 1 ]]; then
  tools="$repo/target/tools"
  if [[ ! -x "$tools/bin/tauri-driver" ]]; then
    echo "setup: installing tauri-driver into $tools"
    cargo install tauri-driver --version 2.1.0 --locked --root "$tools" --quiet
  fi
fi

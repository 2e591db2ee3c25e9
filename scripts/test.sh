#!/usr/bin/env bash
# Runs every check and test of the project: formatting, clippy, the Rust tests
# of every crate (sandbox, API client, imaging, transfer, library, shell), the
# UI tests, the "remember me" test against a real Secret Service, and the GUI
# end-to-end tests of the real app under Xvfb.
#
# Screenshots and logs of the GUI test go to target/e2e-artifacts.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/setup.sh" --for-tests
cd "$repo"

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all crates, all targets, warnings are errors)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "UI tests (vitest)"
(cd ui && npm test --silent)

step "Rust tests"
# The shell crate has integration tests, so this also builds target/debug/pers-asset-manager,
# with the same features as the tests: the GUI step below then rebuilds nothing.
cargo test --workspace --quiet

step "OS keychain test (gnome-keyring on a private D-Bus session bus)"
"$repo/scripts/secret-service-test.sh"

step "GUI end-to-end test (the real app under Xvfb, over WebDriver)"
export PERS_E2E_APP="${CARGO_TARGET_DIR:-$repo/target}/debug/pers-asset-manager"
export PERS_E2E_TAURI_DRIVER="$repo/target/tools/bin/tauri-driver"
export PERS_E2E_ARTIFACTS="$repo/target/e2e-artifacts"
xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test --workspace --quiet --test gui -- --ignored --test-threads=1

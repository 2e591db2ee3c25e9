#!/usr/bin/env bash
# Runs the tests that need a real Secret Service against gnome-keyring-daemon on a private
# D-Bus session bus, with a new login keyring in a temporary folder, unlocked with a
# throwaway password: the shell's "remember me" round trip
# (keychain::tests::os_keychain_round_trips) and parallel pers-assets commands on one
# keychain session (keychain_parallel_commands).
#
# Needs the Debian packages dbus (dbus-run-session, dbus-send) and gnome-keyring. Builds the
# shell crate (pers-asset-manager) for its unit tests. Fails when a test is skipped, so a
# missing Secret Service cannot pass unnoticed.
#
# Usage: scripts/secret-service-test.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Seconds to wait for the daemon to own org.freedesktop.secrets on the bus.
startup_timeout_secs=10

if [[ -z "${PERS_SECRET_SERVICE_BUS-}" ]]; then
  for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null; then
      echo "secret-service-test: $tool is missing; install the Debian packages dbus and gnome-keyring" >&2
      exit 1
    fi
  done
  # Re-run this script inside a private session bus, which ends with the script.
  exec env PERS_SECRET_SERVICE_BUS=1 dbus-run-session -- "$0" "$@"
fi

keyring_home="$(mktemp -d)"
daemon_pid=""
cleanup() {
  if [[ -n "$daemon_pid" ]]; then
    kill "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  rm -rf "$keyring_home"
}
trap cleanup EXIT

# The daemon keeps its keyrings under XDG_DATA_HOME and its control socket under
# XDG_RUNTIME_DIR. Both point into the temporary folder, so the user's own keyrings are
# untouched. --unlock reads the password of the login keyring from stdin and creates that
# keyring when it does not exist, as the default collection.
mkdir -p "$keyring_home/data" "$keyring_home/run"
chmod 700 "$keyring_home/run"
printf '%s' "throwaway-test-password" |
  HOME="$keyring_home" XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run" \
    gnome-keyring-daemon --foreground --unlock --components=secrets >"$keyring_home/daemon.log" 2>&1 &
daemon_pid=$!

secret_service_ready() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
    grep -q "boolean true"
}

for ((tenth = 0; tenth < startup_timeout_secs * 10; tenth++)); do
  secret_service_ready && break
  if ! kill -0 "$daemon_pid" 2>/dev/null; then
    echo "secret-service-test: gnome-keyring-daemon exited at startup:" >&2
    cat "$keyring_home/daemon.log" >&2
    exit 1
  fi
  sleep 0.1
done
if ! secret_service_ready; then
  echo "secret-service-test: no Secret Service on the bus after ${startup_timeout_secs} s:" >&2
  cat "$keyring_home/daemon.log" >&2
  exit 1
fi

cd "$repo"
# Runs one test by its exact name with the cargo target options before it, and fails when it
# did not run and pass. `--workspace` resolves the same features as the test command's full
# run, so nothing is rebuilt.
run_exact() {
  local test_name="$1"
  shift
  local output="$keyring_home/test-output.txt"
  PERS_SECRET_SERVICE_TEST=1 cargo test --workspace "$@" -- \
    --exact "$test_name" --nocapture 2>&1 | tee "$output"
  if grep -q "^skipped:" "$output" || ! grep -q "test $test_name ... ok" "$output"; then
    echo "secret-service-test: $test_name did not run against the Secret Service" >&2
    exit 1
  fi
}

run_exact keychain::tests::os_keychain_round_trips --lib
run_exact keychain_parallel_commands --test network

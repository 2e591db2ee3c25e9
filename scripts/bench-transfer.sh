#!/usr/bin/env bash
# Measures uploads and the gallery against one local sandbox in one run, and prints each
# figure with its target:
#   (a) One large file, at 256 MiB and 1 GiB, sent by pers-transfer (the streaming PUT the
#       core uses) and by `curl -T` to a signed PUT URL of the same store. Peak RSS is ours.
#   (b) 1,000 PDFs of 20 KiB, sent by `pers-assets upload --concurrency 8` (the whole
#       pipeline) and by pers-transfer alone. The references are `xargs -P 8 curl -T` and a
#       sequential curl loop over pre-signed URLs.
#   (c) A gallery of 500 JPEGs, listed by `pers-assets ls` in a new data dir (which downloads
#       and makes every thumbnail), then again (cached).
#
# Usage: scripts/bench-transfer.sh [PARTS]
#   PARTS picks the cases by letter, for example `b` or `ac` (default `abc`).
#   BENCH_TMPDIR=DIR puts the test data and the sandbox's store under DIR (default: mktemp's
#   folder), for example /dev/shm to keep the disk's file creation out of the figures.
#
# Needs curl, jq and GNU time (`apt-get install curl jq time`). Builds pers-assets and the
# helper example `bench_transfer` in release mode under CARGO_TARGET_DIR (default target/).
# Test data (about 2.6 GiB, most of it the large files and their stored copies) is kept in
# a temporary folder that is deleted at the end, also on failure.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
parts="${1:-abc}"
target="${CARGO_TARGET_DIR:-$repo/target}"
for tool in curl jq /usr/bin/time; do
    command -v "$tool" >/dev/null || {
        echo "bench-transfer: $tool not found: apt-get install curl jq time" >&2
        exit 1
    }
done

cargo build --quiet --release --manifest-path "$repo/Cargo.toml" -p pers-cli \
    --bin pers-assets --example bench_transfer
cli="$target/release/pers-assets"
helper="$target/release/examples/bench_transfer"

work="$(mktemp -d -p "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}")"
sandbox_pid=""
cleanup() {
    if [ -n "$sandbox_pid" ]; then
        kill "$sandbox_pid" 2>/dev/null || true
        wait "$sandbox_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
# A failed measurement sends TERM from its subshell; exiting runs the cleanup.
trap 'exit 1' TERM

echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(uname -sr)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "test data and store in: $(df --output=fstype "$work" | tail -n 1) ($work)"
echo "load before: $(uptime)"

"$helper" serve --data-dir "$work/sandbox" --info "$work/info.json" &
sandbox_pid=$!
for _ in $(seq 100); do
    [ -s "$work/info.json" ] && break
    sleep 0.1
done
[ -s "$work/info.json" ] || { echo "bench-transfer: the sandbox did not start" >&2; exit 1; }
info="$work/info.json"

export PERS_CLI_SESSION_STORE=env
export PERS_CLI_DATA_DIR="$work/cli"
PERS_CLI_SESSION="$("$cli" --env "$(jq -r .base_url "$info")" \
    --project-key "$(jq -r .project_key "$info")" login \
    --email "$(jq -r '.accounts[] | select(.kind == "tenant") | .email' "$info")" \
    --password "$(jq -r '.accounts[] | select(.kind == "tenant") | .password' "$info")" \
    2>/dev/null | sed -n 's/^PERS_CLI_SESSION=//p')"
export PERS_CLI_SESSION
mapfile -t campaigns < <("$cli" entities campaign | cut -f1)
[ "${#campaigns[@]}" -ge 3 ] || { echo "bench-transfer: fewer than 3 campaigns" >&2; exit 1; }

# Runs the command under GNU time and prints "SECONDS PEAK_MIB". A failing command stops the
# run, because its time would not be comparable and no ratio may be printed from it.
measure() {
    if ! /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null; then
        echo "bench-transfer: $1 failed (its arguments may contain signed URLs, so they are not shown); stopping" >&2
        kill -TERM "$$"
        exit 1
    fi
    tail -n 1 "$work/time" | awk '{printf "%s %.1f\n", $1, $2 / 1024}'
}

# Prints "NUMERATOR / DENOMINATOR" with three decimals.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'
}

curl_put() {
    curl -sS -f -o /dev/null -H 'Content-Type: application/octet-stream' -T "$1" "$2"
}

if [[ "$parts" == *a* ]]; then
    # Writes of the case before, still being flushed, would slow the store down in this one.
    sync
    echo
    echo "(a) one large file, pers-transfer put_file against curl -T (best of 3 runs each)"
    for size in 256M 1G; do
        mkdir -p "$work/large/ours" "$work/large/curl"
        head -c "$size" /dev/urandom >"$work/large/ours/large-$size.bin"
        ln "$work/large/ours/large-$size.bin" "$work/large/curl/curl-large-$size.bin"
        read -r curl_path curl_url < <("$helper" presign --info "$info" \
            --entity "campaign/${campaigns[0]}" --dir "$work/large/curl")
        best_ours="" best_curl="" peak_ours=0
        for _ in 1 2 3; do
            read -r seconds peak < <(measure "$helper" put --info "$info" \
                --entity "campaign/${campaigns[0]}" --file "$work/large/ours/large-$size.bin")
            best_ours="$(awk -v a="$seconds" -v b="${best_ours:-$seconds}" 'BEGIN {print (a < b) ? a : b}')"
            peak_ours="$(awk -v a="$peak" -v b="$peak_ours" 'BEGIN {print (a > b) ? a : b}')"
            read -r seconds _ < <(measure curl -sS -f -o /dev/null \
                -H 'Content-Type: application/octet-stream' -T "$curl_path" "$curl_url")
            best_curl="$(awk -v a="$seconds" -v b="${best_curl:-$seconds}" 'BEGIN {print (a < b) ? a : b}')"
        done
        echo "  $size: ours ${best_ours}s, curl ${best_curl}s, ratio $(ratio "$best_ours" "$best_curl") (target <= 1.15), ours peak ${peak_ours} MiB (target <= 64)"
        rm -rf "$work/large"
    done

fi

if [[ "$parts" == *b* ]]; then
    # Writes of the case before, still being flushed, would slow the store down in this one.
    sync
    echo
    echo "(b) 1,000 PDFs of 20 KiB"
    "$helper" make-pdfs --dir "$work/small/cli" --count 1000 --bytes 20480
    # The sandbox's store (s3s-fs) takes about twice the CPU time for its first 2,000 or so
    # objects after a start as for later ones. Whichever contender ran first paid for it, so
    # 2,000 untimed PUTs of other files bring the store to its steady state before any timing.
    "$helper" make-pdfs --dir "$work/small/warm-up" --count 2000 --bytes 20480 --first 1000
    "$helper" presign --info "$info" --entity "campaign/${campaigns[1]}" \
        --dir "$work/small/warm-up" >"$work/small/warm-up.list"
    "$helper" put-many --list "$work/small/warm-up.list" --concurrency 8 >/dev/null
    for copy in transfer xargs loop; do
        mkdir -p "$work/small/$copy"
        for file in "$work/small/cli"/*.pdf; do
            ln "$file" "$work/small/$copy/$copy-$(basename "$file")"
        done
        "$helper" presign --info "$info" --entity "campaign/${campaigns[1]}" \
            --dir "$work/small/$copy" >"$work/small/$copy.list"
    done
    read -r cli_seconds cli_peak < <(measure "$cli" upload "campaign/${campaigns[1]}" \
        --concurrency 8 "$work/small/cli"/*.pdf)
    read -r transfer_seconds transfer_peak < <(measure "$helper" put-many \
        --list "$work/small/transfer.list" --concurrency 8)
    read -r xargs_seconds _ < <(measure xargs -P 8 -n 2 -a "$work/small/xargs.list" \
        curl -sS -f -o /dev/null -H 'Content-Type: application/octet-stream' -T)
    sequential() {
        while read -r path url; do curl_put "$path" "$url"; done <"$1"
    }
    export -f curl_put sequential
    read -r loop_seconds _ < <(measure bash -c 'sequential "$0"' "$work/small/loop.list")
    echo "  pers-assets upload: ${cli_seconds}s, peak ${cli_peak} MiB"
    echo "  pers-transfer alone: ${transfer_seconds}s, peak ${transfer_peak} MiB"
    echo "  xargs -P 8 curl: ${xargs_seconds}s; sequential curl: ${loop_seconds}s"
    echo "  pers-assets / xargs: $(ratio "$cli_seconds" "$xargs_seconds") (target <= 1.0)"
    echo "  pers-transfer / xargs: $(ratio "$transfer_seconds" "$xargs_seconds") (target <= 1.0)"
    echo "  sequential / pers-assets: $(ratio "$loop_seconds" "$cli_seconds") (target >= 5)"
    echo "  sequential / pers-transfer: $(ratio "$loop_seconds" "$transfer_seconds") (target >= 5)"
    rm -rf "$work/small"

fi

if [[ "$parts" == *c* ]]; then
    # Writes of the case before, still being flushed, would slow the store down in this one.
    sync
    echo
    echo "(c) gallery of 500 JPEGs (640x480)"
    "$helper" make-images --dir "$work/gallery" --count 500
    read -r seconds _ < <(measure "$cli" upload "campaign/${campaigns[2]}" --concurrency 8 \
        "$work/gallery"/*.jpg)
    echo "  uploading them: ${seconds}s"
    export PERS_CLI_DATA_DIR="$work/cli-fresh"
    read -r first_seconds first_peak < <(measure "$cli" ls "campaign/${campaigns[2]}")
    read -r cached_seconds _ < <(measure "$cli" ls "campaign/${campaigns[2]}")
    listed="$("$cli" ls "campaign/${campaigns[2]}" | wc -l)"
    echo "  $listed assets listed; first open ${first_seconds}s (target <= 3), peak ${first_peak} MiB; cached ${cached_seconds}s (target <= 0.2)"

fi

echo
echo "load after: $(uptime)"

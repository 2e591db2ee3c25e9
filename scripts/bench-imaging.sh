#!/usr/bin/env bash
# Compares `pers-assets prepare` with libvips' `vipsthumbnail` and ImageMagick's
# `convert -resize` on the same inputs in one run, and prints each wall-time ratio
# (ours divided by theirs: below 1 means ours is faster) and each tool's peak memory.
#
# Usage: scripts/bench-imaging.sh [RUNS]
#   RUNS  timed runs per case, the median is reported (default 5)
#
# Inputs are made in a temporary folder from the shared corpus (../shared/corpus beside
# the repository): a 24 MP JPEG (6000x4000) upscaled from a 12 MP photo with libvips, and
# the corpus' 12 MP photo. Needs libvips-tools, imagemagick and GNU time
# (`apt-get install libvips-tools imagemagick time`). Builds pers-assets in release mode.
set -euo pipefail

runs="${1:-5}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="$repo/../shared/corpus"
magick=/usr/bin/convert
for tool in vipsthumbnail vips "$magick" /usr/bin/time; do
    command -v "$tool" >/dev/null || {
        echo "bench-imaging: $tool not found: apt-get install libvips-tools imagemagick time" >&2
        exit 1
    }
done
[ -d "$corpus" ] || { echo "bench-imaging: corpus not found at $corpus" >&2; exit 1; }

cargo build --quiet --release -p pers-cli --manifest-path "$repo/Cargo.toml"
ours="$repo/target/release/pers-assets"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
photo12="$corpus/real/exif-samples/42_IndexError.jpg"
vips resize "$photo12" "$work/photo24.jpg[Q=90]" 1.4881 >/dev/null
photo24="$work/photo24.jpg"

# Prints the median wall time in seconds of RUNS runs of the command, then its peak RSS
# in MiB, separated by a space.
measure() {
    local times=() peak=0 line seconds kib
    for _ in $(seq "$runs"); do
        line="$(/usr/bin/time -f '%e %M' "$@" 2>&1 >/dev/null | tail -n 1)"
        seconds="${line% *}"
        kib="${line#* }"
        times+=("$seconds")
        (( kib > peak )) && peak=$kib
    done
    local median
    median="$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")"
    echo "$median $(( peak / 1024 ))"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

report() {
    local name="$1" edge="$2" input="$3"
    local o v m
    o="$(measure "$ours" prepare "$input" -o "$work/ours.jpg" --max-edge "$edge" --quality 85)"
    v="$(measure vipsthumbnail "$input" --size "$edge" -o "$work/vips.jpg[Q=85,strip]")"
    m="$(measure "$magick" "$input" -resize "${edge}x${edge}" -quality 85 -strip "$work/magick.jpg")"
    printf '%-28s ours %6ss %4s MiB | vips %6ss %4s MiB | magick %6ss %4s MiB | ours/vips %s, ours/magick %s\n' \
        "$name" "${o% *}" "${o#* }" "${v% *}" "${v#* }" "${m% *}" "${m#* }" \
        "$(ratio "${o% *}" "${v% *}")" "$(ratio "${o% *}" "${m% *}")"
}

echo "machine: $(nproc) cores, $(awk '/model name/ { sub(/.*: /, ""); print; exit }' /proc/cpuinfo)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tools: $(vips --version), $($magick -version | head -n 1), runs per case: $runs (median)"
report "24 MP JPEG -> 1600 px q85" 1600 "$photo24"
report "24 MP JPEG -> 256 px q85" 256 "$photo24"
report "12 MP JPEG -> 1600 px q85" 1600 "$photo12"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

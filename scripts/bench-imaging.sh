#!/usr/bin/env bash
# Compares `pers-assets prepare` with libvips' `vipsthumbnail` and ImageMagick's
# `convert -resize` on the same inputs in one run, and prints each wall-time ratio
# (ours divided by theirs: below 1 means ours is faster) and each tool's peak memory.
# Then it times a batch of 50 photos (12-24 MP) run two at a time with `xargs -P 2`, and
# prints the SSIM of each of our outputs against libvips' Lanczos output of the same size.
#
# Usage: scripts/bench-imaging.sh [RUNS]
#   RUNS  timed runs per case, the median is reported (default 5)
#
# Inputs are made in a temporary folder from the shared corpus (../shared/corpus beside
# the repository, or $PERS_IMAGING_CORPUS when set): a 27 MP JPEG (6000x4500, the 24 MP
# case) upscaled from a 12 MP photo with libvips, and the corpus' 12 MP photo. The batch is
# made from three corpus photos resized with `vips resize` to 12, 12.2, ... 24 MP, so no two
# are alike. Needs libvips-tools, imagemagick and GNU time
# (`apt-get install libvips-tools imagemagick time`). Builds
# pers-assets and the `ssim` example of pers-imaging in release mode.
set -euo pipefail

runs="${1:-5}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="${PERS_IMAGING_CORPUS:-$repo/../shared/corpus}"
magick=/usr/bin/convert
for tool in vipsthumbnail vips "$magick" /usr/bin/time; do
    command -v "$tool" >/dev/null || {
        echo "bench-imaging: $tool not found: apt-get install libvips-tools imagemagick time" >&2
        exit 1
    }
done
[ -d "$corpus" ] || { echo "bench-imaging: corpus not found at $corpus" >&2; exit 1; }

cargo build --quiet --release -p pers-cli --manifest-path "$repo/Cargo.toml"
cargo build --quiet --release -p pers-imaging --example ssim --manifest-path "$repo/Cargo.toml"
target="${CARGO_TARGET_DIR:-$repo/target}"
ours="$target/release/pers-assets"
ssim="$target/release/examples/ssim"

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

# Prints two SSIM values of OURS against libvips' output of INPUT at the same size, both
# JPEG at quality 85. The first reference is `vips thumbnail --size force`, which may decode
# a JPEG at a reduced scale before its Lanczos3 step, and then drops the half pixel an odd
# side leaves. The second is `vips resize` with the Lanczos3 kernel, which decodes at full
# size (libvips 8.14 still box-shrinks by an integer factor first when the scale allows).
similarity() {
    local input="$1" ours_output="$2" reference="$work/reference.jpg"
    local width height in_width in_height
    width="$(vipsheader -f width "$ours_output")"
    height="$(vipsheader -f height "$ours_output")"
    vips thumbnail "$input" "$reference[Q=85,strip]" "$width" --height "$height" --size force
    local thumbnail_ssim
    thumbnail_ssim="$("$ssim" "$ours_output" "$reference")"
    in_width="$(vipsheader -f width "$input")"
    in_height="$(vipsheader -f height "$input")"
    vips resize "$input" "$reference[Q=85,strip]" \
        "$(awk -v a="$width" -v b="$in_width" 'BEGIN { printf "%.10f", a / b }')" \
        --vscale "$(awk -v a="$height" -v b="$in_height" 'BEGIN { printf "%.10f", a / b }')" \
        --kernel lanczos3
    if [ "$(vipsheader -f width "$reference")x$(vipsheader -f height "$reference")" != "${width}x${height}" ]; then
        echo "$thumbnail_ssim n/a"
        return
    fi
    echo "$thumbnail_ssim $("$ssim" "$ours_output" "$reference")"
}

report() {
    local name="$1" edge="$2" input="$3"
    local o v m
    o="$(measure "$ours" prepare "$input" -o "$work/ours.jpg" --max-edge "$edge" --quality 85)"
    v="$(measure vipsthumbnail "$input" --size "$edge" -o "$work/vips.jpg[Q=85,strip]")"
    m="$(measure "$magick" "$input" -resize "${edge}x${edge}" -quality 85 -strip "$work/magick.jpg")"
    local similarities
    similarities="$(similarity "$input" "$work/ours.jpg")"
    printf '%-28s ours %6ss %4s MiB | vips %6ss %4s MiB | magick %6ss %4s MiB | ours/vips %s, ours/magick %s | SSIM %s (vips resize %s)\n' \
        "$name" "${o% *}" "${o#* }" "${v% *}" "${v#* }" "${m% *}" "${m#* }" \
        "$(ratio "${o% *}" "${v% *}")" "$(ratio "${o% *}" "${m% *}")" \
        "${similarities% *}" "${similarities#* }"
}

# Makes 50 photos of 12 to 24 MP in $work/batch from three corpus photos.
make_batch() {
    local sources=(
        "$corpus/real/exif-samples/42_IndexError.jpg"
        "$corpus/real/exif-samples/HMD_Nokia_8.3_5G.jpg"
        "$corpus/real/exif-samples/67-0_length_string.jpg"
    )
    mkdir -p "$work/batch" "$work/batch-ours" "$work/batch-vips"
    local i source pixels scale
    for i in $(seq 0 49); do
        source="${sources[i % 3]}"
        pixels=$(( $(vipsheader -f width "$source") * $(vipsheader -f height "$source") ))
        scale="$(awk -v i="$i" -v p="$pixels" 'BEGIN { printf "%.4f", sqrt((12 + 12 * i / 49) * 1e6 / p) }')"
        vips resize "$source" "$work/batch/photo$i.jpg[Q=90]" "$scale" >/dev/null
    done
}

# Times the batch through ours and vipsthumbnail, two files at a time, 1600 px at q85.
report_batch() {
    local o v
    o="$(cd "$work/batch" && measure sh -c "ls | xargs -P 2 -I{} '$ours' prepare {} -o '$work/batch-ours/{}' --max-edge 1600 --quality 85")"
    v="$(cd "$work/batch" && measure sh -c "ls | xargs -P 2 -I{} vipsthumbnail {} --size 1600 -o '$work/batch-vips/%s.jpg[Q=85,strip]'")"
    printf '%-28s ours %6ss %4s MiB | vips %6ss %4s MiB | ours/vips %s\n' \
        "50 photos 12-24 MP, 2 at once" "${o% *}" "${o#* }" "${v% *}" "${v#* }" \
        "$(ratio "${o% *}" "${v% *}")"
    local lowest=1 lowest_resize=1 below=0 file values
    for file in "$work"/batch-ours/*.jpg; do
        values="$(similarity "$work/batch/$(basename "$file")" "$file")"
        lowest="$(awk -v a="$lowest" -v b="${values% *}" 'BEGIN { print (b < a) ? b : a }')"
        lowest_resize="$(awk -v a="$lowest_resize" -v b="${values#* }" 'BEGIN { print (b != "n/a" && b < a) ? b : a }')"
        below=$(( below + $(awk -v b="${values% *}" 'BEGIN { print (b < 0.97) ? 1 : 0 }') ))
    done
    echo "batch: lowest SSIM of the 50 outputs against vips thumbnail: $lowest ($below below 0.97), against vips resize: $lowest_resize (target >= 0.97)"
}

echo "machine: $(nproc) cores, $(awk '/model name/ { sub(/.*: /, ""); print; exit }' /proc/cpuinfo)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tools: $(vips --version), $($magick -version | head -n 1), runs per case: $runs (median)"
report "24 MP JPEG -> 1600 px q85" 1600 "$photo24"
report "24 MP JPEG -> 256 px q85" 256 "$photo24"
report "12 MP JPEG -> 1600 px q85" 1600 "$photo12"
make_batch
report_batch
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Makes the decode and pipeline benchmarks' inputs with the ffmpeg command (Debian's package: libx264):
# H.264 High profile with B-frames (x264's defaults, CRF 23) of FFmpeg's moving testsrc2 pattern, 30 frames/s,
#   DIR/h264_720p.mp4   1280x720,  FRAMES frames
#   DIR/h264_1080p.mp4  1920x1080, FRAMES frames
# Usage: scripts/make-bench-videos.sh [DIR (default bench/target/media)] [FRAMES (default 128)]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-bench/target/media}
frames=${2:-128}
mkdir -p "$dir"
for size in 1280x720:720p 1920x1080:1080p; do
  ffmpeg -v error -nostdin -y -f lavfi -i "testsrc2=size=${size%%:*}:rate=30" -frames:v "$frames" \
    -c:v libx264 -preset medium -crf 23 -pix_fmt yuv420p -movflags +faststart "$dir/h264_${size##*:}.mp4"
done
ls -l "$dir"

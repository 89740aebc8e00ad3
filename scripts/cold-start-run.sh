#!/usr/bin/env bash
# Runs on the GPU machine (from the repository root, with devicerun/ from scripts/prepare-device-run.sh): what the
# first OpenCL clip of a process costs. Each step is a new JVM timing one clip with no warm-up (EndToEndBenchmark
# --runs 1 --warmup 0), so its "ms per call" includes building or loading the OpenCL programs; "process wall" adds
# the JVM start, model load and backend open. Both caches start empty in fresh directories:
#   1 cold          our program cache and the driver's JIT cache empty (a new user's first run)
#   2 warm          both caches as step 1 left them (every later run)
#   3 ours only     our program cache warm, the driver's cache off (CUDA_CACHE_DISABLE=1)
#   4 no cache      our cache off, the driver's cache off (what every run would pay without caches)
# Environment: BATCH=1 FRAMES=16.
set -u
OUT=${OUT:-/tmp}
source scripts/device-env.sh
ours=$(mktemp -d /tmp/autogaze-cl-cache.XXXX)
driver=$(mktemp -d /tmp/nv-compute-cache.XXXX)
first_clip() {
  local label=$1
  shift
  local start end
  start=$(date +%s%N)
  env "$@" "${JAVA[@]}" -cp "$D/lib/*" io.autogaze4j.bench.EndToEndBenchmark --model "$D/fixtures/model_k10" \
    --backend opencl --batch "${BATCH:-1}" --frames "${FRAMES:-16}" --runs 1 --warmup 0 2>&1 | grep -v '^WARNING: Using incubator'
  end=$(date +%s%N)
  echo "== $label: process wall $(( (end - start) / 1000000 )) ms"
}
first_clip "1 cold" AUTOGAZE_OPENCL_CACHE="$ours" CUDA_CACHE_PATH="$driver"
first_clip "2 warm" AUTOGAZE_OPENCL_CACHE="$ours" CUDA_CACHE_PATH="$driver"
first_clip "3 ours only" AUTOGAZE_OPENCL_CACHE="$ours" CUDA_CACHE_DISABLE=1
first_clip "4 no cache" AUTOGAZE_OPENCL_CACHE=off CUDA_CACHE_DISABLE=1
ls -l "$ours"
du -sh "$driver"

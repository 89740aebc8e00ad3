#!/usr/bin/env bash
# Runs on the GPU machine (from the repository root, with devicerun/ from scripts/prepare-device-run.sh): what the
# first OpenCL clip of a process costs. Each step is a new JVM timing one clip with no warm-up (EndToEndBenchmark
# --runs 1 --warmup 0), so its "ms per call" includes waiting for the OpenCL programs still building or loading (the
# builds start in the background when the model loads, before the timed call); "process wall" adds the JVM start,
# model load and backend open, and so every build. Each build from source logs two INFO lines, "building OpenCL
# program ..." and "built OpenCL program ... in N ms". Caches start empty in fresh directories:
#   1 cold          our program cache and the driver's JIT cache empty (a new user's first run)
#   2 warm          both caches as step 1 left them (every later run)
#   3 ours only     our program cache warm, the driver's cache off (CUDA_CACHE_DISABLE=1)
#   4 no cache      our cache off, the driver's cache off (what every run would pay without caches)
#   5 cold, serial  as 1 on new empty caches, with -Dautogaze.opencl.prebuild=off: each program built when first
#                   used, one at a time (the A/B of the background builds; its "built ... in N ms" lines are the
#                   per-program build times on this driver)
#   6 cold, less unrolling (only with UNROLL_AB=1): as 1 on new empty caches with the decoder's k loops unrolled less
#                   (-D K_UNROLL=4 -D LOGIT_UNROLL=1): compile time only; run time needs the throughput benchmark
# Environment: BATCH=1 FRAMES=16 UNROLL_AB=0.
set -u
OUT=${OUT:-/tmp}
source scripts/device-env.sh
ours=$(mktemp -d /tmp/autogaze-cl-cache.XXXX)
driver=$(mktemp -d /tmp/nv-compute-cache.XXXX)
# first_clip LABEL [-Dproperty=value ...] [VAR=value ...]: one new JVM, one clip; properties go to the JVM, the rest to env
first_clip() {
  local label=$1
  shift
  local props=()
  while [ $# -gt 0 ] && [[ $1 == -D* ]]; do
    props+=("$1")
    shift
  done
  local start end
  start=$(date +%s%N)
  env "$@" "${JAVA[@]}" "${props[@]}" -cp "$D/lib/*" io.autogaze4j.bench.EndToEndBenchmark \
    --model "$D/fixtures/model_k10" --backend opencl --batch "${BATCH:-1}" --frames "${FRAMES:-16}" --runs 1 \
    --warmup 0 2>&1 | grep -v '^WARNING: Using incubator'
  end=$(date +%s%N)
  echo "== $label: process wall $(( (end - start) / 1000000 )) ms"
}
first_clip "1 cold" AUTOGAZE_OPENCL_CACHE="$ours" CUDA_CACHE_PATH="$driver"
first_clip "2 warm" AUTOGAZE_OPENCL_CACHE="$ours" CUDA_CACHE_PATH="$driver"
first_clip "3 ours only" AUTOGAZE_OPENCL_CACHE="$ours" CUDA_CACHE_DISABLE=1
first_clip "4 no cache" AUTOGAZE_OPENCL_CACHE=off CUDA_CACHE_DISABLE=1
first_clip "5 cold, one build at a time" -Dautogaze.opencl.prebuild=off \
  AUTOGAZE_OPENCL_CACHE="$(mktemp -d /tmp/autogaze-cl-cache.XXXX)" CUDA_CACHE_PATH="$(mktemp -d /tmp/nv-compute-cache.XXXX)"
if [ "${UNROLL_AB:-0}" = 1 ]; then
  first_clip "6 cold, less unrolling" "-Dautogaze.opencl.options=-D K_UNROLL=4 -D LOGIT_UNROLL=1" \
    AUTOGAZE_OPENCL_CACHE="$(mktemp -d /tmp/autogaze-cl-cache.XXXX)" CUDA_CACHE_PATH="$(mktemp -d /tmp/nv-compute-cache.XXXX)"
fi
ls -l "$ours"
du -sh "$driver"

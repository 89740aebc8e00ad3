#!/usr/bin/env bash
# Runs on the GPU machine (from the repository root, with devicerun/ from scripts/prepare-device-run.sh): what the
# first OpenCL clip of a process costs. Each step is a new JVM timing one clip with no warm-up (EndToEndBenchmark
# --runs 1 --warmup 0), so its "ms per call" includes waiting for the OpenCL programs it needs that are still building
# or loading (the builds start in the background when the run shows it needs them: ops, step and narrow row kernels
# when the model loads, before the timed call; the tiled attention when a session of 2+ rows opens; the stand-in and
# wide row kernels at the first call of 256+ rows); "process wall" adds the JVM start, model load and backend open, and
# the end of every build started (closing waits for them, so that they reach the cache; a batch-1 run starts neither
# the tiled nor the wide build). Each build from source logs "building OpenCL program ..." and "built OpenCL program
# ... in N ms"; a decoder call of 256+ rows that runs on the stand-in row kernels while the wide build finishes logs
# "... is building in the background". Caches start empty in fresh directories:
#   1 cold          our program cache and the driver's JIT cache empty (a new user's first run), batch 1
#   2 warm          both caches as step 1 left them (every later run)
#   3 ours only     our program cache warm, the driver's cache off (CUDA_CACHE_DISABLE=1)
#   4 no cache      our cache off, the driver's cache off (what every run would pay without caches)
#   5 cold, serial  as 1 on new empty caches, with -Dautogaze.opencl.prebuild=off: each program built when first
#                   used, one at a time (the A/B of the background builds; a batch-1 run never builds the wide row
#                   kernels)
#   6 cold, batch 8 as 1 on new empty caches with BATCH8 (8) rows: prefills of 8 x 206 rows, which take the wide row
#                   kernels, or the stand-in ones while the wide build finishes
#   7 warm, batch 8 both caches as step 6 left them
#   8 cold, less unrolling (only with UNROLL_AB=1): as 1 on new empty caches with the decoder's k loops unrolled less
#                   (-D K_UNROLL=4 -D LOGIT_UNROLL=1): compile time only; run time needs the throughput benchmark
#   9 cold, all at load (only with ALL_AB=1): as 1 on new empty caches with -Dautogaze.opencl.prebuild=all: every
#                   program started when the model loads, the wide one included (the A/B of starting builds by need)
# Per-program compile times without whole runs: scripts/build-times-run.sh.
# Environment: BATCH=1 FRAMES=16 BATCH8=8 (0: skip steps 6 and 7) UNROLL_AB=0 ALL_AB=0.
set -u
OUT=${OUT:-/tmp}
source scripts/device-env.sh
ours=$(mktemp -d /tmp/autogaze-cl-cache.XXXX)
driver=$(mktemp -d /tmp/nv-compute-cache.XXXX)
# first_clip LABEL ROWS [-Dproperty=value ...] [VAR=value ...]: one new JVM, one clip of ROWS rows; properties go to
# the JVM, the rest to env
first_clip() {
  local label=$1 rows=$2
  shift 2
  local props=()
  while [ $# -gt 0 ] && [[ $1 == -D* ]]; do
    props+=("$1")
    shift
  done
  local start end
  start=$(date +%s%N)
  env "$@" "${JAVA[@]}" "${props[@]}" -cp "$D/lib/*" io.autogaze4j.bench.EndToEndBenchmark \
    --model "$D/fixtures/model_k10" --backend opencl --batch "$rows" --frames "${FRAMES:-16}" --runs 1 \
    --warmup 0 2>&1 | grep -v '^WARNING: Using incubator'
  end=$(date +%s%N)
  echo "== $label: process wall $(( (end - start) / 1000000 )) ms"
}
b=${BATCH:-1}
first_clip "1 cold" "$b" AUTOGAZE_OPENCL_CACHE="$ours" CUDA_CACHE_PATH="$driver"
first_clip "2 warm" "$b" AUTOGAZE_OPENCL_CACHE="$ours" CUDA_CACHE_PATH="$driver"
first_clip "3 ours only" "$b" AUTOGAZE_OPENCL_CACHE="$ours" CUDA_CACHE_DISABLE=1
first_clip "4 no cache" "$b" AUTOGAZE_OPENCL_CACHE=off CUDA_CACHE_DISABLE=1
first_clip "5 cold, one build at a time" "$b" -Dautogaze.opencl.prebuild=off \
  AUTOGAZE_OPENCL_CACHE="$(mktemp -d /tmp/autogaze-cl-cache.XXXX)" CUDA_CACHE_PATH="$(mktemp -d /tmp/nv-compute-cache.XXXX)"
if [ "${BATCH8:-8}" != 0 ]; then
  ours8=$(mktemp -d /tmp/autogaze-cl-cache.XXXX)
  driver8=$(mktemp -d /tmp/nv-compute-cache.XXXX)
  first_clip "6 cold, batch ${BATCH8:-8}" "${BATCH8:-8}" AUTOGAZE_OPENCL_CACHE="$ours8" CUDA_CACHE_PATH="$driver8"
  first_clip "7 warm, batch ${BATCH8:-8}" "${BATCH8:-8}" AUTOGAZE_OPENCL_CACHE="$ours8" CUDA_CACHE_PATH="$driver8"
fi
if [ "${UNROLL_AB:-0}" = 1 ]; then
  first_clip "8 cold, less unrolling" "$b" "-Dautogaze.opencl.options=-D K_UNROLL=4 -D LOGIT_UNROLL=1" \
    AUTOGAZE_OPENCL_CACHE="$(mktemp -d /tmp/autogaze-cl-cache.XXXX)" CUDA_CACHE_PATH="$(mktemp -d /tmp/nv-compute-cache.XXXX)"
fi
if [ "${ALL_AB:-0}" = 1 ]; then
  first_clip "9 cold, every program at load" "$b" -Dautogaze.opencl.prebuild=all \
    AUTOGAZE_OPENCL_CACHE="$(mktemp -d /tmp/autogaze-cl-cache.XXXX)" CUDA_CACHE_PATH="$(mktemp -d /tmp/nv-compute-cache.XXXX)"
fi
ls -l "$ours"
du -sh "$driver"

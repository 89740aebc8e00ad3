#!/usr/bin/env bash
# Runs on the GPU machine (from the repository root, with devicerun/ from scripts/prepare-device-run.sh): the OpenCL
# compile time of each program a run builds, per compiler options set, without a whole run (cold start,
# docs/benchmarks.md). For each set, io.autogaze4j.kernels.ProgramBuildTimes builds ops.cl and decoder.cl's builds
# (step kernels; narrow row kernels; tiled attention; row kernels stand-in and wide) from source one after another on
# a fresh context with an empty program cache of its own, then loads each from that cache on a second fresh context
# (the PTX-to-machine-code compile a warm cache still pays), and prints a Markdown table of milliseconds. The driver's
# own cache is off (CUDA_CACHE_DISABLE=1), so every set and run compiles from scratch.
# Arguments: the options sets, one argument each ("" = the defaults, K_UNROLL=16 LOGIT_UNROLL=8); with none, the
# defaults and a few unroll counts. Environment: RUNS=1 (runs per set), DEVICE (device index; default: the GPU).
set -u
OUT=${OUT:-/tmp}
source scripts/device-env.sh
if [ $# -eq 0 ]; then
  set -- "" "-D K_UNROLL=8" "-D K_UNROLL=4" "-D K_UNROLL=2" "-D K_UNROLL=1" "-D LOGIT_UNROLL=1"
fi
args=(--runs "${RUNS:-1}")
[ -n "${DEVICE:-}" ] && args+=(--device "$DEVICE")
CUDA_CACHE_DISABLE=1 "${JAVA[@]}" -cp "$D/lib/*" io.autogaze4j.kernels.ProgramBuildTimes "${args[@]}" "$@" 2>&1 \
  | grep -v '^WARNING: Using incubator' | tee "$OUT/build-times.log"
echo "== table only"
grep '^|' "$OUT/build-times.log"

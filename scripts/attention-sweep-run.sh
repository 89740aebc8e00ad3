#!/usr/bin/env bash
# Runs on the GPU machine from the repository root, with devicerun/ unpacked by scripts/device-unpack.sh (this tree's
# jars carried as devjars/, scripts/prepare-device-jars.sh): a sweep of the streamed decode attention's shapes and
# variants (kernels/StreamShape.java: system properties read when the backend opens, so no new jars), one JVM per
# config running the end-to-end benchmark at one batch size with the per-kernel profile, then a table of
# attention_stream/next and attention_stream/last (device us per launch), the wall ms per call (median) and the
# registers and spills ptxas reported for the streamed kernels (-cl-nv-verbose, printed when a program is built; with
# KERNEL=attention_prefill the prefill's too: streamMaxRegisters bounds the whole tiled build). Every config shares one
# compiler options set and a fresh program cache, so a first JVM builds every program once and each config rebuilds
# only the tiled attention program (its -D SL, SD, SR, SE, SI, STREAM_PREFETCH and -cl-nv-maxrregcount).
# Environment: BATCH=128, RUNS=3, WARMUP=1; CONFIGS: lines "name | JVM flags" replacing the grid below (flags may be
# empty); KERNEL=attention_prefill: one more column, the device us per launch of the kernels whose profile label starts
# with KERNEL (summed over their labels, launch-weighted: attention_prefill/first and attention_prefill_reg/first when
# sweeping the prefill, kernels/PrefillShape.java), with their registers from ptxas;
# BASE=1 (0: skip): config 0 runs the pieces' own jars (devicerun/base: main's kernels, a control) when
# there; BITS=1 (0: skip): first runs OpenClDecoderTest#streamVariantsGiveTheDefaultBits on this device (the variants
# give today's bits; needs kernels-tests.jar from devjars/), or the tests BITS_TESTS names (space-separated
# Class#method, e.g. "io.autogaze4j.kernels.OpenClDecoderTest#prefillShapesMatchHostSession": the prefill shapes
# against the host). Logs go to $OUT (or a temporary folder).
set -u
source scripts/device-env.sh
P=-Dautogaze.opencl
# Shapes and variants (docs/benchmarks.md, Streamed decode attention: tuning and variants): occupancy (registers per
# work-item: 168 keeps 3 groups of 128 per H200 compute unit, 128 four, 96 five) and loads in flight. 1-7 give the same
# bits; SD=4 sums in another order (results within float rounding).
GRID="default |
SI: queries interleaved | $P.streamInterleave=on
SI, at most 168 registers | $P.streamInterleave=on $P.streamMaxRegisters=168
at most 128 registers | $P.streamMaxRegisters=128
prefetch, at most 168 registers | $P.streamPrefetch=on $P.streamMaxRegisters=168
SR=5, prefetch, at most 128 registers | $P.streamRegisterQueries=5 $P.streamPrefetch=on $P.streamMaxRegisters=128
SR=5, at most 96 registers | $P.streamRegisterQueries=5 $P.streamMaxRegisters=96
SD=4: 256 work-items, at most 96 registers | $P.streamDims=4 $P.streamMaxRegisters=96"
CONFIGS=${CONFIGS:-$GRID}
LOGS=${OUT:-$(mktemp -d)}/attention-sweep
mkdir -p "$LOGS"
# a fresh program cache of ours and of the driver's: each tiled build of the sweep is compiled here, its log printed
export CUDA_CACHE_PATH=$LOGS/cuda-cache
COMMON=(-XX:MaxRAMPercentage=70 "$P.options=-cl-nv-verbose" "$P.printBuildLog=true" "$P.cache=$LOGS/program-cache")
CLASSPATH_NOW="$D/lib/*"
bench() { # "JVM flags" benchmark-arguments...: one JVM of the benchmark, on the jars of $CLASSPATH_NOW
  local flags=$1
  shift
  # shellcheck disable=SC2086 # flags: zero or more options, split on spaces
  "${JAVA[@]}" "${COMMON[@]}" $flags -cp "$CLASSPATH_NOW" io.autogaze4j.bench.EndToEndBenchmark \
    --model "$D/fixtures/model_k10" --backend opencl "$@" 2>&1 | grep -a -v '^WARNING'
}
if [ "${BITS:-1}" = 1 ]; then
  tests=${BITS_TESTS:-io.autogaze4j.kernels.OpenClDecoderTest#streamVariantsGiveTheDefaultBits}
  echo "=== bits: $tests on this device"
  # shellcheck disable=SC2086 # tests: one or more selectors, split on spaces
  "${JAVA[@]}" -cp "$D/lib/*:$D/tests/*" io.autogaze4j.model.DeviceParityRun $tests 2>&1 | grep -a -v '^WARNING' \
    | grep -a -E 'tests (successful|failed)|=>|Exception|expected' | head -20
fi
registers() { # log: registers and spills of the streamed and KERNEL kernels in a JVM's build logs (-cl-nv-verbose)
  awk -v k="${KERNEL:-attention_stream}" '
    /Compiling entry function/ { fn = $0; sub(/.*function .?/, "", fn); sub(/[^a-z_].*/, "", fn) }
    /spill stores/ { spill = $0; sub(/.*frame, /, "", spill); gsub(/ bytes spill/, "", spill) }
    /Used [0-9]+ registers/ && (fn ~ /^attention_stream/ || index(fn, k) == 1) {
      r = $0; sub(/.*Used /, "", r); sub(/ registers.*/, "", r); printf "%s %s regs (%s); ", fn, r, spill }' "$1"
}
picked_kernel() { # log: " us per launch of KERNEL |" (launch-weighted over its labels), or nothing without KERNEL
  [ -z "${KERNEL:-}" ] && return
  # the kernel-profiling run's rows (the last such section): label, ms, "ms", launches, "calls", us, "us/call"
  awk -v k="$KERNEL" '/run with kernel profiling/ { n = 0; us = 0 }
    index($1, k) == 1 && $NF == "us/call" { n += $(NF - 3); us += $(NF - 3) * $(NF - 1) }
    END { if (n > 0) printf " %.1f |", us / n; else printf " ? |" }' "$1"
}
echo "=== warm-up JVM: builds every program once (batch 2: the tiled attention too)"
bench "" --batch 2 --runs 1 --warmup 0 > "$LOGS/warm-up.log"
grep -a -E '^model|^batch' "$LOGS/warm-up.log" || tail -5 "$LOGS/warm-up.log"
rows=()
i=0
run_config() { # number name flags: one config, its row of the table
  local log=$LOGS/config-$1.log
  echo "=== $1: $2 ($3)"
  bench "$3" --batch "${BATCH:-128}" --runs "${RUNS:-3}" --warmup "${WARMUP:-1}" --profile > "$log"
  grep -a -E '^model|^batch|Exception|error' "$log" | head -4
  local wall next last kernels regs picked
  wall=$(grep -a -o 'median [0-9.]* ms per call' "$log" | head -1 | awk '{print $2}')
  next=$(awk '$1 == "attention_stream/next" {v = $(NF - 1)} END {print v}' "$log")
  last=$(awk '$1 == "attention_stream/last" {v = $(NF - 1)} END {print v}' "$log")
  kernels=$(grep -a -o 'kernels [0-9.]* ms' "$log" | tail -1 | awk '{print $2}')
  regs=$(registers "$log")
  picked=$(picked_kernel "$log")
  rows+=("| $1 | $2 | ${next:-?} | ${last:-?} | ${kernels:-?} | ${wall:-?} | ${regs:-as the warm-up (cached)} |$picked")
}
if [ "${BASE:-1}" = 1 ] && [ -d "$D/base" ]; then
  # the pieces' own jars (devicerun/base, main before this branch): today's kernels in today's code, a control
  third=$(find "$D/lib" -name '*.jar' ! -name 'autogaze4j-*' | tr '\n' ':')
  CLASSPATH_NOW="$D/base/*:$third"
  echo "=== warm-up JVM of the base jars ($(cat "$D/base/COMMIT" 2>/dev/null))"
  bench "" --batch 2 --runs 1 --warmup 0 > "$LOGS/warm-up-base.log"
  echo "ptxas, base jars: $(registers "$LOGS/warm-up-base.log")"
  run_config 0 "base jars $(cat "$D/base/COMMIT" 2>/dev/null)" ""
  CLASSPATH_NOW="$D/lib/*"
fi
warm=$(registers "$LOGS/warm-up.log")
echo "ptxas, default shape (built by the warm-up JVM): ${warm:-none reported}"
while IFS= read -r line; do
  [ -z "$line" ] && continue
  i=$((i + 1))
  name=${line%%|*}
  name=${name% }
  flags=${line#*|}
  [ "$flags" = "$line" ] && flags=""
  run_config "$i" "$name" "$flags"
done <<< "$CONFIGS"
echo
echo "batch ${BATCH:-128}, ${RUNS:-3} runs after ${WARMUP:-1} warm-up, $(date -u +%Y-%m-%dT%H:%MZ), logs in $LOGS"
echo "| # | config | attention_stream/next (us per launch) | /last (us per launch) | kernels (ms per call)" \
  "| wall (ms per call, median) | ptxas |${KERNEL:+ $KERNEL* (us per launch) |}"
echo "|---|---|---|---|---|---|---|${KERNEL:+---|}"
printf '%s\n' "${rows[@]}"
exit 0

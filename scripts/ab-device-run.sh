#!/usr/bin/env bash
# Runs on the GPU machine, from the repository root, with devicerun/ unpacked by scripts/device-unpack.sh from pieces
# (scripts/prepare-device-run.sh) and devjars/ (scripts/prepare-device-jars.sh): the end-to-end benchmark of the
# pieces' jars (devicerun/base, "before") and of devjars' (devicerun/lib, "after"), alternated
# ROUNDS times in one call (who goes first alternates) so that both see the same machine. Third-party jars are
# shared (devicerun/lib).
# Environment: OPENCL=1,8,45 and CPU=1,8 (batch sizes, none: skip), ROUNDS=2, RUNS=5, WARMUP=2; BEFORE_FLAGS and
# AFTER_FLAGS: extra JVM flags of each side (e.g. BEFORE_FLAGS=-Dautogaze.opencl.frameLoop=off: the decode loop on the
# device instead of one host round trip per decoder step); BENCH_ARGS: extra benchmark
# arguments of both sides (e.g. --task-loss -0.988: a task-loss stop, which base jars older than the frame loop do not
# know; default none); BEFORE_JARS=lib: "before" runs devjars' jars too (with the flags: an A/B of one option,
# e.g. BEFORE_JARS=lib BEFORE_FLAGS=-Dautogaze.opencl.frameLoop=off).
set -u
source scripts/device-env.sh
third=$(find "$D/lib" -name '*.jar' ! -name 'autogaze4j-*' | tr '\n' ':')
jars() { # the folder of a side's own jars
  if [ "$1" = before ] && [ "${BEFORE_JARS:-base}" = base ]; then echo base; else echo lib; fi
}
classpath() {
  if [ "$(jars "$1")" = base ]; then echo "$D/base/*:$third"; else echo "$D/lib/*"; fi
}
bench() {
  local which=$1
  shift
  local flags
  if [ "$which" = before ]; then flags=${BEFORE_FLAGS:-}; else flags=${AFTER_FLAGS:-}; fi
  echo "== $which ($(cat "$D/$([ "$(jars "$which")" = base ] && echo base/COMMIT || echo lib/.jars-commit)" 2>/dev/null)) $flags $*"
  # shellcheck disable=SC2086 # flags and BENCH_ARGS: zero or more options, split on spaces
  "${JAVA[@]}" $flags -cp "$(classpath "$which")" io.autogaze4j.bench.EndToEndBenchmark --model "$D/fixtures/model_k10" \
    --runs "${RUNS:-5}" --warmup "${WARMUP:-2}" ${BENCH_ARGS:-} "$@" 2>&1 | grep -v '^WARNING'
}
for round in $(seq 1 "${ROUNDS:-2}"); do
  echo "=== round $round"
  order="before after"
  [ $((round % 2)) = 0 ] && order="after before" # alternate who goes first
  for which in $order; do
    [ "${OPENCL:-1,8,45}" != none ] && bench "$which" --backend opencl --batch "${OPENCL:-1,8,45}"
    [ "${CPU:-1,8}" != none ] && bench "$which" --backend cpu --batch "${CPU:-1,8}"
  done
done
exit 0

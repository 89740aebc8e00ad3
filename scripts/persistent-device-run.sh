#!/usr/bin/env bash
# Runs on the GPU machine, from the repository root, with devicerun/ unpacked by scripts/device-unpack.sh (this tree's
# jars in devicerun/lib: scripts/prepare-device-jars.sh): the persistent decoder step (-Dautogaze.opencl.persistent=on,
# docs/benchmarks.md "One launch per decoder step") in three parts, each alone with PART=parity, ab or phases (default:
# all three, in that order; one device command may run 10 minutes):
#   parity  the whole OpenCL parity suite with the switch on (its default build: fresh loads only where another
#           work-group of the launch wrote); PARITY_FLAGS adds JVM flags (e.g. -Dautogaze.opencl.persistentFrames=on,
#           or -Dautogaze.opencl.options=-DVOLATILE_GLOBALS)
#   ab      EndToEndBenchmark at batch 1 (OPENCL=1) with the switch off, on, on with every global access volatile
#           (-DVOLATILE_GLOBALS), and on with a frame's steps in one launch (-Dautogaze.opencl.persistentFrames=on),
#           one JVM per side, alternated over ROUNDS=2 rounds, RUNS=5 WARMUP=2
#   phases  one --profile run with the switch on and its phase clock (-Dautogaze.opencl.phaseClock=on): the benchmark
#           prints "phase NN ..." lines, microseconds per step of each phase (work-group 0's clock, NVIDIA inline PTX)
# Logs go to $OUT (default /tmp): persistent-parity.log, persistent-ab.log, persistent-phases.log.
set -u
OUT=${OUT:-/tmp}
PART=${PART:-parity,ab,phases}
source scripts/device-env.sh
M=io.autogaze4j.model
ON=-Dautogaze.opencl.persistent=on
status=0
if [[ ,$PART, == *,parity,* ]]; then
  kernels=()
  [ -e "$D/tests/kernels-tests.jar" ] && kernels=(io.autogaze4j.kernels.OpenClDecoderTest)
  # shellcheck disable=SC2086 # PARITY_FLAGS: zero or more options
  "${JAVA[@]}" $ON ${PARITY_FLAGS:-} -cp "$D/lib/*:$D/tests/*" -Dautogaze.fixtures="$D/fixtures" $M.DeviceParityRun \
    $M.OpenClGenerationParityTest $M.OpenClStreamingParityTest $M.OpenClVisionParityTest $M.OpenClTilingParityTest \
    $M.OpenClPreprocessParityTest "${kernels[@]}" 2>&1 | grep -v '^WARNING' | tee "$OUT/persistent-parity.log"
  status=${PIPESTATUS[0]}
  echo "parity exit (persistent on ${PARITY_FLAGS:-}): $status"
fi
bench() { # a side's flags, then benchmark arguments
  local flags=$1
  shift
  echo "== ${flags:-persistent off}"
  # shellcheck disable=SC2086 # flags: zero or more options
  "${JAVA[@]}" $flags -cp "$D/lib/*" io.autogaze4j.bench.EndToEndBenchmark --model "$D/fixtures/model_k10" \
    --backend opencl --batch "${OPENCL:-1}" --runs "${RUNS:-5}" --warmup "${WARMUP:-2}" "$@" 2>&1 | grep -v '^WARNING'
}
if [[ ,$PART, == *,ab,* ]]; then
  sides=("" "$ON" "$ON -Dautogaze.opencl.options=-DVOLATILE_GLOBALS" "$ON -Dautogaze.opencl.persistentFrames=on")
  for round in $(seq 1 "${ROUNDS:-2}"); do
    echo "=== round $round"
    order=(0 1 2 3)
    [ $((round % 2)) = 0 ] && order=(3 2 1 0) # alternate who goes first
    for i in "${order[@]}"; do
      bench "${sides[$i]}"
    done
  done 2>&1 | tee "$OUT/persistent-ab.log"
fi
if [[ ,$PART, == *,phases,* ]]; then
  bench "$ON -Dautogaze.opencl.phaseClock=on" --profile 2>&1 | tee "$OUT/persistent-phases.log"
fi
exit "$status"

#!/usr/bin/env bash
# Runs the OpenCL parity tests and the clip benchmark on a GPU machine that has an NVIDIA driver but
# no Java and no OpenCL ICD file. Expects, beside this script (see scripts/prepare-device-bundle.sh):
#   jre.tar.xz  a jlink-made runtime (folder gpujre inside)
#   lib/        the module jars, model test classes jar and dependency jars
#   fixtures/   model_k10, model_mtp4 and the fixture cases the parity selection below uses
#   native/     libOpenCL.so.1 (ICD loader), used only if the machine has none
# Environment: BENCH (batches, default 1,8,45), RUNS (default 7), OUT (where logs go, default /tmp).
set -u
D=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp}
BENCH=${BENCH:-1,8,45}
RUNS=${RUNS:-7}
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv 2>/dev/null || echo "no nvidia-smi"
if [ ! -e /etc/OpenCL/vendors/nvidia.icd ]; then
  LIB=$(ldconfig -p | awk '/libnvidia-opencl\.so\.1/{print $NF; exit}')
  [ -z "$LIB" ] && LIB=$(find /usr /lib /opt -name 'libnvidia-opencl.so.1' 2>/dev/null | head -1)
  mkdir -p /etc/OpenCL/vendors && echo "${LIB:-libnvidia-opencl.so.1}" > /etc/OpenCL/vendors/nvidia.icd
  echo "wrote /etc/OpenCL/vendors/nvidia.icd -> $(cat /etc/OpenCL/vendors/nvidia.icd)"
fi
ls /etc/OpenCL/vendors/
ldconfig -p | grep -q 'libOpenCL\.so\.1' || export LD_LIBRARY_PATH=$D/native${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
tar xJf "$D/jre.tar.xz" -C /tmp
JAVA=(/tmp/gpujre/bin/java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m -cp "$D/lib/*")
M=io.autogaze4j.model
set -o pipefail
TESTS=($M.OpenClGenerationParityTest#square2f $M.OpenClGenerationParityTest#batchOfTwoWithTaskLoss
  $M.OpenClGenerationParityTest#streaming4fWholeClip $M.OpenClStreamingParityTest#streaming4fFrameByFrame
  $M.OpenClStreamingParityTest#twoFramesPerCallEqualsWholeClip $M.OpenClVisionParityTest#square2fIntermediatesMatch
  $M.OpenClVisionParityTest#frameZeroPrefillLogitsMatch)
if [ -d "$D/fixtures/model_mtp4" ]; then # K = 4 cases, when the bundle has room for them
  TESTS+=($M.OpenClGenerationParityTest#mtp4FourFrames $M.OpenClGenerationParityTest#batch2AndSingleRows
    $M.OpenClGenerationParityTest#decodePositionsAndCacheOffsetsFollowTheOfficialTrace $M.OpenClStreamingParityTest#officialStreamingCallsMatch)
fi
"${JAVA[@]}" -Dautogaze.fixtures="$D/fixtures" $M.DeviceParityRun "${TESTS[@]}" 2>&1 | grep -v "^WARNING: Using incubator" | tee "$OUT/parity.log"
echo "parity exit: $?"
if [ "$BENCH" != none ]; then
  nvidia-smi dmon -s pc -d 1 > "$OUT/dmon.log" 2>&1 &
  DMON=$!
  "${JAVA[@]}" ${JAVA_OPTS:-} $M.OpenClClipBenchmark "$D/fixtures/model_k10" opencl "$BENCH" "$RUNS" 2>&1 | tee "$OUT/bench.log"
  kill $DMON 2>/dev/null
  echo "clocks during the benchmark (nvidia-smi dmon, one line a second):"; head -2 "$OUT/dmon.log"; grep -v '^#' "$OUT/dmon.log" | sort | uniq -c | sort -rn | head -6
fi

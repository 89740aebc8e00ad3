#!/usr/bin/env bash
# Runs on the GPU machine (from the repository root, with devicerun/ from scripts/prepare-device-run.sh):
# the OpenCL parity selection, then the end-to-end benchmark on OpenCL and on the CPU. Environment:
#   PARITY=0             skip the parity tests
#   OPENCL=1,8,45        batch sizes for the OpenCL benchmark (none: skip); PROFILE=1 adds the timing profile
#   CPU=1,8              batch sizes for the CPU benchmark (none: skip)
#   RUNS=7 WARMUP=2      timed and warm-up runs per batch size
#   MODE=pipeline        (with devicerun/ from `scripts/prepare-device-run.sh pipeline`) instead: decode-only frames/s
#                        (FFmpeg with 1 and FFmpeg's threads, jcodec) on 720p and 1080p H.264, then the whole pipeline on
#                        the 1080p clip with --tiles on OpenCL against the model alone at the same batch;
#                        then the autogaze command on that clip (--tiles --backend opencl --no-png, timings from its
#                        trace.json); PIPE_BATCH=48 (rows per batch), PIPE_FRAMES=64, PIPE_CPU=1 adds a CPU pipeline run
set -u
D=$PWD/devicerun
OUT=${OUT:-/tmp}
if [ "${MODE:-parity}" = pipeline ]; then
  tar xJf "$D/bundle.tar.xz" -C /tmp
  [ -e /etc/OpenCL/vendors/nvidia.icd ] || { mkdir -p /etc/OpenCL/vendors && echo libnvidia-opencl.so.1 > /etc/OpenCL/vendors/nvidia.icd; }
  ldconfig -p | grep -q 'libOpenCL\.so\.1' || export LD_LIBRARY_PATH=$D/native${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export LD_PRELOAD=/tmp/jre/lib/libjsig.so
  JAVA=(/tmp/jre/bin/java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx48g -cp "/tmp/lib/*")
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null
  lscpu | grep -E '^Model name|^CPU\(s\)' | tr -s ' '
  "${JAVA[@]}" io.autogaze4j.bench.DecodeBenchmark --video "$D/media/h264_720p.mp4,$D/media/h264_1080p.mp4" --runs 3 2>&1 \
    | grep -v '^WARNING' | tee "$OUT/decode.log"
  "${JAVA[@]}" io.autogaze4j.bench.PipelineBenchmark --video "$D/media/h264_1080p.mp4" --tiles --backend opencl \
    --batch "${PIPE_BATCH:-48}" --frames "${PIPE_FRAMES:-64}" --model cli/src/main/resources/io/autogaze4j/cli/demo-model 2>&1 \
    | grep -v '^WARNING' | tee "$OUT/pipeline.log"
  # the command itself on the same clip: trace.json's timings split decode, preprocess, gaze and render (writing)
  "${JAVA[@]}" io.autogaze4j.cli.Main --input "$D/media/h264_1080p.mp4" --tiles --backend opencl --no-png --no-progress \
    --batch "${PIPE_BATCH:-48}" --frames "${PIPE_FRAMES:-64}" --gazing-ratio 0.75 --out "$OUT/cli-1080p" \
    --model cli/src/main/resources/io/autogaze4j/cli/demo-model 2>&1 \
    | grep -v '^WARNING: Using' | tee -a "$OUT/pipeline.log"
  grep -A12 '"timings"' "$OUT/cli-1080p/trace.json" | head -14 | tee -a "$OUT/pipeline.log"
  if [ "${PIPE_CPU:-0}" = 1 ]; then
    "${JAVA[@]}" io.autogaze4j.bench.PipelineBenchmark --video "$D/media/h264_1080p.mp4" --tiles --backend cpu \
      --frames 16 --model cli/src/main/resources/io/autogaze4j/cli/demo-model 2>&1 | grep -v '^WARNING' | tee -a "$OUT/pipeline.log"
  fi
  exit 0
fi
tar xzf "$D/jre.tgz" -C /tmp
# the demo checkpoint bundled with the CLI is the fixtures' model_k10 (same bytes)
[ -d "$D/fixtures/model_k10" ] || cp -r cli/src/main/resources/io/autogaze4j/cli/demo-model "$D/fixtures/model_k10"
# the NVIDIA driver ships no ICD file: register it so the ICD loader finds the GPU
if [ ! -e /etc/OpenCL/vendors/nvidia.icd ]; then
  mkdir -p /etc/OpenCL/vendors && echo libnvidia-opencl.so.1 > /etc/OpenCL/vendors/nvidia.icd
fi
ldconfig -p | grep -q 'libOpenCL\.so\.1' || export LD_LIBRARY_PATH=$D/native${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
# the NVIDIA driver installs its own SIGSEGV handler, which kills the JVM at its first implicit null check
# unless the JVM's signal-chaining library is preloaded (see docs/benchmarks.md)
export LD_PRELOAD=/tmp/jre/lib/libjsig.so
JAVA=(/tmp/jre/bin/java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader 2>/dev/null
lscpu | grep -E '^Model name|^CPU\(s\)' | tr -s ' '
M=io.autogaze4j.model
status=0
if [ "${PARITY:-1}" != 0 ]; then
  "${JAVA[@]}" -cp "$D/lib/*:$D/tests/*" -Dautogaze.fixtures="$D/fixtures" $M.DeviceParityRun \
    $M.OpenClGenerationParityTest#square2f $M.OpenClGenerationParityTest#batchOfTwoWithTaskLoss \
    $M.OpenClGenerationParityTest#streaming4fWholeClip $M.OpenClStreamingParityTest#streaming4fFrameByFrame \
    $M.OpenClStreamingParityTest#twoFramesPerCallEqualsWholeClip $M.OpenClVisionParityTest#square2fIntermediatesMatch \
    $M.OpenClVisionParityTest#frameZeroPrefillLogitsMatch 2>&1 | grep -v '^WARNING' | tee "$OUT/parity.log"
  status=${PIPESTATUS[0]}
  echo "parity exit: $status"
fi
bench() {
  "${JAVA[@]}" -cp "$D/lib/*" io.autogaze4j.bench.EndToEndBenchmark --model "$D/fixtures/model_k10" \
    --runs "${RUNS:-7}" --warmup "${WARMUP:-2}" "$@" 2>&1 | grep -v '^WARNING'
}
if [ "${OPENCL:-1,8,45}" != none ]; then
  bench --backend opencl --batch "${OPENCL:-1,8,45}" $([ "${PROFILE:-0}" = 1 ] && echo --profile)
fi
if [ "${CPU:-1,8}" != none ]; then
  bench --backend cpu --batch "${CPU:-1,8}"
fi
exit $status

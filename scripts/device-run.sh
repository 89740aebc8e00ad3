#!/usr/bin/env bash
# Runs on the GPU machine (from the repository root, with devicerun/ from scripts/prepare-device-run.sh):
# the OpenCL parity selection, then the end-to-end benchmark on OpenCL and on the CPU. Environment:
#   PARITY=0             skip the parity tests
#   OPENCL=1,8,45        batch sizes for the OpenCL benchmark (none: skip; any size, e.g. 1,8,45,128,256,512); PROFILE=1 adds the timing profile
#   CPU=1,8              batch sizes for the CPU benchmark (none: skip)
#   RUNS=7 WARMUP=2      timed and warm-up runs per batch size
#   TORCH_CUDA=1,8,45    batch sizes for the official PyTorch modules on the GPU, timed in the same run (none: skip)
#   TORCH_CPU=1,8        the same on the CPU (16 threads; none: skip); JSON results go to $OUT/torch_*.json
#   SOAK=opencl,cpu      the soak run on each listed backend, after the rest (default: none); SOAK_MINUTES=9 each
#                        (one device command may run 10 minutes: soak one backend per command, with PARITY=0 OPENCL=none CPU=none)
#   MODE=pipeline        (with devicerun/ from `scripts/prepare-device-run.sh pipeline`) instead: decode-only frames/s
#                        (FFmpeg with 1 and FFmpeg's threads, jcodec) on 720p and 1080p H.264, then the whole pipeline on
#                        the 1080p clip with --tiles on OpenCL against the model alone at the same batch;
#                        then the autogaze command on that clip (--tiles --backend opencl --no-png, timings from its
#                        trace.json); PIPE_BATCH=48 (rows per batch), PIPE_FRAMES=64, PIPE_CPU=1 adds a CPU pipeline run
set -u
SOAK=${SOAK:-}
OUT=${OUT:-/tmp}
D=$PWD/devicerun
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
source scripts/device-env.sh
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
  # batch 512 holds ~20 GB of clip and vision tensors on the host: more than the default heap (25% of memory) allows
  "${JAVA[@]}" -XX:MaxRAMPercentage=70 -cp "$D/lib/*" io.autogaze4j.bench.EndToEndBenchmark --model "$D/fixtures/model_k10" \
    --runs "${RUNS:-7}" --warmup "${WARMUP:-2}" "$@" 2>&1 | grep -v '^WARNING'
}
if [ "${OPENCL:-1,8,45}" != none ]; then
  bench --backend opencl --batch "${OPENCL:-1,8,45}" $([ "${PROFILE:-0}" = 1 ] && echo --profile)
fi
if [ "${CPU:-1,8}" != none ]; then
  bench --backend cpu --batch "${CPU:-1,8}"
fi
torch() {
  python3 "$D/reference/harness.py" bench --k 10 "$@" 2>&1 | grep -vE '^(WARNING|\s*warnings\.warn)'
}
if [ "${TORCH_CUDA:-none}" != none ]; then
  torch --device cuda --batches "$TORCH_CUDA" --runs "${TORCH_RUNS:-3}" --out "$OUT/torch_cuda.json"
fi
if [ "${TORCH_CPU:-none}" != none ]; then
  torch --device cpu --batches "$TORCH_CPU" --runs "${TORCH_RUNS:-3}" --impls explicit --threads "$(nproc)" --out "$OUT/torch_cpu.json"
fi
for backend in ${SOAK//,/ }; do
  "${JAVA[@]}" -cp "$D/lib/*" io.autogaze4j.bench.SoakBenchmark --model "$D/fixtures/model_k10" --backend "$backend" \
    --minutes "${SOAK_MINUTES:-9}" 2>&1 | grep --line-buffered -v '^WARNING' | tee "$OUT/soak-$backend.log"
done
exit $status

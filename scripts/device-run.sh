#!/usr/bin/env bash
# Runs on the GPU machine (from the repository root, with devicerun/ from scripts/device-unpack.sh):
# the OpenCL parity selection, then the end-to-end benchmark on OpenCL and on the CPU. Environment:
#   PARITY=0             skip the parity tests; PARITY=all runs the whole OpenCL parity suite instead of the selection
#   OPENCL=1,8,45        batch sizes for the OpenCL benchmark (none: skip; any size, e.g. 1,8,45,128,256,512); PROFILE=1 adds the timing profile
#   CPU=1,8              batch sizes for the CPU benchmark (none: skip)
#   RUNS=7 WARMUP=2      timed and warm-up runs per batch size
#   TORCH_CUDA=1,8,45    batch sizes for the official PyTorch modules on the GPU, timed in the same run (none: skip)
#   TORCH_CPU=1,8        the same on the CPU (16 threads; none: skip); JSON results go to $OUT/torch_*.json
#   SOAK=opencl,cpu      the soak run on each listed backend, after the rest (default: none); SOAK_MINUTES=9 each
#                        (one device command may run 10 minutes: soak one backend per command, with PARITY=0 OPENCL=none CPU=none)
#   MODE=pipeline        instead of all the above: decode-only frames/s
#                        (FFmpeg with 1 and FFmpeg's threads, jcodec) on 720p and 1080p H.264, then the whole pipeline on
#                        the 1080p clip with --tiles on OpenCL against the model alone at the same batch;
#                        then the autogaze command on that clip (--tiles --backend opencl --no-png, timings from its
#                        trace.json); PIPE_BATCH=48 (rows per batch), PIPE_FRAMES=64, PIPE_COPIES=1 (the video that many times in
#                        one pipeline run: 8 gives the steady state of a long video; the model-only pass then holds
#                        ~1.7 GB of preprocessed tiles per copy), PIPE_CPU=1 adds a CPU pipeline run
set -u
SOAK=${SOAK:-}
OUT=${OUT:-/tmp}
source scripts/device-env.sh
M=io.autogaze4j.model
if [ "${MODE:-parity}" = pipeline ]; then
  J=("${JAVA[@]}" -Xmx48g -cp "$D/lib/*")
  "${J[@]}" io.autogaze4j.bench.DecodeBenchmark --video "$D/media/h264_720p.mp4,$D/media/h264_1080p.mp4" --runs 3 2>&1 \
    | grep -v '^WARNING: Using' | tee "$OUT/decode.log"
  "${J[@]}" io.autogaze4j.bench.PipelineBenchmark --video "$D/media/h264_1080p.mp4" --tiles --backend opencl \
    --batch "${PIPE_BATCH:-48}" --frames "${PIPE_FRAMES:-64}" --copies "${PIPE_COPIES:-1}" --model "$D/fixtures/model_k10" 2>&1 \
    | grep -v '^WARNING: Using' | tee "$OUT/pipeline.log"
  # the command itself on the same clip: trace.json's timings split decode, preprocess, gaze and render (writing)
  "${J[@]}" io.autogaze4j.cli.Main --input "$D/media/h264_1080p.mp4" --tiles --backend opencl --no-png --no-progress \
    --batch "${PIPE_BATCH:-48}" --frames "${PIPE_FRAMES:-64}" --gazing-ratio 0.75 --out "$OUT/cli-1080p" \
    --model "$D/fixtures/model_k10" 2>&1 | grep -v '^WARNING: Using' | tee -a "$OUT/pipeline.log"
  grep -A12 '"timings"' "$OUT/cli-1080p/trace.json" | head -14 | tee -a "$OUT/pipeline.log"
  if [ "${PIPE_CPU:-0}" = 1 ]; then
    "${J[@]}" io.autogaze4j.bench.PipelineBenchmark --video "$D/media/h264_1080p.mp4" --tiles --backend cpu \
      --frames 16 --model "$D/fixtures/model_k10" 2>&1 | grep -v '^WARNING: Using' | tee -a "$OUT/pipeline.log"
  fi
  exit 0
fi
status=0
if [ "${PARITY:-1}" = all ]; then
  # the whole OpenCL parity suite: every test class of the model module that runs on the OpenCL backend, and the
  # device decoder against the host one (kernels module; its test jar travels since the stand-in row kernels)
  kernels=()
  [ -e "$D/tests/kernels-tests.jar" ] && kernels=(io.autogaze4j.kernels.OpenClDecoderTest io.autogaze4j.kernels.DeviceHandoffTest)
  "${JAVA[@]}" -cp "$D/lib/*:$D/tests/*" -Dautogaze.fixtures="$D/fixtures" $M.DeviceParityRun \
    $M.OpenClGenerationParityTest $M.OpenClStreamingParityTest $M.OpenClVisionParityTest $M.OpenClTilingParityTest \
    $M.OpenClPreprocessParityTest "${kernels[@]}" 2>&1 \
    | grep -v '^WARNING' | tee "$OUT/parity.log"
  status=${PIPESTATUS[0]}
  echo "parity exit: $status"
elif [ "${PARITY:-1}" != 0 ]; then
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

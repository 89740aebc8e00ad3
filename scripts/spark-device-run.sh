#!/usr/bin/env bash
# Runs on the GPU machine from the repository root, once every piece of devicerun-spark/ (made by
# scripts/prepare-spark-device-run.sh) has been carried there: Spark local[*] with one GPU against the
# single-process pipeline on the same GPU (SparkThroughputBenchmark), on COPIES copies of the example video.
#   COPIES=32 FRAMES=64 RATIO=0.75 REPEATS=3 MASTER='local[*]' BACKEND=auto TASKS="0 2" (one JVM per task count;
#   0: Spark's default parallelism, one task per core; fewer tasks give the GPU larger batches)
set -euo pipefail
D=/tmp/autogaze-spark-device
rm -rf "$D" && mkdir -p "$D"
cat devicerun-spark/pack.tgz.part* | tar xz -C "$D"
P=$D/pack
if [ ! -e /etc/OpenCL/vendors/nvidia.icd ]; then  # the NVIDIA driver ships no ICD file
  mkdir -p /etc/OpenCL/vendors && echo libnvidia-opencl.so.1 > /etc/OpenCL/vendors/nvidia.icd
fi
export LD_PRELOAD=$P/jre/lib/libjsig.so  # the NVIDIA driver's SIGSEGV handler (docs/benchmarks.md)
for i in $(seq 1 "${COPIES:-32}"); do cp "$P/videos/example_input.mp4" "$P/videos/copy$i.mp4"; done
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || true
lscpu | grep -E '^Model name|^CPU\(s\)' | tr -s ' '
for tasks in ${TASKS:-0 2}; do
  echo "== tasks: $tasks (0: Spark's default parallelism)"
  "$P/jre/bin/java" -Xmx32g --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    --sun-misc-unsafe-memory-access=allow -Dlog4j2.configurationFile=io/autogaze4j/spark/log4j2-autogaze-spark.properties \
    -cp "$P/lib/*" io.autogaze4j.spark.SparkThroughputBenchmark "${MASTER:-local[*]}" "${BACKEND:-auto}" "$P/model" \
    "${FRAMES:-64}" "${RATIO:-0.75}" "${REPEATS:-3}" "$tasks" "$P"/videos/*.mp4 2>&1 | grep -v '^WARNING'
done

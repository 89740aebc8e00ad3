#!/usr/bin/env bash
# Runs on the GPU machine from the repository root, once every piece of devicerun-spark/ (made by
# scripts/prepare-spark-device-run.sh) has been carried there: Spark local[*] with one GPU against the
# single-process pipeline on the same GPU (SparkThroughputBenchmark), on COPIES copies of the example video.
#   COPIES=16 FRAMES=64 RATIO=0.75 REPEATS=3 MASTER='local[*]' BACKEND=auto TASKS=0 (0: Spark's default parallelism)
set -euo pipefail
D=/tmp/autogaze-spark-device
rm -rf "$D" && mkdir -p "$D"
cat devicerun-spark/pack.tgz.part* | tar xz -C "$D"
P=$D/pack
if [ ! -e /etc/OpenCL/vendors/nvidia.icd ]; then  # the NVIDIA driver ships no ICD file
  mkdir -p /etc/OpenCL/vendors && echo libnvidia-opencl.so.1 > /etc/OpenCL/vendors/nvidia.icd
fi
export LD_PRELOAD=$P/jre/lib/libjsig.so  # the NVIDIA driver's SIGSEGV handler (docs/benchmarks.md)
for i in $(seq 1 "${COPIES:-16}"); do cp "$P/videos/example_input.mp4" "$P/videos/copy$i.mp4"; done
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || true
lscpu | grep -E '^Model name|^CPU\(s\)' | tr -s ' '
exec "$P/jre/bin/java" -Xmx32g --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow -Dlog4j2.configurationFile=io/autogaze4j/spark/log4j2-autogaze-spark.properties \
  -cp "$P/lib/*" io.autogaze4j.spark.SparkThroughputBenchmark "${MASTER:-local[*]}" "${BACKEND:-auto}" "$P/model" \
  "${FRAMES:-64}" "${RATIO:-0.75}" "${REPEATS:-3}" "${TASKS:-0}" "$P"/videos/*.mp4

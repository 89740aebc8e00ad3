#!/usr/bin/env bash
# Runs on the GPU machine from the repository root, once every piece of devparts/ (scripts/prepare-device-run.sh)
# has been carried there and unpacked (scripts/device-unpack.sh): Spark local[*] with one GPU against the
# single-process pipeline on the same GPU (SparkThroughputBenchmark), on COPIES copies of the example video.
#   COPIES=32 FRAMES=64 RATIO=0.75 REPEATS=3 MASTER='local[*]' BACKEND=auto TASKS="0 2" (one JVM per task count;
#   0: Spark's default parallelism, one task per core; fewer tasks give the GPU larger batches)
set -euo pipefail
source scripts/device-env.sh
videos=$(mktemp -d /tmp/autogaze-spark-videos.XXXX)
for i in $(seq 1 "${COPIES:-32}"); do cp "$D/media/example_input.mp4" "$videos/copy$i.mp4"; done
# Spark's jars, then those it shares with lib/ (spark/FROM_LIB: they travel once)
classpath="$D/spark/*$(sed "s|^|:$D/lib/|" "$D/spark/FROM_LIB" | tr -d '\n')"
for tasks in ${TASKS:-0 2}; do
  echo "== tasks: $tasks (0: Spark's default parallelism)"
  "$D/jre/bin/java" -Xmx32g --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    --sun-misc-unsafe-memory-access=allow -Dlog4j2.configurationFile=io/autogaze4j/spark/log4j2-autogaze-spark.properties \
    -cp "$classpath" io.autogaze4j.spark.SparkThroughputBenchmark "${MASTER:-local[*]}" "${BACKEND:-auto}" "$D/fixtures/model_k10" \
    "${FRAMES:-64}" "${RATIO:-0.75}" "${REPEATS:-3}" "$tasks" "$videos"/*.mp4 2>&1 | grep -v '^WARNING'
done

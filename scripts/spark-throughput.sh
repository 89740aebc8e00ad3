#!/usr/bin/env bash
# Spark overhead: clips/s of the same videos through the single-process pipeline and through the Spark job, in one
# JVM on one model (SparkThroughputBenchmark). Builds the spark module and its test classes first.
#   scripts/spark-throughput.sh [MASTER] [BACKEND] [FRAMES] [RATIO] [REPEATS] [TASKS] [VIDEO...]
# Defaults: local[2], cpu, 32 frames a video, the demo checkpoint's ratio (0.5), 3 repeats, Spark's task count
# (0 = its default parallelism), the example video and
# three copies of it (runs/throughput/). Model: MODEL=DIR (default: the CLI's demo checkpoint).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
master=${1:-local[2]}; backend=${2:-cpu}; frames=${3:-32}; ratio=${4:-0.5}; repeats=${5:-3}; tasks=${6:-0}
shift $(( $# < 6 ? $# : 6 ))
videos=("$@")
if [ ${#videos[@]} -eq 0 ]; then
  mkdir -p runs/throughput
  for i in 1 2 3; do cp -f ../shared/media/example_input.mp4 "runs/throughput/copy$i.mp4"; done
  videos=(../shared/media/example_input.mp4 runs/throughput/copy1.mp4 runs/throughput/copy2.mp4 runs/throughput/copy3.mp4)
fi
model=${MODEL:-cli/src/main/resources/io/autogaze4j/cli/demo-model}
mvn -B -q -pl spark -am test-compile dependency:build-classpath -DincludeScope=test -Dmdep.outputFile=target/test-classpath.txt >&2
exec java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -Dlog4j2.configurationFile=io/autogaze4j/spark/log4j2-autogaze-spark.properties \
  -cp "spark/target/test-classes:spark/target/classes:$(cat spark/target/test-classpath.txt)" \
  io.autogaze4j.spark.SparkThroughputBenchmark "$master" "$backend" "$model" "$frames" "$ratio" "$repeats" "$tasks" "${videos[@]}"

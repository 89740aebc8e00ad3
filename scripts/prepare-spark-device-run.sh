#!/usr/bin/env bash
# Packs what the GPU machine (no Java, no network) needs for the Spark overhead benchmark into devicerun-spark/
# (git-ignored): a jlink-made runtime, the spark module's jars and test classes, Spark's jars without those a local
# job never loads (RocksDB, non-Linux natives), the demo checkpoint and the example video; then splits the pack
# into 48 MiB pieces (a device call carries 64 MiB with the working tree). scripts/spark-device-run.sh joins and runs them there.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
export PATH="$JAVA_HOME/bin:$PATH"
out=devicerun-spark
stage=/tmp/autogaze-spark-device
rm -rf "$out" "$stage" && mkdir -p "$out" "$stage/pack/lib" "$stage/pack/model" "$stage/pack/videos"
mvn -B -q -pl spark -am package dependency:build-classpath -DskipTests -DincludeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt
# our jars and their runtime dependencies, Spark's (provided) jars minus the ones a local job does not load
cp spark/target/autogaze4j-spark.jar spark/target/lib/*.jar "$stage/pack/lib/"
tr ':' '\n' < spark/target/test-classpath.txt | grep -E '\.jar$' \
  | grep -vE 'rocksdbjni|tcnative-boringssl-static-.*(osx|windows|aarch_64)|/junit|/opentest4j|/apiguardian|autogaze4j-cli' \
  | xargs -I{} cp -n {} "$stage/pack/lib/"
(cd spark/target/test-classes && jar cf "$stage/pack/lib/autogaze4j-spark-tests.jar" .)
cp cli/src/main/resources/io/autogaze4j/cli/demo-model/* "$stage/pack/model/"
cp ../shared/media/example_input.mp4 "$stage/pack/videos/"
jlink --add-modules java.se,jdk.unsupported,jdk.incubator.vector,jdk.management,jdk.jfr,jdk.security.auth,jdk.security.jgss,jdk.naming.dns,jdk.net,jdk.zipfs,jdk.charsets,jdk.crypto.cryptoki \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$stage/pack/jre"
tar czf "$stage/pack.tgz" -C "$stage" pack
split -b 48m -d "$stage/pack.tgz" "$out/pack.tgz.part"
rm -rf "$stage"
ls -l "$out"

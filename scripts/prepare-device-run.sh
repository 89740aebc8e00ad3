#!/usr/bin/env bash
# Packs what a GPU machine without Java needs into devicerun/ (git-ignored, ~60 MB, under the 64 MiB the
# device tool carries): a jlink-made runtime (jre.tgz), the project's jars and their dependencies (lib/),
# the model test classes with JUnit (tests/), three parity fixtures (fixtures/),
# the OpenCL ICD loader (native/) and the official PyTorch reference with its harness (reference/). scripts/device-run.sh then runs parity tests and benchmarks there.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
export PATH="$JAVA_HOME/bin:$PATH"
out=devicerun
rm -rf "$out" && mkdir -p "$out/lib" "$out/tests" "$out/fixtures" "$out/native"
# package the modules and copy the bench's third-party dependencies; then list the model's test classpath
mvn -B -q package dependency:copy-dependencies -DskipTests -pl bench -am -DincludeScope=runtime \
  -DexcludeGroupIds=io.autogaze4j -DoutputDirectory="$PWD/$out/lib"
mvn -B -q package dependency:build-classpath -DskipTests -pl model -am -DincludeScope=test -Dmdep.outputFile=target/cp.txt
for m in tensor weights kernels model bench; do cp $m/target/autogaze4j-$m-*.jar "$out/lib/"; done
(cd model/target/test-classes && jar cf "../../../$out/tests/model-tests.jar" .)
tr ':' '\n' < model/target/cp.txt | grep -E 'junit|opentest4j|apiguardian' | xargs -I{} cp {} "$out/tests/"
# model_k10 is the CLI's bundled demo checkpoint, which travels with the checkout: device-run.sh copies it
for f in square_2f batch2_tl streaming_4f; do cp -r "../shared/fixtures/$f" "$out/fixtures/"; done
# the official PyTorch modules and their timing harness, run beside the Java benchmark (device-run.sh TORCH=...)
cp -r ../shared/reference "$out/reference"
cp /usr/lib/x86_64-linux-gnu/libOpenCL.so.1 "$out/native/" 2>/dev/null || true
rm -rf /tmp/jre-device
jlink --add-modules java.base,java.logging,java.sql,jdk.incubator.vector,jdk.unsupported,jdk.jfr \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output /tmp/jre-device/jre
tar czf "$out/jre.tgz" -C /tmp/jre-device jre
du -sh "$out"

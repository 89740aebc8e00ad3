#!/usr/bin/env bash
# Builds the folder that scripts/opencl-on-device.sh needs, at $1 (inside the checkout the device tool
# sends, in a git-ignored folder, then named in the tool's `carry`). Run from the repository root.
# BUNDLE_FIXTURES overrides the fixture folders copied (the K=10 set alone is ~20 MB smaller).
set -euo pipefail
DEST=$(realpath -m "$1")
FIX=${FIXTURES:-../shared/fixtures}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mvn -B -q -DskipTests package dependency:build-classpath -pl model -am -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
rm -rf "$DEST" && mkdir -p "$DEST/lib" "$DEST/fixtures" "$DEST/native"
cp tensor/target/*.jar weights/target/*.jar kernels/target/*.jar model/target/*.jar "$DEST/lib/"
(cd model/target/test-classes && "$JAVA_HOME/bin/jar" cf "$DEST/lib/model-tests.jar" .)
tr ':' '\n' < model/target/cp.txt | grep -v autogaze4j | xargs -I{} cp {} "$DEST/lib/"
for f in ${BUNDLE_FIXTURES:-model_k10 model_mtp4 square_2f batch2_tl streaming_4f mtp4_4f batch2 streaming}; do cp -r "$FIX/$f" "$DEST/fixtures/"; done
cp /usr/lib/x86_64-linux-gnu/libOpenCL.so.1 "$DEST/native/" 2>/dev/null || true
rm -rf /tmp/gpujre && "$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,jdk.incubator.vector,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --output /tmp/gpujre
tar cJf "$DEST/jre.tar.xz" -C /tmp gpujre
cp scripts/opencl-on-device.sh "$DEST/run.sh"
du -sh "$DEST"

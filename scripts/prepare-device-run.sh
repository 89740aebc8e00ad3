#!/usr/bin/env bash
# Packs what a GPU machine without Java needs into devicerun/ (git-ignored, ~60 MB, under the 64 MiB the
# device tool carries): a jlink-made runtime (jre.tgz), the project's jars and their dependencies (lib/),
# the model test classes with JUnit (tests/), three parity fixtures (fixtures/),
# the OpenCL ICD loader (native/) and the official PyTorch reference with its harness (reference/). scripts/device-run.sh then runs parity tests and benchmarks there.
#   scripts/prepare-device-run.sh pipeline   packs for the pipeline benchmarks instead (MODE=pipeline in device-run.sh):
#     no tests or fixtures, but the video and pipeline modules with JavaCV and the linux-x86_64 FFmpeg natives, and
#     media/ with the 720p and 1080p H.264 inputs (scripts/make-bench-videos.sh); the runtime and every jar go in one
#     xz archive (bundle.tar.xz) to stay under the 64 MiB the device tool carries
set -euo pipefail
mode=${1:-parity}
cd "$(dirname "$0")/.."
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
export PATH="$JAVA_HOME/bin:$PATH"
out=devicerun
rm -rf "$out" && mkdir -p "$out/lib" "$out/tests" "$out/fixtures" "$out/native"
if [ "$mode" = pipeline ]; then
  rm -rf "$out/tests" "$out/fixtures"
  mvn -B -q package dependency:copy-dependencies -DskipTests -pl bench,cli -am -DincludeScope=runtime \
    -DexcludeGroupIds=io.autogaze4j -DexcludeArtifactIds=jmh-core,jopt-simple,commons-math3 -DoutputDirectory="$PWD/$out/lib"
  for m in tensor weights kernels model video readout pipeline bench; do
    cp "$(ls $m/target/autogaze4j-$m-*.jar | grep -v -- '-tests\.jar$' | head -1)" "$out/lib/"
  done
  # the command without its bundled demo checkpoint (13 MB): device-run.sh passes the checkout's copy with --model
  python3 - cli/target/autogaze4j-cli.jar "$out/lib/autogaze4j-cli.jar" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as dst:
    for item in src.infolist():
        if "/demo-model/" not in item.filename:
            dst.writestr(item, src.read(item.filename))
PY
  scripts/make-bench-videos.sh "$out/media" 128
  cp /usr/lib/x86_64-linux-gnu/libOpenCL.so.1 "$out/native/" 2>/dev/null || true
  rm -rf /tmp/jre-device
  jlink --add-modules java.base,java.desktop,java.logging,java.management,java.sql,jdk.incubator.vector,jdk.unsupported,jdk.jfr \
    --strip-debug --no-header-files --no-man-pages --output /tmp/jre-device/jre
  mv "$out/lib" /tmp/jre-device/lib
  tar cJf "$out/bundle.tar.xz" -C /tmp/jre-device jre lib
  rm -rf /tmp/jre-device
  du -sh "$out"
  exit 0
fi
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
jlink --add-modules java.base,java.logging,java.management,java.sql,jdk.incubator.vector,jdk.unsupported,jdk.jfr \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output /tmp/jre-device/jre
tar czf "$out/jre.tgz" -C /tmp/jre-device jre
du -sh "$out"

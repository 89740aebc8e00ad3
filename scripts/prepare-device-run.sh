#!/usr/bin/env bash
# Packs everything a GPU machine without Java or network needs for every device script, once, into devicerun/
# (git-ignored), and the same as numbered pieces in devparts/ (git-ignored) for the device tool, which carries at most
# 64 MiB per call with the working tree:
#   jre/        a jlink-made runtime (java.se and the jdk modules Spark, JFR and the Vector API need)
#   lib/        our jars (the CLI without its bundled 13 MB demo checkpoint, which travels with the checkout) and the
#               runtime dependencies of bench and cli: JavaCV with the linux-x86_64 FFmpeg natives, JOCL, jcodec
#   tests/      the model and kernels modules' test classes with JUnit (DeviceParityRun)
#   fixtures/   the reference fixtures of the parity tests but model_k10 (the demo checkpoint: device-env.sh copies it)
#   reference/  the official PyTorch modules and their timing harness;  media/  the 720p/1080p H.264 bench inputs
#               and example_input.mp4;  native/  the OpenCL ICD loader
#   spark/      the spark module's jars, test classes and Spark's jars (minus RocksDB and non-Linux natives)
# Pieces: two xz-compressed tars cut at PIECE_MB (default 46) MiB, devparts/m00, m01, ... (all but spark/) and
# devparts/s00, ... (spark/). Carry one piece per call (carry=["devparts/m00"], then ["devparts/m01"], ...) on a machine
# kept warm; scripts/device-unpack.sh extracts whatever has arrived.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
export PATH="$JAVA_HOME/bin:$PATH"
out=devicerun
rm -rf "$out" devparts && mkdir -p "$out/lib" "$out/tests" "$out/fixtures" "$out/native" "$out/spark" devparts
# our jars (scripts/prepare-device-jars.sh builds them), then the third-party ones
bash scripts/prepare-device-jars.sh
mv devjars/model-tests.jar devjars/kernels-tests.jar "$out/tests/"
mv devjars/autogaze4j-spark.jar devjars/autogaze4j-spark-tests.jar "$out/spark/"
mv devjars/*.jar "$out/lib/"
rm -rf devjars
mvn -B -q package dependency:copy-dependencies -DskipTests -pl bench,cli,spark -am -DincludeScope=runtime \
  -DexcludeGroupIds=io.autogaze4j -DexcludeArtifactIds=jmh-core,jopt-simple,commons-math3 -DoutputDirectory="$PWD/$out/lib"
mvn -B -q package dependency:build-classpath -DskipTests -pl model,spark -am -DincludeScope=test -Dmdep.outputFile=target/test-classpath.txt
# the spark job has its own classpath (Spark pins its own versions of shared libraries): Spark's jars and its module's
cp spark/target/lib/*.jar "$out/spark/"
tr ':' '\n' < spark/target/test-classpath.txt | grep -E '\.jar$' \
  | grep -vE 'rocksdbjni|tcnative-boringssl-static-.*(osx|windows|aarch_64)|/junit|/opentest4j|/apiguardian|autogaze4j-' \
  | xargs -I{} cp -n {} "$out/spark/"
tr ':' '\n' < model/target/test-classpath.txt | grep -E 'junit|opentest4j|apiguardian' | xargs -I{} cp {} "$out/tests/"
for f in ../shared/fixtures/*/; do
  case "$(basename "$f")" in model_k10 | upstream_real) ;; *) cp -r "$f" "$out/fixtures/" ;; esac
done
cp -r ../shared/reference "$out/reference"
scripts/make-bench-videos.sh "$out/media" 128
cp ../shared/media/example_input.mp4 "$out/media/"
cp /usr/lib/x86_64-linux-gnu/libOpenCL.so.1 "$out/native/" 2>/dev/null || true
jlink --add-modules java.se,jdk.unsupported,jdk.incubator.vector,jdk.management,jdk.jfr,jdk.security.auth,jdk.security.jgss,jdk.naming.dns,jdk.net,jdk.zipfs,jdk.charsets,jdk.crypto.cryptoki \
  --strip-debug --no-header-files --no-man-pages --output "$out/jre"
# jars that lib/ holds too (ours, JavaCV and FFmpeg, ...) travel once: spark/FROM_LIB names them for
# spark-device-run.sh's classpath
: > "$out/spark/FROM_LIB"
for j in "$out"/spark/*.jar; do
  if [ -e "$out/lib/$(basename "$j")" ] && cmp -s "$j" "$out/lib/$(basename "$j")"; then
    basename "$j" >> "$out/spark/FROM_LIB" && rm "$j"
  fi
done
git describe --always --dirty > "$out/COMMIT"
# two archives: m* (all but Spark: every device script but spark-device-run.sh) and s* (spark/)
tar cf - "$out/COMMIT" "$out/jre" "$out/lib" "$out/native" "$out/tests" "$out/reference" "$out/media" "$out/fixtures" \
  | xz -T2 -6 | split -b "${PIECE_MB:-46}m" -d - devparts/m
tar cf - "$out/spark" | xz -T2 -6 | split -b "${PIECE_MB:-46}m" -d - devparts/s
du -sh "$out"
ls -l devparts

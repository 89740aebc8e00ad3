#!/usr/bin/env bash
# Packs what a machine without Java needs to run the benchmarks: a jlink-made runtime (jre.tgz),
# the project's jars and their dependencies (lib/), and the demo checkpoint (model_k10/), into devicerun/.
# Then, on that machine:  tar xzf devicerun/jre.tgz -C /tmp && /tmp/jre/bin/java --add-modules=jdk.incubator.vector \
#   -cp 'devicerun/lib/*' io.autogaze4j.bench.EndToEndBenchmark --model devicerun/model_k10 [--backend opencl]
# For --backend opencl on an NVIDIA machine first: mkdir -p /etc/OpenCL/vendors &&
#   echo libnvidia-opencl.so.1 > /etc/OpenCL/vendors/nvidia.icd && export LD_LIBRARY_PATH=$PWD/devicerun/native
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
export PATH="$JAVA_HOME/bin:$PATH"
out=devicerun
rm -rf "$out" && mkdir -p "$out/lib"
# one reactor run: package the modules and copy their third-party dependencies
mvn -B -q package dependency:copy-dependencies -DskipTests -pl bench -am -DincludeScope=runtime \
  -DexcludeGroupIds=io.autogaze4j -DoutputDirectory="$PWD/$out/lib"
for m in tensor weights kernels model video readout bench; do cp $m/target/autogaze4j-$m-*.jar "$out/lib/"; done
cp -r ../shared/fixtures/model_k10 "$out/"
mkdir -p "$out/native" && cp /usr/lib/x86_64-linux-gnu/libOpenCL.so.1 "$out/native/" 2>/dev/null || true # the ICD loader
rm -rf /tmp/jre-device
jlink --add-modules java.base,java.logging,java.sql,jdk.incubator.vector,jdk.unsupported,jdk.jfr \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output /tmp/jre-device/jre
tar czf "$out/jre.tgz" -C /tmp/jre-device jre
du -sh "$out"

# Sourced by the device-side scripts from the repository root, with devicerun/ beside it (scripts/device-unpack.sh):
# links the demo checkpoint as fixture model_k10, registers the NVIDIA OpenCL driver, preloads the JVM's
# signal-chaining library, sets D (devicerun/) and JAVA (the java command), and prints what machine this is.
D=$PWD/devicerun
# the demo checkpoint bundled with the CLI is the fixtures' model_k10 (same bytes)
[ -d "$D/fixtures/model_k10" ] || cp -r cli/src/main/resources/io/autogaze4j/cli/demo-model "$D/fixtures/model_k10"
# the NVIDIA driver ships no ICD file: register it so the ICD loader finds the GPU
if [ ! -e /etc/OpenCL/vendors/nvidia.icd ]; then
  mkdir -p /etc/OpenCL/vendors && echo libnvidia-opencl.so.1 > /etc/OpenCL/vendors/nvidia.icd
fi
ldconfig -p | grep -q 'libOpenCL\.so\.1' || export LD_LIBRARY_PATH=$D/native${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
# the NVIDIA driver installs its own SIGSEGV handler, which kills the JVM at its first implicit null check
# unless the JVM's signal-chaining library is preloaded (see docs/benchmarks.md)
export LD_PRELOAD=$D/jre/lib/libjsig.so
JAVA=("$D/jre/bin/java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  '-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%6$s%n')
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader 2>/dev/null || true
lscpu | grep -E '^Model name|^CPU\(s\)' | tr -s ' ' || true

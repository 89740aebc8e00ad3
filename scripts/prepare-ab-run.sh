#!/usr/bin/env bash
# Packs an A/B speed run for the GPU machine: devicerun/ as scripts/prepare-device-run.sh makes it (the working
# tree: "after"), plus devicerun/base/, the module jars of commit BASE (default 5f10267: "before"), built in a
# throw-away clone under /tmp (never installed). scripts/ab-device-run.sh then alternates the two on the device.
# Usage: scripts/prepare-ab-run.sh [BASE]
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-5f10267}
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
export PATH="$JAVA_HOME/bin:$PATH"
bash scripts/prepare-device-run.sh
clone=$(mktemp -d /tmp/ab-base.XXXXXX)
git clone -q "$PWD" "$clone"
git -C "$clone" checkout -q "$base"
# the base build finds ../shared beside its clone only for tests, which are skipped
(cd "$clone" && mvn -B -q package -DskipTests -pl bench -am)
mkdir -p devicerun/base
for m in tensor weights kernels model bench; do cp "$clone"/$m/target/autogaze4j-$m-*.jar devicerun/base/; done
git -C "$clone" rev-parse --short HEAD > devicerun/base/COMMIT
git describe --always --dirty > devicerun/lib/COMMIT
rm -rf "$clone"
du -sh devicerun

#!/usr/bin/env bash
# Packs this tree's own jars (a few MB) into devjars/ (git-ignored), to carry beside the pieces of devparts/ when
# only our code changed since they were made (scripts/prepare-device-run.sh): scripts/device-unpack.sh puts them in
# place of devicerun/'s and keeps those as devicerun/base/ ("before" for scripts/ab-device-run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
export PATH="$JAVA_HOME/bin:$PATH"
rm -rf devjars && mkdir -p devjars
mvn -B -q package -DskipTests -pl bench,cli,spark -am
for m in tensor weights kernels model video readout pipeline bench; do
  cp "$(ls $m/target/autogaze4j-$m-*.jar | grep -v -- '-tests\.jar$' | head -1)" devjars/
done
cp spark/target/autogaze4j-spark.jar devjars/
(cd spark/target/test-classes && jar cf ../../../devjars/autogaze4j-spark-tests.jar .)
(cd model/target/test-classes && jar cf ../../../devjars/model-tests.jar .)
(cd kernels/target/test-classes && jar cf ../../../devjars/kernels-tests.jar .)
python3 - cli/target/autogaze4j-cli.jar devjars/autogaze4j-cli.jar <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as dst:
    for item in src.infolist():
        if "/demo-model/" not in item.filename:
            dst.writestr(item, src.read(item.filename))
PY
git describe --always --dirty > devjars/COMMIT
du -sh devjars

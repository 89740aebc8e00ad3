#!/usr/bin/env bash
# Runs on the GPU machine from the repository root: extracts devicerun/ from the pieces of devparts/ carried so far
# (scripts/prepare-device-run.sh), then puts devjars/ in place when carried. With pieces still missing, the stream ends early: the files complete so far are
# extracted and the one cut off is removed, so a later call, with more pieces, extracts the rest.
set -u
extract() { # the pieces devparts/$1* so far; a stream cut short leaves its last file out; once complete, never again
  local listing
  listing=$(mktemp)
  ls devparts/"$1"* > /dev/null 2>&1 || return 0
  # (a JVM started by an earlier call may still read these jars: leave complete archives alone)
  [ -e "devicerun/.complete-$1" ] && return 0
  cat devparts/"$1"* | xz -dc 2>/dev/null | tar xv 2>/dev/null > "$listing"
  if [ "${PIPESTATUS[1]}" != 0 ]; then
    local cut
    cut=$(tail -1 "$listing")
    [ -f "$cut" ] && rm -f "$cut"
    echo "devparts/$1*: $(ls devparts/"$1"* | wc -l) pieces, incomplete: cut off at $cut"
  else
    echo "devparts/$1*: $(ls devparts/"$1"* | wc -l) pieces, complete"
    touch "devicerun/.complete-$1"
  fi
}
extract m
extract s
# our jars carried apart (scripts/prepare-device-jars.sh) replace the pieces' ones, which stay as base/ ("before");
# once per folder and devjars commit
if [ -d devjars ]; then
  if [ -e devicerun/.complete-m ] && [ ! -e devicerun/base/COMMIT ]; then
    mkdir -p devicerun/base && cp devicerun/lib/autogaze4j-*.jar devicerun/base/ && cp devicerun/COMMIT devicerun/base/COMMIT
  fi
  for d in lib tests spark; do  # (spark/ holds only our spark jars: the others come from lib/, spark/FROM_LIB)
    [ -e "devicerun/.complete-$([ $d = spark ] && echo s || echo m)" ] || continue
    cmp -s devjars/COMMIT "devicerun/$d/.jars-commit" && continue
    for j in devjars/*.jar; do
      # (kernels-tests.jar is new to pieces made before it: tests/ takes it either way)
      if [ -e "devicerun/$d/$(basename "$j")" ] || [ "$d/$(basename "$j")" = tests/kernels-tests.jar ]; then
        cp "$j" "devicerun/$d/$(basename "$j")"
      fi
    done
    cp devjars/COMMIT "devicerun/$d/.jars-commit"
    echo "devjars: devicerun/$d has our jars of $(cat devjars/COMMIT) (before: $(cat devicerun/COMMIT))"
  done
fi
# jars of another commit carried as basejars/ (scripts/prepare-device-jars.sh there, the folder renamed) become the
# "before" side of scripts/ab-device-run.sh instead of the pieces' own
if [ -d basejars ] && [ -e devicerun/.complete-m ] && ! cmp -s basejars/COMMIT devicerun/base/COMMIT; then
  rm -rf devicerun/base && mkdir -p devicerun/base
  for j in basejars/*.jar; do
    [ -e "devicerun/lib/$(basename "$j")" ] && cp "$j" devicerun/base/
  done
  cp basejars/COMMIT devicerun/base/COMMIT
  echo "basejars: devicerun/base has our jars of $(cat basejars/COMMIT)"
fi
du -sh devicerun/* 2>/dev/null | tr '\n' ' '
echo

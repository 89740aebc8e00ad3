#!/usr/bin/env bash
# Runs on the GPU machine from the repository root: extracts devicerun/ from the pieces of devparts/ carried so far
# (scripts/prepare-device-run.sh). With pieces still missing, the stream ends early: the files complete so far are
# extracted and the one cut off is removed, so a later call, with more pieces, extracts the rest.
set -u
listing=$(mktemp)
cat devparts/p* | xz -dc 2>/dev/null | tar xv 2>/dev/null > "$listing"
if [ "${PIPESTATUS[1]}" != 0 ]; then
  cut=$(tail -1 "$listing")
  [ -f "$cut" ] && rm -f "$cut"
  echo "devparts: $(ls devparts | wc -l) pieces, stream incomplete; cut off at $cut"
else
  echo "devparts: $(ls devparts | wc -l) pieces, complete ($(cat devicerun/COMMIT))"
fi
du -sh devicerun/* 2>/dev/null | tr '\n' ' '
echo

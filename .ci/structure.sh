#!/usr/bin/env bash
# Structure checks of issue 18: no import circles between files, and one set writer.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 .ci/import_cycles.py
# `rawcd image` and the C ABI's `rawcd_write_image` write output sets through the library's
# one function, and neither builds a stream of its own for it.
for f in src/bin/rawcd/cmd_image.rs src/capi/image.rs; do
  grep -q 'write_set(' "$f" || { echo "!! $f does not call rawcd::sink::set::write_set"; exit 1; }
  if grep -q 'ResultImage::new\|SplitSink\|RawSink' "$f"; then
    echo "!! $f builds its own stream or sink: output sets are written by sink::set only"; exit 1
  fi
done
# A reader (sheets, audio files, other tools' images) never imports a writer (test modules aside).
for f in $(find src/formats/sheet src/formats/audio src/formats/image -name '*.rs'); do
  if awk '/#\[cfg\(test\)\]/{exit} !/^[[:space:]]*\/\//{print}' "$f" | grep -q 'formats::write\|cue_write\|toc_write\|write_ccd'; then
    echo "!! $f (a reader) imports a writer"; exit 1
  fi
done
echo "structure ok: no import circles; readers import no writer; image and rawcd_write_image share sink::set::write_set"

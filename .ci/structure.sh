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
echo "structure ok: no import circles; image and rawcd_write_image share sink::set::write_set"

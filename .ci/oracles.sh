#!/usr/bin/env bash
# Checks rawcd's outputs with independent readers (Debian packages). Each check fails CI on
# disagreement. Usage: .ci/oracles.sh PATH_TO_RAWCD
set -euo pipefail
RAWCD=$(realpath "$1")
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail() { echo "ORACLE FAIL: $*"; exit 1; }
ok() { echo "oracle ok: $*"; }

"$RAWCD" demo "$W/out" > "$W/demo.log" || { cat "$W/demo.log"; fail "rawcd demo"; }
cat "$W/demo.log"
cd "$W/out"
# What rawcd says the layout is (from the multi-FILE input sheet).
"$RAWCD" toc inputs/demo.cue --json > toc.json
read -r STARTS LEADOUT MCN <<<"$(python3 -c '
import json; d=json.load(open("toc.json"))
print(",".join(str(t["start_lba"]) for t in d["tracks"]), d["leadout_lba"], d["mcn"])')"
echo "rawcd: starts $STARTS lead-out $LEADOUT MCN $MCN"

# 1. cd-info on the bin/cue: same tracks (LSN), lead-out, MCN, copy and pre-emphasis flags.
cd-info --no-device-info --no-cddb -i demo.cue > cdinfo.txt 2>&1 || true
GOT=$(awk '/CD-ROM Track List/{f=1;next} f&&/^ *[0-9]+:/{print}' cdinfo.txt)
echo "$GOT"
CD_STARTS=$(echo "$GOT" | awk '$1!="170:"{print $3+0}' | paste -sd,)
CD_LEADOUT=$(echo "$GOT" | awk '$1=="170:"{print $3+0}')
[ "$CD_STARTS" = "$STARTS" ] || fail "cd-info track LSNs $CD_STARTS != $STARTS"
[ "$CD_LEADOUT" = "$LEADOUT" ] || fail "cd-info lead-out $CD_LEADOUT != $LEADOUT"
grep -q "Media Catalog Number (MCN): $MCN" cdinfo.txt || fail "cd-info MCN"
echo "$GOT" | awk '$1=="2:"' | grep -q "audio  false  yes" || fail "cd-info: track 2 copy permitted"
echo "$GOT" | awk '$1=="3:"' | grep -qE "2 +yes" || fail "cd-info: track 3 pre-emphasis"
cd-info --no-device-info --no-cddb --iso9660 -i demo.cue 2>&1 | grep -qi "readme.txt" || fail "cd-info --iso9660 file tree"
ok "cd-info: tracks $CD_STARTS, lead-out $CD_LEADOUT, MCN, flags, ISO 9660 tree"

# 2. cdrdao show-toc on the multi-FILE input sheet (cdrdao resolves files from the cwd).
(cd inputs && cdrdao show-toc demo.cue > ../cdrdao.txt 2>&1) || { cat cdrdao.txt; fail "cdrdao show-toc"; }
CDR_STARTS=$(grep -E "^ *START" cdrdao.txt | sed -E 's/.*\( *([0-9]+)\).*/\1/' | paste -sd,)
CDR_END=$(grep -E "^ *END" cdrdao.txt | tail -1 | sed -E 's/.*\( *([0-9]+)\).*/\1/')
[ "$CDR_STARTS" = "$STARTS" ] || fail "cdrdao starts $CDR_STARTS != $STARTS"
[ "$CDR_END" = "$LEADOUT" ] || fail "cdrdao end $CDR_END != $LEADOUT"
grep -q "ISRC US RC1 76 07839" cdrdao.txt || fail "cdrdao ISRC"
grep -q "CATALOG NUMBER: $MCN" cdrdao.txt || fail "cdrdao catalog"
grep -q "INDEX  2 00:12:00(   900)" cdrdao.txt || fail "cdrdao index 2"
ok "cdrdao show-toc (multi-FILE sheet): starts $CDR_STARTS, end $CDR_END, ISRC, MCN, INDEX 2"
# ... and on a bin/cue rawcd wrote from the multi-FILE sheet without INDEX 02 (cdrdao 1.2.4 reads
# INDEX 02+ relative to INDEX 01, cd-format.md §11.6).
sed '/INDEX 02/d' inputs/demo.cue > inputs/noidx.cue
"$RAWCD" image inputs/noidx.cue -o multi --quiet
cdrdao show-toc multi.cue > cdrdao2.txt 2>&1 || { cat cdrdao2.txt; fail "cdrdao show-toc multi.cue"; }
S2=$(grep -E "^ *START" cdrdao2.txt | sed -E 's/.*\( *([0-9]+)\).*/\1/' | paste -sd,)
[ "$S2" = "$STARTS" ] || fail "cdrdao on rawcd's bin/cue: $S2 != $STARTS"
"$RAWCD" verify multi.cue > /dev/null || fail "rawcd verify multi.cue"
ok "cdrdao show-toc (rawcd's cue from the multi-FILE sheet): starts $S2"

# 3. bchunk -w gives back the input PCM (bchunk starts a track at its last INDEX line, §11.6, so
#    use the image without INDEX 02 for whole tracks, and the demo's for the INDEX 02 tail).
bchunk -w multi.bin multi.cue bc > /dev/null
for t in 02 03; do
  cmp <(tail -c +45 inputs/track$t.wav) <(tail -c +45 bc$t.wav) || fail "bchunk track $t PCM"
done
bchunk -w demo.bin demo.cue dc > /dev/null
cmp <(tail -c +$((44 + 300 * 2352 + 1)) inputs/track02.wav) <(tail -c +45 dc02.wav) || fail "bchunk track 02 from INDEX 02"
ok "bchunk -w: tracks 02 and 03 PCM identical to the input WAVs (and from INDEX 02 on)"

# 4. chdman createcd then extractcd gives back the same bin.
chdman createcd -i demo.cue -o demo.chd -f > /dev/null 2>&1 || fail "chdman createcd"
chdman extractcd -i demo.chd -o ex.cue -ob ex.bin -f > /dev/null 2>&1 || fail "chdman extractcd"
cmp ex.bin demo.bin || fail "chdman round trip"
ok "chdman createcd/extractcd: bin identical"

# 5. ccd2iso gives back the ISO.
ccd2iso demo.img demo.iso > /dev/null 2>&1 || true
ISO_LEN=$(stat -c%s inputs/demo.iso)
cmp <(head -c "$ISO_LEN" demo.iso) inputs/demo.iso || fail "ccd2iso"
ok "ccd2iso: the ISO comes back from the CloneCD image"
echo "ORACLES OK"

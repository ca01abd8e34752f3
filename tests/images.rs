//! Images other tools made (issue 19): Nero `.nrg` and Alcohol `.mds`/`.mdf` read into the
//! same disc as their cue-sheet equivalent; bad images refused with one line naming the file
//! and byte offset. The fixtures are written here from the format descriptions (see
//! `src/formats/image/nrg.rs` and `mds.rs`), never copied from another tool.

#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

mod common;

use std::path::Path;
use std::process::Command;

use common::{ok, rawcd, read, toc_starts as starts, SplitMix};

/// A fresh folder for one test of this file.
fn tmpdir(tag: &str) -> common::TempDir {
    common::TempDir::new("images", tag)
}

/// Asserts two sources give the same disc: the same `toc --json`, the same bin, and the same
/// CloneCD `.sub` (the subchannel rawcd generates, stored R–W included: a Nero or Alcohol
/// track's stored P–W is otherwise carried as read, see `nero_clone_mode_carries_the_pw_as_read`).
fn same_disc(dir: &Path, a: &str, b: &str) {
    let ta = ok(dir, &["toc", a, "--json"]);
    let tb = ok(dir, &["toc", b, "--json"]);
    assert_eq!(ta, tb, "toc of {a} vs {b}");
    let regen = "--regenerate-subchannel";
    ok(dir, &["image", a, "-o", "a", "--format", "clonecd", regen]);
    ok(dir, &["image", b, "-o", "b", "--format", "clonecd", regen]);
    assert!(
        read(dir, "a.img") == read(dir, "b.img"),
        "{a} vs {b}: .img differs"
    );
    assert!(
        read(dir, "a.sub") == read(dir, "b.sub"),
        "{a} vs {b}: .sub differs"
    );
    ok(dir, &["image", a, "-o", "a"]);
    assert!(read(dir, "a.bin") == read(dir, "b.img"), "{a}: bin differs");
}

/// The three track payloads of the fixtures: Mode 1 user data (2048), audio with a 150-sector
/// stored pre-gap (2352), audio with raw P–W (2352 + 96).
struct Payload {
    mode1: Vec<u8>,
    audio: Vec<u8>,
    cdg: Vec<u8>,
}

fn payload() -> Payload {
    let mut r = SplitMix::new(19);
    Payload {
        mode1: r.take(2048 * 300),
        audio: r.take(2352 * 450),
        cdg: r.take(2448 * 310),
    }
}

/// Writes the cue-sheet equivalent of the fixtures: one file per track.
fn write_cue(dir: &Path, p: &Payload, stored_pregap: bool) {
    std::fs::write(dir.join("t1.iso"), &p.mode1).unwrap();
    std::fs::write(dir.join("t2.bin"), &p.audio).unwrap();
    std::fs::write(dir.join("t3.cdg"), &p.cdg).unwrap();
    let t2 = if stored_pregap {
        "    INDEX 00 00:00:00\n    INDEX 01 00:02:00\n"
    } else {
        "    PREGAP 00:02:00\n    INDEX 01 00:00:00\n"
    };
    let cue = format!(
        "FILE \"t1.iso\" BINARY\n  TRACK 01 MODE1/2048\n    INDEX 01 00:00:00\n\
         FILE \"t2.bin\" BINARY\n  TRACK 02 AUDIO\n    FLAGS DCP\n{t2}\
         FILE \"t3.cdg\" BINARY\n  TRACK 03 CDG\n    INDEX 01 00:00:00\n    INDEX 02 00:01:00\n"
    );
    std::fs::write(dir.join("x.cue"), cue).unwrap();
}

fn be32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_be_bytes());
}

fn bcd(n: u8) -> u8 {
    (n / 10) << 4 | (n % 10)
}

/// A Nero DAO image of the fixture disc; `v2`: NER5 footer, CUEX LBAs, 64-bit offsets.
/// `t1_pregap`: store track 1's 150 pre-gap sectors as Nero does.
fn nrg_dao(p: &Payload, v2: bool, t1_pregap: bool) -> Vec<u8> {
    let mut f = Vec::new();
    let mut offs = Vec::new();
    // Track 1: [pre-gap] + data.
    let t1_pre = f.len() as u64;
    if t1_pregap {
        f.resize(150 * 2048, 0);
    }
    let t1_start = f.len() as u64;
    f.extend_from_slice(&p.mode1);
    offs.push((t1_pre, t1_start, f.len() as u64, 2048u16, 0x00u8));
    let t2_pre = f.len() as u64;
    f.extend_from_slice(&p.audio);
    offs.push((t2_pre, t2_pre + 150 * 2352, f.len() as u64, 2352, 0x07));
    let t3 = f.len() as u64;
    f.extend_from_slice(&p.cdg);
    offs.push((t3, t3, f.len() as u64, 2448, 0x10));
    let list = f.len() as u64;
    // Cue entries: (ctl/adr, track, index, lba).
    let cues = [
        (0x41, 0, 0, -150),
        (0x41, 1, 0, -150),
        (0x41, 1, 1, 0),
        (0x21, 2, 0, 300),
        (0x21, 2, 1, 450),
        (0x01, 3, 1, 750),
        (0x01, 3, 2, 825),
        (0x01, 0xAA, 1, 1060),
    ];
    f.extend(nrg_trailer(list, &cues, &offs, v2, b"0123456789012\0", 1));
    f
}

/// A Nero DAO image's chunk list and footer, for sectors stored before `list`: `cues` as
/// (ctl/adr, track, index, LBA), per track (pre-gap offset, INDEX 01 offset, end offset, bytes
/// per sector, mode code), the 14-byte catalogue field, and the track (index) given the ISRC
/// `USABC2400001`.
fn nrg_trailer(
    list: u64,
    cues: &[(u8, u8, u8, i32)],
    offs: &[(u64, u64, u64, u16, u8)],
    v2: bool,
    catalog: &[u8; 14],
    isrc_track: usize,
) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(if v2 { b"CUEX" } else { b"CUES" });
    be32(&mut f, 8 * cues.len() as u32);
    for &(ctl, t, i, lba) in cues {
        f.push(ctl);
        f.push(if t == 0xAA { 0xAA } else { bcd(t) });
        f.push(bcd(i));
        f.push(0);
        if v2 {
            f.extend_from_slice(&lba.to_be_bytes());
        } else {
            let a = (lba + 150) as u32;
            f.push(0);
            f.push(bcd((a / 4500) as u8));
            f.push(bcd((a / 75 % 60) as u8));
            f.push(bcd((a % 75) as u8));
        }
    }
    let block = if v2 { 42 } else { 30 };
    let n = offs.len() as u32;
    f.extend_from_slice(if v2 { b"DAOX" } else { b"DAOI" });
    be32(&mut f, 22 + n * block);
    be32(&mut f, 22 + n * block);
    f.extend_from_slice(catalog);
    f.extend_from_slice(&[0, 0, 1, n as u8]);
    for (k, (pre, start, end, size, mode)) in offs.iter().enumerate() {
        if k == isrc_track {
            f.extend_from_slice(b"USABC2400001");
        } else {
            f.extend_from_slice(&[0; 12]);
        }
        f.extend_from_slice(&size.to_be_bytes());
        f.extend_from_slice(&[*mode, 0, 0, 1]);
        for o in [pre, start, end] {
            if v2 {
                f.extend_from_slice(&o.to_be_bytes());
            } else {
                be32(&mut f, *o as u32);
            }
        }
    }
    f.extend_from_slice(b"SINF");
    be32(&mut f, 4);
    be32(&mut f, n);
    nrg_footer(&mut f, list, v2);
    f
}

/// The end of a Nero image: the END! chunk and the footer pointing at the chunk list.
fn nrg_footer(f: &mut Vec<u8>, list: u64, v2: bool) {
    f.extend_from_slice(b"END!");
    be32(f, 0);
    if v2 {
        f.extend_from_slice(b"NER5");
        f.extend_from_slice(&list.to_be_bytes());
    } else {
        f.extend_from_slice(b"NERO");
        be32(f, list as u32);
    }
}

fn add_cue_extras(dir: &Path) {
    // The Nero fixture carries an MCN and an ISRC; the cue equivalent says the same.
    let cue = std::fs::read_to_string(dir.join("x.cue")).unwrap();
    let cue = cue.replacen(
        "  TRACK 02 AUDIO\n",
        "  TRACK 02 AUDIO\n    ISRC USABC2400001\n",
        1,
    );
    std::fs::write(dir.join("x.cue"), format!("CATALOG 0123456789012\n{cue}")).unwrap();
}

#[test]
fn nero_v2_dao_is_the_disc_of_its_cue_sheet() {
    let d = tmpdir("nrg2");
    let p = payload();
    write_cue(&d, &p, true);
    add_cue_extras(&d);
    std::fs::write(d.join("x.nrg"), nrg_dao(&p, true, true)).unwrap();
    same_disc(&d, "x.nrg", "x.cue");
    let (code, out, err) = rawcd(&d, &["verify", "x.nrg"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn nero_v1_dao_is_the_disc_of_its_cue_sheet() {
    let d = tmpdir("nrg1");
    let p = payload();
    write_cue(&d, &p, true);
    add_cue_extras(&d);
    // Recognised by content: the extension says nothing.
    std::fs::write(d.join("image.dat"), nrg_dao(&p, false, false)).unwrap();
    same_disc(&d, "image.dat", "x.cue");
}

/// A Nero track-at-once image: ETNF/ETN2 entries, a 150-sector pre-gap before every track
/// after the first (as cd-info lays such images out).
fn nrg_tao(tracks: &[(&[u8], u8)], v2: bool) -> Vec<u8> {
    nrg_tao_after(0, tracks, v2)
}

/// [`nrg_tao`] with `lead` unused zero bytes before the first track (as Nero leaves them).
fn nrg_tao_after(lead: usize, tracks: &[(&[u8], u8)], v2: bool) -> Vec<u8> {
    let mut f = vec![0u8; lead];
    let mut ents = Vec::new();
    let mut lba = 0u32;
    for (data, mode) in tracks {
        let size = match mode {
            0x03 => 2336,
            0x00 | 0x02 => 2048,
            _ => 2352,
        };
        ents.push((f.len() as u64, data.len() as u64, *mode, lba));
        lba += (data.len() / size) as u32;
        f.extend_from_slice(data);
    }
    let list = f.len() as u64;
    f.extend_from_slice(if v2 { b"ETN2" } else { b"ETNF" });
    be32(&mut f, (ents.len() * if v2 { 32 } else { 20 }) as u32);
    for (o, l, m, s) in ents {
        if v2 {
            f.extend_from_slice(&o.to_be_bytes());
            f.extend_from_slice(&l.to_be_bytes());
            be32(&mut f, u32::from(m));
            be32(&mut f, s);
            f.extend_from_slice(&[0; 8]);
        } else {
            be32(&mut f, o as u32);
            be32(&mut f, l as u32);
            be32(&mut f, u32::from(m));
            be32(&mut f, s);
            be32(&mut f, 0);
        }
    }
    nrg_footer(&mut f, list, v2);
    f
}

#[test]
fn nero_tao_gets_the_track_at_once_pregaps() {
    let d = tmpdir("nrgtao");
    let mut r = SplitMix::new(7);
    let a = r.take(2336 * 320);
    let b = r.take(2352 * 310);
    let c = r.take(2352 * 305);
    for (name, data) in [("a.m2", &a), ("b.bin", &b), ("c.bin", &c)] {
        std::fs::write(d.join(name), data).unwrap();
    }
    std::fs::write(
        d.join("x.cue"),
        "FILE \"a.m2\" BINARY\n  TRACK 01 MODE2/2336\n    INDEX 01 00:00:00\n\
         FILE \"b.bin\" BINARY\n  TRACK 02 AUDIO\n    PREGAP 00:02:00\n    INDEX 01 00:00:00\n\
         FILE \"c.bin\" BINARY\n  TRACK 03 AUDIO\n    PREGAP 00:02:00\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    for v2 in [false, true] {
        std::fs::write(
            d.join("x.nrg"),
            nrg_tao(&[(&a, 0x03), (&b, 0x07), (&c, 0x07)], v2),
        )
        .unwrap();
        same_disc(&d, "x.nrg", "x.cue");
    }
}

/// Runs `args`, expects exit 2 with one line on stderr that names `file` and contains each of
/// `needles`, and no output file `out.*` left behind.
fn refused(dir: &Path, args: &[&str], file: &str, needles: &[&str]) {
    let (code, _out, err) = rawcd(dir, args);
    assert_eq!(code, 2, "{args:?}: {err}");
    let line = err.trim_end();
    assert_eq!(line.lines().count(), 1, "one line: {err}");
    assert!(line.contains(file), "names {file}: {err}");
    for n in needles {
        assert!(line.contains(n), "{n:?} in: {err}");
    }
    assert!(!line.contains("panick"), "{err}");
    for e in ["bin", "cue", "img", "sub", "ccd"] {
        assert!(
            !dir.join(format!("out.{e}")).exists(),
            "out.{e} left behind"
        );
    }
}

#[test]
fn damaged_nero_images_are_refused_naming_the_byte() {
    let d = tmpdir("nrgbad");
    let p = payload();
    let good = nrg_dao(&p, true, true);
    let list = u64::from_be_bytes(good[good.len() - 8..].try_into().unwrap()) as usize;
    let at_list = format!("byte {list}");
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        // Truncated: the footer is gone.
        (
            "cut.nrg",
            good[..good.len() - 3].to_vec(),
            vec!["no Nero footer"],
        ),
        // The footer points past the chunk list.
        (
            "far.nrg",
            {
                let mut v = good.clone();
                let n = v.len();
                v[n - 8..].copy_from_slice(&(n as u64).to_be_bytes());
                v
            },
            vec!["byte", "chunk list"],
        ),
        // The CUEX chunk claims more bytes than there are.
        (
            "long.nrg",
            {
                let mut v = good.clone();
                v[list + 4..list + 8].copy_from_slice(&0x00FF_FFFFu32.to_be_bytes());
                v
            },
            vec![&at_list, "runs past"],
        ),
        // Unknown mode code in the first DAO entry.
        (
            "mode.nrg",
            {
                let mut v = good.clone();
                let dao = list + 8 + 64;
                v[dao + 8 + 22 + 14] = 0x42;
                v
            },
            vec!["unknown mode code 0x42"],
        ),
        // A DAO count that disagrees with the track range.
        (
            "count.nrg",
            {
                let mut v = good.clone();
                let dao = list + 8 + 64;
                v[dao + 8 + 21] = 4;
                v
            },
            vec!["tracks 1..4", "3 track entries"],
        ),
        // A lead-out that disagrees with the track lengths.
        (
            "leadout.nrg",
            {
                let mut v = good.clone();
                let lo = list + 8 + 7 * 8 + 4;
                v[lo..lo + 4].copy_from_slice(&1061i32.to_be_bytes());
                v
            },
            vec!["lead-out", "1061", "1060"],
        ),
    ];
    for (name, bytes, needles) in cases {
        std::fs::write(d.join(name), bytes).unwrap();
        refused(&d, &["image", name, "-o", "out"], name, &needles);
    }
}

fn le16(v: &mut [u8], at: usize, x: u16) {
    v[at..at + 2].copy_from_slice(&x.to_le_bytes());
}
fn le32(v: &mut [u8], at: usize, x: u32) {
    v[at..at + 4].copy_from_slice(&x.to_le_bytes());
}

/// An Alcohol `.mds` v1 for tracks `(mode byte, subchannel byte, bytes per sector, pre-gap,
/// sectors, ctl)` stored one after another in `NAME.mdf` (named `*.mdf`).
fn mds(tracks: &[(u8, u8, u16, u32, u32, u8)]) -> Vec<u8> {
    let n = tracks.len();
    let blocks = n + 3;
    let tb = 88 + 24;
    let extra = tb + 80 * blocks;
    let footer = extra + 8 * n;
    let name = footer + 16;
    let mut v = vec![0u8; name + 6];
    v[..16].copy_from_slice(b"MEDIA DESCRIPTOR");
    v[16] = 1;
    v[17] = 3;
    le16(&mut v, 18, 0);
    le16(&mut v, 20, 1);
    le32(&mut v, 80, 88);
    // Session block.
    let mut lba: i64 = 0;
    let mut starts = Vec::new();
    for (k, t) in tracks.iter().enumerate() {
        if k > 0 {
            lba += i64::from(t.3);
        }
        starts.push(lba);
        lba += i64::from(t.4);
    }
    le32(&mut v, 88, (-150i32) as u32);
    le32(&mut v, 92, lba as u32);
    le16(&mut v, 96, 1);
    v[98] = blocks as u8;
    v[99] = 3;
    le16(&mut v, 100, 1);
    le16(&mut v, 102, n as u16);
    le32(&mut v, 108, tb as u32);
    // Lead-in blocks A0, A1, A2.
    for (k, point) in [0xA0u8, 0xA1, 0xA2].iter().enumerate() {
        let o = tb + 80 * k;
        v[o + 2] = 0x14;
        v[o + 4] = *point;
    }
    let mut offset = 0u64;
    for (k, &(mode, sub, size, pregap, len, ctl)) in tracks.iter().enumerate() {
        let o = tb + 80 * (k + 3);
        v[o] = mode;
        v[o + 1] = sub;
        v[o + 2] = 0x10 | ctl;
        v[o + 4] = k as u8 + 1;
        let a = (starts[k] + 150) as u32;
        v[o + 9] = (a / 4500) as u8;
        v[o + 10] = (a / 75 % 60) as u8;
        v[o + 11] = (a % 75) as u8;
        le32(&mut v, o + 12, (extra + 8 * k) as u32);
        le16(&mut v, o + 16, size);
        le32(&mut v, o + 36, starts[k] as u32);
        v[o + 40..o + 48].copy_from_slice(&offset.to_le_bytes());
        le32(&mut v, o + 48, 1);
        le32(&mut v, o + 52, footer as u32);
        le32(&mut v, extra + 8 * k, pregap);
        le32(&mut v, extra + 8 * k + 4, len);
        offset += u64::from(size) * u64::from(len);
    }
    le32(&mut v, footer, name as u32);
    v[name..name + 6].copy_from_slice(b"*.mdf\0");
    v
}

#[test]
fn alcohol_image_is_the_disc_of_its_cue_sheet() {
    let d = tmpdir("mds");
    let p = payload();
    write_cue(&d, &p, false);
    // The .mdf stores no pre-gap: track 2's audio starts at its INDEX 01.
    let audio = &p.audio[150 * 2352..];
    std::fs::write(d.join("t2.bin"), audio).unwrap();
    let mut mdf = p.mode1.clone();
    mdf.extend_from_slice(audio);
    mdf.extend_from_slice(&p.cdg);
    std::fs::write(d.join("disc.mdf"), &mdf).unwrap();
    let m = mds(&[
        (0xAA, 0, 2048, 150, 300, 0x4),
        (0xA9, 0, 2352, 150, 300, 0x2),
        (0xA9, 8, 2448, 0, 310, 0x0),
    ]);
    std::fs::write(d.join("disc.mds"), &m).unwrap();
    // Track 3's INDEX 02 is in the cue only: the .mds has no index blocks; drop it there.
    let cue = std::fs::read_to_string(d.join("x.cue")).unwrap();
    std::fs::write(d.join("x.cue"), cue.replace("    INDEX 02 00:01:00\n", "")).unwrap();
    same_disc(&d, "disc.mds", "x.cue");
    let (code, out, err) = rawcd(&d, &["verify", "disc.mds"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn damaged_alcohol_images_are_refused_naming_the_byte() {
    let d = tmpdir("mdsbad");
    std::fs::write(d.join("a.mdf"), vec![0u8; 2048 * 300 + 2352 * 300]).unwrap();
    let good = mds(&[(0xAA, 0, 2048, 150, 300, 0x4), (0xA9, 0, 2352, 150, 300, 0)]);
    let t1 = 88 + 24 + 3 * 80;
    let at_t1 = format!("byte {t1}");
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        (
            "a.mds",
            good[..100].to_vec(),
            vec!["byte 88", "runs past the end"],
        ),
        (
            "a.mds",
            {
                let mut v = good.clone();
                v[t1 + 1] = 0x05;
                v
            },
            vec!["unknown subchannel mode 0x05"],
        ),
        (
            "a.mds",
            {
                let mut v = good.clone();
                le16(&mut v, t1 + 16, 2340);
                v
            },
            vec![&at_t1, "2340-byte"],
        ),
        (
            "a.mds",
            {
                let mut v = good.clone();
                le32(&mut v, t1 + 80 + 36, 451);
                v
            },
            vec!["INDEX 01 at sector 451", "450"],
        ),
        (
            "a.mds",
            {
                let mut v = good.clone();
                le32(&mut v, 92, 700);
                v
            },
            vec!["byte 92", "700"],
        ),
        (
            "a.mds",
            {
                let mut v = good.clone();
                let e = 88 + 24 + 5 * 80 + 8 + 4;
                le32(&mut v, e, 301);
                le32(&mut v, 92, 751);
                v
            },
            vec!["a.mdf", "has 1320000 bytes"],
        ),
    ];
    for (name, bytes, needles) in cases {
        std::fs::write(d.join(name), bytes).unwrap();
        refused(&d, &["image", name, "-o", "out"], name, &needles);
        let (code, _, _) = rawcd(&d, &["verify", name]);
        assert_eq!(code, 2);
    }
}

// --- real images (../shared/testdata/real/libcdio) ---

const LIBCDIO: &str = "../shared/testdata/real/libcdio";

fn libcdio(name: &str) -> String {
    std::fs::canonicalize(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(LIBCDIO)
            .join(name),
    )
    .unwrap()
    .display()
    .to_string()
}

#[test]
#[ignore = "needs ../shared/testdata"]
fn p1_nrg_gives_p1_bin_and_its_own_indexes() {
    let d = tmpdir("p1");
    let nrg = libcdio("p1.nrg");
    let (code, json, err) = rawcd(&d, &["toc", &nrg, "--json"]);
    assert_eq!(code, 0, "{err}");
    // cd-info --nrg-file: track 1 at 150, track 2 at 300, lead-out 302.
    assert_eq!(starts(&json), vec![150, 300, 302]);
    assert!(
        err.contains("track 2 has 2 sectors"),
        "short track is a warning: {err}"
    );
    ok(&d, &["image", &nrg, "-o", "p1"]);
    assert!(read(&d, "p1.bin") == std::fs::read(libcdio("p1.bin")).unwrap());
    let (code, out, err) = rawcd(&d, &["verify", &nrg]);
    assert_eq!(code, 0, "{out}{err}");
    // Its CD-Text comes along.
    let (_, toc, _) = rawcd(&d, &["toc", &nrg]);
    assert!(toc.contains("Join us now we have the software"), "{toc}");
}

#[test]
#[ignore = "needs ../shared/testdata"]
fn videocd_nrg_is_laid_out_as_cd_info_reads_it() {
    let d = tmpdir("vcd");
    let nrg = libcdio("videocd.nrg");
    let json = ok(&d, &["toc", &nrg, "--json"]);
    assert_eq!(starts(&json), vec![0, 826, 1051, 1276, 1501, 1726]);
    assert!(json.contains("mode2mixed"));
    ok(&d, &["image", &nrg, "-o", "v"]);
    // The stored 2336 bytes pass through: the bin's track 1 sectors hold them at 16.
    let bin = read(&d, "v.bin");
    let src = std::fs::read(&nrg).unwrap();
    for lba in [0usize, 16, 150, 675] {
        assert_eq!(
            &bin[lba * 2352 + 16..lba * 2352 + 2352],
            &src[lba * 2336..lba * 2336 + 2336]
        );
    }
    let (code, out, err) = rawcd(&d, &["verify", &nrg]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
#[ignore = "needs cd-info (libcdio-utils) and ../shared/testdata"]
fn cd_info_agrees_on_the_nero_layouts() {
    for (name, want) in [
        ("p1.nrg", vec![150i64, 300, 302]),
        ("videocd.nrg", vec![0, 826, 1051, 1276, 1501, 1726]),
    ] {
        let o = Command::new("cd-info")
            .args([
                "--no-device-info",
                "--no-cddb",
                "--nrg-file",
                &libcdio(name),
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&o.stdout);
        // Lines like "  1: 00:04:00  000150 audio ..." and "170: 00:06:02  000302 leadout".
        let lbas: Vec<i64> = text
            .lines()
            .filter_map(|l| {
                let (n, rest) = l.trim_start().split_once(": ")?;
                n.trim().parse::<u32>().ok()?;
                rest.split_whitespace().nth(1)?.parse().ok()
            })
            .collect();
        assert_eq!(lbas, want, "{name}: {text}");
        let d = tmpdir("cdinfo");
        assert_eq!(starts(&ok(&d, &["toc", &libcdio(name), "--json"])), want);
    }
}

#[test]
#[ignore = "needs nrg2iso and mdf2iso"]
fn nrg2iso_and_mdf2iso_agree_on_the_data_track() {
    let d = tmpdir("oracle");
    let p = payload();
    // nrg2iso skips the 150 sectors Nero stores before a Mode 1 track and copies the rest of
    // the file; rawcd's bin holds the track's user data at 16..2064 of each sector.
    std::fs::write(
        d.join("x.nrg"),
        nrg_tao_after(150 * 2048, &[(&p.mode1, 0x00)], false),
    )
    .unwrap();
    let o = Command::new("nrg2iso")
        .args(["x.nrg", "n.iso"])
        .current_dir(&d)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    ok(&d, &["image", "x.nrg", "-o", "x"]);
    let bin = read(&d, "x.bin");
    let user: Vec<u8> = bin
        .chunks(2352)
        .flat_map(|s| s[16..2064].to_vec())
        .collect();
    let n = read(&d, "n.iso");
    assert!(
        n.len() >= user.len() && n[..user.len()] == user,
        "nrg2iso disagrees"
    );
    // mdf2iso on a 2352-byte Mode 1 .mdf: rawcd's bin is the .mdf itself.
    ok(&d, &["image", "x.nrg", "-o", "m"]);
    std::fs::rename(d.join("m.bin"), d.join("m.mdf")).unwrap();
    std::fs::write(d.join("m.mds"), mds(&[(0xAA, 0, 2352, 150, 300, 0x4)])).unwrap();
    ok(&d, &["image", "m.mds", "-o", "mm"]);
    assert!(read(&d, "mm.bin") == read(&d, "m.mdf"));
    let o = Command::new("mdf2iso")
        .args(["m.mdf", "m.iso"])
        .current_dir(&d)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(read(&d, "m.iso") == user, "mdf2iso disagrees");
}

// --- CloneCD in clone mode ---

/// A CloneCD set made by rawcd from a cue sheet (Mode 1 data, then audio with a stored
/// pre-gap): `c.ccd`, `c.img`, `c.sub` in `dir`, plus the sheet `x.cue`.
fn clonecd_set(dir: &Path) {
    let mut r = SplitMix::new(1919);
    std::fs::write(dir.join("d.iso"), r.take(2048 * 320)).unwrap();
    std::fs::write(dir.join("a.bin"), r.take(2352 * 460)).unwrap();
    std::fs::write(
        dir.join("x.cue"),
        "FILE \"d.iso\" BINARY\n  TRACK 01 MODE1/2048\n    INDEX 01 00:00:00\n\
         FILE \"a.bin\" BINARY\n  TRACK 02 AUDIO\n    INDEX 00 00:00:00\n    INDEX 01 00:02:00\n",
    )
    .unwrap();
    ok(
        dir,
        &["image", "x.cue", "--format", "clonecd", "-o", "c", "-q"],
    );
}

/// Copies the CloneCD set `from` to `to` (all three files), with `sub` as its `.sub`.
fn copy_set(dir: &Path, from: &str, to: &str, sub: &[u8]) {
    std::fs::copy(
        dir.join(format!("{from}.ccd")),
        dir.join(format!("{to}.ccd")),
    )
    .unwrap();
    std::fs::copy(
        dir.join(format!("{from}.img")),
        dir.join(format!("{to}.img")),
    )
    .unwrap();
    std::fs::write(dir.join(format!("{to}.sub")), sub).unwrap();
}

const LEADOUT: usize = 780;

#[test]
fn clonecd_clone_mode_carries_the_sub_as_read() {
    use rawcd::codec::subchannel::linear_from_raw;
    use rawcd::codec::{Mcn, QFrame};
    let d = tmpdir("clone");
    clonecd_set(&d);
    let std_sub = read(&d, "c.sub");
    let mut sub = std_sub.clone();
    // Bad-CRC Q frames at three LBAs (one in the data track, one in track 2's pre-gap, one in
    // its audio).
    for lba in [10usize, 400, 700] {
        sub[lba * 96 + 12 + 11] ^= 0x5A;
    }
    // An MCN frame where the disc has no MCN.
    let mcn = QFrame::mcn(0, &Mcn::parse("0123456789012").unwrap(), 0);
    sub[500 * 96 + 12..500 * 96 + 24].copy_from_slice(&mcn.0);
    // CD+G in R–W: 50 sectors of arbitrary R..W symbols.
    let mut r = SplitMix::new(5);
    for lba in 600..650 {
        r.fill(&mut sub[lba * 96 + 24..lba * 96 + 96]);
    }
    copy_set(&d, "c", "x", &sub);

    // raw: the subchannel of LBA 0 .. lead-out, deinterleaved, is the .sub byte for byte.
    ok(
        &d,
        &[
            "image", "x.ccd", "--format", "raw", "--leadin", "none", "-o", "r", "-q",
        ],
    );
    let raw = read(&d, "r.raw");
    for lba in 0..LEADOUT {
        let s = &raw[(lba + 150) * 2448 + 2352..(lba + 151) * 2448];
        let lin = linear_from_raw(s.try_into().unwrap());
        assert!(lin[..] == sub[lba * 96..lba * 96 + 96], "LBA {lba}");
    }
    // clonecd: the same .img and .sub back.
    ok(
        &d,
        &["image", "x.ccd", "--format", "clonecd", "-o", "y", "-q"],
    );
    assert!(read(&d, "y.sub") == sub);
    assert!(read(&d, "y.img") == read(&d, "c.img"));
    // pq16: P and Q as read (the bad CRC stays bad).
    ok(
        &d,
        &[
            "image",
            "x.ccd",
            "--format",
            "raw",
            "--leadin",
            "none",
            "--subchannel",
            "pq16",
            "-o",
            "q",
            "-q",
        ],
    );
    let pq = read(&d, "q.raw");
    for lba in [10usize, 400, 500, 700] {
        let at = (lba + 150) * 2368 + 2352;
        assert_eq!(
            &pq[at..at + 12],
            &sub[lba * 96 + 12..lba * 96 + 24],
            "LBA {lba}"
        );
    }
    // --regenerate-subchannel: the standard subchannel, the same stream as the cue sheet's.
    ok(
        &d,
        &[
            "image",
            "x.ccd",
            "--regenerate-subchannel",
            "--format",
            "raw",
            "--leadin",
            "none",
            "-o",
            "g",
            "-q",
        ],
    );
    ok(
        &d,
        &[
            "image", "x.cue", "--format", "raw", "--leadin", "none", "-o", "s", "-q",
        ],
    );
    assert!(
        read(&d, "g.raw") == read(&d, "s.raw"),
        "regenerated subchannel differs from the cue's"
    );
    // Main channel and everything outside the program area is the same in clone mode.
    let std_raw = read(&d, "s.raw");
    for lba in 0..(LEADOUT + 150 + 6750) {
        let (a, b) = (&raw[lba * 2448..], &std_raw[lba * 2448..]);
        assert!(a[..2352] == b[..2352], "main channel of sector {lba}");
        if !(150..150 + LEADOUT).contains(&lba) {
            assert!(a[2352..2448] == b[2352..2448], "subchannel of sector {lba}");
        }
    }
    // packed96 cannot carry R–W as read: refused with the way out named.
    let (code, _, err) = rawcd(
        &d,
        &[
            "image",
            "x.ccd",
            "--format",
            "raw",
            "--subchannel",
            "packed96",
            "-o",
            "p",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("regenerate"), "{err}");
    // verify names the damage; the standard set verifies clean.
    let (code, out, err) = rawcd(&d, &["verify", "c.ccd"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = rawcd(&d, &["verify", "x.ccd"]);
    assert_ne!(code, 0, "{out}{err}");
    let all = format!("{out}{err}");
    for lba in ["LBA 10", "LBA 400", "LBA 700"] {
        assert!(all.contains(lba), "{lba} in {all}");
    }
}

/// One `[Entry n]` of a `.ccd` (CRLF), values as a Full TOC gives them (binary).
#[allow(clippy::too_many_arguments)]
fn ccd_entry(n: usize, point: u8, adr: u8, a: [u8; 3], zero: u8, p: [u8; 3]) -> String {
    // The LBA forms of the times; 0 where the bytes are not a time (C0's ATIP bits), as
    // rawcd's writer has it.
    let lba = |m: [u8; 3]| {
        if m[0] > 99 || m[1] > 59 || m[2] > 74 {
            return 0;
        }
        (i32::from(m[0]) * 60 + i32::from(m[1])) * 75 + i32::from(m[2]) - 150
    };
    format!(
        "[Entry {n}]\r\nSession=1\r\nPoint={point:#04x}\r\nADR={adr:#04x}\r\nControl=0x00\r\nTrackNo=0\r\n\
         AMin={}\r\nASec={}\r\nAFrame={}\r\nALBA={}\r\nZero={zero}\r\nPMin={}\r\nPSec={}\r\nPFrame={}\r\nPLBA={}\r\n",
        a[0],
        a[1],
        a[2],
        lba(a),
        p[0],
        p[1],
        p[2],
        lba(p)
    )
}

/// interface §4: a CloneCD image's lead-in comes from its `[Entry]` list, ADR 5 entries
/// included: a CD-R's C0 (ATIP bytes) and B0 (an open disc's next program area), and A0's disc
/// type byte as the file has it, all where the stream's lead-in Q carries them; the verifier
/// accepts that stream; `--regenerate-subchannel` makes the lead-in rawcd's own again.
#[test]
fn clonecd_leadin_comes_from_the_entry_list() {
    use rawcd::codec::subchannel::linear_from_raw;
    let d = tmpdir("ccdtoc");
    clonecd_set(&d);
    let ccd = std::fs::read_to_string(d.join("c.ccd")).unwrap();
    let a0 = "PMin=1\r\nPSec=0\r\nPFrame=0\r\nPLBA=4350";
    assert!(ccd.contains(a0), "{ccd}");
    // B0: the next program area at the lead-out + 11 250 (LBA 12 030 = 02:42:30), two ADR 5
    // pointers, the outermost lead-out 79:59:74; C0: ATIP bytes A2 40 03, lead-in at 95:00:00.
    let ccd = ccd
        .replace(a0, "PMin=1\r\nPSec=32\r\nPFrame=0\r\nPLBA=6750")
        .replace("TocEntries=5", "TocEntries=7")
        + &ccd_entry(5, 0xB0, 5, [2, 42, 30], 2, [79, 59, 74])
        + &ccd_entry(6, 0xC0, 5, [0xA2, 0x40, 0x03], 0, [95, 0, 0]);
    std::fs::write(d.join("c.ccd"), &ccd).unwrap();
    ok(&d, &["image", "c.ccd", "--format", "raw", "-o", "r", "-q"]);
    let raw = read(&d, "r.raw");
    let q = |k: usize| -> [u8; 12] {
        let s: &[u8; 96] = raw[k * 2448 + 2352..(k + 1) * 2448].try_into().unwrap();
        linear_from_raw(s)[12..24].try_into().unwrap()
    };
    // The lead-in's items in cycle order, each in three frames, from its first sector.
    let mut points = Vec::new();
    for k in 0..3 * 7 * 2 {
        let f = q(k);
        if k % 3 == 0 {
            points.push(f[2]);
        } else {
            assert_eq!(
                f[2],
                points[points.len() - 1],
                "sector {k}: an item fills 3 frames"
            );
        }
        match f[2] {
            0xA0 => assert_eq!(f[7..10], [0x01, 0x20, 0x00], "A0: the file's disc type"),
            0xB0 => assert_eq!(
                f[..10],
                [0x05, 0, 0xB0, 0x02, 0x42, 0x30, 2, 0x79, 0x59, 0x74]
            ),
            0xC0 => assert_eq!(f[..10], [0x05, 0, 0xC0, 0xA2, 0x40, 0x03, 0, 0x95, 0, 0]),
            _ => {}
        }
    }
    assert_eq!(
        points,
        [1, 2, 0xA0, 0xA1, 0xA2, 0xB0, 0xC0].repeat(2),
        "tracks, A0, A1, A2, then the ADR 5 items in the file's order"
    );
    let (code, out, err) = rawcd(&d, &["verify", "r.raw"]);
    assert_eq!(
        code, 0,
        "the verifier accepts the lead-in as read: {out}{err}"
    );
    // An entry of another ADR is left out with a warning, its fields unread (PMin=120).
    let odd = ccd.replace("TocEntries=7", "TocEntries=8")
        + &ccd_entry(7, 0x03, 2, [0, 0, 0], 0, [120, 0, 0]);
    std::fs::write(d.join("odd.ccd"), &odd).unwrap();
    std::fs::copy(d.join("c.img"), d.join("odd.img")).unwrap();
    std::fs::copy(d.join("c.sub"), d.join("odd.sub")).unwrap();
    let (code, _, err) = rawcd(&d, &["image", "odd.ccd", "--format", "raw", "-o", "o"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("has ADR 2") && err.contains("left out"),
        "{err}"
    );
    assert!(
        read(&d, "o.raw") == raw,
        "the same stream without the odd entry"
    );
    let json = ok(&d, &["toc", "c.ccd", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["sessions"][0]["disc_type"], "cdromxa", "{json}");
    // Clone mode off: rawcd's own lead-in, as from the cue sheet.
    ok(
        &d,
        &[
            "image",
            "c.ccd",
            "--regenerate-subchannel",
            "--format",
            "raw",
            "-o",
            "g",
            "-q",
        ],
    );
    ok(&d, &["image", "x.cue", "--format", "raw", "-o", "s", "-q"]);
    assert!(read(&d, "g.raw") == read(&d, "s.raw"));
    // A time with no BCD form, or an A0 naming another first track than the [TRACK]
    // sections, is refused with the entry named.
    for (bad, needle) in [
        (ccd.replace("PMin=79", "PMin=120"), "PMin=120"),
        (ccd.replace("PMin=1\r\n", "PMin=2\r\n"), "0xa0"),
    ] {
        std::fs::write(d.join("c.ccd"), &bad).unwrap();
        let (code, _, err) = rawcd(&d, &["image", "c.ccd", "--format", "raw", "-o", "b", "-q"]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(needle) && err.contains("c.ccd"),
            "{needle}: {err}"
        );
    }
}

#[test]
fn clonecd_scrambled_data_tracks_read_correctly() {
    use rawcd::codec::scramble::scramble_reference;
    let d = tmpdir("scr");
    clonecd_set(&d);
    let mut img = read(&d, "c.img");
    for s in img.chunks_exact_mut(2352).take(320) {
        scramble_reference(s.try_into().unwrap());
    }
    assert!(img != read(&d, "c.img"));
    std::fs::write(d.join("s.img"), &img).unwrap();
    std::fs::copy(d.join("c.sub"), d.join("s.sub")).unwrap();
    let ccd = std::fs::read_to_string(d.join("c.ccd")).unwrap();
    assert!(ccd.contains("DataTracksScrambled=0"));
    std::fs::write(
        d.join("s.ccd"),
        ccd.replace("DataTracksScrambled=0", "DataTracksScrambled=1"),
    )
    .unwrap();
    ok(&d, &["image", "s.ccd", "-o", "b", "-q"]);
    assert!(read(&d, "b.bin") == read(&d, "c.img"), "descrambled bin");
    ok(
        &d,
        &[
            "image", "s.ccd", "--format", "raw", "--leadin", "none", "-o", "r1", "-q",
        ],
    );
    ok(
        &d,
        &[
            "image", "c.ccd", "--format", "raw", "--leadin", "none", "-o", "r2", "-q",
        ],
    );
    assert!(read(&d, "r1.raw") == read(&d, "r2.raw"));
}

#[test]
fn damaged_clonecd_sets_are_refused() {
    let d = tmpdir("ccdbad");
    clonecd_set(&d);
    let sub = read(&d, "c.sub");
    let ccd = std::fs::read_to_string(d.join("c.ccd")).unwrap();
    // A .sub one sector short.
    copy_set(&d, "c", "a", &sub[..sub.len() - 96]);
    refused(
        &d,
        &["image", "a.ccd", "-o", "out"],
        "a.sub",
        &["74784 bytes", "74880"],
    );
    // An entry that disagrees with [TRACK 2].
    copy_set(&d, "c", "b", &sub);
    assert!(ccd.contains("PFrame=20\r\nPLBA=470"));
    std::fs::write(
        d.join("b.ccd"),
        ccd.replace("PFrame=20\r\nPLBA=470", "PFrame=21\r\nPLBA=471"),
    )
    .unwrap();
    refused(
        &d,
        &["image", "b.ccd", "-o", "out"],
        "b.ccd",
        &["track 2", "471", "470"],
    );
    // A data entry for an audio track.
    copy_set(&d, "c", "e", &sub);
    let t2 = ccd.find("Point=0x02").unwrap();
    let mut bad = ccd.clone();
    bad.replace_range(
        t2..t2 + 40,
        &ccd[t2..t2 + 40].replace("Control=0x00", "Control=0x04"),
    );
    std::fs::write(d.join("e.ccd"), bad).unwrap();
    refused(
        &d,
        &["image", "e.ccd", "-o", "out"],
        "e.ccd",
        &["Control=0x04", "MODE=0"],
    );
    // A lead-out past the .img.
    copy_set(&d, "c", "f", &sub);
    std::fs::write(d.join("f.ccd"), ccd.replace("PLBA=780", "PLBA=781")).unwrap();
    refused(
        &d,
        &["image", "f.ccd", "-o", "out"],
        "f.ccd",
        &["781", "780 sectors"],
    );
    // A broken line names its line.
    copy_set(&d, "c", "g", &sub);
    std::fs::write(
        d.join("g.ccd"),
        ccd.replace("TocEntries=5", "TocEntries=five"),
    )
    .unwrap();
    refused(&d, &["image", "g.ccd", "-o", "out"], "g.ccd:", &["five"]);
}

#[test]
#[ignore = "needs ccd2iso"]
fn ccd2iso_agrees_on_the_data_track() {
    let d = tmpdir("ccd2iso");
    clonecd_set(&d);
    let o = Command::new("ccd2iso")
        .args(["c.img", "c.iso"])
        .current_dir(&d)
        .output()
        .unwrap();
    let iso = read(&d, "c.iso");
    let want = read(&d, "d.iso");
    assert!(
        iso.len() >= want.len() && iso[..want.len()] == want,
        "ccd2iso: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // rawcd reads the set back to the same user data.
    ok(&d, &["image", "c.ccd", "-o", "b", "-q"]);
    let user: Vec<u8> = read(&d, "b.bin")
        .chunks(2352)
        .take(320)
        .flat_map(|s| s[16..2064].to_vec())
        .collect();
    assert!(user == want);
}

#[test]
fn other_commands_take_the_images() {
    let d = tmpdir("cmds");
    let p = payload();
    write_cue(&d, &p, true);
    add_cue_extras(&d);
    std::fs::write(d.join("x.nrg"), nrg_dao(&p, true, true)).unwrap();
    // simulate streams it through the pipeline into the simulated drive.
    let out = ok(&d, &["simulate", "x.nrg", "--speed", "4", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["underruns"], 0, "{out}");
    // repair writes the image as bin/cue (rawcd writes no Nero files): the same bin as the
    // image's, nothing to correct in a clean image.
    let (code, out, err) = rawcd(&d, &["repair", "x.nrg", "-o", "fixed"]);
    assert_eq!(code, 0, "{out}{err}");
    ok(&d, &["image", "x.nrg", "-o", "plain", "-q"]);
    assert!(read(&d, "fixed.bin") == read(&d, "plain.bin"));
    assert!(d.join("fixed.cue").exists());
    let left: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("rawcd-repair"))
        .collect();
    assert!(left.is_empty(), "intermediate files left: {left:?}");
    // A CloneCD control file under another name is recognised by its content by every
    // command, verify and repair included (its .img and .sub share its base name).
    clonecd_set(&d);
    std::fs::copy(d.join("c.ccd"), d.join("c.control")).unwrap();
    let (code, out, err) = rawcd(&d, &["verify", "c.control"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(".sub") || out.contains("Q"),
        "the .sub was checked: {out}"
    );
    let (code, out, err) = rawcd(&d, &["repair", "c.control", "-o", "rc"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(read(&d, "rc.img") == read(&d, "c.img") && read(&d, "rc.sub") == read(&d, "c.sub"));
    ok(&d, &["toc", "c.control"]);
}

// --- Nero and Alcohol tracks stored with 96 bytes of P–W: clone mode, streaming ---

/// The fixture disc's track 3 (2352 + 96 bytes per sector in the Nero and Alcohol fixtures):
/// its first LBA and length.
const T3: usize = 750;
const N3: usize = 310;

/// Checks clone mode for an image whose track 3 stores P–W: `write(dir, name, payload)` writes
/// the image `name` (with its data file) of the fixture disc from `payload`, and returns the
/// path to give rawcd.
fn clone_mode_case(tag: &str, write: &dyn Fn(&Path, &str, &Payload) -> String) {
    use rawcd::codec::subchannel::{linear_from_raw, raw_from_linear};
    use rawcd::codec::{Mcn, QFrame};
    let d = tmpdir(tag);
    let p = payload();
    let std_img = write(&d, "std", &p);
    // The standard subchannel of the disc (P and Q generated, track 3's R–W from its file).
    let raw_args = ["--format", "raw", "--leadin", "none", "-q", "-o"];
    let image = |src: &str, extra: &[&str], out: &str| {
        let mut a = vec!["image", src];
        a.extend_from_slice(extra);
        a.extend_from_slice(&raw_args);
        a.push(out);
        ok(&d, &a);
        read(&d, &format!("{out}.raw"))
    };
    let std_raw = image(&std_img, &["--regenerate-subchannel"], "s");
    let sub_at = |raw: &[u8], lba: usize| -> [u8; 96] {
        raw[(lba + 150) * 2448 + 2352..(lba + 151) * 2448]
            .try_into()
            .unwrap()
    };
    // Track 3 stored again with that subchannel, altered as a drive may read it (in the
    // linear form: 12 bytes per channel).
    let mut lin: Vec<[u8; 96]> = (0..N3)
        .map(|k| linear_from_raw(&sub_at(&std_raw, T3 + k)))
        .collect();
    for k in [5usize, 100, 300] {
        lin[k][12 + 11] ^= 0x5A; // a bad Q CRC
    }
    let mcn = QFrame::mcn(0, &Mcn::parse("9876543210987").unwrap(), 0);
    lin[200][12..24].copy_from_slice(&mcn.0); // an MCN frame where none belongs
    let mut r = SplitMix::new(6);
    for l in &mut lin[250..290] {
        r.fill(&mut l[24..]); // CD+G: arbitrary R..W
    }
    let stored: Vec<[u8; 96]> = lin.iter().map(raw_from_linear).collect();
    let mut p2 = payload();
    for (rec, s) in p2.cdg.chunks_exact_mut(2448).zip(&stored) {
        rec[2352..].copy_from_slice(s);
    }
    let img = write(&d, "x", &p2);

    // raw: track 3 carries the stored bytes as they are; every main channel, and every other
    // sector's subchannel, is the standard one. (The two sectors after the track would carry
    // its R–W delayed by the interleaver only when rawcd generates that R–W.)
    let raw = image(&img, &[], "r");
    assert_eq!(raw.len(), std_raw.len());
    for lba in 0..(raw.len() / 2448 - 150) {
        let (a, b) = (&raw[(lba + 150) * 2448..], &std_raw[(lba + 150) * 2448..]);
        assert!(a[..2352] == b[..2352], "main channel of LBA {lba}");
        if (T3..T3 + N3).contains(&lba) {
            assert!(
                sub_at(&raw, lba) == stored[lba - T3],
                "LBA {lba}: not as read"
            );
        } else if !(T3 + N3..T3 + N3 + 2).contains(&lba) {
            assert!(sub_at(&raw, lba) == sub_at(&std_raw, lba), "LBA {lba}");
        }
    }
    // clonecd: the .sub holds the same bytes in linear order.
    ok(&d, &["image", &img, "--format", "clonecd", "-o", "y", "-q"]);
    let ysub = read(&d, "y.sub");
    for k in 0..N3 {
        assert!(
            ysub[(T3 + k) * 96..(T3 + k + 1) * 96] == lin[k],
            "y.sub LBA {}",
            T3 + k
        );
    }
    // pq16: P and Q as read (the bad CRC stays bad, the stray MCN frame stays).
    let pq = {
        let mut a = vec!["image", img.as_str(), "--subchannel", "pq16"];
        a.extend_from_slice(&raw_args);
        a.push("q");
        ok(&d, &a);
        read(&d, "q.raw")
    };
    for k in [5usize, 100, 200, 300] {
        let at = (T3 + k + 150) * 2368 + 2352;
        assert_eq!(&pq[at..at + 12], &lin[k][12..24], "pq16 LBA {}", T3 + k);
    }
    // --regenerate-subchannel: P and Q are the standard ones again; R–W as stored (through
    // rawcd's de-interleave and interleave), so outside the CD+G sectors the standard stream.
    let g = image(&img, &["--regenerate-subchannel"], "g");
    assert_eq!(g.len(), std_raw.len());
    for lba in 0..(g.len() / 2448 - 150) {
        let (a, b) = (sub_at(&g, lba), sub_at(&std_raw, lba));
        let pq_bits = |s: &[u8; 96]| s.iter().map(|x| x & 0xC0).collect::<Vec<u8>>();
        assert!(pq_bits(&a) == pq_bits(&b), "P/Q of LBA {lba}");
        // Differences: the CD+G sectors and the two the interleaver spreads them over; the
        // track's last sector and the two after it (the stored file cannot hold the symbols
        // delayed past the track's end, cue CDG's case in tests/rw_stream.rs).
        if !(T3 + 248..T3 + 292).contains(&lba) && !(T3 + N3 - 1..T3 + N3 + 2).contains(&lba) {
            assert!(a == b, "LBA {lba}");
        }
    }
    // packed96 cannot carry R–W as read: refused with the way out named.
    let (code, _, err) = rawcd(
        &d,
        &[
            "image",
            &img,
            "--format",
            "raw",
            "--subchannel",
            "packed96",
            "-o",
            "pk",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("regenerate"), "{err}");
}

#[test]
fn nero_clone_mode_carries_the_pw_as_read() {
    clone_mode_case("nrgclone", &|d: &Path, name: &str, p: &Payload| {
        let f = format!("{name}.nrg");
        std::fs::write(d.join(&f), nrg_dao(p, true, true)).unwrap();
        f
    });
}

#[test]
fn alcohol_clone_mode_carries_the_pw_as_read() {
    clone_mode_case("mdsclone", &|d: &Path, name: &str, p: &Payload| {
        let mut mdf = p.mode1.clone();
        mdf.extend_from_slice(&p.audio[150 * 2352..]);
        mdf.extend_from_slice(&p.cdg);
        std::fs::write(d.join(format!("{name}.mdf")), &mdf).unwrap();
        let m = mds(&[
            (0xAA, 0, 2048, 150, 300, 0x4),
            (0xA9, 0, 2352, 150, 300, 0x2),
            (0xA9, 8, 2448, 0, N3 as u32, 0x0),
        ]);
        let f = format!("{name}.mds");
        std::fs::write(d.join(&f), &m).unwrap();
        f
    });
}

#[test]
fn stored_subchannel_read_with_a_stride_or_in_memory_gives_the_same_disc() {
    // The same 2448-byte records as one file (read with a stride from the map) and split over
    // two files (joined in memory): cue CDG and TOC RW_RAW / RW give identical outputs.
    let d = tmpdir("stride");
    let mut r = SplitMix::new(2448);
    let records = r.take(2448 * 400);
    std::fs::write(d.join("ab.bin"), &records).unwrap();
    std::fs::write(d.join("a.bin"), &records[..2448 * 250]).unwrap();
    std::fs::write(d.join("b.bin"), &records[2448 * 250..]).unwrap();
    std::fs::write(
        d.join("one.cue"),
        "FILE \"ab.bin\" BINARY\n  TRACK 01 CDG\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    for sub in ["RW_RAW", "RW"] {
        std::fs::write(
            d.join("one.toc"),
            format!("CD_DA\nTRACK AUDIO {sub}\nAUDIOFILE \"ab.bin\" SWAP 0\n"),
        )
        .unwrap();
        std::fs::write(
            d.join("two.toc"),
            format!(
                "CD_DA\nTRACK AUDIO {sub}\nAUDIOFILE \"a.bin\" SWAP 0\n\
                 AUDIOFILE \"b.bin\" SWAP 0\n"
            ),
        )
        .unwrap();
        let mut pairs = vec![("one.toc", "two.toc")];
        if sub == "RW_RAW" {
            pairs.push(("one.cue", "two.toc"));
        }
        for (a, b) in pairs {
            for f in ["raw", "clonecd", "bin"] {
                ok(&d, &["image", a, "--format", f, "-o", "x", "-q"]);
                ok(&d, &["image", b, "--format", f, "-o", "y", "-q"]);
                let ext = match f {
                    "raw" => "raw",
                    "clonecd" => "sub",
                    _ => "bin",
                };
                assert!(
                    read(&d, &format!("x.{ext}")) == read(&d, &format!("y.{ext}")),
                    "{sub}: {a} vs {b}: .{ext} differs"
                );
            }
        }
    }
}

#[test]
#[ignore = "writes an 80-minute Nero image (880 MB, sparse) and its outputs; run by .ci/run in release"]
fn eighty_minute_nero_with_subchannel_streams_in_64_mib() {
    // 80 minutes of audio stored as 2352 + 96 bytes per sector (Nero mode 0x10), written
    // sparse: the sectors read as zero (silence, an all-zero subchannel), the chunk list
    // after them. Converted to bin and to the raw drive stream, in clone mode and with the
    // subchannel regenerated, rawcd's peak resident memory stays under 64 MiB.
    use std::io::{Seek, SeekFrom, Write};
    let d = tmpdir("rss80");
    let sectors: u64 = 80 * 60 * 75;
    let data = sectors * 2448;
    let cues = [
        (0x01, 0, 0, -150),
        (0x01, 1, 0, -150),
        (0x01, 1, 1, 0),
        (0x01, 0xAA, 1, sectors as i32),
    ];
    let offs = [(0u64, 0u64, data, 2448u16, 0x10u8)];
    let mut f = std::fs::File::create(d.join("x.nrg")).unwrap();
    f.set_len(data).unwrap();
    f.seek(SeekFrom::Start(data)).unwrap();
    f.write_all(&nrg_trailer(data, &cues, &offs, true, &[0; 14], 99))
        .unwrap();
    drop(f);
    let limit = 64 * 1024;
    let mut report = Vec::new();
    for (what, args) in [
        ("bin", vec!["image", "x.nrg", "-o", "out", "-q"]),
        (
            "raw",
            vec!["image", "x.nrg", "--format", "raw", "-o", "-", "-q"],
        ),
        (
            "raw, regenerated",
            vec![
                "image",
                "x.nrg",
                "--format",
                "raw",
                "--regenerate-subchannel",
                "-o",
                "-",
                "-q",
            ],
        ),
    ] {
        let (kib, secs) = common::peak_rss_kib(&d, &args);
        report.push(format!("{what}: peak RSS {kib} KiB, {secs:.1} s"));
        let _ = std::fs::remove_file(d.join("out.bin"));
        assert!(kib < limit, "{what}: peak RSS {kib} KiB over {limit} KiB");
    }
    eprintln!("80-minute Nero 2352+96: {}", report.join("; "));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
#[ignore = "writes an 80-minute cue CDG image (880 MB, sparse) and its output; run by .ci/run in release"]
fn eighty_minute_cue_cdg_streams_in_64_mib() {
    // The cue `CDG` (and TOC `RW_RAW`) form of the same: 2448-byte records, sparse.
    let d = tmpdir("rss80cdg");
    let sectors: u64 = 80 * 60 * 75;
    let f = std::fs::File::create(d.join("x.bin")).unwrap();
    f.set_len(sectors * 2448).unwrap();
    drop(f);
    std::fs::write(
        d.join("x.cue"),
        "FILE \"x.bin\" BINARY\n  TRACK 01 CDG\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    std::fs::write(
        d.join("x.toc"),
        "CD_DA\nTRACK AUDIO RW_RAW\nAUDIOFILE \"x.bin\" SWAP 0\n",
    )
    .unwrap();
    let limit = 64 * 1024;
    for sheet in ["x.cue", "x.toc"] {
        let (kib, secs) =
            common::peak_rss_kib(&d, &["image", sheet, "--format", "raw", "-o", "-", "-q"]);
        eprintln!("80-minute {sheet} (2448-byte records) to raw: peak RSS {kib} KiB, {secs:.1} s");
        assert!(kib < limit, "{sheet}: peak RSS {kib} KiB over {limit} KiB");
    }
    std::fs::remove_dir_all(&d).unwrap();
}

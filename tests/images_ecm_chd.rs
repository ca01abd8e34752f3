//! Other tools' images (issue 19, ECM and CHD): decoded byte for byte against the data they were
//! made from, through the library and the `rawcd` command; damaged ones refused naming the place.
//!
//! ECM fixtures come from an ECM v1 *encoder written here* from the format description (record
//! header bits, types 0–3, trailing EDC), independent of rawcd's decoder. CHD fixtures need
//! `chdman` (Debian `mame-tools`): those tests are ignored unless it is installed
//! (`cargo test --test images -- --ignored`).

#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

mod common;

use std::path::Path;
use std::process::Command;

use rawcd::codec::edc::edc_reference;
use rawcd::codec::engine::Reference;
use rawcd::codec::{finish_form1, finish_form2, finish_mode1, sector, SECTOR_SIZE};
use rawcd::formats::image::{self, ecm, ImageError};

use common::rawcd;

/// A fresh folder for one test of this file, removed when the test passes (a demo disc and its
/// images are some 300 MB).
fn tmpdir(tag: &str) -> common::TempDir {
    common::TempDir::new("images-ecm", tag)
}

// ---------------------------------------------------------------------------------------------
// An ECM v1 encoder, written from the format description.

/// Appends a record header: type in bits 0–1, `count - 1` in 5 bits then 7-bit groups, bit 7
/// = another byte follows.
fn put_header(out: &mut Vec<u8>, ty: u8, count_minus_1: u32) {
    let mut n = count_minus_1;
    let mut b = ((n & 0x1F) << 2) as u8 | ty;
    n >>= 5;
    if n != 0 {
        b |= 0x80;
    }
    out.push(b);
    while n != 0 {
        let mut b = (n & 0x7F) as u8;
        n >>= 7;
        if n != 0 {
            b |= 0x80;
        }
        out.push(b);
    }
}

/// What one sector (or tail) becomes: (type, payload).
fn classify(s: &[u8]) -> Vec<(u8, Vec<u8>)> {
    if s.len() == SECTOR_SIZE && s[..12] == sector::SYNC {
        let mut t = [0u8; SECTOR_SIZE];
        t.copy_from_slice(s);
        if s[15] == 1 {
            finish_mode1(&Reference, &mut t);
            if t[..] == s[..] {
                let mut p = s[12..15].to_vec();
                p.extend_from_slice(&s[16..2064]);
                return vec![(1, p)];
            }
        } else if s[15] == 2 && s[16..20] == s[20..24] {
            let mut f1 = t;
            finish_form1(&Reference, &mut f1);
            let mut f2 = t;
            finish_form2(&Reference, &mut f2);
            if f1[16..] == s[16..] {
                return vec![(0, s[..16].to_vec()), (2, s[20..2072].to_vec())];
            }
            if f2[16..] == s[16..] {
                return vec![(0, s[..16].to_vec()), (3, s[20..2348].to_vec())];
            }
        }
    }
    vec![(0, s.to_vec())]
}

/// Encodes a `.bin` as ECM v1 (type 0 runs merged; runs of typed sectors merged).
fn ecm_encode(bin: &[u8]) -> Vec<u8> {
    let mut runs: Vec<(u8, u32, Vec<u8>)> = Vec::new();
    for s in bin.chunks(SECTOR_SIZE) {
        for (ty, p) in classify(s) {
            let units = if ty == 0 { p.len() as u32 } else { 1 };
            match runs.last_mut() {
                Some((t, n, buf)) if *t == ty => {
                    *n += units;
                    buf.extend_from_slice(&p);
                }
                _ => runs.push((ty, units, p)),
            }
        }
    }
    let mut out = b"ECM\0".to_vec();
    for (ty, n, p) in runs {
        put_header(&mut out, ty, n - 1);
        out.extend_from_slice(&p);
    }
    put_header(&mut out, 0, u32::MAX);
    out.extend_from_slice(&edc_reference(bin).to_le_bytes());
    out
}

/// A test disc's `.bin` and `.cue` from `rawcd demo` (Mode 1 + audio with pre-gaps, index 2).
fn demo(dir: &Path) -> (Vec<u8>, String) {
    let (rc, _, err) = rawcd(dir, &["demo", "d"]);
    assert_eq!(rc, 0, "{err}");
    let bin = std::fs::read(dir.join("d/demo.bin")).unwrap();
    let cue = std::fs::read_to_string(dir.join("d/demo.cue")).unwrap();
    (bin, cue)
}

/// A Mode 2 disc (Form 1 then Form 2 track, and an XA Form 2 run) made by rawcd from a TOC.
fn mode2_bin(dir: &Path) -> Vec<u8> {
    let data: Vec<u8> = (0..2048 * 300).map(|i| (i * 31 % 253) as u8).collect();
    std::fs::write(dir.join("f1.bin"), &data).unwrap();
    let data2: Vec<u8> = (0..2324 * 300).map(|i| (i * 17 % 241) as u8).collect();
    std::fs::write(dir.join("f2.bin"), &data2).unwrap();
    std::fs::write(
        dir.join("m2.toc"),
        "CD_ROM_XA\nTRACK MODE2_FORM1\nDATAFILE \"f1.bin\"\nTRACK MODE2_FORM2\nPREGAP 0:2:0\nDATAFILE \"f2.bin\"\n",
    )
    .unwrap();
    let (rc, _, err) = rawcd(dir, &["image", "m2.toc", "-o", "m2"]);
    assert_eq!(rc, 0, "{err}");
    std::fs::read(dir.join("m2.bin")).unwrap()
}

#[test]
fn ecm_header_encoding_round_trips_every_count_width() {
    // Counts that need 1..=5 header bytes, each record type.
    for &count in &[1u32, 32, 33, 4096, 4097, 1 << 20, (1 << 27) + 5] {
        let mut e = b"ECM\0".to_vec();
        put_header(&mut e, 0, count - 1);
        let n = count.min(5000) as usize;
        if n < count as usize {
            continue; // only decode what is small; the header width is what matters
        }
        let payload: Vec<u8> = (0..n).map(|i| i as u8).collect();
        e.extend_from_slice(&payload);
        put_header(&mut e, 0, u32::MAX);
        e.extend_from_slice(&edc_reference(&payload).to_le_bytes());
        let got = ecm::decode_all(&e, Path::new("t.ecm")).unwrap();
        assert_eq!(got, payload, "count {count}");
    }
}

#[test]
fn ecm_of_a_mixed_disc_decodes_byte_for_byte() {
    let dir = tmpdir("mixed");
    let (bin, _) = demo(&dir);
    let e = ecm_encode(&bin);
    assert!(
        e.len() < bin.len(),
        "the encoder removed the Mode 1 redundancy"
    );
    let typed = e.len() < bin.len() - 400 * 300;
    assert!(typed, "Mode 1 sectors were encoded as type 1");
    assert_eq!(ecm::decode_all(&e, Path::new("demo.bin.ecm")).unwrap(), bin);
}

#[test]
fn ecm_of_a_mode2_disc_decodes_byte_for_byte_and_directly_as_an_image() {
    let dir = tmpdir("mode2");
    let bin = mode2_bin(&dir);
    let e = ecm_encode(&bin);
    // Form 1 sectors save 2336 - 2052 bytes, Form 2 sectors 2336 - 2328.
    assert!(e.len() + 250 * 280 < bin.len());
    assert_eq!(ecm::decode_all(&e, Path::new("m2.bin.ecm")).unwrap(), bin);
    std::fs::write(dir.join("x.bin.ecm"), &e).unwrap();
    let plan = image::open_image(&dir.join("x.bin.ecm")).unwrap();
    assert_eq!(plan.tracks.len(), 1);
    assert_eq!(plan.tracks[0].mode, rawcd::formats::TrackMode::Mode2Raw);
    let (rc, _, err) = rawcd(&dir, &["image", "x.bin.ecm", "-o", "out"]);
    assert_eq!(rc, 0, "{err}");
    assert_eq!(std::fs::read(dir.join("out.bin")).unwrap(), bin);
    let (rc, out, err) = rawcd(&dir, &["verify", "x.bin.ecm"]);
    assert_eq!(rc, 0, "{out}{err}");
    assert!(out.contains("EDC matches"), "{out}");
}

#[test]
fn cue_whose_bin_is_only_there_as_ecm_gives_the_same_image() {
    let dir = tmpdir("cue");
    let (bin, _) = demo(&dir);
    let d = dir.join("d");
    std::fs::write(d.join("demo.bin.ecm"), ecm_encode(&bin)).unwrap();
    std::fs::rename(d.join("demo.bin"), dir.join("orig.bin")).unwrap();
    let (rc, _, err) = rawcd(&d, &["image", "demo.cue", "-o", "again"]);
    assert_eq!(rc, 0, "{err}");
    assert_eq!(std::fs::read(d.join("again.bin")).unwrap(), bin);
    // The raw stream (subchannel and lead-in included) is the one the .bin gives.
    let (rc, _, err) = rawcd(&d, &["image", "demo.cue", "-o", "r1", "--format", "raw"]);
    assert_eq!(rc, 0, "{err}");
    std::fs::rename(dir.join("orig.bin"), d.join("demo.bin")).unwrap();
    std::fs::remove_file(d.join("demo.bin.ecm")).unwrap();
    let (rc, _, err) = rawcd(&d, &["image", "demo.cue", "-o", "r2", "--format", "raw"]);
    assert_eq!(rc, 0, "{err}");
    assert!(std::fs::read(d.join("r1.raw")).unwrap() == std::fs::read(d.join("r2.raw")).unwrap());
    let (rc, out, _) = rawcd(&d, &["toc", "demo.cue", "--json"]);
    assert_eq!(rc, 0);
    assert!(out.contains("\"leadout_lba\": 1800"), "{out}");
}

#[test]
fn ecm_with_a_flipped_payload_byte_is_refused_naming_the_edc_offset() {
    let dir = tmpdir("damaged");
    let bin = mode2_bin(&dir);
    let mut e = ecm_encode(&bin);
    let edc_at = e.len() - 4;
    // A byte in the Form 1 track (a Form 2 payload byte would not be caught: the sector's
    // regenerated EDC cancels its change in the stream's EDC; see the ecm module doc).
    let at = e.len() / 5;
    e[at] ^= 0x40;
    let err = ecm::decode_all(&e, Path::new("bad.ecm")).unwrap_err();
    assert!(
        matches!(err, ImageError::Malformed { offset, .. } if offset == edc_at as u64),
        "{err}"
    );
    assert!(err.to_string().contains("EDC"), "{err}");
    std::fs::write(dir.join("bad.bin.ecm"), &e).unwrap();
    let (rc, _, err) = rawcd(&dir, &["image", "bad.bin.ecm", "-o", "out"]);
    assert_eq!(rc, 2, "{err}");
    assert!(err.contains(&format!("byte {edc_at}")), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!dir.join("out.bin").exists(), "no output is left");
    let (rc, _, err) = rawcd(&dir, &["verify", "bad.bin.ecm"]);
    assert_eq!(rc, 2, "{err}");
    assert!(err.contains("EDC"), "{err}");
}

#[test]
fn truncated_or_overlong_ecm_is_refused_naming_the_record() {
    let dir = tmpdir("trunc");
    let bin = mode2_bin(&dir);
    let e = ecm_encode(&bin);
    let p = dir.join("t.bin.ecm");
    for cut in [5usize, 100, e.len() / 3, e.len() - 6, e.len() - 2] {
        std::fs::write(&p, &e[..cut]).unwrap();
        let err = ecm::scan(&p).unwrap_err();
        assert!(
            matches!(err, ImageError::Malformed { .. }),
            "cut {cut}: {err}"
        );
        assert!(ecm::decode_all(&e[..cut], &p).is_err(), "cut {cut}");
        let (rc, _, msg) = rawcd(&dir, &["toc", "t.bin.ecm"]);
        assert_eq!(rc, 2, "cut {cut}: {msg}");
        assert!(msg.contains("t.bin.ecm: byte "), "cut {cut}: {msg}");
    }
    let mut long = e.clone();
    long.extend_from_slice(b"xx");
    std::fs::write(&p, &long).unwrap();
    assert!(ecm::scan(&p)
        .unwrap_err()
        .to_string()
        .contains("after the end marker"));
    // A count of 2^31 is refused before anything is read.
    let mut huge = b"ECM\0".to_vec();
    put_header(&mut huge, 1, 0x7FFF_FFFF);
    assert!(ecm::decode_all(&huge, &p)
        .unwrap_err()
        .to_string()
        .contains("out of range"));
}

#[test]
fn ecm_sources_read_the_same_in_any_chunking() {
    let dir = tmpdir("chunks");
    let bin = mode2_bin(&dir);
    let p = dir.join("c.bin.ecm");
    std::fs::write(&p, ecm_encode(&bin)).unwrap();
    let f = ecm::EcmFile::open(&p).unwrap();
    assert_eq!(f.decoded_len(), bin.len() as u64);
    for chunk in [1usize, 7, 17, 2352, 100_000] {
        let s = f.segment(0, bin.len() as u64);
        let mut got = vec![0u8; bin.len()];
        let mut at = 0;
        while at < got.len() {
            let n = chunk.min(got.len() - at);
            s.read_at(at as u64, &mut got[at..at + n]).unwrap();
            at += n;
        }
        assert!(got == bin, "chunk {chunk}");
    }
    // Two segments of one file: the second starts where the first ends (one decode), and a
    // backwards segment restarts the decoder.
    let a = f.segment(0, 5000);
    let b = f.segment(5000, 10_000);
    let mut x = vec![0u8; 5000];
    let mut y = vec![0u8; 10_000];
    a.read_at(0, &mut x).unwrap();
    b.read_at(0, &mut y).unwrap();
    assert_eq!(&x[..], &bin[..5000]);
    assert_eq!(&y[..], &bin[5000..15_000]);
    let c = f.segment(100, 10);
    let mut z = [0u8; 10];
    c.read_at(0, &mut z).unwrap();
    assert_eq!(&z[..], &bin[100..110]);
}

#[test]
fn chd_metadata_lines_parse_as_chdman_writes_them() {
    use rawcd::formats::image::chd::parse_track_text;
    let t = parse_track_text(
        "TRACK:2 TYPE:AUDIO SUBTYPE:NONE FRAMES:750 PREGAP:150 PGTYPE:VAUDIO PGSUB:NONE POSTGAP:0\0",
    )
    .unwrap();
    assert_eq!((t.number, t.frames, t.padding, t.pregap), (2, 750, 2, 150));
    assert!(t.pregap_stored);
    let t = parse_track_text("TRACK:1 TYPE:MODE1 SUBTYPE:RW_RAW FRAMES:300").unwrap();
    assert_eq!(t.datasize, 2048);
    assert_eq!(t.sub, Some(rawcd::formats::SubchannelInput::Raw));
    assert!(!t.pregap_stored);
    for bad in [
        "TRACK:0 TYPE:AUDIO FRAMES:1",
        "TRACK:1 TYPE:MODE3 FRAMES:1",
        "TRACK:1 TYPE:AUDIO SUBTYPE:XX FRAMES:1",
        "TRACK:1 TYPE:AUDIO FRAMES:x",
        "TRACK:1 TYPE:AUDIO FRAMES:10 PREGAP:20 PGTYPE:VAUDIO",
    ] {
        assert!(parse_track_text(bad).is_err(), "{bad}");
    }
}

#[test]
fn chd_header_that_lies_is_refused_before_decoding() {
    let dir = tmpdir("chdhdr");
    let p = dir.join("x.chd");
    let mut h = vec![0u8; 124];
    h[..8].copy_from_slice(b"MComprHD");
    h[8..12].copy_from_slice(&124u32.to_be_bytes());
    h[12..16].copy_from_slice(&5u32.to_be_bytes());
    h[32..40].copy_from_slice(&(1u64 << 40).to_be_bytes()); // 1 TiB logical
    h[56..60].copy_from_slice(&19_584u32.to_be_bytes());
    std::fs::write(&p, &h).unwrap();
    let e = image::chd::read_header(&p).unwrap_err().to_string();
    assert!(e.contains("byte 32") && e.contains("2 GiB"), "{e}");
    h[32..40].copy_from_slice(&(19_584u64 * 10).to_be_bytes());
    h[56..60].copy_from_slice(&1000u32.to_be_bytes());
    std::fs::write(&p, &h).unwrap();
    let e = image::chd::read_header(&p).unwrap_err().to_string();
    assert!(e.contains("byte 56"), "{e}");
    h[56..60].copy_from_slice(&19_584u32.to_be_bytes());
    h[40..48].copy_from_slice(&5000u64.to_be_bytes()); // map past the end
    h[16..20].copy_from_slice(&u32::from_be_bytes(*b"cdlz").to_be_bytes());
    std::fs::write(&p, &h).unwrap();
    let e = image::chd::read_header(&p).unwrap_err().to_string();
    assert!(e.contains("past the end"), "{e}");
    let (rc, _, err) = rawcd(&dir, &["toc", "x.chd"]);
    assert_eq!(rc, 2, "{err}");
    assert!(err.contains("x.chd: byte 40"), "{err}");
}

/// `bin` with bytes 300..305 of each of `sectors` (2352-byte sectors) changed: Mode 1 user
/// data damage the ECC corrects.
fn damaged(bin: &[u8], sectors: &[usize]) -> Vec<u8> {
    let mut b = bin.to_vec();
    for &s in sectors {
        for x in &mut b[s * SECTOR_SIZE + 300..s * SECTOR_SIZE + 305] {
            *x ^= 0xA5;
        }
    }
    b
}

#[test]
fn repair_of_an_ecm_whose_raw_record_holds_a_damaged_mode1_sector_gives_the_original() {
    let dir = tmpdir("repair");
    std::fs::write(dir.join("d.iso"), common::iso(300)).unwrap();
    common::ok(&dir, &["image", "d.iso", "-o", "d"]);
    let bin = common::read(&dir, "d.bin");
    let bad = damaged(&bin, &[0, 77, 299]);
    // The encoder keeps a damaged sector whole, as a type 0 (raw) record.
    let s77 = &bad[77 * SECTOR_SIZE..78 * SECTOR_SIZE];
    assert_eq!(classify(s77), vec![(0, s77.to_vec())]);
    std::fs::write(dir.join("bad.bin.ecm"), ecm_encode(&bad)).unwrap();
    let (rc, out, err) = rawcd(&dir, &["repair", "bad.bin.ecm", "-o", "fixed"]);
    assert_eq!(rc, 0, "{out}{err}");
    for want in [
        "300 data sectors checked, 3 corrected (0 headers rebuilt, 15 bytes changed), 0 uncorrectable",
        "bad.bin.ecm: repaired as bin/cue (rawcd writes no ECM images)",
    ] {
        assert!(out.contains(want), "{want}: {out}");
    }
    assert!(common::read(&dir, "fixed.bin") == bin);
    let cue = String::from_utf8(common::read(&dir, "fixed.cue")).unwrap();
    assert!(
        cue.contains("FILE \"fixed.bin\" BINARY") && cue.contains("MODE1/2352"),
        "{cue}"
    );
    assert!(common::ok(&dir, &["verify", "fixed.cue"]).contains(": OK"));
    // The intermediate set is gone: only the inputs and the repaired pair remain.
    assert_eq!(
        common::names(&dir),
        [
            "bad.bin.ecm",
            "d.bin",
            "d.cue",
            "d.iso",
            "fixed.bin",
            "fixed.cue"
        ]
    );
}

#[test]
fn repair_of_a_cue_whose_bin_is_only_there_as_ecm_writes_the_repaired_bin() {
    let dir = tmpdir("repaircue");
    let (bin, cue) = demo(&dir);
    // Mode 1 sectors of track 1 (LBA 0..449: the ISO, then its post-gap).
    std::fs::write(
        dir.join("disc.bin.ecm"),
        ecm_encode(&damaged(&bin, &[16, 400])),
    )
    .unwrap();
    std::fs::write(dir.join("disc.cue"), cue.replace("demo.bin", "disc.bin")).unwrap();
    let (rc, out, err) = rawcd(&dir, &["repair", "disc.cue", "-o", "fixed"]);
    assert_eq!(rc, 0, "{out}{err}");
    assert!(out.contains("2 corrected"), "{out}");
    assert!(
        common::read(&dir, "fixed.bin") == bin,
        "the decoded, repaired bin"
    );
    let fixed = String::from_utf8(common::read(&dir, "fixed.cue")).unwrap();
    assert_eq!(fixed, cue.replace("demo.bin", "fixed.bin"));
    assert!(!dir.join("fixed.ecm").exists());
}

// ---------------------------------------------------------------------------------------------
// CHD against chdman (Debian mame-tools).

fn have_chdman() -> bool {
    Command::new("chdman").arg("help").output().is_ok()
}

fn chdman(dir: &Path, args: &[&str]) {
    let o = Command::new("chdman")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "chdman {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A CD WAV of `sectors` sectors (588 frames each).
fn wav(sectors: usize, seed: usize) -> Vec<u8> {
    let pcm: Vec<u8> = (0..sectors * 2352)
        .map(|i| ((i * (13 + seed)) % 251) as u8)
        .collect();
    common::cd_wav(&pcm)
}

/// rawcd makes `src.bin/.cue` from `list`; chdman compresses it (default codecs); rawcd reads
/// the CHD back: the same `.bin`, the same disc (`toc --json`), the same raw stream; chdman's
/// own `extractcd` gives the same bin.
fn chd_round_trip(dir: &Path, list: &[&str]) {
    let mut args = vec!["image"];
    args.extend_from_slice(list);
    args.extend_from_slice(&["-o", "src"]);
    let (rc, _, err) = rawcd(dir, &args);
    assert_eq!(rc, 0, "{err}");
    chdman(dir, &["createcd", "-f", "-i", "src.cue", "-o", "x.chd"]);
    // The content reads the same in any chunking (audio pairs are swapped across reads).
    let f = image::chd::ChdFile::open(&dir.join("x.chd")).unwrap();
    let n = f.content_len().min(60_000);
    let mut whole = vec![0u8; n as usize];
    f.segment(0, n).read_at(0, &mut whole).unwrap();
    for chunk in 1..=17usize {
        let s = f.segment(0, n);
        let mut got = vec![0u8; n as usize];
        let mut at = 0;
        while at < got.len() {
            let k = chunk.min(got.len() - at);
            s.read_at(at as u64, &mut got[at..at + k]).unwrap();
            at += k;
        }
        assert!(got == whole, "chunk {chunk}");
    }
    let (rc, _, err) = rawcd(dir, &["image", "x.chd", "-o", "back"]);
    assert_eq!(rc, 0, "{err}");
    let src = std::fs::read(dir.join("src.bin")).unwrap();
    assert!(
        std::fs::read(dir.join("back.bin")).unwrap() == src,
        "rawcd image x.chd"
    );
    chdman(
        dir,
        &[
            "extractcd",
            "-f",
            "-i",
            "x.chd",
            "-o",
            "ex.cue",
            "-ob",
            "ex.bin",
        ],
    );
    assert!(
        std::fs::read(dir.join("ex.bin")).unwrap() == src,
        "chdman extractcd"
    );
    let toc = |s: &str| rawcd(dir, &["toc", s, "--json"]).1;
    assert_eq!(toc("x.chd"), toc("src.cue"));
    let (rc, _, err) = rawcd(dir, &["image", "x.chd", "-o", "r1", "--format", "raw"]);
    assert_eq!(rc, 0, "{err}");
    let (rc, _, err) = rawcd(dir, &["image", "src.cue", "-o", "r2", "--format", "raw"]);
    assert_eq!(rc, 0, "{err}");
    assert!(
        std::fs::read(dir.join("r1.raw")).unwrap() == std::fs::read(dir.join("r2.raw")).unwrap()
    );
    let (rc, out, err) = rawcd(dir, &["verify", "x.chd"]);
    assert_eq!(rc, 0, "{out}{err}");
    assert!(out.contains("data SHA-1"), "{out}");
}

#[test]
#[ignore = "needs chdman: apt-get install -y mame-tools"]
fn chd_of_a_mixed_disc_reads_back_as_its_source() {
    assert!(have_chdman());
    let dir = tmpdir("chdmixed");
    let iso: Vec<u8> = (0..2048 * 400).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(dir.join("d.iso"), iso).unwrap();
    for (i, n) in [340usize, 595, 301, 850].iter().enumerate() {
        std::fs::write(dir.join(format!("a{i}.wav")), wav(*n, i)).unwrap();
    }
    chd_round_trip(&dir, &["d.iso", "a0.wav", "a1.wav", "a2.wav", "a3.wav"]);
}

#[test]
#[ignore = "needs chdman: apt-get install -y mame-tools"]
fn chd_of_an_audio_disc_reads_back_as_its_source() {
    assert!(have_chdman());
    let dir = tmpdir("chdaudio");
    for (i, n) in [511usize, 340, 333].iter().enumerate() {
        std::fs::write(dir.join(format!("a{i}.wav")), wav(*n, i + 3)).unwrap();
    }
    chd_round_trip(&dir, &["a0.wav", "a1.wav", "a2.wav"]);
}

#[test]
#[ignore = "needs chdman: apt-get install -y mame-tools"]
fn chd_of_a_cdg_toc_keeps_its_subchannel() {
    assert!(have_chdman());
    let dir = tmpdir("chdcdg");
    // 2352 bytes of audio then 96 bytes of raw P–W per sector (R–W bits only: P and Q are
    // rawcd's to generate).
    let sectors = 600;
    let mut d = Vec::with_capacity(sectors * 2448);
    for k in 0..sectors {
        d.extend((0..2352).map(|i| ((i + k * 3) % 241) as u8));
        d.extend((0..96).map(|i| ((i * 5 + k) % 64) as u8));
    }
    std::fs::write(dir.join("cdg.bin"), &d).unwrap();
    // chdman reads a TOC `AUDIOFILE` as big-endian unless `SWAP` and counts the length in
    // 2448-byte blocks; the cue `CDG` form of the same file is rawcd's reference.
    std::fs::write(
        dir.join("cdg.toc"),
        "CD_DA\nTRACK AUDIO RW_RAW\nAUDIOFILE \"cdg.bin\" SWAP 0 00:08:00\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("cdg.cue"),
        "FILE \"cdg.bin\" BINARY\n  TRACK 01 CDG\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    chdman(&dir, &["createcd", "-f", "-i", "cdg.toc", "-o", "x.chd"]);
    for f in ["bin", "clonecd", "raw"] {
        let (rc, _, err) = rawcd(
            &dir,
            &["image", "x.chd", "-o", &format!("c-{f}"), "--format", f],
        );
        assert_eq!(rc, 0, "{err}");
        let (rc, _, err) = rawcd(
            &dir,
            &["image", "cdg.cue", "-o", &format!("t-{f}"), "--format", f],
        );
        assert_eq!(rc, 0, "{err}");
    }
    let audio: Vec<u8> = d.chunks(2448).flat_map(|s| s[..2352].to_vec()).collect();
    assert!(std::fs::read(dir.join("c-bin.bin")).unwrap() == audio);
    for f in ["c-bin.bin", "c-clonecd.sub", "c-raw.raw"] {
        let t = f.replacen("c-", "t-", 1);
        assert!(
            std::fs::read(dir.join(f)).unwrap() == std::fs::read(dir.join(&t)).unwrap(),
            "{f} differs from {t}"
        );
    }
    let (rc, out, err) = rawcd(&dir, &["verify", "x.chd"]);
    assert_eq!(rc, 0, "{out}{err}");
}

#[test]
#[ignore = "needs chdman: apt-get install -y mame-tools"]
fn chd_with_a_flipped_hunk_byte_is_refused_naming_the_hunk() {
    assert!(have_chdman());
    let dir = tmpdir("chdbad");
    for (i, n) in [400usize, 350].iter().enumerate() {
        std::fs::write(dir.join(format!("a{i}.wav")), wav(*n, i)).unwrap();
    }
    let (rc, _, err) = rawcd(&dir, &["image", "a0.wav", "a1.wav", "-o", "src"]);
    assert_eq!(rc, 0, "{err}");
    chdman(&dir, &["createcd", "-f", "-i", "src.cue", "-o", "x.chd"]);
    let mut c = std::fs::read(dir.join("x.chd")).unwrap();
    let at = c.len() / 2;
    c[at] ^= 0x01;
    std::fs::write(dir.join("bad.chd"), &c).unwrap();
    let (rc, out, err) = rawcd(&dir, &["verify", "bad.chd"]);
    assert_eq!(rc, 2, "{out}{err}");
    assert!(err.contains("bad.chd: hunk "), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let (rc, _, err) = rawcd(&dir, &["image", "bad.chd", "-o", "out"]);
    assert_eq!(rc, 2, "{err}");
    assert!(err.contains("hunk "), "{err}");
    assert!(!dir.join("out.bin").exists());
}

/// Fuzz find (chd_image): a CD-codec block whose header claims more sector data than the block
/// holds made the `chd` crate index past its input (a panic caught as an error, but its message
/// reached stderr). rawcd checks the header first: one line naming the hunk, no panic text.
#[test]
#[ignore = "needs chdman: apt-get install -y mame-tools"]
fn chd_cd_block_claiming_too_much_data_is_refused_without_a_panic() {
    use chd::map::{CompressionTypeV5, MapEntry};
    assert!(have_chdman());
    let dir = tmpdir("chdlen");
    std::fs::write(dir.join("a0.wav"), wav(400, 9)).unwrap();
    let (rc, _, err) = rawcd(&dir, &["image", "a0.wav", "-o", "src"]);
    assert_eq!(rc, 0, "{err}");
    chdman(&dir, &["createcd", "-f", "-i", "src.cue", "-o", "x.chd"]);
    let f = std::fs::File::open(dir.join("x.chd")).unwrap();
    let chd = chd::Chd::open(std::io::BufReader::new(f), None).unwrap();
    let frames = chd.header().hunk_size() as usize / 2448;
    let (hunk, offset) = (0..chd.header().hunk_count())
        .find_map(|h| match chd.map().get_entry(h as usize) {
            Some(MapEntry::V5Compressed(e))
                if matches!(e.hunk_type(), Ok(CompressionTypeV5::CompressionType0)) =>
            {
                Some((h, e.block_offset()))
            }
            _ => None,
        })
        .unwrap();
    let mut c = std::fs::read(dir.join("x.chd")).unwrap();
    let at = offset as usize + frames.div_ceil(8);
    c[at] = 0xFF;
    c[at + 1] = 0xFF;
    std::fs::write(dir.join("bad.chd"), &c).unwrap();
    for args in [
        &["verify", "bad.chd"][..],
        &["image", "bad.chd", "-o", "out"][..],
    ] {
        let (rc, _, err) = rawcd(&dir, args);
        assert_eq!(rc, 2, "{err}");
        assert!(err.contains(&format!("hunk {hunk}")), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

/// chdman keeps damaged sectors as they are (their ECC is not stripped), so `rawcd repair` of
/// the CHD corrects what the repair of the bin/cue it was made from corrects, into the same
/// bin, with the same tracks.
#[test]
#[ignore = "needs chdman: apt-get install -y mame-tools"]
fn chd_of_a_disc_with_damaged_data_sectors_repairs_like_its_bin_cue() {
    assert!(have_chdman());
    let dir = tmpdir("chdrepair");
    let (bin, cue) = demo(&dir);
    std::fs::write(dir.join("bad.bin"), damaged(&bin, &[3, 150, 299, 420])).unwrap();
    std::fs::write(dir.join("bad.cue"), cue.replace("demo.bin", "bad.bin")).unwrap();
    chdman(&dir, &["createcd", "-f", "-i", "bad.cue", "-o", "bad.chd"]);
    let (rc, from_cue, err) = rawcd(&dir, &["repair", "bad.cue", "-o", "c"]);
    assert_eq!(rc, 0, "{from_cue}{err}");
    let (rc, from_chd, err) = rawcd(&dir, &["repair", "bad.chd", "-o", "h"]);
    assert_eq!(rc, 0, "{from_chd}{err}");
    assert!(from_cue.contains("4 corrected"), "{from_cue}");
    let counts = |out: &str, name: &str| {
        out.lines()
            .filter_map(|l| l.strip_prefix(name))
            .filter(|l| !l.contains("repaired as"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(counts(&from_chd, "bad.chd"), counts(&from_cue, "bad.cue"));
    assert!(
        from_chd.contains("bad.chd: repaired as bin/cue (rawcd writes no MAME CHD images)"),
        "{from_chd}"
    );
    assert!(common::read(&dir, "c.bin") == bin);
    assert!(common::read(&dir, "h.bin") == bin);
    let starts = |sheet: &str| common::toc_starts(&common::ok(&dir, &["toc", sheet, "--json"]));
    assert_eq!(starts("h.cue"), starts("c.cue"));
}

/// Fuzz find (chd_image, seeded with small chdman CHDs): a CHD whose compressed hunk map holds
/// a Huffman table the `chd` crate indexes past (a panic inside the crate). rawcd catches it as
/// an error, and its message no longer reaches stderr: one line, exit 2, for every command.
#[test]
fn chd_whose_map_panics_the_decoder_is_one_clean_error() {
    const HEX: [&str; 7] = [
        "4d436f6d707248440000007c0000000563646c7a63647a6c6364666c000000000000000000017e8000000000",
        "0000010a000000000000007c00004c80000009908d1f828002caf9ac7f40bfc69ad3c6362f47dd81549bcc8f",
        "a966dc8399019e3c383a5bca4238179e00000000000000000000000000000000000000004348543201000055",
        "0000000000000000545241434b3a3120545950453a415544494f20535542545950453a4e4f4e45204652414d",
        "45533a3430205052454741503a30205047545950453a4d4f4445312050475355423a4e4f4e4520504f535447",
        "41503a3000fff8791800092f760000000000003587fff8791801092f1d000000000000382363601805a360e4",
        "02000000000a000000aa0000e1c8f70600000020210120210378a7bc98",
    ];
    let hex: String = HEX.concat();
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let dir = tmpdir("chdmap");
    std::fs::write(dir.join("bad.chd"), &bytes).unwrap();
    for args in [
        &["verify", "bad.chd"][..],
        &["toc", "bad.chd"][..],
        &["image", "bad.chd", "-o", "out"][..],
    ] {
        let (rc, _, err) = rawcd(&dir, args);
        assert_eq!(rc, 2, "{args:?}: {err}");
        assert!(err.contains("bad.chd"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    assert!(!dir.join("out.bin").exists() && !dir.join("out.cue").exists());
}

/// Issue 19: bounded memory for every format, CHD tracks with a stored subchannel included.
/// An 80-minute CD+G track (2352 + 96 bytes per sector, a repeating pattern so chdman packs it
/// small) through `chdman createcd`; `rawcd image` to raw and to bin stays under 64 MiB
/// (before: the track was read into memory, 1.76 GB). Same bytes as the source: the small
/// `chd_of_a_cdg_toc_keeps_its_subchannel`.
#[test]
#[ignore = "needs chdman: apt-get install -y mame-tools; writes 880 MB"]
fn chd_of_an_eighty_minute_cdg_track_streams_in_64_mib() {
    assert!(have_chdman());
    let dir = tmpdir("chd80");
    let sectors = 80 * 60 * 75;
    let rec: Vec<u8> = (0..16 * 2448)
        .map(|i| {
            if i % 2448 < 2352 {
                (i * 7 / 13) as u8
            } else {
                (i % 64) as u8
            }
        })
        .collect();
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("cdg.bin")).unwrap());
        for _ in 0..sectors / 16 {
            f.write_all(&rec).unwrap();
        }
    }
    std::fs::write(
        dir.join("cdg.toc"),
        "CD_DA\nTRACK AUDIO RW_RAW\nAUDIOFILE \"cdg.bin\" SWAP 0 80:00:00\n",
    )
    .unwrap();
    chdman(&dir, &["createcd", "-f", "-i", "cdg.toc", "-o", "x.chd"]);
    std::fs::remove_file(dir.join("cdg.bin")).unwrap();
    for f in ["raw", "bin"] {
        let (kib, secs) = common::peak_rss_kib(
            &dir,
            &["image", "x.chd", "-o", &format!("o-{f}"), "--format", f],
        );
        eprintln!("80-minute CD+G CHD -> {f}: peak RSS {kib} KiB, {secs:.1} s");
        assert!(kib < 64 * 1024, "{f}: peak RSS {kib} KiB");
        for e in ["raw", "bin", "cue"] {
            let _ = std::fs::remove_file(dir.join(format!("o-{f}.{e}")));
        }
    }
}

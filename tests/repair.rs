//! `rawcd repair`: corrupted images come back byte for byte where the ECC and the Q layout make
//! it certain, the rest is reported, clean images are copied unchanged.

#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

mod common;

use std::path::{Path, PathBuf};

use rawcd::codec::engine::Auto;
use rawcd::codec::subchannel::{linear_from_raw, write_pw};
use rawcd::codec::{SectorType, SECTOR_SIZE};
use rawcd::formats::ccd::write_ccd;
use rawcd::formats::cue_write::write_cue;
use rawcd::layout::reference::{raw_stream, Generator};
use rawcd::layout::{DiscMap, ImageCreator, LeadIn, SubchannelFormat};
use rawcd::source::Source;
use rawcd::verify::repair::{repair_image, RepairReport};
use rawcd::verify::verify_raw;

fn temp_dir(tag: &str) -> PathBuf {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(1);
    let d = std::env::temp_dir().join(format!(
        "rawcd-repair-{tag}-{}-{:x}",
        std::process::id(),
        h.finish()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Mode 1, Mode 2 Form 1, Form 2 and audio tracks, raw96 with a short lead-in.
fn disc() -> DiscMap {
    let mut c = ImageCreator::new();
    c.set_result_type(SubchannelFormat::Raw96);
    c.set_leadin(LeadIn::At(rawcd::units::Msf::new(99, 59, 0).unwrap()));
    let mut rng = common::SplitMix::new(5);
    for ty in [
        SectorType::Mode1,
        SectorType::Mode2Form1,
        SectorType::Mode2Form2,
        SectorType::Audio,
    ] {
        c.add_track(ty, Source::from_bytes(rng.take(320 * ty.input_size())))
            .unwrap();
    }
    c.build().unwrap()
}

/// bin (LBA 0 to the lead-out), linear .sub, and the LBAs of the data sectors with their ECC
/// kind (true = Mode 1 or Form 1, false = Form 2).
fn images(map: &DiscMap) -> (Vec<u8>, Vec<u8>, Vec<(i32, bool)>) {
    let e = Auto::detect();
    let (mut bin, mut sub, mut data) = (Vec::new(), Vec::new(), Vec::new());
    for s in Generator::new(map, &e, false) {
        let s = s.unwrap();
        if s.lba < 0 || s.lba >= map.start_of_leadout() {
            continue;
        }
        if s.info.ty.is_data() {
            let ecc = s.info.ty.cooked() != SectorType::Mode2Form2;
            data.push((s.lba, ecc));
        }
        bin.extend_from_slice(&s.main);
        let mut pw = [0u8; 96];
        write_pw(&mut pw, s.info.p, &s.info.q, Some(&s.rw.raw));
        sub.extend_from_slice(&linear_from_raw(&pw));
    }
    (bin, sub, data)
}

/// Corrupts one sector (unscrambled, at `at` in `img`) with one error in each of `n` distinct
/// P vectors and one in each of up to 4 distinct Q parity vectors: always correctable.
fn corrupt_correctable(img: &mut [u8], at: usize, form1: bool, rng: &mut common::SplitMix) {
    let mut r =
        |m: usize| (rng.take(8).iter().fold(0u64, |a, &b| a << 8 | b as u64) % m as u64) as usize;
    let n = 1 + r(40);
    let mut vectors: Vec<usize> = (0..86).collect();
    for k in 0..n {
        let j = k + r(86 - k);
        vectors.swap(k, j);
        let v = vectors[k];
        let row = r(26);
        let off = 12 + v + 86 * row;
        if form1 && off < 16 {
            continue;
        }
        img[at + off] ^= 1 + r(255) as u8;
    }
    for v in 0..r(5) {
        img[at + 2248 + v * 13] ^= 1 + r(255) as u8;
    }
}

fn check_report(r: &RepairReport, corrected: u64) {
    assert!(r.all_fixed(), "{r:?}");
    assert_eq!(r.corrected, corrected, "{r:?}");
}

#[test]
fn clean_images_are_copied_unchanged() {
    let map = disc();
    let (bin, sub, _) = images(&map);
    let d = temp_dir("clean");
    std::fs::write(d.join("c.img"), &bin).unwrap();
    std::fs::write(d.join("c.sub"), &sub).unwrap();
    std::fs::write(d.join("c.ccd"), write_ccd(&map, None)).unwrap();
    let r = repair_image(&d.join("c.ccd"), &d.join("out")).unwrap();
    check_report(&r, 0);
    assert_eq!((r.q_regenerated, r.bytes_changed), (0, 0));
    assert!(r.data_sectors >= 3 * 320);
    assert_eq!(std::fs::read(d.join("out.img")).unwrap(), bin);
    assert_eq!(std::fs::read(d.join("out.sub")).unwrap(), sub);
    std::fs::write(d.join("c.bin"), &bin).unwrap();
    std::fs::write(d.join("c.cue"), write_cue(&map, "c.bin", None)).unwrap();
    let r = repair_image(&d.join("c.cue"), &d.join("cue-out")).unwrap();
    check_report(&r, 0);
    assert_eq!(std::fs::read(d.join("cue-out.bin")).unwrap(), bin);
    let cue = std::fs::read_to_string(d.join("cue-out.cue")).unwrap();
    assert!(cue.contains("FILE \"cue-out.bin\" BINARY"), "{cue}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn twenty_percent_of_data_sectors_damaged_all_come_back() {
    let map = disc();
    let (bin, sub, data) = images(&map);
    let mut rng = common::SplitMix::new(99);
    let mut bad = bin.clone();
    let mut damaged = 0;
    for (i, &(lba, ecc)) in data.iter().enumerate() {
        if !ecc || i % 5 != 0 {
            continue;
        }
        let form1 = bin[lba as usize * SECTOR_SIZE + 15] == 2;
        corrupt_correctable(&mut bad, lba as usize * SECTOR_SIZE, form1, &mut rng);
        damaged += 1;
    }
    // A wrecked header of a Form 2 sector (no ECC): rebuilt from its position.
    let f2 = data.iter().find(|(_, ecc)| !ecc).unwrap().0 as usize;
    bad[f2 * SECTOR_SIZE + 3] = 0x12;
    bad[f2 * SECTOR_SIZE + 13] ^= 0x40;
    let d = temp_dir("twenty");
    // bin/cue.
    std::fs::write(d.join("b.bin"), &bad).unwrap();
    std::fs::write(d.join("b.cue"), write_cue(&map, "b.bin", None)).unwrap();
    let r = repair_image(&d.join("b.cue"), &d.join("fixed")).unwrap();
    check_report(&r, damaged + 1);
    // The Form 2 header, and Mode 1 headers the ECC put right.
    assert!(r.headers_rebuilt >= 1);
    assert!(
        std::fs::read(d.join("fixed.bin")).unwrap() == bin,
        "bin not restored"
    );
    assert_eq!(
        std::fs::read(d.join("b.bin")).unwrap(),
        bad,
        "input untouched"
    );
    // CloneCD.
    std::fs::write(d.join("c.img"), &bad).unwrap();
    std::fs::write(d.join("c.sub"), &sub).unwrap();
    std::fs::write(d.join("c.ccd"), write_ccd(&map, None)).unwrap();
    let r = repair_image(&d.join("c.ccd"), &d.join("fixed")).unwrap();
    check_report(&r, damaged + 1);
    assert!(
        std::fs::read(d.join("fixed.img")).unwrap() == bin,
        "img not restored"
    );
    // The raw stream (scrambled data sectors).
    let e = Auto::detect();
    let raw = raw_stream(&map, &e).unwrap();
    let start = map.leadin_start();
    let mut rawbad = raw.clone();
    for &(lba, ecc) in data.iter().step_by(5) {
        if !ecc {
            continue;
        }
        let at = (lba - start) as usize * 2448;
        let form1 = bin[lba as usize * SECTOR_SIZE + 15] == 2;
        corrupt_correctable(&mut rawbad, at, form1, &mut rng);
    }
    std::fs::write(d.join("r.raw"), &rawbad).unwrap();
    let r = repair_image(&d.join("r.raw"), &d.join("fixed")).unwrap();
    assert!(r.all_fixed(), "{r:?}");
    assert_eq!(
        r.corrected,
        data.iter().step_by(5).filter(|x| x.1).count() as u64
    );
    let out = std::fs::read(d.join("fixed.raw")).unwrap();
    assert!(out == raw, "raw not restored");
    assert!(verify_raw(&out, None, None).unwrap().ok());
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn too_many_errors_are_reported_and_left_alone() {
    let map = disc();
    let (bin, sub, data) = images(&map);
    let mut bad = bin.clone();
    let lba = data[10].0 as usize;
    for k in 0..300 {
        bad[lba * SECTOR_SIZE + 16 + k * 7] ^= 0x5A;
    }
    let d = temp_dir("wrecked");
    std::fs::write(d.join("c.img"), &bad).unwrap();
    std::fs::write(d.join("c.sub"), &sub).unwrap();
    std::fs::write(d.join("c.ccd"), write_ccd(&map, None)).unwrap();
    let r = repair_image(&d.join("c.ccd"), &d.join("out")).unwrap();
    assert_eq!(r.uncorrectable, vec![lba as i32]);
    assert!(!r.all_fixed());
    let out = std::fs::read(d.join("out.img")).unwrap();
    assert_eq!(out, bad, "the sector stays as it was");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn q_frames_with_bad_crc_are_regenerated_when_certain() {
    let map = disc();
    let (bin, sub, _) = images(&map);
    let mut bad = sub.clone();
    // Mid-track frames: certain. The first INDEX 01 sector of track 2: its neighbours differ.
    let t2 = map.tracks()[1].index01 as usize;
    for lba in [100usize, 101, 700, 1000] {
        bad[lba * 96 + 12 + 4] ^= 0x21;
    }
    bad[t2 * 96 + 12 + 11] ^= 0x01;
    let d = temp_dir("q");
    std::fs::write(d.join("c.img"), &bin).unwrap();
    std::fs::write(d.join("c.sub"), &bad).unwrap();
    std::fs::write(d.join("c.ccd"), write_ccd(&map, None)).unwrap();
    let r = repair_image(&d.join("c.ccd"), &d.join("out")).unwrap();
    assert_eq!(r.q_regenerated, 4, "{r:?}");
    assert_eq!(r.q_unrepaired, vec![t2 as i32]);
    let out = std::fs::read(d.join("out.sub")).unwrap();
    for lba in [100usize, 101, 700, 1000] {
        assert_eq!(
            out[lba * 96..lba * 96 + 96],
            sub[lba * 96..lba * 96 + 96],
            "LBA {lba}"
        );
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn audio_is_never_touched() {
    let map = disc();
    let (bin, sub, _) = images(&map);
    let audio = map.tracks()[3].index01 as usize;
    let mut bad = bin.clone();
    bad[(audio + 5) * SECTOR_SIZE + 100] ^= 0xFF;
    let d = temp_dir("audio");
    std::fs::write(d.join("c.img"), &bad).unwrap();
    std::fs::write(d.join("c.sub"), &sub).unwrap();
    std::fs::write(d.join("c.ccd"), write_ccd(&map, None)).unwrap();
    let r = repair_image(&d.join("c.ccd"), &d.join("out")).unwrap();
    check_report(&r, 0);
    assert_eq!(std::fs::read(d.join("out.img")).unwrap(), bad);
    std::fs::remove_dir_all(&d).unwrap();
}

/// `rawcd args` in `dir`: the exit code and stdout followed by stderr.
fn rawcd(dir: &Path, args: &[&str]) -> (i32, String) {
    let (code, out, err) = common::rawcd(dir, args);
    (code, format!("{out}{err}"))
}

#[test]
fn cli_exit_codes() {
    let map = disc();
    let (bin, sub, data) = images(&map);
    let d = temp_dir("cli");
    let mut bad = bin.clone();
    bad[data[3].0 as usize * SECTOR_SIZE + 500] ^= 0x08;
    std::fs::write(d.join("c.img"), &bad).unwrap();
    std::fs::write(d.join("c.sub"), &sub).unwrap();
    std::fs::write(d.join("c.ccd"), write_ccd(&map, None)).unwrap();
    let (code, out) = rawcd(&d, &["repair", "c.ccd", "-o", "fixed"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 corrected"), "{out}");
    let (code, out) = rawcd(&d, &["verify", "fixed.ccd"]);
    assert_eq!(code, 0, "{out}");
    // Something left: exit 1 with the LBA named.
    for k in 0..300 {
        bad[data[7].0 as usize * SECTOR_SIZE + 16 + k * 7] ^= 0x5A;
    }
    std::fs::write(d.join("c.img"), &bad).unwrap();
    let (code, out) = rawcd(&d, &["repair", "c.ccd", "-o", "fixed2"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("LBA {}", data[7].0)), "{out}");
    // A missing input: exit 2, nothing written.
    let (code, _) = rawcd(&d, &["repair", "missing.ccd", "-o", "x"]);
    assert_eq!(code, 2);
    assert!(!d.join("x.img").exists());
    std::fs::remove_dir_all(&d).unwrap();
}

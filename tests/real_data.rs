//! Bit-exactness against real images from other projects (../shared/testdata/real).

#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

mod common;

use common::testdata;
use rawcd::codec::engine::{testing::available, Engine};
use rawcd::codec::verify::{looks_like_data, Scrambling};
use rawcd::codec::{encode_mode2_xa, encode_sector, verify_sector, SectorType, SECTOR_SIZE};
use rawcd::units::Lba;

#[test]
#[ignore = "needs ../shared/testdata"]
fn isofs_m1_reencodes_bit_exact() {
    let bin = testdata("libcdio/isofs-m1.bin");
    assert_eq!(bin.len(), 302 * SECTOR_SIZE);
    for e in available() {
        for (i, sector) in bin.chunks_exact(SECTOR_SIZE).enumerate() {
            let mut out = [0u8; SECTOR_SIZE];
            encode_sector(
                &e,
                SectorType::Mode1,
                Lba(i as i32),
                &sector[16..2064],
                &mut out,
            )
            .unwrap();
            assert_eq!(&out[..], sector, "{} LBA {i}", e.label());
            let r = verify_sector(&e, sector, Some(Lba(i as i32)), Scrambling::Auto);
            assert!(r.is_valid());
            // Scramble with the engine and with an independent LFSR written here.
            let mut sc = out;
            e.scramble(&mut sc);
            let mut reg: u16 = 1;
            for (k, b) in out.iter().enumerate().skip(12) {
                let mut t = 0u8;
                for bit in 0..8 {
                    t |= ((reg & 1) as u8) << bit;
                    let fb = (reg ^ (reg >> 1)) & 1;
                    reg = (reg >> 1) | (fb << 14);
                }
                assert_eq!(sc[k], b ^ t);
            }
        }
    }
}

/// Tracks of the Nero v1 image: (file offset, length, start LBA) from its ETNF chunk.
fn nero_tracks(img: &[u8]) -> Vec<(usize, usize, i32)> {
    let n = img.len();
    assert_eq!(&img[n - 8..n - 4], b"NERO");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let mut at = be(&img[n - 4..]);
    let mut tracks = Vec::new();
    while at + 8 <= n - 8 {
        let id = &img[at..at + 4];
        let len = be(&img[at + 4..]);
        if id == b"ETNF" {
            for e in img[at + 8..at + 8 + len].chunks_exact(20) {
                tracks.push((be(&e[0..]), be(&e[4..]), be(&e[12..]) as i32));
            }
        }
        if id == b"END!" {
            break;
        }
        at += 8 + len;
    }
    tracks
}

#[test]
#[ignore = "needs ../shared/testdata"]
fn videocd_reencodes_form1_and_form2_bit_exact() {
    let img = testdata("libcdio/videocd.nrg");
    let tracks = nero_tracks(&img);
    assert_eq!(
        tracks.iter().map(|t| t.2).collect::<Vec<_>>(),
        [0, 676, 751, 826, 901]
    );
    for e in available() {
        let (mut f1, mut f2) = (0, 0);
        for &(off, len, start) in &tracks {
            for (i, user) in img[off..off + len].chunks_exact(2336).enumerate() {
                let lba = Lba(start + i as i32);
                let mut out = [0u8; SECTOR_SIZE];
                encode_mode2_xa(&e, lba, user, &mut out).unwrap();
                assert_eq!(&out[16..], user, "{} LBA {}", e.label(), lba.0);
                if user[2] & 0x20 != 0 {
                    f2 += 1;
                    assert_ne!(&out[2348..], &[0, 0, 0, 0]);
                } else {
                    f1 += 1;
                }
                assert!(verify_sector(&e, &out, Some(lba), Scrambling::Plain).is_valid());
                if lba.0 == 16 {
                    assert_eq!(&out[16..20], &[0x00, 0x00, 0x09, 0x00]);
                    assert_eq!(&out[2072..2076], &[0xff, 0x64, 0x82, 0x54]);
                    assert_eq!(
                        &out[2076..2084],
                        &[0x1a, 0x1a, 0x1a, 0x1a, 0x61, 0x7d, 0x8a, 0xa6]
                    );
                }
                if lba.0 == 676 {
                    assert_eq!(&out[16..20], &[0x01, 0x01, 0x62, 0x80]);
                    assert_eq!(&out[2348..2352], &[0xcb, 0x60, 0x0f, 0x65]);
                }
            }
        }
        assert_eq!((f1, f2), (226, 900));
    }
}

#[test]
#[ignore = "needs ../shared/testdata"]
fn redumper_unscramble_samples() {
    let dir = format!("{}/redumper/unscramble", common::TESTDATA);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let parts: Vec<&str> = name.rsplitn(3, '.').collect();
        let (verdict, lba) = (parts[0], parts[1]);
        let lba = if lba == "null" {
            None
        } else {
            Some(Lba(lba.parse().unwrap()))
        };
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(looks_like_data(&bytes, lba), verdict == "pass", "{name}");
        n += 1;
    }
    assert_eq!(n, 46);
    // File 03 is a scrambled all-zero Mode 0 sector at LBA 0: every table byte checked.
    let f03 = testdata("redumper/unscramble/03_mode0_zeroed_data.0.pass");
    for e in available() {
        let mut s = [0u8; SECTOR_SIZE];
        encode_sector(&e, SectorType::Mode0, Lba(0), &[0u8; 2336], &mut s).unwrap();
        e.scramble(&mut s);
        assert_eq!(&s[..], &f03[..]);
        // 08/09 descramble to header 00 02 00 01 / 00 02 00 02 with a zero body; 09 is then a
        // valid all-zero Mode 2 Form 1 sector.
        for (file, mode) in [("08_mode1.0.pass", 1u8), ("09_mode2.0.pass", 2)] {
            let b = testdata(&format!("redumper/unscramble/{file}"));
            let mut d = [0u8; SECTOR_SIZE];
            d.copy_from_slice(&b);
            e.scramble(&mut d);
            assert_eq!(&d[12..16], &[0x00, 0x02, 0x00, mode]);
            assert!(d[16..].iter().all(|&x| x == 0));
            let r = verify_sector(&e, &b, Some(Lba(0)), Scrambling::Auto);
            assert!(r.scrambled);
            assert_eq!(r.is_valid(), mode == 2, "{file}: {r:?}");
        }
    }
}

/// cd-format.md §12.4: every pack of BrotherJohn.cdg carries the parity recomputed from its data
/// symbols, by the reference, the table code and every engine; the stream survives the
/// interleaver and de-interleaver.
#[test]
#[ignore = "needs ../shared/testdata"]
fn brother_john_parity_and_round_trip() {
    use rawcd::codec::rw::{
        check_and_correct, parity_reference, parity_table, PackStatus, RwDeinterleaver,
        RwInterleaver, LAG_SECTORS,
    };
    let data = testdata("gst-plugins-rs/BrotherJohn.cdg");
    assert_eq!(data.len(), 24_300 * 24);
    let engines = available();
    let mut nonzero = 0;
    for stored in data.chunks_exact(24) {
        let stored: [u8; 24] = stored.try_into().unwrap();
        if stored.iter().any(|&b| b != 0) {
            nonzero += 1;
        }
        let mut a = stored;
        for k in [2, 3, 20, 21, 22, 23] {
            a[k] = 0;
        }
        let mut b = a;
        for e in &engines {
            let mut c = a;
            e.rw_parity(&mut c);
            assert_eq!(c, stored, "{}", e.label());
        }
        parity_reference(&mut a);
        parity_table(&mut b);
        assert_eq!(a, stored);
        assert_eq!(b, stored);
        assert_eq!(check_and_correct(&mut a), PackStatus::Ok);
    }
    assert_eq!(nonzero, 4763);

    let mut enc = RwInterleaver::new();
    let mut dec = RwDeinterleaver::new();
    let sectors = data.len() / 96;
    for n in 0..sectors + LAG_SECTORS {
        let mut cooked = [0u8; 96];
        if n < sectors {
            cooked.copy_from_slice(&data[96 * n..96 * n + 96]);
        }
        let mut raw = [0u8; 96];
        enc.encode_sector(&cooked, &mut raw);
        let mut out = [0u8; 96];
        assert_eq!(dec.decode_sector(&raw, &mut out), [PackStatus::Ok; 4]);
        if n >= LAG_SECTORS {
            let m = n - LAG_SECTORS;
            assert_eq!(&out[..], &data[96 * m..96 * m + 96], "sector {m}");
        }
    }
}

/// The batch encoder of every engine on the real Mode 1 image: its user data in place,
/// `encode_batch` (with and without the scrambler) gives back the image's sectors.
#[test]
#[ignore = "needs ../shared/testdata"]
fn isofs_m1_batch_encodes_bit_exact() {
    use rawcd::codec::engine::Finish;
    let bin = testdata("libcdio/isofs-m1.bin");
    let want: Vec<[u8; SECTOR_SIZE]> = bin
        .chunks_exact(SECTOR_SIZE)
        .map(|c| c.try_into().unwrap())
        .collect();
    for e in available() {
        let mut batch = want.clone();
        for s in &mut batch {
            s[2064..].fill(0x55); // EDC, zero field, P and Q must all be recomputed
        }
        let mut scrambled = batch.clone();
        e.encode_batch(&mut batch, Finish::Mode1, false);
        assert!(batch == want, "{}", e.label());
        e.encode_batch(&mut scrambled, Finish::Mode1, true);
        e.scramble_batch(&mut scrambled);
        assert!(scrambled == want, "{} scrambled", e.label());
    }
}

//! Golden SHA-256 hashes of shared/docs/golden.md, computed by an independent implementation.
//! Inputs are generated (SplitMix64), so these run in plain `cargo test`, on every engine.

#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

mod common;

use common::{hex, sha256_hex, SplitMix};
use rawcd::codec::engine::{testing::available, Engine};
use rawcd::codec::subchannel::write_pw;
use rawcd::codec::{encode_sector, generated_sector, QFrame, SectorType, SECTOR_SIZE};
use rawcd::units::{Lba, Msf};

fn encode_run<E: Engine>(
    e: &E,
    ty: SectorType,
    lbas: std::ops::Range<i32>,
    gen: &mut SplitMix,
    prefix: Option<[u8; 8]>,
    scramble: bool,
) -> Vec<u8> {
    let mut out = Vec::new();
    for lba in lbas {
        let mut input = vec![0u8; ty.input_size()];
        match prefix {
            Some(p) => {
                input[..8].copy_from_slice(&p);
                gen.fill(&mut input[8..8 + 2324]);
            }
            None => gen.fill(&mut input),
        }
        let mut s = [0u8; SECTOR_SIZE];
        encode_sector(e, ty, Lba(lba), &input, &mut s).unwrap();
        if scramble {
            e.scramble(&mut s);
        }
        out.extend_from_slice(&s);
    }
    out
}

#[test]
fn splitmix_check_values() {
    assert_eq!(
        SplitMix::new(1).take(16),
        hex("c1 5c 02 89 ec 2d 0a 91 67 ec 8e 65 a1 8d eb be")
    );
    assert_eq!(
        SplitMix::new(2).take(16),
        hex("ce 56 97 1c de 35 58 97 42 1e fc 0b 10 46 c8 bf")
    );
}

#[test]
fn mode1_rows() {
    for e in available() {
        let mode1 = encode_run(
            &e,
            SectorType::Mode1,
            0..1000,
            &mut SplitMix::new(1),
            None,
            false,
        );
        assert_eq!(
            sha256_hex(&mode1[..SECTOR_SIZE]),
            "47a89a4017c6ba60d88f3c793147fcb1db2f31e4bd89fbb6a3492aaeb2937aa4",
            "{}",
            e.label()
        );
        assert_eq!(&mode1[2064..2068], &hex("86 a3 4a 53")[..]);
        assert_eq!(&mode1[2076..2080], &hex("84 fe 59 94")[..]);
        assert_eq!(
            sha256_hex(&mode1),
            "fd896f3b46f03a2d8984cc8d61465006f394a01be75e7a257252322d3c54a558"
        );
        let scr = encode_run(
            &e,
            SectorType::Mode1,
            0..1000,
            &mut SplitMix::new(1),
            None,
            true,
        );
        assert_eq!(
            sha256_hex(&scr),
            "1d3da8883f12c2f659e4f666b3b5a10377a247633932c4220133256ec6febe92"
        );
    }
}

#[test]
fn mode2_rows() {
    const F2: [u8; 8] = [0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x20, 0x00];
    for e in available() {
        for scramble in [false, true] {
            let mut g = SplitMix::new(2);
            let f1 = encode_run(
                &e,
                SectorType::Mode2Form1,
                1000..1500,
                &mut g,
                None,
                scramble,
            );
            let f2 = encode_run(
                &e,
                SectorType::Mode2Form2,
                1500..2000,
                &mut g,
                Some(F2),
                scramble,
            );
            if !scramble {
                assert_eq!(
                    sha256_hex(&f1),
                    "8e836b9774b1ac5205bdc70baf6baa8f87c3abe5b944a760af0bd261bd158dcb"
                );
                assert_eq!(
                    sha256_hex(&f2),
                    "07a95ad0d73423f321fe5951ccc72061c79ced9963721ff2b239c9752a58ac02"
                );
            }
            let both = [f1, f2].concat();
            assert_eq!(
                sha256_hex(&both),
                if scramble {
                    "0929c1ac82692d40a2578d14295d8b24ca2a619d93caed3ff3c4110d21abf0c5"
                } else {
                    "f9bf814006e0500954d9965f1a21ee59077ab1ffc64c1ff6b048cf3576028492"
                }
            );
        }
    }
}

#[test]
fn mode0_and_leadin_rows() {
    for e in available() {
        let mut s = [0u8; SECTOR_SIZE];
        encode_sector(&e, SectorType::Mode0, Lba(-150), &[0u8; 2336], &mut s).unwrap();
        assert_eq!(
            sha256_hex(&s),
            "ea3da326792ce84f09045c74fba4f9f2b9e62ebfc6608b98613610abeb479dda"
        );
        e.scramble(&mut s);
        assert_eq!(
            sha256_hex(&s),
            "d98e55effa153606cfcba768788735f037a344fbf85cb88ceaf4f89568ea84ca"
        );
        assert_eq!(&s[12..20], &hex("01 80 00 60 00 28 00 1e")[..]);
        let mut all = Vec::new();
        for lba in -150..0 {
            generated_sector(&e, SectorType::Mode0, Lba(lba), &mut s).unwrap();
            all.extend_from_slice(&s);
        }
        assert_eq!(
            sha256_hex(&all),
            "6fb12e5f5a033867ee99495e54dcf1482fbb992af4974bef1b02eb741a394605"
        );
        generated_sector(&e, SectorType::Mode1, Lba(-22650), &mut s).unwrap();
        assert_eq!(&s[12..16], &hex("95 00 00 01")[..]);
        assert_eq!(
            sha256_hex(&s),
            "15c32d7c75fedab43fb93091f688bcbac5b55d8d6f110cdfe20bcc99fc33575c"
        );
    }
}

/// Q frames and raw P–W of track 1, LBA −150..10, with the rules stated in golden.md (written
/// here from that text, not from the disc model).
fn q_rows(ctrl: u8) -> (Vec<u8>, Vec<u8>) {
    let mut q = Vec::new();
    let mut raw = Vec::new();
    for lba in -150..=10i32 {
        let (index, rel) = if lba < 0 { (0, -1 - lba) } else { (1, lba) };
        let f = QFrame::position(
            ctrl,
            1,
            index,
            Msf::from_frames(rel).unwrap(),
            Msf::from_frames(lba + 150).unwrap(),
        );
        q.extend_from_slice(&f.0);
        let mut pw = [0u8; 96];
        write_pw(&mut pw, lba <= 0, &f, None);
        raw.extend_from_slice(&pw);
    }
    (q, raw)
}

#[test]
fn q_and_raw96_rows() {
    let (q0, r0) = q_rows(0);
    assert_eq!(&q0[..12], &hex("01 01 00 00 01 74 00 00 00 00 aa b9")[..]);
    assert_eq!(
        &q0[149 * 12..150 * 12],
        &hex("01 01 00 00 00 00 00 00 01 74 76 bb")[..]
    );
    assert_eq!(
        &q0[150 * 12..151 * 12],
        &hex("01 01 01 00 00 00 00 00 02 00 5a 28")[..]
    );
    assert_eq!(
        sha256_hex(&q0),
        "4c0fd1509775e1ecf6e6d56f0470727f7469aea9e7d16956ebfe26a4351f60c1"
    );
    assert_eq!(
        sha256_hex(&r0),
        "63ab97a132bdc1921c834d378359f4f965c58eaed97588226fd4fd23e34d020f"
    );
    let (q4, r4) = q_rows(4);
    assert_eq!(
        sha256_hex(&q4),
        "790ba75857391587960abb7234933cff7755ae8d24e053b01012d4f22eb2a9ee"
    );
    assert_eq!(
        sha256_hex(&r4),
        "2668ac1a2abc5b8a1f216ad2a7a4487c5c1f14e1f3f1c0e39139a4364519f56d"
    );
}

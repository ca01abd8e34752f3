//! The data-sector vectors of cd-format.md §12.1, on every engine.

#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

mod common;

use common::{hex, sha256_hex};
use rawcd::codec::engine::{testing::available, Engine};
use rawcd::codec::verify::{looks_like_data, Scrambling};
use rawcd::codec::{
    encode_sector, generated_sector, verify_sector, Check, CodecError, SectorType, SECTOR_SIZE,
};
use rawcd::units::Lba;

fn mode1_zero(e: &impl Engine, lba: i32) -> [u8; SECTOR_SIZE] {
    let mut s = [0u8; SECTOR_SIZE];
    encode_sector(e, SectorType::Mode1, Lba(lba), &[0u8; 2048], &mut s).unwrap();
    s
}

#[test]
fn mode1_vectors() {
    for e in available() {
        let s = mode1_zero(&e, 0);
        assert_eq!(&s[12..16], &hex("00 02 00 01")[..]);
        assert_eq!(&s[2064..2068], &hex("c5 13 68 2b")[..]);
        assert_eq!(&s[2076..2080], &hex("00 f7 00 f5")[..]);
        assert_eq!(&s[2248..2252], &hex("00 41 00 00")[..]);
        assert_eq!(&s[2348..2352], &hex("00 c1 00 12")[..]);
        assert_eq!(
            sha256_hex(&s),
            "b4f18ab66709c9b3fdef2721cc323e031b6728f3ca6c57b7c435c96189222250"
        );
        let mut sc = s;
        e.scramble(&mut sc);
        assert_eq!(&sc[12..16], &hex("01 82 00 61")[..]);
        assert_eq!(
            sha256_hex(&sc),
            "b2c91211b98919e43eb75d5d1eba18821c607badf31e60af4d166883a96cd68f"
        );
        assert_eq!(&mode1_zero(&e, 1)[12..16], &hex("00 02 01 01")[..]);
        assert_eq!(&mode1_zero(&e, 1)[2064..2068], &hex("54 76 f8 4e")[..]);
        assert_eq!(&mode1_zero(&e, 15)[12..16], &hex("00 02 15 01")[..]);
        assert_eq!(&mode1_zero(&e, 15)[2064..2068], &hex("0f b9 b0 f1")[..]);
        let m = mode1_zero(&e, -1);
        assert_eq!(&m[12..16], &hex("00 01 74 01")[..]);
        assert_eq!(&m[2064..2068], &hex("7f 09 04 60")[..]);
        assert_eq!(&m[2076..2080], &hex("00 f5 58 f5")[..]);
        let m = mode1_zero(&e, -11635);
        assert_eq!(&m[12..16], &hex("97 26 65 01")[..]);
        assert_eq!(&m[2064..2068], &hex("db ef f5 39")[..]);
        assert_eq!(
            sha256_hex(&mode1_zero(&e, -22650)),
            "15c32d7c75fedab43fb93091f688bcbac5b55d8d6f110cdfe20bcc99fc33575c"
        );
    }
}

#[test]
fn mode2_vectors() {
    for e in available() {
        let mut s = [0u8; SECTOR_SIZE];
        encode_sector(&e, SectorType::Mode2Form1, Lba(0), &[0u8; 2048], &mut s).unwrap();
        assert_eq!(&s[12..16], &hex("00 02 00 02")[..]);
        assert_eq!(&s[2072..2076], &hex("0b 88 81 94")[..]);
        assert_eq!(
            sha256_hex(&s),
            "019d8734ffd82181a112f3b3c485312e8cfc1e37c1fc85374606669356ee35b8"
        );
        generated_sector(&e, SectorType::Mode2Form2, Lba(0), &mut s).unwrap();
        assert_eq!(&s[16..24], &hex("00 00 20 00 00 00 20 00")[..]);
        assert_eq!(&s[2348..2352], &hex("3f 13 b0 be")[..]);
        assert_eq!(
            sha256_hex(&s),
            "7642dcde6dc9ef4bb2f5071ba19207bb8f0d56da1b530dfc5205fcd7499322af"
        );
        // Form 1 with a zero subheader: EDC 0, P and Q all zero at any LBA.
        for lba in [0, 1234, -150, -22650] {
            let mut s = [0u8; SECTOR_SIZE];
            rawcd::codec::encode_mode2_xa(&e, Lba(lba), &[0u8; 2336], &mut s).unwrap();
            assert!(s[2072..].iter().all(|&b| b == 0), "lba {lba}");
        }
    }
}

#[test]
fn mode0_vectors() {
    for e in available() {
        let mut s = [0u8; SECTOR_SIZE];
        encode_sector(&e, SectorType::Mode0, Lba(0), &[0u8; 2336], &mut s).unwrap();
        e.scramble(&mut s);
        assert_eq!(&s[12..16], &hex("01 82 00 60")[..]);
        assert_eq!(
            sha256_hex(&s),
            "d625425d0c267187f59e14b51741fc270e96acd62f17cc73fb787e45b03002f0"
        );
    }
}

#[test]
fn raw_types_validate_and_pass_through() {
    for e in available() {
        let mut s = mode1_zero(&e, 100);
        e.scramble(&mut s); // IMAPI RAW input arrives scrambled (D23)
        let mut out = [0u8; SECTOR_SIZE];
        encode_sector(&e, SectorType::Mode1Raw, Lba(100), &s, &mut out).unwrap();
        assert_eq!(out, mode1_zero(&e, 100));
        e.scramble(&mut out);
        assert_eq!(
            out, s,
            "scrambling again gives back the input byte for byte"
        );
        assert_eq!(
            encode_sector(&e, SectorType::Mode1Raw, Lba(101), &s, &mut out),
            Err(CodecError::RawAddress {
                lba: 101,
                found: "00:03:25 (LBA 100)".into()
            })
        );
        assert_eq!(
            encode_sector(&e, SectorType::Mode2Form1Raw, Lba(100), &s, &mut out),
            Err(CodecError::RawMode {
                lba: 100,
                expected: 2,
                found: 1
            })
        );
        let mut bad = s;
        bad[3] = 0;
        assert_eq!(
            encode_sector(&e, SectorType::Mode1Raw, Lba(100), &bad, &mut out),
            Err(CodecError::RawSync { lba: 100 })
        );
    }
}

#[test]
fn bad_input_is_a_typed_error() {
    let e = rawcd::codec::engine::Auto::detect();
    let mut out = [0u8; SECTOR_SIZE];
    for ty in SectorType::ALL {
        let n = ty.input_size();
        assert_eq!(
            encode_sector(&e, ty, Lba(0), &vec![0u8; n - 1], &mut out),
            Err(CodecError::BufferSize {
                expected: n,
                got: n - 1
            })
        );
    }
    assert_eq!(
        encode_sector(&e, SectorType::Mode1, Lba(404_850), &[0u8; 2048], &mut out),
        Err(CodecError::NoMsf { lba: 404_850 })
    );
    assert_eq!(
        encode_sector(&e, SectorType::Mode1, Lba(-45_151), &[0u8; 2048], &mut out),
        Err(CodecError::NoMsf { lba: -45_151 })
    );
    let mut m0 = [0u8; 2336];
    m0[7] = 1;
    assert_eq!(
        encode_sector(&e, SectorType::Mode0, Lba(0), &m0, &mut out),
        Err(CodecError::ModeZeroNotZero { lba: 0, offset: 7 })
    );
}

#[test]
fn verify_reports_each_check() {
    for e in available() {
        for ty in [
            SectorType::Mode0,
            SectorType::Mode1,
            SectorType::Mode2Form1,
            SectorType::Mode2Form2,
        ] {
            let mut s = [0u8; SECTOR_SIZE];
            generated_sector(&e, ty, Lba(77), &mut s).unwrap();
            let r = verify_sector(&e, &s, Some(Lba(77)), Scrambling::Auto);
            assert!(r.is_valid(), "{ty:?} {r:?}");
            assert!(!r.scrambled);
            let mut sc = s;
            e.scramble(&mut sc);
            let r = verify_sector(&e, &sc, Some(Lba(77)), Scrambling::Auto);
            assert!(r.is_valid() && r.scrambled, "{ty:?} {r:?}");
            assert_eq!(
                verify_sector(&e, &s, Some(Lba(78)), Scrambling::Auto).address_matches,
                Some(false)
            );
        }
        let mut s = mode1_zero(&e, 5);
        s[100] ^= 1;
        let r = verify_sector(&e, &s, None, Scrambling::Plain);
        assert_eq!((r.edc, r.ecc), (Check::Bad, Check::Bad));
        let mut s = mode1_zero(&e, 5);
        s[2300] ^= 1;
        let r = verify_sector(&e, &s, None, Scrambling::Plain);
        assert_eq!((r.edc, r.ecc), (Check::Ok, Check::Bad));
        assert_eq!(r.problems(), vec!["ECC mismatch".to_string()]);
        // Form 2 with a stored EDC of 0 is accepted (D9).
        let mut s = [0u8; SECTOR_SIZE];
        generated_sector(&e, SectorType::Mode2Form2, Lba(5), &mut s).unwrap();
        s[2348..].fill(0);
        let r = verify_sector(&e, &s, None, Scrambling::Plain);
        assert_eq!(r.edc, Check::Zero);
        assert!(r.is_valid());
        // Short input never panics.
        assert!(!verify_sector(&e, &s[..100], None, Scrambling::Auto).is_valid());
    }
    assert!(!looks_like_data(&[0u8; 15], Some(Lba(0))));
}

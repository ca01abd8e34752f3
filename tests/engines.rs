//! Every engine in `available()` against `Reference` on arbitrary type, LBA and payload.

#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

use proptest::prelude::*;
use rawcd::codec::engine::testing::{available, missing, report_missing};
use rawcd::codec::engine::{Engine, EngineKind, Finish, Reference};
use rawcd::codec::verify::Scrambling;
use rawcd::codec::{encode_sector, verify_sector, SectorType, SECTOR_SIZE};
use rawcd::units::Lba;

/// Every engine this CPU runs; the first call says which engines are skipped and why.
fn engines() -> Vec<rawcd::codec::engine::Auto> {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| report_missing("tests/engines"));
    available()
}

fn cooked_types() -> impl Strategy<Value = SectorType> {
    // Audio, Mode 0, Mode 1, Mode 2 Form 0, Form 1 and Form 2.
    prop::sample::select(SectorType::ALL[..6].to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn encode_matches_reference(ty in cooked_types(), lba in -45_150i32..=404_849,
                                payload in proptest::collection::vec(any::<u8>(), 2352)) {
        let mut input = payload[..ty.input_size()].to_vec();
        if ty == SectorType::Mode0 {
            input.fill(0);
        }
        let mut want = [0u8; SECTOR_SIZE];
        encode_sector(&Reference, ty, Lba(lba), &input, &mut want).unwrap();
        for e in engines() {
            let mut got = [0u8; SECTOR_SIZE];
            encode_sector(&e, ty, Lba(lba), &input, &mut got).unwrap();
            prop_assert_eq!(&got[..], &want[..], "{}", e.label());
            if ty.is_data() {
                let r = verify_sector(&e, &got, Some(Lba(lba)), Scrambling::Plain);
                // Formless Mode 2 carries no EDC/ECC, so only its header is checked.
                if ty != SectorType::Mode2Form0 {
                    prop_assert!(r.is_valid(), "{:?}", r);
                }
                let mut sc = got;
                e.scramble(&mut sc);
                let mut sr = want;
                Reference.scramble(&mut sr);
                prop_assert_eq!(&sc[..], &sr[..]);
            }
        }
    }

    #[test]
    fn kernels_match_reference(data in proptest::collection::vec(any::<u8>(), 2352), z in any::<bool>()) {
        let mut s = [0u8; SECTOR_SIZE];
        s.copy_from_slice(&data);
        for e in engines() {
            prop_assert_eq!(e.edc(&data), Reference.edc(&data));
            let mut a = s;
            let mut b = s;
            e.ecc(&mut a, z);
            Reference.ecc(&mut b, z);
            prop_assert_eq!(&a[..], &b[..]);
        }
    }
    #[test]
    fn edc_matches_reference_on_any_length(data in proptest::collection::vec(any::<u8>(), 0..2400),
                                           skip in 0usize..64) {
        let data = &data[skip.min(data.len())..];
        let want = Reference.edc(data);
        for e in engines() {
            prop_assert_eq!(e.edc(data), want, "{} len {}", e.label(), data.len());
        }
    }

    #[test]
    fn scramble_matches_reference(data in proptest::collection::vec(any::<u8>(), 2352)) {
        let mut want = [0u8; SECTOR_SIZE];
        want.copy_from_slice(&data);
        Reference.scramble(&mut want);
        for e in engines() {
            let mut s = [0u8; SECTOR_SIZE];
            s.copy_from_slice(&data);
            e.scramble(&mut s);
            prop_assert_eq!(&s[..], &want[..], "{}", e.label());
            let mut batch = vec![[0u8; SECTOR_SIZE]; 3];
            for b in &mut batch {
                b.copy_from_slice(&data);
            }
            e.scramble_batch(&mut batch);
            prop_assert!(batch.iter().all(|b| b[..] == want[..]), "{} batch", e.label());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// `encode_batch` equals the one-sector functions (finish, then scramble) of the reference,
    /// for every engine, finish kind and batch length 0..=5.
    #[test]
    fn encode_batch_matches_reference(data in proptest::collection::vec(any::<u8>(), 0..=5 * 2352),
                                      finish in prop::sample::select(vec![Finish::Mode1, Finish::Mode2Form1, Finish::Mode2Form2]),
                                      scramble in any::<bool>()) {
        let input: Vec<[u8; SECTOR_SIZE]> = data
            .chunks_exact(SECTOR_SIZE)
            .map(|c| c.try_into().unwrap())
            .collect();
        let mut want = input.clone();
        for s in &mut want {
            match finish {
                Finish::Mode1 => rawcd::codec::finish_mode1(&Reference, s),
                Finish::Mode2Form1 => rawcd::codec::finish_form1(&Reference, s),
                Finish::Mode2Form2 => rawcd::codec::finish_form2(&Reference, s),
            }
            if scramble {
                Reference.scramble(s);
            }
        }
        for e in engines() {
            let mut got = input.clone();
            e.encode_batch(&mut got, finish, scramble);
            prop_assert!(got == want, "{} {:?} scramble {}", e.label(), finish, scramble);
            // The same sectors `stride` bytes apart (as in a raw96 or pq16 batch): the
            // sectors come out finished, the bytes between them untouched.
            for stride in [SECTOR_SIZE, SECTOR_SIZE + 16, SECTOR_SIZE + 96] {
                let gap = |i: usize| vec![(i as u8).wrapping_mul(37) ^ 0x5A; stride - SECTOR_SIZE];
                let lay = |v: &[[u8; SECTOR_SIZE]]| -> Vec<u8> {
                    v.iter().enumerate().flat_map(|(i, s)| [s.to_vec(), gap(i)].concat()).collect()
                };
                let mut buf = lay(&input);
                e.encode_strided(&mut buf, stride, finish, scramble);
                prop_assert!(buf == lay(&want), "{} stride {}", e.label(), stride);
            }
        }
    }
}

#[test]
fn available_lists_every_engine_this_cpu_runs() {
    let kinds: Vec<EngineKind> = available().iter().map(|e| e.kind()).collect();
    assert_eq!(kinds[..2], [EngineKind::Reference, EngineKind::Table]);
    #[cfg(target_arch = "x86_64")]
    assert_eq!(
        kinds.contains(&EngineKind::X86),
        rawcd::codec::engine::X86::detect().is_some()
    );
    // Available and missing split the kinds; what is missing is said, not silently passed.
    let lacking: Vec<EngineKind> = missing().iter().map(|m| m.0).collect();
    for k in EngineKind::ALL {
        assert!(kinds.contains(&k) != lacking.contains(&k), "{k:?}");
    }
    report_missing("engines");
    // CI names the engines its machine (or emulator) must run, so a detection that fails
    // there is an error rather than a skip: RAWCD_EXPECT_ENGINES=neon under qemu-aarch64.
    if let Ok(want) = std::env::var("RAWCD_EXPECT_ENGINES") {
        for name in want.split(',').filter(|n| !n.is_empty()) {
            assert!(
                kinds.iter().any(|k| k.name() == name),
                "engine {name} expected by RAWCD_EXPECT_ENGINES but not available"
            );
        }
    }
}

/// The crc-fast crate (a bench comparison only) computes the CD EDC bit-exactly with these
/// parameters, on every length and offset the codec uses.
#[test]
fn crc_fast_computes_the_cd_edc() {
    let p = crc_fast::CrcParams::new(
        "CRC-32/CD-ROM-EDC",
        32,
        0x8001_801B,
        0,
        true,
        0,
        0x6EC2_EDC4,
    );
    let data: Vec<u8> = (0..2600u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    for len in (0..300).chain([2048, 2056, 2064, 2332, 2336, 2340, 2352, 2400]) {
        for off in [0, 1, 7, 16] {
            let d = &data[off..off + len];
            assert_eq!(
                crc_fast::checksum_with_params(p, d) as u32,
                Reference.edc(d)
            );
        }
    }
}

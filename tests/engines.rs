//! Every engine in `available()` against `Reference` on arbitrary type, LBA and payload.

#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

use proptest::prelude::*;
use rawcd::codec::engine::{testing::available, Engine, Reference};
use rawcd::codec::verify::Scrambling;
use rawcd::codec::{encode_sector, verify_sector, SectorType, SECTOR_SIZE};
use rawcd::units::Lba;

fn cooked_types() -> impl Strategy<Value = SectorType> {
    prop::sample::select(vec![
        SectorType::Audio,
        SectorType::Mode0,
        SectorType::Mode1,
        SectorType::Mode2Form0,
        SectorType::Mode2Form1,
        SectorType::Mode2Form2,
    ])
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
        for e in available() {
            let mut got = [0u8; SECTOR_SIZE];
            encode_sector(&e, ty, Lba(lba), &input, &mut got).unwrap();
            prop_assert_eq!(&got[..], &want[..], "{:?}", e.kind());
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
        for e in available() {
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
                                           skip in 0usize..16) {
        let data = &data[skip.min(data.len())..];
        let want = Reference.edc(data);
        for e in available() {
            prop_assert_eq!(e.edc(data), want, "{:?} len {}", e.kind(), data.len());
        }
    }

    #[test]
    fn scramble_matches_reference(data in proptest::collection::vec(any::<u8>(), 2352)) {
        let mut want = [0u8; SECTOR_SIZE];
        want.copy_from_slice(&data);
        Reference.scramble(&mut want);
        for e in available() {
            let mut s = [0u8; SECTOR_SIZE];
            s.copy_from_slice(&data);
            e.scramble(&mut s);
            prop_assert_eq!(&s[..], &want[..], "{:?}", e.kind());
            let mut batch = vec![[0u8; SECTOR_SIZE]; 3];
            for b in &mut batch {
                b.copy_from_slice(&data);
            }
            e.scramble_batch(&mut batch);
            prop_assert!(batch.iter().all(|b| b[..] == want[..]), "{:?} batch", e.kind());
        }
    }
}

#[test]
fn available_lists_every_engine_this_cpu_runs() {
    use rawcd::codec::engine::EngineKind;
    let kinds: Vec<EngineKind> = available().iter().map(|e| e.kind()).collect();
    assert_eq!(kinds[..2], [EngineKind::Reference, EngineKind::Table]);
    #[cfg(target_arch = "x86_64")]
    assert_eq!(
        kinds.contains(&EngineKind::X86),
        rawcd::codec::engine::X86::detect().is_some()
    );
}

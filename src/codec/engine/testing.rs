//! Helpers for tests, benches and fuzz targets: every engine this CPU can run.
#![forbid(unsafe_code)]

use super::{Auto, EngineKind};

/// Every engine available on this CPU, reference first, each followed by its other kernel
/// set where it has one that this CPU also runs (the `X86` engine without GFNI, the `Avx512`
/// engine at the other register width; [`Auto::label`] tells them apart), so tests cover the
/// kernels other CPUs run too.
pub fn available() -> Vec<Auto> {
    let mut v = Vec::new();
    for e in EngineKind::ALL.into_iter().filter_map(Auto::try_with_kind) {
        v.push(e);
        match e {
            #[cfg(target_arch = "x86_64")]
            Auto::X86(x) if x.uses_gfni() => v.push(Auto::X86(x.without_gfni())),
            #[cfg(all(target_arch = "x86_64", rawcd_simd512))]
            Auto::Avx512(a) => v.push(Auto::Avx512(a.other_width())),
            _ => {}
        }
    }
    v
}

/// The SIMD engine kinds this CPU (or this build) cannot run, each with the reason, so tests
/// can say what they skipped instead of passing silently.
pub fn missing() -> Vec<(EngineKind, &'static str)> {
    EngineKind::ALL
        .into_iter()
        .filter(|&k| Auto::try_with_kind(k).is_none())
        .map(|k| (k, Auto::requirement(k)))
        .collect()
}

/// Prints one line per engine this CPU lacks (for tests that iterate [`available`]).
pub fn report_missing(test: &str) {
    for (k, why) in missing() {
        eprintln!("{test}: skipped engine {}: needs {why}", k.name());
    }
}

/// Checks `ecc` (same contract as `Engine::ecc`) against the reference on fills that stress the
/// field arithmetic (0x00, 0xFF, 0x80, 0x01) with a non-zero header, zeroed for the ECC and not.
#[cfg(test)]
pub(crate) fn assert_ecc_matches_reference_on_patterns(
    what: &str,
    ecc: impl Fn(&mut [u8; crate::codec::sector::SECTOR_SIZE], bool),
) {
    use super::{Engine, Reference};
    use crate::codec::sector::SECTOR_SIZE;
    for fill in [0x00u8, 0xFF, 0x80, 0x01] {
        for z in [false, true] {
            let mut a = [fill; SECTOR_SIZE];
            a[12..16].copy_from_slice(&[1, 2, 3, 4]);
            let mut b = a;
            Reference.ecc(&mut a, z);
            ecc(&mut b, z);
            assert_eq!(&a[..], &b[..], "{what}: fill {fill:#x} zero_header {z}");
        }
    }
}

//! ECC correction of one sector: the inverse of [`super::ecc`], as a drive does it without
//! erasure information.
//!
//! Every P vector (26 bytes with its parity) and Q vector (45 bytes) is a Reed–Solomon
//! codeword with check rows [1 … 1] and [α^(n−1) … α¹ α⁰] (cd-format.md §3.2). Its syndromes
//! s0 = ⊕ cᵢ and s1 = ⊕ cᵢ·α^(n−1−i) locate and fix one wrong byte: both zero, the vector is
//! clean; both non-zero with s1/s0 = α^j and j < n, byte n−1−j is off by s0; anything else is
//! two or more errors, left for the other direction. P and Q passes alternate until a pass
//! changes nothing. The result counts only if the EDC passes afterwards; otherwise the sector
//! is restored byte for byte. This is the oracle-style implementation: plain loops over the
//! vectors, one multiplication at a time.
#![forbid(unsafe_code)]

use super::ecc::{p_index, q_index};
use super::engine::Engine;
use super::gf::{gf256_mul, gf256_pow_alpha, GF256_LOG};
use super::sector::{form1, mode1, SECTOR_SIZE, SUBHEADER};

/// Which ECC-protected layout a sector has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EccLayout {
    /// Mode 1: EDC over bytes 0..2063, header inside the ECC.
    Mode1,
    /// Mode 2 Form 1: EDC over bytes 16..2071, header taken as zero by the ECC.
    Form1,
}

/// What [`correct_sector`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Correction {
    /// EDC and ECC already agree with the data: nothing changed.
    Clean,
    /// The EDC passes now; `bytes` bytes were changed (data and parity).
    Corrected {
        /// Bytes changed.
        bytes: u32,
    },
    /// Too many errors: the sector is left exactly as it was.
    Uncorrectable,
}

const P_VECTORS: usize = 86;
const P_N: usize = 26;
const Q_VECTORS: usize = 52;
const Q_N: usize = 45;

/// Byte offset of element `k` (0..26) of P vector `v`, parity included.
fn p_at(v: usize, k: usize) -> usize {
    p_index(v, k)
}

/// Byte offset of element `k` (0..45) of Q vector `v`: 43 data bytes, then p0 and p1.
fn q_at(v: usize, k: usize) -> usize {
    match k {
        43 => 2248 + v,
        44 => 2248 + Q_VECTORS + v,
        _ => q_index(v, k),
    }
}

/// The outcome for one vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vector {
    Clean,
    Fixed,
    Failed,
}

/// Syndromes of one codeword of length `n` whose element k sits at `at(k)`.
fn syndromes(s: &[u8; SECTOR_SIZE], n: usize, at: &dyn Fn(usize) -> usize) -> (u8, u8) {
    let mut s0 = 0u8;
    let mut s1 = 0u8;
    for k in 0..n {
        let c = s[at(k)];
        s0 ^= c;
        s1 ^= gf256_mul(c, gf256_pow_alpha(n - 1 - k));
    }
    (s0, s1)
}

/// Corrects at most one byte of a codeword. `locked(offset)`: bytes that must not change
/// (a Mode 2 header, zeroed for the computation); a correction aimed there is a failure.
fn correct_vector(
    s: &mut [u8; SECTOR_SIZE],
    n: usize,
    at: &dyn Fn(usize) -> usize,
    locked: &dyn Fn(usize) -> bool,
) -> Vector {
    let (s0, s1) = syndromes(s, n, at);
    match (s0, s1) {
        (0, 0) => Vector::Clean,
        (0, _) | (_, 0) => Vector::Failed,
        _ => {
            let j = (usize::from(GF256_LOG[usize::from(s1)]) + 255
                - usize::from(GF256_LOG[usize::from(s0)]))
                % 255;
            if j >= n {
                return Vector::Failed;
            }
            let off = at(n - 1 - j);
            if locked(off) {
                return Vector::Failed;
            }
            s[off] ^= s0;
            Vector::Fixed
        }
    }
}

fn edc_ok<E: Engine + ?Sized>(engine: &E, s: &[u8; SECTOR_SIZE], layout: EccLayout) -> bool {
    let (range, at) = match layout {
        EccLayout::Mode1 => (0..mode1::EDC, mode1::EDC),
        EccLayout::Form1 => (SUBHEADER..form1::EDC, form1::EDC),
    };
    let stored = u32::from_le_bytes([s[at], s[at + 1], s[at + 2], s[at + 3]]);
    engine.edc(&s[range]) == stored
}

/// Largest number of P/Q pass pairs; each useful pass fixes at least one byte, and decoding
/// stalls long before this on sectors it cannot fix.
const MAX_ROUNDS: usize = 16;

/// Corrects an **unscrambled** 2352-byte sector of the given layout in place with its ECC
/// (iterative single-byte P/Q decoding, no erasures). The sector counts as corrected only if
/// its EDC passes afterwards; the parity is then made consistent with the corrected data.
/// On failure the sector is left unchanged. Never panics.
pub fn correct_sector<E: Engine + ?Sized>(
    engine: &E,
    sector: &mut [u8; SECTOR_SIZE],
    layout: EccLayout,
) -> Correction {
    let original = *sector;
    let zero_header = layout == EccLayout::Form1;
    let mut ecc = *sector;
    engine.ecc(&mut ecc, zero_header);
    if ecc[2076..] == sector[2076..] && edc_ok(engine, sector, layout) {
        return Correction::Clean;
    }
    let header = [sector[12], sector[13], sector[14], sector[15]];
    if zero_header {
        sector[12..16].fill(0);
    }
    let locked = |off: usize| zero_header && (12..16).contains(&off);
    for _ in 0..MAX_ROUNDS {
        let mut fixed = false;
        let mut failed = false;
        for v in 0..P_VECTORS {
            match correct_vector(sector, P_N, &|k| p_at(v, k), &locked) {
                Vector::Fixed => fixed = true,
                Vector::Failed => failed = true,
                Vector::Clean => {}
            }
        }
        for v in 0..Q_VECTORS {
            match correct_vector(sector, Q_N, &|k| q_at(v, k), &locked) {
                Vector::Fixed => fixed = true,
                Vector::Failed => failed = true,
                Vector::Clean => {}
            }
        }
        if !fixed || !failed {
            // Stalled, or every vector is clean.
            break;
        }
    }
    if zero_header {
        sector[12..16].copy_from_slice(&header);
    }
    if !edc_ok(engine, sector, layout) {
        *sector = original;
        return Correction::Uncorrectable;
    }
    // The data is right (the EDC says so): parity bytes the decoder could not reach are
    // recomputed from it.
    engine.ecc(sector, zero_header);
    let bytes = sector
        .iter()
        .zip(original.iter())
        .filter(|(a, b)| a != b)
        .count() as u32;
    Correction::Corrected { bytes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::engine::Reference;
    use crate::codec::{encode_sector, SectorType};
    use crate::units::Lba;
    use proptest::prelude::*;

    fn sector(ty: SectorType, lba: i32, seed: u8) -> [u8; SECTOR_SIZE] {
        let input: Vec<u8> = (0..ty.input_size())
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect();
        let mut s = [0u8; SECTOR_SIZE];
        encode_sector(&Reference, ty, Lba(lba), &input, &mut s).unwrap();
        s
    }

    #[test]
    fn vector_offsets_cover_the_protected_area_once_each() {
        let mut p = vec![0u8; SECTOR_SIZE];
        for v in 0..P_VECTORS {
            for k in 0..P_N {
                p[p_at(v, k)] += 1;
            }
        }
        assert!(p[12..2248].iter().all(|&c| c == 1));
        let mut q = vec![0u8; SECTOR_SIZE];
        for v in 0..Q_VECTORS {
            for k in 0..Q_N {
                q[q_at(v, k)] += 1;
            }
        }
        assert!(q[12..].iter().all(|&c| c == 1));
    }

    #[test]
    fn clean_sectors_stay_clean() {
        for (ty, l) in [
            (SectorType::Mode1, EccLayout::Mode1),
            (SectorType::Mode2Form1, EccLayout::Form1),
        ] {
            let mut s = sector(ty, 100, 7);
            let before = s;
            assert_eq!(correct_sector(&Reference, &mut s, l), Correction::Clean);
            assert_eq!(s, before);
        }
    }

    #[test]
    fn two_errors_in_one_p_vector_are_fixed_through_q() {
        let mut s = sector(SectorType::Mode1, 5, 1);
        let good = s;
        // Same P vector 3, rows 2 and 17: P fails, Q fixes each (different diagonals).
        s[p_at(3, 2)] ^= 0x55;
        s[p_at(3, 17)] ^= 0x0F;
        assert!(matches!(
            correct_sector(&Reference, &mut s, EccLayout::Mode1),
            Correction::Corrected { bytes: 2 }
        ));
        assert_eq!(s, good);
    }

    #[test]
    fn a_wrecked_sector_is_left_alone() {
        let mut s = sector(SectorType::Mode1, 5, 1);
        for i in (16..2000).step_by(7) {
            s[i] ^= 0xA5;
        }
        let before = s;
        assert_eq!(
            correct_sector(&Reference, &mut s, EccLayout::Mode1),
            Correction::Uncorrectable
        );
        assert_eq!(s, before);
    }

    #[test]
    fn mode2_header_is_never_touched() {
        let mut s = sector(SectorType::Mode2Form1, 1000, 3);
        let good = s;
        s[100] ^= 1;
        assert!(matches!(
            correct_sector(&Reference, &mut s, EccLayout::Form1),
            Correction::Corrected { bytes: 1 }
        ));
        assert_eq!(s, good);
        // Mode 1 headers are inside the ECC: a flipped header byte comes back.
        let mut s = sector(SectorType::Mode1, 1000, 3);
        let good = s;
        s[13] ^= 0x10;
        assert!(matches!(
            correct_sector(&Reference, &mut s, EccLayout::Mode1),
            Correction::Corrected { .. }
        ));
        assert_eq!(s, good);
    }

    proptest! {
        /// One error in each of up to 86 distinct P vectors (any rows, parity included): all
        /// fixed to the original bytes.
        #[test]
        fn one_error_per_p_vector_is_corrected(
            form1 in any::<bool>(),
            lba in 0i32..300_000,
            seed in any::<u8>(),
            errs in prop::collection::btree_map(0usize..P_VECTORS, (0usize..P_N, 1u8..=255), 1..86),
        ) {
            let (ty, l) = if form1 {
                (SectorType::Mode2Form1, EccLayout::Form1)
            } else {
                (SectorType::Mode1, EccLayout::Mode1)
            };
            let good = sector(ty, lba, seed);
            let mut s = good;
            for (&v, &(k, x)) in &errs {
                let off = p_at(v, k);
                if form1 && (12..16).contains(&off) {
                    continue; // a Mode 2 header is outside the ECC
                }
                s[off] ^= x;
            }
            let r = correct_sector(&Reference, &mut s, l);
            prop_assert!(r != Correction::Uncorrectable, "uncorrectable");
            prop_assert_eq!(&s[..], &good[..]);
        }

        /// Whatever the damage, the result is either the input unchanged or a sector whose EDC
        /// and ECC pass.
        #[test]
        fn never_a_bad_corrected_sector(
            seed in any::<u8>(),
            errs in prop::collection::vec((0usize..SECTOR_SIZE, any::<u8>()), 0..40),
        ) {
            let mut s = sector(SectorType::Mode1, 77, seed);
            for &(i, x) in &errs {
                s[i] ^= x;
            }
            let before = s;
            match correct_sector(&Reference, &mut s, EccLayout::Mode1) {
                Correction::Uncorrectable => prop_assert_eq!(&s[..], &before[..]),
                _ => {
                    prop_assert!(edc_ok(&Reference, &s, EccLayout::Mode1));
                    let mut c = s;
                    Reference.ecc(&mut c, false);
                    prop_assert_eq!(&c[..], &s[..]);
                }
            }
        }
    }
}

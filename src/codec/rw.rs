//! R–W subchannel packs: RS(4,2) Q parity and RS(24,20) P parity over GF(2⁶) (x⁶ + x + 1),
//! IEC 60908 §16 as summarised in cd-format.md §8.2. Symbol 0 is the highest-degree coefficient.
#![forbid(unsafe_code)]

use super::gf::gf64_mul;

/// Generator of the Q parity: x² + 3x + 2, coefficients below the leading one, highest first.
const G_Q: [u8; 2] = [3, 2];
/// Generator of the P parity: x⁴ + 15x³ + 54x² + 59x + 3.
const G_P: [u8; 4] = [15, 54, 59, 3];

/// Remainder of `data(x)·x^N` divided by the monic generator `g` (LFSR division), highest first.
fn remainder_reference<const N: usize>(data: &[u8], g: &[u8; N]) -> [u8; N] {
    // reg[0] holds the highest-degree coefficient of the running remainder.
    let mut reg = [0u8; N];
    for &d in data {
        let fb = (d & 0x3F) ^ reg[0];
        for j in 0..N {
            let next = if j + 1 < N { reg[j + 1] } else { 0 };
            reg[j] = next ^ gf64_mul(fb, g[j]);
        }
    }
    reg
}

/// Q parity (symbols 2–3 from symbols 0–1), then P parity (symbols 20–23 from symbols 0–19,
/// Q parity included), by polynomial division. The oracle.
pub fn parity_reference(pack: &mut [u8; 24]) {
    let q = remainder_reference(&pack[0..2], &G_Q);
    pack[2] = q[0];
    pack[3] = q[1];
    let p = remainder_reference(&pack[0..20], &G_P);
    pack[20..24].copy_from_slice(&p);
}

const fn mul64(a: u8, b: u8) -> u8 {
    crate::codec::gf::gf64_mul_reference(a, b)
}

/// Remainder contribution of symbol value `s` at data position `i`, for a generator of degree N,
/// packed 6 bits per parity symbol, highest first in the low bits.
const fn contribution_table<const N: usize, const K: usize>(g: [u8; N]) -> [[u32; 64]; K] {
    let mut t = [[0u32; 64]; K];
    let mut i = 0;
    while i < K {
        let mut s = 0;
        while s < 64 {
            // Divide the single-symbol polynomial s·x^(K-1-i) · x^N by g.
            let mut reg = [0u8; 4];
            let mut pos = 0;
            while pos < K {
                let d = if pos == i { s as u8 } else { 0 };
                let fb = d ^ reg[0];
                let mut j = 0;
                while j < N {
                    let next = if j + 1 < N { reg[j + 1] } else { 0 };
                    reg[j] = next ^ mul64(fb, g[j]);
                    j += 1;
                }
                pos += 1;
            }
            let mut packed = 0u32;
            let mut j = 0;
            while j < N {
                packed |= (reg[j] as u32) << (8 * j);
                j += 1;
            }
            t[i][s] = packed;
            s += 1;
        }
        i += 1;
    }
    t
}

static Q_TABLE: [[u32; 64]; 2] = contribution_table::<2, 2>(G_Q);
static P_TABLE: [[u32; 64]; 20] = contribution_table::<4, 20>(G_P);

/// Same as [`parity_reference`] with one precomputed contribution per (position, symbol): the
/// code is linear, so the remainder is the XOR of the contributions.
#[inline]
pub fn parity_table(pack: &mut [u8; 24]) {
    let q = Q_TABLE[0][(pack[0] & 0x3F) as usize] ^ Q_TABLE[1][(pack[1] & 0x3F) as usize];
    pack[2] = q as u8;
    pack[3] = (q >> 8) as u8;
    let mut p = 0u32;
    for (i, row) in P_TABLE.iter().enumerate() {
        p ^= row[(pack[i] & 0x3F) as usize];
    }
    pack[20..24].copy_from_slice(&p.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vector_from_cd_format_12_3() {
        let mut pack = [
            0x09, 0x1e, 0, 0, 0x00, 0x08, 0x3d, 0x04, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0, 0, 0, 0,
        ];
        let mut b = pack;
        parity_reference(&mut pack);
        assert_eq!(&pack[2..4], &[0x1d, 0x0a]);
        assert_eq!(&pack[20..24], &[0x33, 0x0a, 0x10, 0x17]);
        parity_table(&mut b);
        assert_eq!(pack, b);
    }

    proptest! {
        #[test]
        fn table_matches_reference(v in proptest::collection::vec(0u8..64, 24)) {
            let mut a = [0u8; 24];
            a.copy_from_slice(&v);
            let mut b = a;
            parity_reference(&mut a);
            parity_table(&mut b);
            prop_assert_eq!(a, b);
        }
    }
}

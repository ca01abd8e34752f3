//! ECC: the RSPC product code of ECMA-130 Annex A (P then Q parity over bytes 12..).
//!
//! Bytes 12..2075 are 1032 16-bit words in 24 rows × 43 columns, split into an LSB and an MSB
//! plane. P: 86 vectors of 24 bytes (columns), Q: 52 vectors of 43 bytes (diagonals, which also
//! cover the P parity). For a vector x₀…x_{m−1} with n = m + 2, s0 = ⊕xᵢ and
//! s1 = ⊕xᵢ·α^(n−1−i): p0 = (s0 ⊕ s1)/3, p1 = s0 ⊕ p0. Mode 2 sectors take the header
//! (bytes 12..15) as zero.
#![forbid(unsafe_code)]

use super::gf::{gf256_mul, gf256_mul_reference, gf256_pow_alpha, INV3, MUL_INV3};
use super::sector::SECTOR_SIZE;

/// Offset of the P parity (172 bytes).
pub const P_OFFSET: usize = 2076;
/// Offset of the Q parity (104 bytes).
pub const Q_OFFSET: usize = 2248;
const P_VECTORS: usize = 86;
const P_LEN: usize = 24;
const Q_VECTORS: usize = 52;
const Q_LEN: usize = 43;

/// Byte offset (in the sector) of element `k` of P vector `v`.
#[inline]
pub const fn p_index(v: usize, k: usize) -> usize {
    12 + 2 * (v / 2) + (v % 2) + 86 * k
}

/// Byte offset (in the sector) of element `k` of Q vector `v`.
#[inline]
pub const fn q_index(v: usize, k: usize) -> usize {
    12 + 2 * ((44 * k + 43 * (v / 2)) % 1118) + (v % 2)
}

fn parity_reference(x: &[u8]) -> (u8, u8) {
    let n = x.len() + 2;
    let mut s0 = 0u8;
    let mut s1 = 0u8;
    for (i, &xi) in x.iter().enumerate() {
        s0 ^= xi;
        s1 ^= gf256_mul(xi, gf256_pow_alpha(n - 1 - i));
    }
    let p0 = gf256_mul(s0 ^ s1, 0xF4);
    (p0, s0 ^ p0)
}

/// P then Q parity, one vector at a time, exactly as the standard states it (the oracle).
/// With `zero_header` (Mode 2) bytes 12..15 count as zero; the sector's header is kept.
pub fn ecc_reference(sector: &mut [u8; SECTOR_SIZE], zero_header: bool) {
    let saved = [sector[12], sector[13], sector[14], sector[15]];
    if zero_header {
        sector[12..16].fill(0);
    }
    for v in 0..P_VECTORS {
        let x: Vec<u8> = (0..P_LEN).map(|k| sector[p_index(v, k)]).collect();
        let (p0, p1) = parity_reference(&x);
        sector[P_OFFSET + v] = p0;
        sector[P_OFFSET + P_VECTORS + v] = p1;
    }
    for v in 0..Q_VECTORS {
        let x: Vec<u8> = (0..Q_LEN).map(|k| sector[q_index(v, k)]).collect();
        let (p0, p1) = parity_reference(&x);
        sector[Q_OFFSET + v] = p0;
        sector[Q_OFFSET + Q_VECTORS + v] = p1;
    }
    sector[12..16].copy_from_slice(&saved);
}

/// Bytes of P and Q parity together (2076..2351).
pub const PARITY_LEN: usize = 172 + 104;

/// What an encoder that scrambles before the ECC XORs into the parity it computes.
///
/// The ECC is linear over GF(2) and the scrambler is an XOR with a fixed sequence S, so
/// ECC(d) = ECC(d ⊕ S) ⊕ ECC(S): a kernel run over the already-scrambled bytes 12..2075
/// computes the parity of the plain ones plus the parity of S. The constant is therefore
/// ECC(S) ⊕ S at bytes 2076..2351 (Q includes the P parity, so with P taken as computed over
/// the scrambled data the same holds for Q). Encoders then fold the EDC and scramble in one
/// pass over the sector, run the ECC, and XOR this table over the 276 parity bytes instead
/// of a second pass over the whole sector. A Mode 2 Form 1 sector (whose ECC takes the header
/// as zero) is encoded with a zero header, scrambled to S's bytes 12..15, and gets its header
/// back at the end. Computed at compile time from [`p_index`], [`q_index`] and the scramble
/// sequence; tested against [`ecc_reference`].
pub static PRESCRAMBLED_PARITY_FIX: [u8; PARITY_LEN] = prescrambled_parity_fix();

const fn prescrambled_parity_fix() -> [u8; PARITY_LEN] {
    let table = super::scramble::scramble_table_reference();
    let mut s = [0u8; SECTOR_SIZE];
    let mut i = 12;
    while i < P_OFFSET {
        s[i] = table[i - 12];
        i += 1;
    }
    parity_const(&mut s, P_VECTORS, P_LEN, P_OFFSET, true);
    parity_const(&mut s, Q_VECTORS, Q_LEN, Q_OFFSET, false);
    let mut fix = [0u8; PARITY_LEN];
    let mut j = 0;
    while j < PARITY_LEN {
        fix[j] = s[P_OFFSET + j] ^ table[P_OFFSET - 12 + j];
        j += 1;
    }
    fix
}

/// [`parity_reference`] of every P (`p`) or Q vector of `s`, stored, at compile time.
const fn parity_const(s: &mut [u8; SECTOR_SIZE], vectors: usize, len: usize, at: usize, p: bool) {
    let mut v = 0;
    while v < vectors {
        let (mut s0, mut h) = (0u8, 0u8);
        let mut k = 0;
        while k < len {
            let x = s[if p { p_index(v, k) } else { q_index(v, k) }];
            s0 ^= x;
            h = gf256_mul_reference(h, 2) ^ x;
            k += 1;
        }
        // s1 = α²·h (the Horner sum of x₀…x_{m−1} with n = m + 2).
        let p0 = gf256_mul_reference(s0 ^ gf256_mul_reference(h, 4), INV3);
        s[at + v] = p0;
        s[at + vectors + v] = s0 ^ p0;
        v += 1;
    }
}

const LANES_HI: u64 = 0x8080_8080_8080_8080;
const LANES_LO: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// Multiplies 8 GF(2⁸) elements packed in a word by α.
#[inline(always)]
fn mul_alpha_x8(x: u64) -> u64 {
    let hi = (x & LANES_HI) >> 7;
    ((x & LANES_LO) << 1) ^ (hi * 0x1D)
}

#[inline(always)]
fn load_u64(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

/// From the Horner sums `h` (= s1 / α²) and the plain sums `s0` of `vectors` lanes, stores
/// p0 = (s0 ⊕ s1) / 3 at `at + v` and p1 = s0 ⊕ p0 at `at + vectors + v`.
#[inline(always)]
fn store_parity(h: &[u64], s0: &[u64], sector: &mut [u8; SECTOR_SIZE], at: usize, vectors: usize) {
    for (j, (&hj, &s0j)) in h.iter().zip(s0).enumerate() {
        let t = (s0j ^ mul_alpha_x8(mul_alpha_x8(hj))).to_le_bytes();
        let s = s0j.to_le_bytes();
        for l in 0..8 {
            let v = 8 * j + l;
            if v < vectors {
                let p0 = MUL_INV3[t[l] as usize];
                sector[at + v] = p0;
                sector[at + vectors + v] = s[l] ^ p0;
            }
        }
    }
}

/// For step k of Q, the word index (0..1118) of diagonal d, flattened `[k][d]`.
static Q_WORDS: [u16; Q_LEN * 26] = {
    let mut t = [0u16; Q_LEN * 26];
    let mut k = 0;
    while k < Q_LEN {
        let mut d = 0;
        while d < 26 {
            t[k * 26 + d] = ((44 * k + 43 * d) % 1118) as u16;
            d += 1;
        }
        k += 1;
    }
    t
};

/// P then Q parity with 8 lanes per 64-bit word (SWAR Horner evaluation of s1) and a 256-byte
/// table for the division by 3. Same contract as [`ecc_reference`].
pub fn ecc_swar(sector: &mut [u8; SECTOR_SIZE], zero_header: bool) {
    let saved = [sector[12], sector[13], sector[14], sector[15]];
    if zero_header {
        sector[12..16].fill(0);
    }
    // P: the 86 vectors are the 86 byte columns of 24 rows of 86 bytes; do all columns at once.
    // 11 words per row cover 88 bytes; lanes 86 and 87 read the next row (ignored).
    let mut h = [0u64; 11];
    let mut s0 = [0u64; 11];
    for r in 0..P_LEN {
        let base = 12 + 86 * r;
        for (j, (hj, s0j)) in h.iter_mut().zip(s0.iter_mut()).enumerate() {
            let x = load_u64(&sector[..], base + 8 * j);
            *hj = mul_alpha_x8(*hj) ^ x;
            *s0j ^= x;
        }
    }
    store_parity(&h, &s0, sector, P_OFFSET, P_VECTORS);

    // Q: 52 vectors (26 diagonals × 2 planes) in 7 words of 4 diagonals; step k gathers one
    // 16-bit word (both planes) per diagonal. The word array has 2048 entries so that masking
    // the index with 2047 proves it in bounds.
    let mut words = [0u16; 2048];
    for (w, c) in words.iter_mut().zip(sector[12..Q_OFFSET].chunks_exact(2)) {
        *w = u16::from_le_bytes([c[0], c[1]]);
    }
    let at = |i: u16| words[(i & 2047) as usize] as u64;
    let mut h = [0u64; 7];
    let mut s0 = [0u64; 7];
    for idx in Q_WORDS.chunks_exact(26) {
        for j in 0..7 {
            let x = if j < 6 {
                at(idx[4 * j])
                    | at(idx[4 * j + 1]) << 16
                    | at(idx[4 * j + 2]) << 32
                    | at(idx[4 * j + 3]) << 48
            } else {
                at(idx[24]) | at(idx[25]) << 16
            };
            h[j] = mul_alpha_x8(h[j]) ^ x;
            s0[j] ^= x;
        }
    }
    store_parity(&h, &s0, sector, Q_OFFSET, Q_VECTORS);
    sector[12..16].copy_from_slice(&saved);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn q_index_matches_offset_form() {
        // cd-format.md §3.2: offset from 12 = (v div 2)·86 + (v mod 2) + 88·k, modulo 2236.
        for v in 0..52 {
            for k in 0..43 {
                let alt = 12 + ((v / 2) * 86 + (v % 2) + 88 * k) % 2236;
                assert_eq!(q_index(v, k), alt);
            }
        }
    }

    #[test]
    fn prescrambled_parity_fix_turns_parity_of_scrambled_data_into_scrambled_parity() {
        // ECC over scrambled data, then the fix, equals ECC then the scrambler.
        let mut x = [0u8; SECTOR_SIZE];
        for (i, b) in x.iter_mut().enumerate() {
            *b = (i as u32).wrapping_mul(2_654_435_761).rotate_right(13) as u8;
        }
        for z in [false, true] {
            let mut want = x;
            ecc_reference(&mut want, z);
            crate::codec::scramble::scramble_reference(&mut want);
            let mut got = x;
            if z {
                // Mode 2 Form 1: encoded with a zero header, which gets its value back after.
                got[12..16].fill(0);
            }
            crate::codec::scramble::scramble_reference(&mut got);
            ecc_reference(&mut got, false);
            for (b, f) in got[P_OFFSET..].iter_mut().zip(&PRESCRAMBLED_PARITY_FIX) {
                *b ^= f;
            }
            if z {
                got[12..16].copy_from_slice(&want[12..16]);
            }
            assert_eq!(&got[..], &want[..], "zero_header {z}");
        }
    }

    proptest! {
        #[test]
        fn swar_matches_reference(v in proptest::collection::vec(any::<u8>(), SECTOR_SIZE), z in any::<bool>()) {
            let mut a = [0u8; SECTOR_SIZE];
            a.copy_from_slice(&v);
            let mut b = a;
            ecc_reference(&mut a, z);
            ecc_swar(&mut b, z);
            prop_assert_eq!(&a[..], &b[..]);
        }
    }
}

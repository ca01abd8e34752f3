//! Constants shared by the SIMD engines, computed at compile time from the polynomials: the
//! carry-less-multiplication fold constants of the EDC and the nibble tables that multiply
//! GF(2⁸) bytes by a constant with two 16-entry table lookups.
#![forbid(unsafe_code)]

use crate::codec::edc;
use crate::codec::gf::gf256_mul_reference;

/// The EDC polynomial in normal (non-reflected) form without its x³² term: 0x8001801B.
pub(super) const EDC_POLY: u32 = edc::EDC_POLY_REFLECTED.reverse_bits();

/// x^e mod P (P = x³² + [`EDC_POLY`]), bit i holding the coefficient of xⁱ.
pub(super) const fn xpow_mod(e: u32) -> u32 {
    let mut r: u32 = 1;
    let mut i = 0;
    while i < e {
        let carry = r & 0x8000_0000 != 0;
        r <<= 1;
        if carry {
            r ^= EDC_POLY;
        }
        i += 1;
    }
    r
}

/// A 128-bit register holds 16 message bytes loaded little-endian: bit m is the coefficient of
/// x^(127−m) of those 128 message bits (the first bit of the message is the highest power).
/// A polynomial c of degree < 32 is stored for `pclmulqdq` as a 64-bit value with x^i at bit
/// 63 − i. Multiplying a 64-bit reflected half a (x^i at bit 63 − i) by it gives x^(126−m) at
/// bit m, i.e. one power short of the register convention; so to multiply by x^D the constant is
/// x^(D−1) mod P.
const fn reflected_const(e: u32) -> u64 {
    (xpow_mod(e).reverse_bits() as u64) << 32
}

/// Fold constants moving a 128-bit register forward by `d` bits: its low half (the higher 64
/// powers) needs x^(d+64), its high half x^d. Returned as (low, high) of the constant register.
pub(super) const fn fold_consts(d: u32) -> (u64, u64) {
    (reflected_const(d + 64 - 1), reflected_const(d - 1))
}

/// `t[i]` = [`fold_consts`]`(step · i)` for i = 1..N (`t[0]` unused). Kernels index these
/// tables (built at compile time) instead of calling [`fold_consts`], which at run time would
/// loop over thousands of bits.
pub(super) const fn fold_table<const N: usize>(step: u32) -> [(u64, u64); N] {
    let mut t = [(0, 0); N];
    let mut i = 1;
    while i < N {
        t[i] = fold_consts(step * i as u32);
        i += 1;
    }
    t
}

/// `pshufb`/`TBL` table for x·c with x < 16 (the low nibble, or with `high` the high nibble),
/// repeated for both 128-bit halves of an AVX2 register.
pub(super) const fn nibble_table(c: u8, high: bool) -> [u8; 32] {
    let mut t = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        let n = (i % 16) as u8;
        t[i] = gf256_mul_reference(if high { n << 4 } else { n }, c);
        i += 1;
    }
    t
}

/// `data` as a zero-padded head and a body of whole 16-byte blocks: with r = len mod 16 > 0,
/// the head is 16 − r zero bytes then `data[..r]`, and the body `data[r..]`. The EDC (init 0,
/// no final XOR) of head ‖ body is the EDC of `data`, since leading zeros leave the CRC at 0;
/// folding kernels take the head as one more 16-byte block in front and need no tail.
#[cfg(any(test, target_arch = "x86_64"))] // the NEON engine folds its own way
#[inline(always)]
pub(super) fn zero_padded_head(data: &[u8]) -> (Option<[u8; 16]>, &[u8]) {
    let r = data.len() % 16;
    if r == 0 {
        return (None, data);
    }
    let mut h = [0u8; 16];
    h[16 - r..].copy_from_slice(&data[..r]);
    (Some(h), &data[r..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_constants_are_powers_of_x() {
        // x^32 mod P is P's low part; x^31 is itself.
        assert_eq!(xpow_mod(31), 0x8000_0000);
        assert_eq!(xpow_mod(32), EDC_POLY);
        assert_eq!(EDC_POLY, 0x8001_801B);
        // x^(a+b) = x^a · x^b mod P, with a carry-less multiply reduced bit by bit.
        let mulmod = |a: u32, b: u32| {
            let mut r = 0u32;
            for i in (0..32).rev() {
                let carry = r & 0x8000_0000 != 0;
                r <<= 1;
                if carry {
                    r ^= EDC_POLY;
                }
                if b >> i & 1 != 0 {
                    r ^= a;
                }
            }
            r
        };
        for (a, b) in [(100, 475), (300, 275), (63, 448), (1, 126)] {
            assert_eq!(mulmod(xpow_mod(a), xpow_mod(b)), xpow_mod(a + b));
        }
    }

    #[test]
    fn nibble_tables_multiply() {
        for c in [2u8, 0xF4, 0x1D] {
            let (lo, hi) = (nibble_table(c, false), nibble_table(c, true));
            for x in 0..=255u8 {
                let v = lo[(x & 15) as usize] ^ hi[(x >> 4) as usize];
                assert_eq!(v, gf256_mul_reference(x, c));
            }
        }
    }
}

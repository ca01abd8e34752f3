//! Galois fields used by the CD codes, with their lookup tables built by `const fn`.
//!
//! | table | size | users | source |
//! |---|---|---|---|
//! | [`GF256_EXP`], [`GF256_LOG`] | 512 + 256 B | ECC reference, [`MUL_INV3`] | ECMA-130 Annex A: GF(2⁸), x⁸+x⁴+x³+x²+1 (0x11D), α = 2 |
//! | [`MUL_INV3`] | 256 B | fast ECC | division by 3 = α²⁵ (multiplication by α²³⁰ = 0xF4) |
//! | [`affine_matrix`] (per constant) | 8 B | GFNI ECC (`Avx512`) | the same field: x ↦ c·x as an 8×8 GF(2) bit matrix |
//! | [`GF64_EXP`], [`GF64_LOG`] | 128 + 64 B | R–W parity | IEC 60908 §16 (R–W): GF(2⁶), x⁶+x+1 (0x43), α = 2 |
#![forbid(unsafe_code)]

/// Primitive polynomial of GF(2⁸) used by the CD-ROM ECC.
pub const GF256_POLY: u16 = 0x11D;
/// Primitive polynomial of GF(2⁶) used by the R–W subcode.
pub const GF64_POLY: u8 = 0x43;

const fn gf256_exp() -> [u8; 512] {
    let mut t = [0u8; 512];
    let mut x: u16 = 1;
    let mut i = 0;
    while i < 255 {
        t[i] = x as u8;
        t[i + 255] = x as u8;
        x <<= 1;
        if x & 0x100 != 0 {
            x ^= GF256_POLY;
        }
        i += 1;
    }
    t[510] = t[0];
    t[511] = t[1];
    t
}

const fn gf256_log() -> [u8; 256] {
    let exp = gf256_exp();
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 255 {
        t[exp[i] as usize] = i as u8;
        i += 1;
    }
    t
}

/// α^i in GF(2⁸), for i in 0..510 (doubled so sums of two logs need no reduction).
pub static GF256_EXP: [u8; 512] = gf256_exp();
/// log_α(x) in GF(2⁸) (log of 0 is stored as 0 and must not be used).
pub static GF256_LOG: [u8; 256] = gf256_log();

/// Multiplication in GF(2⁸), bit by bit (the oracle; no tables).
pub const fn gf256_mul_reference(a: u8, b: u8) -> u8 {
    let mut a = a as u16;
    let mut b = b;
    let mut r: u16 = 0;
    while b != 0 {
        if b & 1 != 0 {
            r ^= a;
        }
        a <<= 1;
        if a & 0x100 != 0 {
            a ^= GF256_POLY;
        }
        b >>= 1;
    }
    r as u8
}

/// Multiplication in GF(2⁸) through the log/exp tables.
#[inline]
pub fn gf256_mul(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        0
    } else {
        GF256_EXP[GF256_LOG[a as usize] as usize + GF256_LOG[b as usize] as usize]
    }
}

/// α^n in GF(2⁸) for any n ≥ 0.
#[inline]
pub fn gf256_pow_alpha(n: usize) -> u8 {
    GF256_EXP[n % 255]
}

const fn mul_table(c: u8) -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = gf256_mul_reference(i as u8, c);
        i += 1;
    }
    t
}

/// 1/3 in GF(2⁸) (= α²³⁰): the P and Q parity divide by 3.
pub const INV3: u8 = 0xF4;

/// x ↦ x / 3 in GF(2⁸) (= x · [`INV3`]).
pub static MUL_INV3: [u8; 256] = mul_table(INV3);

/// α^n in GF(2⁸), bit by bit (usable in `const` tables).
pub const fn gf256_pow_alpha_const(n: usize) -> u8 {
    let mut r = 1u8;
    let mut i = 0;
    while i < n % 255 {
        r = gf256_mul_reference(r, 2);
        i += 1;
    }
    r
}

/// Multiplication by `c` in GF(2⁸) (0x11D) is linear over GF(2): `x ↦ c·x` is an 8×8 bit
/// matrix whose column j is c·2ʲ. This returns it in the layout of the x86 GFNI instruction
/// `gf2p8affineqb`: the row giving output bit i is byte 7 − i of the word, and bit j of that
/// row is bit i of c·2ʲ. [`affine_apply`] is the instruction's definition, for tests.
pub const fn affine_matrix(c: u8) -> u64 {
    let mut m = 0u64;
    let mut i = 0;
    while i < 8 {
        let mut row = 0u8;
        let mut j = 0;
        while j < 8 {
            row |= ((gf256_mul_reference(1 << j, c) >> i) & 1) << j;
            j += 1;
        }
        m |= (row as u64) << (8 * (7 - i));
        i += 1;
    }
    m
}

/// One byte through `gf2p8affineqb` with matrix `m` and no constant (Intel SDM: output bit i
/// is the parity of `m.byte[7 − i] & x`): the portable model the GFNI engine is tested by.
pub const fn affine_apply(m: u64, x: u8) -> u8 {
    let mut r = 0u8;
    let mut i = 0;
    while i < 8 {
        let row = (m >> (8 * (7 - i))) as u8;
        r |= (((row & x).count_ones() & 1) as u8) << i;
        i += 1;
    }
    r
}

const fn gf64_exp() -> [u8; 128] {
    let mut t = [0u8; 128];
    let mut x: u8 = 1;
    let mut i = 0;
    while i < 63 {
        t[i] = x;
        t[i + 63] = x;
        x <<= 1;
        if x & 0x40 != 0 {
            x ^= GF64_POLY;
        }
        i += 1;
    }
    t[126] = t[0];
    t[127] = t[1];
    t
}

const fn gf64_log() -> [u8; 64] {
    let exp = gf64_exp();
    let mut t = [0u8; 64];
    let mut i = 0;
    while i < 63 {
        t[exp[i] as usize] = i as u8;
        i += 1;
    }
    t
}

/// α^i in GF(2⁶), i in 0..126.
pub static GF64_EXP: [u8; 128] = gf64_exp();
/// log_α(x) in GF(2⁶) (log of 0 is stored as 0 and must not be used).
pub static GF64_LOG: [u8; 64] = gf64_log();

/// Multiplication in GF(2⁶), bit by bit (the oracle).
pub const fn gf64_mul_reference(a: u8, b: u8) -> u8 {
    let mut a = a & 0x3F;
    let mut b = b & 0x3F;
    let mut r = 0u8;
    while b != 0 {
        if b & 1 != 0 {
            r ^= a;
        }
        a <<= 1;
        if a & 0x40 != 0 {
            a ^= GF64_POLY;
        }
        b >>= 1;
    }
    r
}

/// Multiplication in GF(2⁶) through the log/exp tables.
#[inline]
pub fn gf64_mul(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        0
    } else {
        GF64_EXP[GF64_LOG[a as usize] as usize + GF64_LOG[b as usize] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_match_bitwise_multiplication() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                assert_eq!(gf256_mul(a, b), gf256_mul_reference(a, b));
            }
        }
        for a in 0..64u8 {
            for b in 0..64u8 {
                assert_eq!(gf64_mul(a, b), gf64_mul_reference(a, b));
            }
        }
    }

    #[test]
    fn affine_matrices_multiply_by_their_constant() {
        for c in 0..=255u8 {
            let m = affine_matrix(c);
            for x in 0..=255u8 {
                assert_eq!(affine_apply(m, x), gf256_mul_reference(x, c), "c {c} x {x}");
            }
        }
        for n in 0..600 {
            assert_eq!(gf256_pow_alpha_const(n), gf256_pow_alpha(n));
        }
    }

    #[test]
    fn facts_from_cd_format() {
        // 3 = α²⁵ and 1/3 = α²³⁰ = 0xF4 (cd-format.md §3.2).
        assert_eq!(gf256_pow_alpha(25), 3);
        assert_eq!(gf256_pow_alpha(230), 0xF4);
        assert_eq!(gf256_mul(3, MUL_INV3[1]), 1);
        // Powers of α in GF(2⁶): 1, 2, 4, 8, 16, 32, 3, 6, 12, 24, 48, 35 (§8.1).
        assert_eq!(&GF64_EXP[..12], &[1, 2, 4, 8, 16, 32, 3, 6, 12, 24, 48, 35]);
    }
}

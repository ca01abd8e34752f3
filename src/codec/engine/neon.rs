//! The aarch64 NEON engine: PMULL-folded EDC, NEON ECC, NEON scrambler.
//!
//! * **EDC.** The carry-less-multiplication folding of the `X86` engine with `PMULL`
//!   (`vmull_p64`): four 128-bit accumulators folded 64 bytes at a time, then one folded 16
//!   bytes at a time, the last register and the tail through the table CRC. The fold constants
//!   are the same compile-time `x^e mod P` values ([`super::fold::fold_consts`]); a 128-bit
//!   register loaded from 16 message bytes has the same bit order on both architectures
//!   (little-endian lanes).
//! * **ECC.** The `X86` scheme with 16 GF(2⁸) lanes per register: P takes its 86 vectors as
//!   86 byte columns of 24 rows (6 registers per row); Q loads 8 words at 43·d₀ + 44·t, so lane
//!   j is diagonal d₀ − j at step t + j, with a sliding mask and `BSL` keeping lanes outside
//!   their 43 steps; four groups (d₀ = 25, 17, 9, 1) cover the 26 diagonals. Multiplication by α
//!   is shift, arithmetic shift, AND and XOR; the division by 3 is two `TBL` nibble lookups.
//! * **Scrambler.** 16-byte XOR with the table.
//! * **R–W parity** is the table version.
//!
//! Its speed is not measured (no ARM machine at hand); CI proves it correct under
//! `qemu-aarch64`.
//!
//! # unsafe
//!
//! [`Neon`] can only be made by [`Neon::detect`], which checks NEON and PMULL at run time, so a
//! value of type `Neon` proves the CPU has them. Every helper takes `self` as that proof; its
//! `unsafe` blocks call the intrinsics (and loads and stores through pointers whose range the
//! helper has just checked). The `#[target_feature]` kernels only wrap the helpers so that the
//! intrinsics are compiled with the features on.
// The engine module denies unsafe code; this file holds the SIMD kernels that need it.
#![allow(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]

use core::arch::aarch64::{
    uint8x16_t, vandq_u8, vbslq_u8, vdupq_n_u8, veorq_u8, vgetq_lane_u64, vld1q_u8, vmull_p64,
    vqtbl1q_u8, vreinterpretq_s8_u8, vreinterpretq_u64_u8, vreinterpretq_u8_p128,
    vreinterpretq_u8_s8, vshlq_n_u8, vshrq_n_s8, vshrq_n_u8, vst1q_u8,
};

use super::fold::{fold_table, nibble_table};
use super::{Engine, EngineKind};
use crate::codec::ecc::{P_OFFSET, Q_OFFSET};
use crate::codec::gf::INV3;
use crate::codec::scramble::SCRAMBLE_TABLE;
use crate::codec::sector::SECTOR_SIZE;
use crate::codec::{edc, rw};

/// The aarch64 SIMD engine (NEON + PMULL). Made only by [`Neon::detect`].
#[derive(Debug, Clone, Copy)]
pub struct Neon {
    /// Private: a value exists only after the run-time feature check.
    _proof: (),
}

impl Neon {
    /// The engine, if this CPU has NEON and PMULL (checked at run time).
    pub fn detect() -> Option<Neon> {
        if std::arch::is_aarch64_feature_detected!("neon")
            && std::arch::is_aarch64_feature_detected!("pmull")
        {
            Some(Neon { _proof: () })
        } else {
            None
        }
    }
}

impl Engine for Neon {
    fn kind(&self) -> EngineKind {
        EngineKind::Neon
    }
    #[inline]
    fn edc(&self, data: &[u8]) -> u32 {
        // SAFETY: `self` was made by `Neon::detect()`, which confirmed NEON and PMULL.
        unsafe { edc_pmull(*self, data) }
    }
    #[inline]
    fn ecc(&self, sector: &mut [u8; SECTOR_SIZE], zero_header: bool) {
        // SAFETY: `self` was made by `Neon::detect()`, which confirmed NEON.
        unsafe { ecc_neon(*self, sector, zero_header) }
    }
    #[inline]
    fn scramble(&self, sector: &mut [u8; SECTOR_SIZE]) {
        // SAFETY: `self` was made by `Neon::detect()`, which confirmed NEON.
        unsafe { scramble_neon(*self, core::slice::from_mut(sector)) }
    }
    #[inline]
    fn rw_parity(&self, pack: &mut [u8; 24]) {
        rw::parity_table(pack)
    }
    #[inline]
    fn scramble_batch(&self, sectors: &mut [[u8; SECTOR_SIZE]]) {
        // SAFETY: `self` was made by `Neon::detect()`, which confirmed NEON.
        unsafe { scramble_neon(*self, sectors) }
    }
}

// ---- kernels: each compiles one helper with the CPU features on ----

/// # Safety
/// The CPU must support NEON and PMULL (guaranteed by the `Neon` value, see [`Neon::detect`]).
#[target_feature(enable = "neon,aes")]
unsafe fn edc_pmull(e: Neon, data: &[u8]) -> u32 {
    e.edc_fold(data)
}

/// # Safety
/// The CPU must support NEON (guaranteed by the `Neon` value, see [`Neon::detect`]).
#[target_feature(enable = "neon")]
unsafe fn ecc_neon(e: Neon, sector: &mut [u8; SECTOR_SIZE], zero_header: bool) {
    e.ecc_lanes(sector, zero_header)
}

/// # Safety
/// The CPU must support NEON (guaranteed by the `Neon` value, see [`Neon::detect`]).
#[target_feature(enable = "neon")]
unsafe fn scramble_neon(e: Neon, sectors: &mut [[u8; SECTOR_SIZE]]) {
    for s in sectors {
        e.scramble_xor(s)
    }
}

/// One fold step with `PMULL` (a `#[target_feature]` function of its own: the intrinsics are
/// `inline(always)` with these features, and it inlines into [`edc_pmull`]).
///
/// # Safety
/// The CPU must support NEON and PMULL (guaranteed by the `Neon` value, see [`Neon::detect`]).
#[target_feature(enable = "neon,aes")]
#[inline]
unsafe fn pmull_fold(v: uint8x16_t, k: (u64, u64), x: uint8x16_t) -> uint8x16_t {
    // Rust < 1.87 needs the block (intrinsics are unsafe there even with the features on).
    #[allow(unused_unsafe)]
    // SAFETY: the caller guarantees NEON and PMULL; no memory is touched.
    unsafe {
        let w = vreinterpretq_u64_u8(v);
        let lo = vmull_p64(vgetq_lane_u64::<0>(w), k.0);
        let hi = vmull_p64(vgetq_lane_u64::<1>(w), k.1);
        veorq_u8(
            veorq_u8(vreinterpretq_u8_p128(lo), vreinterpretq_u8_p128(hi)),
            x,
        )
    }
}

/// Independent 128-bit accumulators of the EDC main loop.
const FOLD_LANES: usize = 4;
/// Bytes the EDC main loop consumes per step.
const FOLD_BLOCK: usize = 16 * FOLD_LANES;
/// `FOLD_BY[i]` moves a register forward by 128·i bits (i = 1..=FOLD_LANES).
static FOLD_BY: [(u64, u64); FOLD_LANES + 1] = fold_table(128);

static INV3_LO: [u8; 32] = nibble_table(INV3, false);
static INV3_HI: [u8; 32] = nibble_table(INV3, true);

/// Q: at step t (−7..=42) lane j (word j) holds step k = t + j; 0xFF where 0 ≤ k ≤ 42.
/// Read 16 bytes from byte 2·(t + 7).
static Q_STEP_MASK: [u8; 2 * 58] = {
    let mut m = [0u8; 2 * 58];
    let mut w = 7;
    while w <= 49 {
        m[2 * w] = 0xFF;
        m[2 * w + 1] = 0xFF;
        w += 1;
    }
    m
};

/// Q diagonal groups: first diagonal d₀ of each 8-word register and how many lanes are used.
const Q_GROUPS: [(usize, usize); 4] = [(25, 8), (17, 8), (9, 8), (1, 2)];
/// Q steps t = −7..=42.
const Q_STEPS: usize = 50;
/// 16-bit words the Q vectors cover.
const Q_WORDS: i32 = 1118;
/// Q: for step t (index t + 7), the sector offset of lane 0 of each group.
static Q_LOAD_AT: [[u16; 4]; Q_STEPS] = {
    let mut t = [[0u16; 4]; Q_STEPS];
    let mut i = 0;
    while i < Q_STEPS {
        let mut g = 0;
        while g < 4 {
            let w = (43 * Q_GROUPS[g].0 as i32 + 44 * (i as i32 - 7)).rem_euclid(Q_WORDS);
            t[i][g] = (12 + 2 * w) as u16;
            g += 1;
        }
        i += 1;
    }
    t
};

// ---- helpers: `self` proves NEON and PMULL ----

impl Neon {
    #[inline(always)]
    fn load16(self, s: &[u8]) -> uint8x16_t {
        assert!(s.len() >= 16);
        // SAFETY: 16 bytes readable at `s` (checked); `self` proves NEON (Neon::detect).
        unsafe { vld1q_u8(s.as_ptr()) }
    }

    #[inline(always)]
    fn store16(self, s: &mut [u8], v: uint8x16_t) {
        assert!(s.len() >= 16);
        // SAFETY: 16 bytes writable at `s` (checked); `self` proves NEON (Neon::detect).
        unsafe { vst1q_u8(s.as_mut_ptr(), v) }
    }

    #[inline(always)]
    fn xor(self, a: uint8x16_t, b: uint8x16_t) -> uint8x16_t {
        // SAFETY: `self` proves NEON (Neon::detect).
        unsafe { veorq_u8(a, b) }
    }

    #[inline(always)]
    fn zero(self) -> uint8x16_t {
        // SAFETY: `self` proves NEON (Neon::detect).
        unsafe { vdupq_n_u8(0) }
    }

    /// Multiplies `v` by x^d (mod P) with constants from [`super::fold::fold_consts`] and adds `x`.
    #[inline(always)]
    fn fold_xor(self, v: uint8x16_t, k: (u64, u64), x: uint8x16_t) -> uint8x16_t {
        // SAFETY: `self` proves NEON and PMULL (Neon::detect).
        unsafe { pmull_fold(v, k, x) }
    }

    #[inline(always)]
    fn edc_fold(self, data: &[u8]) -> u32 {
        let mut blocks = data.chunks_exact(FOLD_BLOCK);
        let Some(first) = blocks.next() else {
            return edc::edc_table(data);
        };
        let mut a = [self.load16(first); FOLD_LANES];
        for (i, ai) in a.iter_mut().enumerate().skip(1) {
            *ai = self.load16(&first[16 * i..]);
        }
        for b in blocks.by_ref() {
            for (i, ai) in a.iter_mut().enumerate() {
                *ai = self.fold_xor(*ai, FOLD_BY[FOLD_LANES], self.load16(&b[16 * i..]));
            }
        }
        let mut v = a[FOLD_LANES - 1];
        for (i, &ai) in a[..FOLD_LANES - 1].iter().enumerate() {
            v = self.fold_xor(ai, FOLD_BY[FOLD_LANES - 1 - i], v);
        }
        let mut rest = blocks.remainder().chunks_exact(16);
        for c in rest.by_ref() {
            v = self.fold_xor(v, FOLD_BY[1], self.load16(c));
        }
        let tail = rest.remainder();
        let mut buf = [0u8; 32];
        self.store16(&mut buf, v);
        buf[16..16 + tail.len()].copy_from_slice(tail);
        edc::edc_table(&buf[..16 + tail.len()])
    }

    /// Each byte times α (x·2 reduced by 0x11D).
    #[inline(always)]
    fn mul_alpha(self, x: uint8x16_t) -> uint8x16_t {
        // SAFETY: `self` proves NEON (Neon::detect).
        unsafe {
            let top = vreinterpretq_u8_s8(vshrq_n_s8::<7>(vreinterpretq_s8_u8(x)));
            veorq_u8(vshlq_n_u8::<1>(x), vandq_u8(top, vdupq_n_u8(0x1D)))
        }
    }

    /// Each byte divided by 3 (times [`INV3`]) with two 16-entry `TBL` lookups.
    #[inline(always)]
    fn div3(self, x: uint8x16_t) -> uint8x16_t {
        let lo_t = self.load16(&INV3_LO);
        let hi_t = self.load16(&INV3_HI);
        // SAFETY: `self` proves NEON (Neon::detect).
        unsafe {
            let lo = vandq_u8(x, vdupq_n_u8(0x0F));
            let hi = vshrq_n_u8::<4>(x);
            veorq_u8(vqtbl1q_u8(lo_t, lo), vqtbl1q_u8(hi_t, hi))
        }
    }

    /// From the Horner sum `h` (= s1 / α²) and the plain sum `s0`: (p0, p1).
    #[inline(always)]
    fn parity(self, h: uint8x16_t, s0: uint8x16_t) -> (uint8x16_t, uint8x16_t) {
        let s1 = self.mul_alpha(self.mul_alpha(h));
        let p0 = self.div3(self.xor(s0, s1));
        (p0, self.xor(s0, p0))
    }

    #[inline(always)]
    fn ecc_lanes(self, sector: &mut [u8; SECTOR_SIZE], zero_header: bool) {
        let saved = [sector[12], sector[13], sector[14], sector[15]];
        if zero_header {
            sector[12..16].fill(0);
        }
        // P: 24 rows of 86 bytes, 6 registers per row (lanes 86..95 dropped).
        let mut h = [self.zero(); 6];
        let mut s0 = [self.zero(); 6];
        for r in 0..24 {
            let row = &sector[12 + 86 * r..];
            for j in 0..6 {
                let x = self.load16(&row[16 * j..]);
                h[j] = self.xor(self.mul_alpha(h[j]), x);
                s0[j] = self.xor(s0[j], x);
            }
        }
        let mut p0 = [0u8; 96];
        let mut p1 = [0u8; 96];
        for j in 0..6 {
            let (a, b) = self.parity(h[j], s0[j]);
            self.store16(&mut p0[16 * j..], a);
            self.store16(&mut p1[16 * j..], b);
        }
        sector[P_OFFSET..P_OFFSET + 86].copy_from_slice(&p0[..86]);
        sector[P_OFFSET + 86..P_OFFSET + 172].copy_from_slice(&p1[..86]);

        // Q: copy words 0..8 after word 1117 so loads that wrap stay contiguous.
        sector.copy_within(12..28, Q_OFFSET);
        let mut h = [self.zero(); 4];
        let mut s0 = [self.zero(); 4];
        for (i, at) in Q_LOAD_AT.iter().enumerate() {
            let live = self.load16(&Q_STEP_MASK[2 * i..]);
            for (g, &at) in at.iter().enumerate() {
                let x = self.load16(&sector[at as usize..]);
                let next = self.xor(self.mul_alpha(h[g]), x);
                // SAFETY: `self` proves NEON (Neon::detect).
                unsafe {
                    h[g] = vbslq_u8(live, next, h[g]);
                    s0[g] = veorq_u8(s0[g], vandq_u8(x, live));
                }
            }
        }
        for (g, &(d0, lanes)) in Q_GROUPS.iter().enumerate() {
            let (a, b) = self.parity(h[g], s0[g]);
            let mut p0 = [0u8; 16];
            let mut p1 = [0u8; 16];
            self.store16(&mut p0, a);
            self.store16(&mut p1, b);
            for j in 0..lanes {
                let v = 2 * (d0 - j);
                sector[Q_OFFSET + v..Q_OFFSET + v + 2].copy_from_slice(&p0[2 * j..2 * j + 2]);
                sector[Q_OFFSET + 52 + v..Q_OFFSET + 52 + v + 2]
                    .copy_from_slice(&p1[2 * j..2 * j + 2]);
            }
        }
        sector[12..16].copy_from_slice(&saved);
    }

    #[inline(always)]
    fn scramble_xor(self, sector: &mut [u8; SECTOR_SIZE]) {
        let body = &mut sector[12..];
        let mut chunks = body.chunks_exact_mut(16);
        let mut table = SCRAMBLE_TABLE.chunks_exact(16);
        for (c, t) in chunks.by_ref().zip(table.by_ref()) {
            let x = self.xor(self.load16(c), self.load16(t));
            self.store16(c, x);
        }
        // 2340 = 146·16 + 4
        for (b, t) in chunks.into_remainder().iter_mut().zip(table.remainder()) {
            *b ^= *t;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::engine::Reference;

    #[test]
    fn matches_reference_or_says_why_not() {
        let Some(e) = Neon::detect() else {
            eprintln!("skipped: this CPU lacks NEON or PMULL");
            return;
        };
        let data: Vec<u8> = (0..2400u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        assert_eq!(e.edc(b"123456789"), 0x6EC2_EDC4);
        for len in (0..=300).chain([2048, 2056, 2064, 2332, 2336, 2340, 2352, 2400]) {
            assert_eq!(
                e.edc(&data[..len]),
                Reference.edc(&data[..len]),
                "len {len}"
            );
        }
        for fill in [None, Some(0u8), Some(0xFF)] {
            for z in [false, true] {
                let mut a = [0u8; SECTOR_SIZE];
                match fill {
                    Some(f) => a.fill(f),
                    None => a.copy_from_slice(&data[..SECTOR_SIZE]),
                }
                let mut b = a;
                Reference.ecc(&mut a, z);
                e.ecc(&mut b, z);
                assert_eq!(&a[..], &b[..], "fill {fill:?} zero_header {z}");
                Reference.scramble(&mut a);
                e.scramble(&mut b);
                assert_eq!(&a[..], &b[..]);
            }
        }
    }
}

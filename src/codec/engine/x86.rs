//! The x86-64 SIMD engine: PCLMULQDQ-folded EDC, AVX2 (or AVX2 + GFNI) ECC, AVX2 scrambler.
//!
//! * **EDC.** Carry-less-multiply folding of a reflected CRC-32 (the technique of Intel's "Fast
//!   CRC Computation for Generic Polynomials Using PCLMULQDQ"): four 128-bit accumulators
//!   folded 512 bits at a time (eight measured no faster: the multiplier's throughput, not its
//!   latency, is the limit), then one accumulator folded 128 bits at a time. The fold constants
//!   are `x^e mod P` for P = [`EDC_POLY`](super::fold::EDC_POLY), computed by [`xpow_mod`](super::fold::xpow_mod) at compile time (no pasted
//!   magic numbers) and checked by the tests. An input whose length is not a multiple of 16
//!   starts with a zero-padded 16-byte head folded in front (zeros in front leave this CRC
//!   unchanged), so there is no byte-at-a-time tail; the last accumulator goes through the
//!   slice-by-16 table CRC, one step. Inputs shorter than one block ([`FOLD_BLOCK`] bytes) use the
//!   table CRC directly. Where the CPU also has 256-bit VPCLMULQDQ (AMD Zen 3, Intel Ice Lake
//!   and later; Rust ≥ 1.89), inputs of 128 bytes or more fold four 256-bit accumulators (two
//!   128-bit lanes each) 128 bytes at a time first.
//! * **ECC.** The Horner evaluation of [`crate::codec::ecc::ecc_swar`] with 32 GF(2⁸) lanes per
//!   AVX2 register; a Horner step α·h ⊕ x is an add, a `vpshufb` of a 0x1D table indexed by h
//!   (zero where h's top bit is set) and two XORs, which leaves a constant error per chain,
//!   removed at the end (`X86::horner_step`); every other constant multiplication uses
//!   split-nibble `pshufb` tables (x·c = lo(x)·c ⊕ hi(x)·c, two 16-entry tables, which may
//!   differ between the register's 128-bit halves).
//!   P takes its 86 vectors as 86 byte columns of 24 rows (3 registers per row, 3 chains).
//!   Q uses that word `w` of the 26 × 43 word matrix is (diagonal d, step k) with
//!   `w = 43·d + 44·k mod 1118`, so word `w + 1` is (d − 1, k + 1): one contiguous load of 16
//!   words at `43·d₀ + 44·t` gives lane j diagonal d₀ − j at step t + j. Each lane therefore
//!   sees its own diagonal in order, just shifted by j steps. Two groups (d₀ = 25 for 16
//!   lanes, t = −15..=42; d₀ = 9 for 10 lanes, t = −9..=42) cover the 26 diagonals, each split
//!   at t = 14 into two Horner chains (four independent chains: Q is then throughput-bound, not
//!   bound by the latency of a step) joined by α²⁹. Bytes outside a lane's 43 steps are masked
//!   to zero (only in the steps where some lane is outside: `q_needs_mask`), so a lane that has
//!   not started stays zero; a lane that finished early keeps being multiplied by α, j times
//!   in all, and the end multiplies lane j by α^(2−j) (nibble tables per half and per bit of
//!   j) instead of blending every step. The division by 3 is a nibble-table multiplication by
//!   0xF4.
//! * **ECC with GFNI** (where the CPU has it: AMD Zen 4 and later, Intel Ice Lake, Alder Lake
//!   and later; Rust ≥ 1.89): the same loads, with every multiplication by a constant one
//!   `gf2p8affineqb` on 256-bit registers. P keeps s0 and two Horner chains per register (even
//!   and odd rows, α² a step); Q runs four interleaved chains per group (α⁴ a step) and takes
//!   group 1's first step last, because its load reads the P parity and the wrapped words
//!   just stored. The `Avx512` engine uses this kernel on AMD CPUs, where it beats the 512-bit
//!   one (Zen 4: 76 against 109 ns). [`X86::without_gfni`] gives the AVX2 kernel back, for tests
//!   and benchmarks.
//! * **Scrambler.** 32-byte XOR with the scramble table, read from the copy
//!   [`scramble::table_for`] picks so that its loads do not alias the stores (4K aliasing).
//! * **Batches with the scrambler** (where the CPU has VPCLMULQDQ): `encode_batch` and
//!   `encode_strided` scramble first (`super::prescramble`): one 256-bit fold over the EDC
//!   range that stores back each block it loads, scrambled; the ECC over the scrambled
//!   sector; a constant XORed over the parity. Zen 4, 16 Mode 1 sectors: 180 → 165 ns a
//!   sector with GFNI, 210 → 190 without.
//! * **R–W parity** is the table version (`rw::parity_table`).
//!
//! # unsafe
//!
//! [`X86`] can only be made by [`X86::detect`], which checks AVX2 and PCLMULQDQ at run time, so a
//! value of type `X86` proves the CPU has them. Every helper takes `self` as that proof; its
//! `unsafe` blocks call the intrinsics (and unaligned loads and stores through pointers whose
//! range the helper has just checked). The `#[target_feature]` kernels only wrap the helpers so
//! the intrinsics are compiled with the features on.
// The engine module denies unsafe code; this file holds the SIMD kernels that need it.
#![allow(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]

use core::arch::x86_64::{
    __m128i, __m256i, _mm256_add_epi8, _mm256_and_si256, _mm256_blendv_epi8,
    _mm256_castsi256_si128, _mm256_extracti128_si256, _mm256_loadu_si256, _mm256_permute4x64_epi64,
    _mm256_set1_epi8, _mm256_setzero_si256, _mm256_shuffle_epi8, _mm256_srli_epi16,
    _mm256_storeu_si256, _mm256_xor_si256, _mm_alignr_epi8, _mm_clmulepi64_si128,
    _mm_extract_epi32, _mm_loadu_si128, _mm_set_epi64x, _mm_storeu_si128, _mm_xor_si128,
};

use super::fold::{fold_table, nibble_table, zero_padded_head};
use super::prescramble::Tick;
use super::{Engine, EngineKind, Finish};
use crate::codec::ecc::{P_OFFSET, Q_OFFSET};
use crate::codec::gf::{affine_matrix, gf256_mul_reference, gf256_pow_alpha_const, INV3};
use crate::codec::scramble::TABLE_LEN;
use crate::codec::sector::SECTOR_SIZE;
use crate::codec::{edc, rw, scramble};

/// The x86-64 SIMD engine (AVX2 + PCLMULQDQ). Made only by [`X86::detect`].
#[derive(Debug, Clone, Copy)]
pub struct X86 {
    /// Set by [`X86::detect`] when the CPU also has 256-bit VPCLMULQDQ (and the compiler its
    /// intrinsics): the EDC then folds two 128-bit lanes per instruction.
    vpclmul: bool,
    /// Set by [`X86::detect`] when the CPU also has GFNI (and the compiler its intrinsics): the
    /// ECC then multiplies by constants with one `gf2p8affineqb` instead of an add, XOR and
    /// blend (or two `pshufb` tables).
    gfni: bool,
}

impl X86 {
    /// The engine, if this CPU has AVX2 and PCLMULQDQ (checked at run time).
    pub fn detect() -> Option<X86> {
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("pclmulqdq") {
            Some(X86 {
                vpclmul: cfg!(rawcd_simd512) && is_x86_feature_detected!("vpclmulqdq"),
                gfni: cfg!(rawcd_simd512) && is_x86_feature_detected!("gfni"),
            })
        } else {
            None
        }
    }

    /// Whether the ECC runs the GFNI kernel (the CPU has GFNI).
    pub fn uses_gfni(&self) -> bool {
        self.gfni
    }

    /// This engine with its AVX2 ECC kernel (split-nibble `pshufb` tables) even where the
    /// CPU has GFNI: the kernel CPUs without GFNI (AMD Zen 3, Intel before Ice Lake) run, for
    /// tests and benchmarks on machines that have it.
    pub fn without_gfni(self) -> X86 {
        X86 {
            gfni: false,
            ..self
        }
    }
}

impl Engine for X86 {
    fn kind(&self) -> EngineKind {
        EngineKind::X86
    }
    #[inline]
    fn edc(&self, data: &[u8]) -> u32 {
        #[cfg(rawcd_simd512)]
        if self.vpclmul && data.len() >= wide::FOLD_BLOCK {
            // SAFETY: `self.vpclmul` is set only by `X86::detect()` after it confirmed
            // VPCLMULQDQ, AVX2 and PCLMULQDQ.
            return unsafe { wide::edc_vpclmul(*self, data) };
        }
        // SAFETY: `self` was made by `X86::detect()`, which confirmed PCLMULQDQ.
        unsafe { edc_pclmul(*self, data) }
    }
    #[inline]
    fn ecc(&self, sector: &mut [u8; SECTOR_SIZE], zero_header: bool) {
        #[cfg(rawcd_simd512)]
        if self.gfni {
            // SAFETY: `self.gfni` is set only by `X86::detect()` after it confirmed GFNI and
            // AVX2.
            return unsafe { wide::ecc_gfni(*self, sector, zero_header) };
        }
        // SAFETY: `self` was made by `X86::detect()`, which confirmed AVX2.
        unsafe { ecc_avx2(*self, sector, zero_header) }
    }
    #[inline]
    fn scramble(&self, sector: &mut [u8; SECTOR_SIZE]) {
        // SAFETY: `self` was made by `X86::detect()`, which confirmed AVX2.
        unsafe { scramble_avx2(*self, core::slice::from_mut(sector)) }
    }
    #[inline]
    fn rw_parity(&self, pack: &mut [u8; 24]) {
        rw::parity_table(pack)
    }
    #[inline]
    fn scramble_batch(&self, sectors: &mut [[u8; SECTOR_SIZE]]) {
        // SAFETY: `self` was made by `X86::detect()`, which confirmed AVX2.
        unsafe { scramble_avx2(*self, sectors) }
    }
    #[inline]
    fn encode_batch(&self, sectors: &mut [[u8; SECTOR_SIZE]], finish: Finish, scramble: bool) {
        #[cfg(rawcd_simd512)]
        if scramble && self.vpclmul {
            return self.encode_scrambled(sectors.iter_mut(), finish);
        }
        super::encode_batch_each(self, sectors, finish, scramble)
    }
    #[inline]
    fn encode_strided(&self, buf: &mut [u8], stride: usize, finish: Finish, scramble: bool) {
        #[cfg(rawcd_simd512)]
        if scramble && self.vpclmul {
            return self.encode_scrambled(super::strided_sectors(buf, stride), finish);
        }
        super::encode_strided_each(self, buf, stride, finish, scramble)
    }
}

#[cfg(rawcd_simd512)]
impl X86 {
    /// `encode_batch` with the scrambler where the CPU has VPCLMULQDQ: scramble first (see
    /// [`super::prescramble`]), with the GFNI or the AVX2 ECC.
    #[inline]
    fn encode_scrambled<'a>(
        self,
        sectors: impl Iterator<Item = &'a mut [u8; SECTOR_SIZE]>,
        finish: Finish,
    ) {
        debug_assert!(self.vpclmul);
        // SAFETY: `self.vpclmul` (and `self.gfni`) are set only by `X86::detect()` after it
        // confirmed VPCLMULQDQ (GFNI), AVX2 and PCLMULQDQ; the caller checked `vpclmul`.
        unsafe {
            if self.gfni {
                wide::encode_scrambled_gfni(self, sectors, finish)
            } else {
                wide::encode_scrambled_avx2(self, sectors, finish)
            }
        }
    }
}

// ---- kernels: each compiles one helper with the CPU features on ----

/// # Safety
/// The CPU must support PCLMULQDQ (guaranteed by the `X86` value, see [`X86::detect`]).
#[target_feature(enable = "pclmulqdq")]
unsafe fn edc_pclmul(e: X86, data: &[u8]) -> u32 {
    e.edc_fold(data)
}

/// # Safety
/// The CPU must support AVX2 (guaranteed by the `X86` value, see [`X86::detect`]).
#[target_feature(enable = "avx2")]
unsafe fn ecc_avx2(e: X86, sector: &mut [u8; SECTOR_SIZE], zero_header: bool) {
    e.ecc_lanes::<false>(sector, zero_header)
}

/// # Safety
/// The CPU must support AVX2 (guaranteed by the `X86` value, see [`X86::detect`]).
#[target_feature(enable = "avx2")]
unsafe fn scramble_avx2(e: X86, sectors: &mut [[u8; SECTOR_SIZE]]) {
    for s in sectors {
        e.scramble_xor(s)
    }
}

// ---- EDC: carry-less multiplication folding ----

/// The EDC with 256-bit VPCLMULQDQ (two 128-bit folds per instruction; Rust ≥ 1.89).
#[cfg(rawcd_simd512)]
// The 256-bit VPCLMULQDQ intrinsics are stable from 1.89; `build.rs` sets `rawcd_simd512` only
// on such compilers, so the crate's 1.85 rust-version does not apply here.
#[allow(clippy::incompatible_msrv)]
mod wide {
    use core::arch::x86_64::{
        __m256i, _mm256_broadcastsi128_si256, _mm256_castsi256_si128, _mm256_clmulepi64_epi128,
        _mm256_extracti128_si256, _mm256_gf2p8affine_epi64_epi8, _mm256_inserti128_si256,
        _mm256_loadu_si256, _mm256_set1_epi64x, _mm256_storeu_si256, _mm256_xor_si256,
        _mm_and_si128, _mm_set_epi64x,
    };

    use super::{
        fold_table, q_needs_mask, Finish, FOLD_BY, Q_G1_FIRST, Q_LOAD_AT, Q_STEPS, SECTOR_SIZE, X86,
    };
    use crate::codec::ecc::{PARITY_LEN, P_OFFSET};
    use crate::codec::engine::prescramble::{self, xor_bytes, EdcPass, Tick};
    use crate::codec::gf::{affine_matrix, gf256_mul_reference, gf256_pow_alpha_const, INV3};
    use crate::codec::scramble::sector_table_for;

    /// Independent 256-bit accumulators of the main loop.
    const LANES: usize = 4;
    /// Bytes the main loop consumes per step.
    pub(super) const FOLD_BLOCK: usize = 32 * LANES;
    /// `BY256[i]` moves each 128-bit lane forward by 256·i bits (i = 1..=LANES).
    static BY256: [(u64, u64); LANES + 1] = fold_table(256);
    /// `HEAD_MASKS[r..r + 16]` keeps the last r bytes of 16.
    static HEAD_MASKS: [u8; 32] = {
        let mut m = [0u8; 32];
        let mut i = 16;
        while i < 32 {
            m[i] = 0xFF;
            i += 1;
        }
        m
    };

    /// # Safety
    /// The CPU must support VPCLMULQDQ, AVX2 and PCLMULQDQ (checked by [`X86::detect`], which
    /// sets `X86::vpclmul`).
    #[target_feature(enable = "avx2,pclmulqdq,vpclmulqdq")]
    pub(super) unsafe fn edc_vpclmul(e: X86, data: &[u8]) -> u32 {
        e.edc_fold256(data)
    }

    /// `encode_batch` with the scrambler, scramble first (see [`prescramble`]), with the
    /// GFNI ECC.
    ///
    /// # Safety
    /// The CPU must support VPCLMULQDQ, GFNI, AVX2 and PCLMULQDQ (checked by [`X86::detect`],
    /// which sets `X86::vpclmul` and `X86::gfni`).
    #[target_feature(enable = "avx2,pclmulqdq,vpclmulqdq,gfni")]
    pub(super) unsafe fn encode_scrambled_gfni<'a>(
        e: X86,
        sectors: impl Iterator<Item = &'a mut [u8; SECTOR_SIZE]>,
        finish: Finish,
    ) {
        prescramble::encode_scrambled(Fused::<true>(e), sectors, finish)
    }

    /// [`encode_scrambled_gfni`] with the AVX2 ECC.
    ///
    /// # Safety
    /// The CPU must support VPCLMULQDQ, AVX2 and PCLMULQDQ (checked by [`X86::detect`], which
    /// sets `X86::vpclmul`).
    #[target_feature(enable = "avx2,pclmulqdq,vpclmulqdq")]
    pub(super) unsafe fn encode_scrambled_avx2<'a>(
        e: X86,
        sectors: impl Iterator<Item = &'a mut [u8; SECTOR_SIZE]>,
        finish: Finish,
    ) {
        prescramble::encode_scrambled(Fused::<false>(e), sectors, finish)
    }

    /// The engine's kernels for [`prescramble::finish_scrambled`], with the GFNI ECC when
    /// `GF` (only made by the kernels above, whose callers checked the features).
    #[derive(Clone, Copy)]
    struct Fused<const GF: bool>(X86);

    impl<const GF: bool> prescramble::Kernels for Fused<GF> {
        const INTERLEAVE: bool = false;
        type Pass<'s> = EdcScramble256<'s>;
        #[inline(always)]
        fn begin<'s>(
            self,
            sector: &'s mut [u8; SECTOR_SIZE],
            start: usize,
            end: usize,
        ) -> Self::Pass<'s> {
            EdcScramble256::new(self.0, sector, start, end)
        }
        #[inline(always)]
        fn ecc<T: Tick>(self, sector: &mut [u8; SECTOR_SIZE], tick: &mut T) {
            self.0.ecc_lanes_ticked::<GF, T>(sector, false, tick)
        }
        #[inline(always)]
        fn fix_parity(self, sector: &mut [u8; SECTOR_SIZE], fix: &[u8; PARITY_LEN]) {
            let mut at = P_OFFSET;
            for f in fix.chunks_exact(32) {
                let x = self
                    .0
                    .xor(self.0.load_wide(&sector[at..]), self.0.load_wide(f));
                self.0.store_wide(&mut sector[at..], x);
                at += 32;
            }
            // 276 = 8·32 + 20
            xor_bytes(&mut sector[at..], &fix[PARITY_LEN - PARITY_LEN % 32..]);
        }
    }

    /// [`X86::edc_fold256`] of `sector[start..end]` that also scrambles bytes 12..end in the
    /// same pass, in steps: the 256-bit form of `lanes64::EdcScramble` (each 32-byte block
    /// folded as loaded, then XORed with the table at its sector offset and stored back; the
    /// few bytes no block covers eight at a time). The range must hold at least one
    /// [`FOLD_BLOCK`] past its head. Made only inside the VPCLMULQDQ kernels.
    pub(super) struct EdcScramble256<'s> {
        e: X86,
        sector: &'s mut [u8; SECTOR_SIZE],
        table: &'static [u8; SECTOR_SIZE],
        end: usize,
        body: usize,
        at: usize,
        main_end: usize,
        /// The accumulators, oldest first (each step folds the oldest and rotates).
        a: [__m256i; LANES],
    }

    impl<'s> EdcScramble256<'s> {
        #[inline(always)]
        fn new(e: X86, sector: &'s mut [u8; SECTOR_SIZE], start: usize, end: usize) -> Self {
            assert!(start <= end && end <= SECTOR_SIZE);
            let table = sector_table_for(sector);
            let r = (end - start) % 16;
            let body = start + r;
            assert!(end - body >= FOLD_BLOCK);
            // The head as the low lane of a register: the 16 bytes that end at `body`, those
            // before `start` cleared by a mask (16 − r zero bytes, then r of 0xFF).
            let head = (r > 0).then(|| {
                let h = e.load16(&sector[body - 16..]);
                // SAFETY: `e` proves AVX2 (X86::detect); SSE2 is baseline on x86-64.
                unsafe {
                    let h = _mm_and_si128(h, e.load16(&HEAD_MASKS[r..]));
                    _mm256_inserti128_si256::<0>(e.zero(), h)
                }
            });
            if body > 12 {
                xor_bytes(&mut sector[12..body], &table[12..body]);
            }
            // The first four blocks start the accumulators, the head folded into the first.
            let mut a = [e.zero(); LANES];
            for (i, ai) in a.iter_mut().enumerate() {
                *ai = e.scramble_block(sector, table, body + 32 * i);
            }
            if let Some(h) = head {
                a[0] = e.fold256(h, FOLD_BY[1], a[0]);
            }
            EdcScramble256 {
                e,
                sector,
                table,
                end,
                body,
                at: body + FOLD_BLOCK,
                main_end: body + (end - body) / FOLD_BLOCK * FOLD_BLOCK,
                a,
            }
        }

        /// Folds and scrambles the next block of the main loop, if one is left.
        #[inline(always)]
        fn step(&mut self) {
            if self.at >= self.main_end {
                return;
            }
            let e = self.e;
            let x = e.scramble_block(self.sector, self.table, self.at);
            let y = e.fold256(self.a[0], BY256[LANES], x);
            self.a = [self.a[1], self.a[2], self.a[3], y];
            self.at += 32;
        }
    }

    impl EdcPass for EdcScramble256<'_> {
        #[inline(always)]
        fn finish(mut self) -> (u32, &'static [u8; SECTOR_SIZE]) {
            // Single steps until the accumulators are back in order, then whole blocks.
            while (self.at - self.body) % FOLD_BLOCK != 0 && self.at < self.main_end {
                self.step();
            }
            while self.at < self.main_end {
                for i in 0..LANES {
                    let x = self
                        .e
                        .scramble_block(self.sector, self.table, self.at + 32 * i);
                    self.a[i] = self.e.fold256(self.a[i], BY256[LANES], x);
                }
                self.at += FOLD_BLOCK;
            }
            let (e, end) = (self.e, self.end);
            let mut v = e.merge256(self.a);
            let mut at = self.at;
            while at + 32 <= end {
                v = e.fold256(v, BY256[1], e.scramble_block(self.sector, self.table, at));
                at += 32;
            }
            let crc = e.reduce256(v, &self.sector[at..end]);
            xor_bytes(&mut self.sector[at..end], &self.table[at..end]);
            (crc, self.table)
        }
    }

    /// Two blocks of the pass per P iteration, three per Q round (Mode 1 has 64, the ECC 12
    /// P iterations and 14 Q rounds).
    impl Tick for EdcScramble256<'_> {
        #[inline(always)]
        fn tick_p(&mut self) {
            self.step();
            self.step();
        }
        #[inline(always)]
        fn tick_q(&mut self) {
            self.step();
            self.step();
            self.step();
        }
    }

    /// The ECC with GFNI multiplications.
    ///
    /// # Safety
    /// The CPU must support GFNI and AVX2 (checked by [`X86::detect`], which sets
    /// `X86::gfni`).
    #[target_feature(enable = "avx2,gfni")]
    pub(super) unsafe fn ecc_gfni(e: X86, sector: &mut [u8; SECTOR_SIZE], zero_header: bool) {
        e.ecc_lanes::<true>(sector, zero_header)
    }

    /// The matrix multiplying by α²: one step of a P chain.
    static P_ALPHA2: u64 = affine_matrix(gf256_pow_alpha_const(2));
    /// P's p0 from s0, h_even and h_odd: 1/3, α³/3, α²/3.
    static P_FIN: [u64; 3] = [
        affine_matrix(INV3),
        affine_matrix(gf256_mul_reference(INV3, gf256_pow_alpha_const(3))),
        affine_matrix(gf256_mul_reference(INV3, gf256_pow_alpha_const(2))),
    ];
    /// The matrix multiplying a byte by α⁴: one step of a Q chain.
    static ALPHA4: u64 = affine_matrix(gf256_pow_alpha_const(4));
    /// α^(57 − i) for group 1's first step i = `Q_G1_FIRST`, added after the chains.
    static Q_G1_FIRST_LATE: u64 = affine_matrix(gf256_pow_alpha_const(Q_STEPS - 1 - Q_G1_FIRST));
    /// Q chain c (steps i ≡ c mod 4) ends at the largest such i ≤ 57 and joins with
    /// α^(57 − that i).
    static Q_CHAIN_JOIN: [u64; 4] = {
        let mut m = [0u64; 4];
        let mut c = 0;
        while c < 4 {
            let last = (Q_STEPS - 1) - ((Q_STEPS - 1 - c) % 4);
            m[c] = affine_matrix(gf256_pow_alpha_const(Q_STEPS - 1 - last));
            c += 1;
        }
        m
    };

    impl X86 {
        #[inline(always)]
        fn load_wide(self, s: &[u8]) -> __m256i {
            assert!(s.len() >= 32);
            // SAFETY: 32 bytes readable at `s` (checked); `self` proves AVX2 (X86::detect).
            unsafe { _mm256_loadu_si256(s.as_ptr().cast()) }
        }

        #[inline(always)]
        fn store_wide(self, s: &mut [u8], v: __m256i) {
            assert!(s.len() >= 32);
            // SAFETY: 32 bytes writable at `s` (checked); `self` proves AVX2 (X86::detect).
            unsafe { _mm256_storeu_si256(s.as_mut_ptr().cast(), v) }
        }

        /// The 32 bytes at `at`, as loaded; stored back scrambled with `t` (the scramble
        /// table at sector offsets).
        #[inline(always)]
        fn scramble_block(
            self,
            sector: &mut [u8; SECTOR_SIZE],
            t: &[u8; SECTOR_SIZE],
            at: usize,
        ) -> __m256i {
            let x = self.load_wide(&sector[at..]);
            self.store_wide(&mut sector[at..], self.xor(x, self.load_wide(&t[at..])));
            x
        }

        /// Each byte of `v` times the constant of matrix `m` ([`affine_matrix`]).
        #[inline(always)]
        pub(super) fn affine(self, v: __m256i, m: u64) -> __m256i {
            // SAFETY: `self` proves AVX2 (X86::detect).
            self.affine_v(v, unsafe { _mm256_set1_epi64x(m as i64) })
        }

        /// Each byte of 64-bit lane i of `v` times the constant of lane i of `m`.
        #[inline(always)]
        pub(super) fn affine_v(self, v: __m256i, m: __m256i) -> __m256i {
            // SAFETY: only reached through `ecc_lanes::<true>`, which runs from `ecc_gfni`
            // (its caller checked `self.gfni`: GFNI and AVX2 confirmed by X86::detect) or from
            // the `Avx512` kernels (an `Avx512` value proves GFNI and AVX2, Avx512::detect).
            unsafe { _mm256_gf2p8affine_epi64_epi8::<0>(v, m) }
        }

        /// P with GFNI: over the 24 rows, s0 = Σᵣ xᵣ and the Horner sum h = Σᵣ α^(23−r)·xᵣ as
        /// two chains, even and odd rows, each step multiplying by α² (a chain waits 4
        /// cycles a step: two chains per register keep the multiplier busy). Then
        /// p0 = (s0 ⊕ α²·h)/3 = s0/3 ⊕ (α³/3)·h_even ⊕ (α²/3)·h_odd. Every constant stays in a
        /// register: loading a matrix per row instead made P bound by loads.
        #[inline(always)]
        pub(super) fn p_sums_gfni<T: Tick>(
            self,
            sector: &[u8; SECTOR_SIZE],
            tick: &mut T,
        ) -> ([__m256i; 3], [__m256i; 3]) {
            let mut he = [self.zero(); 3];
            let mut ho = [self.zero(); 3];
            let mut s0 = [self.zero(); 3];
            for r in (0..24).step_by(2) {
                for j in 0..3 {
                    let x = self.load32(&sector[12 + 86 * r + 32 * j..]);
                    let y = self.load32(&sector[12 + 86 * (r + 1) + 32 * j..]);
                    s0[j] = self.xor(s0[j], self.xor(x, y));
                    he[j] = self.xor(self.affine(he[j], P_ALPHA2), x);
                    ho[j] = self.xor(self.affine(ho[j], P_ALPHA2), y);
                }
                tick.tick_p();
            }
            let mut p0 = [self.zero(); 3];
            for j in 0..3 {
                let a = self.xor(self.affine(s0[j], P_FIN[0]), self.affine(he[j], P_FIN[1]));
                p0[j] = self.xor(a, self.affine(ho[j], P_FIN[2]));
            }
            (p0, s0)
        }

        /// Q with GFNI: each group's 58 steps (index i = t + 15) in four interleaved
        /// Horner chains (i ≡ c mod 4, each step multiplying by α⁴), so a step waits on the
        /// one four steps back, not the one before; the chains join with α^(57 − last
        /// index of the chain) into the single chain's h. Group 1 starts at index
        /// `Q_G1_FIRST`: its chains are zero before.
        #[inline(always)]
        pub(super) fn q_sums_gfni<T: Tick>(
            self,
            sector: &[u8; SECTOR_SIZE],
            tick: &mut T,
        ) -> ([__m256i; 2], [__m256i; 2]) {
            let mut h = [[self.zero(); 4]; 2];
            let mut s = [self.zero(); 2];
            // Whole rounds of 4 steps (c is a constant in the unrolled body, so the chains
            // stay in registers), then the 2 steps left. The loads skip their mask where
            // every lane a group uses is live (`q_needs_mask`): rounds 16..40 in both groups,
            // 40..48 in group 1.
            self.q_rounds_gfni::<true, true, true, T>(sector, &mut h, &mut s, 0..16, tick);
            self.q_rounds_gfni::<false, false, false, T>(sector, &mut h, &mut s, 16..40, tick);
            self.q_rounds_gfni::<false, true, false, T>(sector, &mut h, &mut s, 40..48, tick);
            let whole = Q_STEPS - Q_STEPS % 4;
            self.q_rounds_gfni::<false, true, true, T>(sector, &mut h, &mut s, 48..whole, tick);
            for c in 0..Q_STEPS % 4 {
                let i = Q_STEPS - Q_STEPS % 4 + c;
                self.q_step_gfni::<false, true, true>(sector, &mut h, &mut s, i, c);
            }
            // Group 1's first step, left to the end: its load reads the P parity and the
            // wrapped words just stored, which a load issued early would wait for.
            let x = self.q_load(sector, Q_G1_FIRST, 1);
            s[1] = self.xor(s[1], x);
            let mut joined = [self.zero(), self.affine(x, Q_G1_FIRST_LATE)];
            for g in 0..2 {
                for (c, &hc) in h[g].iter().enumerate() {
                    joined[g] = self.xor(joined[g], self.affine(hc, Q_CHAIN_JOIN[c]));
                }
            }
            (joined, s)
        }

        /// The rounds of 4 steps in `steps` (whole rounds) of both Q groups, step base + c
        /// into chain c, a tick after each round.
        #[inline(always)]
        fn q_rounds_gfni<const EARLY: bool, const M0: bool, const M1: bool, T: Tick>(
            self,
            sector: &[u8; SECTOR_SIZE],
            h: &mut [[__m256i; 4]; 2],
            s: &mut [__m256i; 2],
            steps: core::ops::Range<usize>,
            tick: &mut T,
        ) {
            for base in steps.step_by(4) {
                for c in 0..4 {
                    self.q_step_gfni::<EARLY, M0, M1>(sector, h, s, base + c, c);
                }
                tick.tick_q();
            }
        }

        /// Step index `i` of both Q groups into chain `c`; with `EARLY`, group 1 only from
        /// its first step; group g's load masked when `M0`/`M1` (a method, not a closure, so
        /// that it is compiled with the kernel's target features).
        #[inline(always)]
        fn q_step_gfni<const EARLY: bool, const M0: bool, const M1: bool>(
            self,
            sector: &[u8; SECTOR_SIZE],
            h: &mut [[__m256i; 4]; 2],
            s: &mut [__m256i; 2],
            i: usize,
            c: usize,
        ) {
            for g in 0..2 {
                if g == 1 && EARLY && i <= Q_G1_FIRST {
                    continue;
                }
                debug_assert!(EARLY || i > Q_G1_FIRST);
                let masked = if g == 0 { M0 } else { M1 };
                debug_assert!(masked || !q_needs_mask(i, g), "Q step {i} of group {g}");
                let x = if masked {
                    self.q_load(sector, i, g)
                } else {
                    self.load32_at(sector, Q_LOAD_AT[i][g] as usize)
                };
                h[g][c] = self.xor(self.affine(h[g][c], ALPHA4), x);
                s[g] = self.xor(s[g], x);
            }
        }

        /// Each 128-bit lane of `v` times x^d (constants from [`fold_table`]), plus `x`.
        #[inline(always)]
        fn fold256(self, v: __m256i, k: (u64, u64), x: __m256i) -> __m256i {
            // SAFETY: only reached through `edc_vpclmul`, whose caller checked `self.vpclmul`
            // (VPCLMULQDQ, AVX2, PCLMULQDQ confirmed by X86::detect).
            unsafe {
                let kk = _mm256_broadcastsi128_si256(_mm_set_epi64x(k.1 as i64, k.0 as i64));
                let f = _mm256_xor_si256(
                    _mm256_clmulepi64_epi128::<0x00>(v, kk),
                    _mm256_clmulepi64_epi128::<0x11>(v, kk),
                );
                _mm256_xor_si256(f, x)
            }
        }

        /// Four 256-bit accumulators folded 128 bytes at a time, reduced to one 128-bit
        /// register, which [`X86::edc_finish`] completes with the rest of the data.
        #[inline(always)]
        pub(super) fn edc_fold256(self, data: &[u8]) -> u32 {
            // A zero-padded head in front of whole blocks (see `fold::zero_padded_head`).
            let (head, body) = super::super::fold::zero_padded_head(data);
            let mut blocks = body.chunks_exact(FOLD_BLOCK);
            let Some(first) = blocks.next() else {
                return self.edc_fold(data);
            };
            let mut a = [self.load_wide(first); LANES];
            for (i, ai) in a.iter_mut().enumerate().skip(1) {
                *ai = self.load_wide(&first[32 * i..]);
            }
            if let Some(h) = head {
                let mut reg = [0u8; 32];
                reg[..16].copy_from_slice(&h);
                a[0] = self.fold256(self.load_wide(&reg), super::FOLD_BY[1], a[0]);
            }
            for b in blocks.by_ref() {
                for (i, ai) in a.iter_mut().enumerate() {
                    *ai = self.fold256(*ai, BY256[LANES], self.load_wide(&b[32 * i..]));
                }
            }
            let mut v = self.merge256(a);
            let mut rest = blocks.remainder().chunks_exact(32);
            for c in rest.by_ref() {
                v = self.fold256(v, BY256[1], self.load_wide(c));
            }
            self.reduce256(v, rest.remainder())
        }

        /// The accumulators of a main loop that ended on a whole [`FOLD_BLOCK`] folded into
        /// one register (a[i] is followed by 256·(LANES − 1 − i) more folded bits).
        #[inline(always)]
        fn merge256(self, a: [__m256i; LANES]) -> __m256i {
            let mut v = a[LANES - 1];
            for (i, &ai) in a[..LANES - 1].iter().enumerate() {
                v = self.fold256(ai, BY256[LANES - 1 - i], v);
            }
            v
        }

        /// The EDC of everything folded into `v`, followed by `rest` (fewer than 32 bytes).
        #[inline(always)]
        fn reduce256(self, v: __m256i, rest: &[u8]) -> u32 {
            // SAFETY: `self` proves AVX2 (X86::detect).
            let (lo, hi) = unsafe { (_mm256_castsi256_si128(v), _mm256_extracti128_si256::<1>(v)) };
            let x = self.fold_xor(lo, FOLD_BY[1], hi);
            self.edc_finish(x, rest)
        }
    }
}

/// Independent 128-bit accumulators of the main loop (hides the multiply latency).
const FOLD_LANES: usize = 4;
/// Bytes the main loop consumes per step.
const FOLD_BLOCK: usize = 16 * FOLD_LANES;
/// `FOLD_BY[i]` moves a register forward by 128·i bits (i = 1..=FOLD_LANES).
const FOLD_BY: [(u64, u64); FOLD_LANES + 1] = fold_table(128);

// ---- ECC tables ----

/// `pshufb` tables multiplying the low and the high nibble of each byte by a constant, one
/// constant per 128-bit half.
struct NibbleMul {
    lo: [u8; 32],
    hi: [u8; 32],
    /// The same multiplications as `gf2p8affineqb` matrices, one per 64-bit lane.
    mats: [u64; 4],
}

/// Multiplication by `c0` in the low 128-bit half and by `c1` in the high one.
const fn nibble_mul(c0: u8, c1: u8) -> NibbleMul {
    let (a, b) = (nibble_table(c0, false), nibble_table(c0, true));
    let (c, d) = (nibble_table(c1, false), nibble_table(c1, true));
    let (m0, m1) = (affine_matrix(c0), affine_matrix(c1));
    let mut t = NibbleMul {
        lo: [0; 32],
        hi: [0; 32],
        mats: [m0, m0, m1, m1],
    };
    let mut i = 0;
    while i < 16 {
        t.lo[i] = a[i];
        t.hi[i] = b[i];
        t.lo[16 + i] = c[i];
        t.hi[16 + i] = d[i];
        i += 1;
    }
    t
}

/// α^(−n).
const fn alpha_inv(n: usize) -> u8 {
    gf256_pow_alpha_const(255 - n)
}

/// Division by 3 (times [`INV3`]).
static DIV3: NibbleMul = nibble_mul(INV3, INV3);

/// Q: word lane j ends with h = h_true·α^j and needs s1 = α²·h_true = α^(2−j)·h. Lanes 0..7
/// (low half) first get α², lanes 8..15 α^(2−8)...
static Q_FIX_HALF: NibbleMul = nibble_mul(gf256_pow_alpha_const(2), alpha_inv(6));
/// The bias of a chain of n [`X86::horner_step`]s from zero: e ← α·e ⊕ 0x1D, n times.
const fn horner_bias(n: usize) -> u8 {
    let mut e = 0u8;
    let mut i = 0;
    while i < n {
        e = gf256_mul_reference(e, 2) ^ 0x1D;
        i += 1;
    }
    e
}

/// P's chains have 24 steps.
const HORNER_BIAS_P: u8 = horner_bias(24);
/// Q's joined chains α^29·h_A ⊕ h_B of each group: chain A has Q_B steps in group 0 and
/// Q_B − Q_G1_FIRST in group 1, chain B 29 in both.
const HORNER_BIAS_Q: [u8; 2] = {
    let join = gf256_pow_alpha_const(58 - Q_B);
    let b = horner_bias(Q_STEPS - Q_B);
    [
        gf256_mul_reference(join, horner_bias(Q_B)) ^ b,
        gf256_mul_reference(join, horner_bias(Q_B - Q_G1_FIRST)) ^ b,
    ]
};

/// Multiplication by α^29: joins chain A of a Q group to chain B, which has 29 steps.
static Q_JOIN: NibbleMul = nibble_mul(
    gf256_pow_alpha_const(58 - Q_B),
    gf256_pow_alpha_const(58 - Q_B),
);
/// ...then α^(−1), α^(−2), α^(−4) ...
static Q_FIX_BITS: [NibbleMul; 3] = [
    nibble_mul(alpha_inv(1), alpha_inv(1)),
    nibble_mul(alpha_inv(2), alpha_inv(2)),
    nibble_mul(alpha_inv(4), alpha_inv(4)),
];
/// ... in the word lanes j whose j mod 8 has that bit (0x80: `vpblendvb` takes the product).
static Q_FIX_LANES: [[u8; 32]; 3] = {
    let mut m = [[0u8; 32]; 3];
    let mut b = 0;
    while b < 3 {
        let mut i = 0;
        while i < 32 {
            if ((i / 2) % 8) & (1 << b) != 0 {
                m[b][i] = 0x80;
            }
            i += 1;
        }
        b += 1;
    }
    m
};

/// `pshufb` control reversing the 8 words of each 128-bit half.
static REVERSE_WORDS: [u8; 32] = {
    let mut m = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        let (w, b) = ((i % 16) / 2, i % 2);
        m[i] = (2 * (7 - w) + b) as u8;
        i += 1;
    }
    m
};

/// Q: at step t (−15..=42) lane j (word j) holds step k = t + j; 0xFF where 0 ≤ k ≤ 42.
/// Read 32 bytes from byte 2·(t + 15).
static Q_STEP_MASK: [u8; 2 * 74] = {
    let mut m = [0u8; 2 * 74];
    let mut w = 15;
    while w <= 57 {
        m[2 * w] = 0xFF;
        m[2 * w + 1] = 0xFF;
        w += 1;
    }
    m
};

/// The AVX2 Q chains of both groups: Horner sums `h` and plain sums `s` of chains A and B.
struct QChains {
    ha: [__m256i; 2],
    sa: [__m256i; 2],
    hb: [__m256i; 2],
    sb: [__m256i; 2],
}

/// Whether step index `i` of group `g` reads a lane outside its 43 steps (lane j holds step
/// t + j, t = i − 15), so that its load needs the mask. Group 1 uses lanes 0..=9 only.
const fn q_needs_mask(i: usize, g: usize) -> bool {
    let lanes = if g == 0 { 16 } else { 10 };
    i < 15 || i - 15 + lanes - 1 > 42
}

/// Q diagonal groups: first diagonal d₀ of each 16-word register (lane j is diagonal d₀ − j;
/// group 1 uses lanes 0..=9 only).
const Q_GROUPS: [usize; 2] = [25, 9];
/// Group 1 starts at t = −9, index 6 of [`Q_LOAD_AT`].
const Q_G1_FIRST: usize = 15 - Q_GROUPS[1];
/// Index in [`Q_LOAD_AT`] of the first step of the Q chains B (t = 14); chains A run the
/// steps before it. Both chains of group 0 have 29 steps.
const Q_B: usize = 29;
// The last step of chain A (t = Q_B − 16) with lane 15 is still inside the 43 steps.
const _: () = assert!(Q_B - 16 + 15 <= 42 && 2 * Q_B == Q_STEPS);
/// Steps of a Q group (t = −15..=42).
const Q_STEPS: usize = 58;
/// Q: for step t = −15..=42 (index t + 15), the sector offset of lane 0 of each group:
/// 12 + 2·(43·d₀ + 44·t mod 1118).
static Q_LOAD_AT: [[u16; 2]; Q_STEPS] = {
    let mut t = [[0u16; 2]; Q_STEPS];
    let mut i = 0;
    while i < Q_STEPS {
        let mut g = 0;
        while g < 2 {
            let w = (43 * Q_GROUPS[g] as i32 + 44 * (i as i32 - 15)).rem_euclid(Q_WORDS);
            t[i][g] = (12 + 2 * w) as u16;
            g += 1;
        }
        i += 1;
    }
    t
};

// Every Q load (32 bytes) lies inside the sector: what `X86::load32_at` relies on.
const _: () = {
    let mut i = 0;
    while i < Q_STEPS {
        assert!(Q_LOAD_AT[i][0] as usize + 32 <= SECTOR_SIZE);
        assert!(Q_LOAD_AT[i][1] as usize + 32 <= SECTOR_SIZE);
        i += 1;
    }
};

/// 16-bit words the Q vectors cover (26 rows × 43 columns, P parity included).
const Q_WORDS: i32 = 1118;

// ---- helpers: `self` proves AVX2 and PCLMULQDQ ----

impl X86 {
    #[inline(always)]
    fn load16(self, s: &[u8]) -> __m128i {
        assert!(s.len() >= 16);
        // SAFETY: 16 bytes readable at `s` (checked); unaligned load.
        unsafe { _mm_loadu_si128(s.as_ptr().cast()) }
    }

    /// Multiplies `v` by x^d (mod P) with constants from [`super::fold::fold_consts`] and adds `x`.
    #[inline(always)]
    fn fold_xor(self, v: __m128i, k: (u64, u64), x: __m128i) -> __m128i {
        // SAFETY: `self` proves PCLMULQDQ (X86::detect); SSE2 is baseline on x86-64.
        unsafe {
            let kk = _mm_set_epi64x(k.1 as i64, k.0 as i64);
            let f = _mm_xor_si128(
                _mm_clmulepi64_si128(v, kk, 0x00),
                _mm_clmulepi64_si128(v, kk, 0x11),
            );
            _mm_xor_si128(f, x)
        }
    }

    /// Multiplies `v` by x^d (mod P) and adds the 16 message bytes at `next`.
    #[inline(always)]
    fn fold_in(self, v: __m128i, k: (u64, u64), next: &[u8]) -> __m128i {
        assert!(next.len() >= 16);
        // SAFETY: 16 bytes readable at `next` (checked); unaligned load.
        let x = unsafe { _mm_loadu_si128(next.as_ptr().cast()) };
        self.fold_xor(v, k, x)
    }

    #[inline(always)]
    fn edc_fold(self, data: &[u8]) -> u32 {
        // A zero-padded head in front of whole blocks (see `fold::zero_padded_head`).
        let (head, body) = zero_padded_head(data);
        let mut blocks = body.chunks_exact(FOLD_BLOCK);
        // Shorter than one block of lanes: nothing to fold.
        let Some(first) = blocks.next() else {
            return edc::edc_table(data);
        };
        let mut a = [self.load16(first); FOLD_LANES];
        for (i, ai) in a.iter_mut().enumerate().skip(1) {
            *ai = self.load16(&first[16 * i..]);
        }
        if let Some(h) = head {
            a[0] = self.fold_xor(self.load16(&h), FOLD_BY[1], a[0]);
        }
        for b in blocks.by_ref() {
            for (i, ai) in a.iter_mut().enumerate() {
                *ai = self.fold_in(*ai, FOLD_BY[FOLD_LANES], &b[16 * i..]);
            }
        }
        // a[i] is followed by 128·(FOLD_LANES − 1 − i) more folded bits.
        let mut v = a[FOLD_LANES - 1];
        for (i, &ai) in a[..FOLD_LANES - 1].iter().enumerate() {
            v = self.fold_xor(ai, FOLD_BY[FOLD_LANES - 1 - i], v);
        }
        self.edc_finish(v, blocks.remainder())
    }

    /// Folds the 16-byte chunks of `rest` (< 64 bytes) into `v`, then finishes the register and
    /// the tail (< 16 bytes; none when the caller took a zero-padded head) with the table CRC.
    #[inline(always)]
    fn edc_finish(self, mut v: __m128i, rest: &[u8]) -> u32 {
        let mut rest = rest.chunks_exact(16);
        for c in rest.by_ref() {
            v = self.fold_in(v, FOLD_BY[1], c);
        }
        // The register, as 16 message bytes, has the same CRC as everything folded so far.
        let tail = rest.remainder();
        let mut buf = [0u8; 32];
        assert!(tail.len() < 16);
        // SAFETY: `buf` has 32 writable bytes; unaligned store of 16.
        unsafe { _mm_storeu_si128(buf.as_mut_ptr().cast(), v) };
        buf[16..16 + tail.len()].copy_from_slice(tail);
        edc::edc_table(&buf[..16 + tail.len()])
    }
}

// ---- ECC and scrambler: AVX2, 32 GF(2⁸) lanes per register ----

impl X86 {
    #[inline(always)]
    fn load32(self, s: &[u8]) -> __m256i {
        assert!(s.len() >= 32);
        // SAFETY: 32 bytes readable at `s` (checked); `self` proves AVX2 (X86::detect).
        unsafe { _mm256_loadu_si256(s.as_ptr().cast()) }
    }

    #[inline(always)]
    fn store32(self, s: &mut [u8], v: __m256i) {
        assert!(s.len() >= 32);
        // SAFETY: 32 bytes writable at `s` (checked); `self` proves AVX2 (X86::detect).
        unsafe { _mm256_storeu_si256(s.as_mut_ptr().cast(), v) }
    }

    #[inline(always)]
    fn zero(self) -> __m256i {
        // SAFETY: `self` proves AVX2 (X86::detect).
        unsafe { _mm256_setzero_si256() }
    }

    #[inline(always)]
    fn xor(self, a: __m256i, b: __m256i) -> __m256i {
        // SAFETY: `self` proves AVX2 (X86::detect).
        unsafe { _mm256_xor_si256(a, b) }
    }

    #[inline(always)]
    fn and(self, a: __m256i, b: __m256i) -> __m256i {
        // SAFETY: `self` proves AVX2 (X86::detect).
        unsafe { _mm256_and_si256(a, b) }
    }

    /// Each byte times α (x·2 reduced by 0x11D), as `mul_alpha_x8` of `ecc.rs` does for 8
    /// lanes: the doubled byte, with 0x1D added where the byte's top bit was set (`vpblendvb`
    /// selects on that bit directly, so no compare is needed).
    #[inline(always)]
    fn mul_alpha(self, x: __m256i) -> __m256i {
        // SAFETY: `self` proves AVX2 (X86::detect).
        unsafe {
            let d = _mm256_add_epi8(x, x);
            _mm256_blendv_epi8(d, _mm256_xor_si256(d, _mm256_set1_epi8(0x1D)), x)
        }
    }

    /// One step of a Horner chain, biased: α·h ⊕ x ⊕ 0x1D in each byte. α·h is the doubled
    /// byte with 0x1D added where h's top bit was set; `vpshufb` of a 0x1D table by h gives
    /// 0x1D where that bit is clear (an index byte with its top bit set gives zero), the
    /// complement, hence the bias. Its latency is 3 (add and shuffle side by side, then two
    /// XORs) where `mul_alpha` then XOR takes 4 or 5, for the same four operations, none of
    /// them a `vpblendvb` (two µops on Intel). A chain of n steps from 0 is off by
    /// [`horner_bias`]`(n)` in each byte, which the caller XORs away once.
    #[inline(always)]
    fn horner_step(self, h: __m256i, x: __m256i) -> __m256i {
        // SAFETY: `self` proves AVX2 (X86::detect).
        unsafe {
            let k = _mm256_set1_epi8(0x1D);
            let d = _mm256_add_epi8(h, h);
            _mm256_xor_si256(_mm256_xor_si256(d, x), _mm256_shuffle_epi8(k, h))
        }
    }

    /// `v` with `b` XORed into each byte (a chain's [`horner_bias`] away).
    #[inline(always)]
    fn xor_byte(self, v: __m256i, b: u8) -> __m256i {
        // SAFETY: `self` proves AVX2 (X86::detect).
        unsafe { _mm256_xor_si256(v, _mm256_set1_epi8(b as i8)) }
    }

    /// Each byte times a constant with two 16-entry `pshufb` tables (split nibbles: x·c =
    /// lo(x)·c ⊕ hi(x)·c); `t` is [`NibbleMul`], whose two 128-bit halves may hold different
    /// constants.
    #[inline(always)]
    fn mul_nibbles(self, x: __m256i, t: &NibbleMul) -> __m256i {
        let lo_t = self.load32(&t.lo);
        let hi_t = self.load32(&t.hi);
        // SAFETY: `self` proves AVX2 (X86::detect).
        unsafe {
            let nib = _mm256_set1_epi8(0x0F);
            let lo = _mm256_and_si256(x, nib);
            let hi = _mm256_and_si256(_mm256_srli_epi16(x, 4), nib);
            _mm256_xor_si256(_mm256_shuffle_epi8(lo_t, lo), _mm256_shuffle_epi8(hi_t, hi))
        }
    }

    /// [`X86::mul_nibbles`], or with one `gf2p8affineqb` when `GF`.
    #[inline(always)]
    fn mul_const<const GF: bool>(self, x: __m256i, t: &NibbleMul) -> __m256i {
        #[cfg(rawcd_simd512)]
        if GF {
            // SAFETY: `NibbleMul::mats` is 32 bytes; unaligned load; `self` proves AVX2.
            let m = unsafe { _mm256_loadu_si256(t.mats.as_ptr().cast()) };
            return self.affine_v(x, m);
        }
        self.mul_nibbles(x, t)
    }

    /// From s0 and s1 of 32 lanes: (p0, p1) with p0 = (s0 ⊕ s1) / 3 and p1 = s0 ⊕ p0.
    #[inline(always)]
    fn parity<const GF: bool>(self, s1: __m256i, s0: __m256i) -> (__m256i, __m256i) {
        let p0 = self.mul_const::<GF>(self.xor(s0, s1), &DIV3);
        (p0, self.xor(s0, p0))
    }

    /// 32 bytes from `sector` at `at`, which the caller has proven ≤ 2352 − 32 (a table entry
    /// checked at compile time).
    #[inline(always)]
    fn load32_at(self, sector: &[u8; SECTOR_SIZE], at: usize) -> __m256i {
        debug_assert!(at + 32 <= SECTOR_SIZE);
        // SAFETY: `at + 32 <= SECTOR_SIZE` (every caller passes an entry of `Q_LOAD_AT`, all
        // checked by a `const` assertion), so 32 bytes are readable; unaligned load; AVX2.
        unsafe { _mm256_loadu_si256(sector.as_ptr().add(at).cast()) }
    }

    /// P's two parity rows (p0, p1), 3 registers each; `GF`: with GFNI.
    #[inline(always)]
    fn p_parity<const GF: bool, T: Tick>(
        self,
        sector: &[u8; SECTOR_SIZE],
        tick: &mut T,
    ) -> ([__m256i; 3], [__m256i; 3]) {
        #[cfg(rawcd_simd512)]
        if GF {
            let (p0, s0) = self.p_sums_gfni(sector, tick);
            let mut p1 = [self.zero(); 3];
            for j in 0..3 {
                p1[j] = self.xor(s0[j], p0[j]);
            }
            return (p0, p1);
        }
        // 24 rows of 86 bytes, each column a vector; 3 registers cover 96 bytes of a row
        // (lanes 86..95 read the next row or the parity area and are dropped).
        let mut h = [self.zero(); 3];
        let mut s0 = [self.zero(); 3];
        for r in 0..24 {
            let row = &sector[12 + 86 * r..];
            for j in 0..3 {
                let x = self.load32(&row[32 * j..]);
                h[j] = self.horner_step(h[j], x);
                s0[j] = self.xor(s0[j], x);
            }
            if r % 2 == 1 {
                tick.tick_p();
            }
        }
        // s1 = α²·h, the chain's bias taken away.
        let mut p = ([self.zero(); 3], [self.zero(); 3]);
        for j in 0..3 {
            let h = self.xor_byte(h[j], HORNER_BIAS_P);
            let s1 = self.mul_alpha(self.mul_alpha(h));
            (p.0[j], p.1[j]) = self.parity::<false>(s1, s0[j]);
        }
        p
    }

    /// The ECC, with GFNI multiplications when `GF`. Only code that has proven GFNI passes
    /// `true`: [`wide::ecc_gfni`] (after `self.gfni`) and the `Avx512` engine's kernels.
    #[inline(always)]
    pub(super) fn ecc_lanes<const GF: bool>(
        self,
        sector: &mut [u8; SECTOR_SIZE],
        zero_header: bool,
    ) {
        self.ecc_lanes_ticked::<GF, ()>(sector, zero_header, &mut ())
    }

    /// [`X86::ecc_lanes`] calling `tick` between the iterations of its P and Q loops (see
    /// [`Tick`]).
    #[inline(always)]
    pub(super) fn ecc_lanes_ticked<const GF: bool, T: Tick>(
        self,
        sector: &mut [u8; SECTOR_SIZE],
        zero_header: bool,
        tick: &mut T,
    ) {
        let saved = [sector[12], sector[13], sector[14], sector[15]];
        if zero_header {
            sector[12..16].fill(0);
        }

        // P, stored in place: each p0 store runs 10 bytes into p1 and the last p1 store 10
        // bytes into the Q parity, both written afterwards.
        let (p0, p1) = self.p_parity::<GF, T>(sector, tick);
        for (j, &a) in p0.iter().enumerate() {
            self.store32(&mut sector[P_OFFSET + 32 * j..], a);
        }
        for (j, &b) in p1.iter().enumerate() {
            self.store32(&mut sector[P_OFFSET + 86 + 32 * j..], b);
        }

        // Q: words 0..1118 of bytes 12..2248 (P parity included). Copy words 0..16 after word
        // 1117 (into the Q parity area, written below) so loads that wrap stay contiguous.
        sector.copy_within(12..44, Q_OFFSET);
        // Group 0 (d₀ = 25, 16 lanes) runs t = −15..=42; group 1 (d₀ = 9, lanes 0..9 used)
        // needs only t = −9..=42. Bytes of a lane outside its 43 steps are masked to zero, so a
        // lane that has not started keeps h = 0; one that has finished (lane j after t = 42 − j)
        // keeps being multiplied by α, j times in all, which the end undoes.
        //
        // One Horner chain per group would be latency-bound (3 cycles a step, 58 steps); each
        // group is split into chain A (t < Q_SPLIT) and chain B (t ≥ Q_SPLIT, 29 steps), four
        // independent chains interleaved. Every lane is still live at the end of chain A
        // (t = Q_SPLIT − 1 ≤ 42 − 15), so the group's sum is h = α^29·h_A ⊕ h_B (h_B carries
        // the α^j of the lanes that finish early).
        let (h, s0) = self.q_sums::<GF, T>(sector, tick);
        // Lane j: s1 = α²·h_true = α^(2−j)·h. First α² (low half, lanes 0..7) or α^(2−8)
        // (high half, lanes 8..15) for both halves at once, then α^(−m) where bit m of j mod 8
        // is set.
        // Word lanes reversed: group 1 lane j (diagonal 9 − j) lands at word 15 − j, group 0
        // lane j (diagonal 25 − j) at word 31 − j of a 64-byte buffer, so its bytes 12..64 hold
        // diagonals 0..25 in order.
        let mut pq = [(self.zero(), self.zero()); 2];
        for g in 0..2 {
            let mut s1 = self.mul_const::<GF>(h[g], &Q_FIX_HALF);
            for (t, m) in Q_FIX_BITS.iter().zip(&Q_FIX_LANES) {
                let y = self.mul_const::<GF>(s1, t);
                // SAFETY: `self` proves AVX2 (X86::detect).
                s1 = unsafe { _mm256_blendv_epi8(s1, y, self.load32(m)) };
            }
            pq[g] = self.parity::<GF>(s1, s0[g]);
        }
        self.store_q(&mut sector[Q_OFFSET..], pq[0].0, pq[1].0);
        self.store_q(&mut sector[Q_OFFSET + 52..], pq[0].1, pq[1].1);
        sector[12..16].copy_from_slice(&saved);
    }

    /// Q's sums of each group: (h, s0), h the Horner sum α^(42−t)·x over the steps t.
    #[inline(always)]
    fn q_sums<const GF: bool, T: Tick>(
        self,
        sector: &[u8; SECTOR_SIZE],
        tick: &mut T,
    ) -> ([__m256i; 2], [__m256i; 2]) {
        #[cfg(rawcd_simd512)]
        if GF {
            return self.q_sums_gfni(sector, tick);
        }
        // A load needs its mask only where a lane it uses is outside its 43 steps
        // (`q_needs_mask`): in phases of the step index i, chain A at i and chain B at Q_B + i.
        let mut q = QChains {
            ha: [self.zero(); 2],
            sa: [self.zero(); 2],
            hb: [self.zero(); 2],
            sb: [self.zero(); 2],
        };
        for i in 0..Q_G1_FIRST {
            // Group 1 starts at Q_G1_FIRST.
            self.q_step::<true>(sector, &mut q.ha[0], &mut q.sa[0], i, 0);
            self.q_step::<false>(sector, &mut q.hb[0], &mut q.sb[0], Q_B + i, 0);
            self.q_step::<false>(sector, &mut q.hb[1], &mut q.sb[1], Q_B + i, 1);
        }
        for i in Q_G1_FIRST..14 {
            self.q_round::<true, false, false, T>(sector, &mut q, i, tick);
        }
        self.q_round::<true, true, false, T>(sector, &mut q, 14, tick);
        for i in 15..20 {
            self.q_round::<false, true, false, T>(sector, &mut q, i, tick);
        }
        for i in 20..Q_B {
            self.q_round::<false, true, true, T>(sector, &mut q, i, tick);
        }
        let QChains { ha, sa, hb, sb } = q;
        // (Loops, not `array::from_fn`: a closure is not compiled with the kernel's target
        // features and, where not inlined, costs a call per vector.)
        let mut h = [self.zero(); 2];
        let mut s0 = [self.zero(); 2];
        for g in 0..2 {
            let joined = self.xor(self.mul_nibbles(ha[g], &Q_JOIN), hb[g]);
            h[g] = self.xor_byte(joined, HORNER_BIAS_Q[g]);
            s0[g] = self.xor(sa[g], sb[g]);
        }
        (h, s0)
    }

    /// The 32 Q bytes of step index `i`, group `g`, with the bytes of lanes outside their 43
    /// steps zero.
    #[inline(always)]
    fn q_load(self, sector: &[u8; SECTOR_SIZE], i: usize, g: usize) -> __m256i {
        let live = self.load32(&Q_STEP_MASK[2 * i..]);
        self.and(self.load32_at(sector, Q_LOAD_AT[i][g] as usize), live)
    }

    /// One Horner step of Q: step index `i` of group `g` into its sums `h` and `s`, the load
    /// masked when `M` (a method, not a closure, so that it is compiled with the kernel's
    /// target features).
    #[inline(always)]
    fn q_step<const M: bool>(
        self,
        sector: &[u8; SECTOR_SIZE],
        h: &mut __m256i,
        s: &mut __m256i,
        i: usize,
        g: usize,
    ) {
        debug_assert!(
            M || !q_needs_mask(i, g),
            "Q step {i} of group {g} needs its mask"
        );
        let x = if M {
            self.q_load(sector, i, g)
        } else {
            self.load32_at(sector, Q_LOAD_AT[i][g] as usize)
        };
        *h = self.horner_step(*h, x);
        *s = self.xor(*s, x);
    }

    /// Step i of both groups' chains A and step Q_B + i of their chains B, the loads masked
    /// as the flags say (chain A, chain B of group 0, chain B of group 1).
    #[inline(always)]
    fn q_round<const MA: bool, const MB0: bool, const MB1: bool, T: Tick>(
        self,
        sector: &[u8; SECTOR_SIZE],
        q: &mut QChains,
        i: usize,
        tick: &mut T,
    ) {
        self.q_step::<MA>(sector, &mut q.ha[0], &mut q.sa[0], i, 0);
        self.q_step::<MA>(sector, &mut q.ha[1], &mut q.sa[1], i, 1);
        self.q_step::<MB0>(sector, &mut q.hb[0], &mut q.sb[0], Q_B + i, 0);
        self.q_step::<MB1>(sector, &mut q.hb[1], &mut q.sb[1], Q_B + i, 1);
        if i % 2 == 1 {
            tick.tick_q();
        }
    }

    /// Stores one Q parity vector (52 bytes, diagonals 0..25) at the start of `out` from its
    /// two groups, word lanes reversed: group 1's lanes 9..0 (diagonals 0..9) then group 0's
    /// lanes 15..0 (diagonals 10..25). Straight into the sector, with stores that do not
    /// overlap (a buffer read back across two stores would wait for both to complete).
    #[inline(always)]
    fn store_q(self, out: &mut [u8], g0: __m256i, g1: __m256i) {
        assert!(out.len() >= 52);
        self.store32(&mut out[20..], self.words_reversed(g0));
        let g1 = self.words_reversed(g1);
        // SAFETY: `self` proves AVX2 (X86::detect); 20 bytes writable at `out` (checked above):
        // 16 unaligned, then 4.
        unsafe {
            let (lo, hi) = (
                _mm256_castsi256_si128(g1),
                _mm256_extracti128_si256::<1>(g1),
            );
            _mm_storeu_si128(out.as_mut_ptr().cast(), _mm_alignr_epi8::<12>(hi, lo));
            let last = _mm_extract_epi32::<3>(hi) as u32;
            out[16..20].copy_from_slice(&last.to_le_bytes());
        }
    }

    /// The 16 words of `v` in reverse order.
    #[inline(always)]
    fn words_reversed(self, v: __m256i) -> __m256i {
        // SAFETY: `self` proves AVX2 (X86::detect).
        unsafe {
            let w = _mm256_shuffle_epi8(v, self.load32(&REVERSE_WORDS));
            _mm256_permute4x64_epi64::<0x4E>(w)
        }
    }

    #[inline(always)]
    pub(super) fn scramble_xor(self, sector: &mut [u8; SECTOR_SIZE]) {
        let table = scramble::table_for(sector);
        let body = &mut sector[12..];
        let mut chunks = body.chunks_exact_mut(32);
        let mut table = table.chunks_exact(32);
        for (c, t) in chunks.by_ref().zip(table.by_ref()) {
            let x = self.xor(self.load32(c), self.load32(t));
            self.store32(c, x);
        }
        // 2340 = 73·32 + 4
        for (b, t) in chunks.into_remainder().iter_mut().zip(table.remainder()) {
            *b ^= *t;
        }
    }
}

const _: () = assert!(TABLE_LEN == SECTOR_SIZE - 12);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::engine::testing::assert_ecc_matches_reference_on_patterns;
    use crate::codec::engine::Reference;
    use crate::codec::gf::MUL_INV3;
    use proptest::prelude::*;

    fn engine() -> Option<X86> {
        let e = X86::detect();
        if e.is_none() {
            eprintln!("skipped: this CPU lacks AVX2 or PCLMULQDQ");
        }
        e
    }

    /// The engine as detected and, where that uses GFNI, the engine without it: both ECC
    /// kernels this CPU can run.
    fn variants() -> Vec<X86> {
        let Some(e) = X86::detect() else {
            return Vec::new();
        };
        if e.gfni {
            vec![e, e.without_gfni()]
        } else {
            eprintln!("note: this CPU (or compiler) has no GFNI; its ECC kernel is not tested");
            vec![e]
        }
    }

    #[test]
    fn nibble_tables_multiply_per_half() {
        let mul = |t: &NibbleMul, half: usize, x: u8| {
            t.lo[16 * half + (x & 15) as usize] ^ t.hi[16 * half + (x >> 4) as usize]
        };
        for x in 0..=255u8 {
            assert_eq!(mul(&DIV3, 0, x), MUL_INV3[x as usize]);
            assert_eq!(mul(&DIV3, 1, x), MUL_INV3[x as usize]);
        }
        // Lane j of the Q correction gets α^(2−j) in all: half table then the bits of j mod 8.
        for j in 0..16usize {
            let x = 0x5Cu8;
            let mut y = mul(&Q_FIX_HALF, j / 8, x);
            for (b, t) in Q_FIX_BITS.iter().enumerate() {
                if Q_FIX_LANES[b][2 * j] == 0x80 {
                    assert_eq!(Q_FIX_LANES[b][2 * j + 1], 0x80);
                    y = mul(t, j / 8, y);
                }
            }
            let want = crate::codec::gf::gf256_mul(x, gf256_pow_alpha_const(2 + 255 - j));
            assert_eq!(y, want, "lane {j}");
        }
    }

    #[test]
    fn edc_matches_reference_on_short_and_codec_lengths() {
        let Some(e) = engine() else { return };
        let data: Vec<u8> = (0..2400u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        assert_eq!(e.edc(b"123456789"), 0x6EC2_EDC4);
        for len in (0..=200).chain([2048, 2056, 2064, 2332, 2336, 2340, 2352, 2400]) {
            assert_eq!(
                e.edc(&data[..len]),
                edc::edc_reference(&data[..len]),
                "len {len}"
            );
        }
        // The codec's ranges: Mode 1 0..2064, Form 1 16..2072, Form 2 16..2348; and every
        // start offset (alignment) over a Mode 1 range.
        for (a, b) in [(0, 2064), (16, 2072), (16, 2348)] {
            assert_eq!(e.edc(&data[a..b]), edc::edc_reference(&data[a..b]));
        }
        for a in 0..32 {
            let s = &data[a..a + 2064];
            assert_eq!(e.edc(s), edc::edc_table(s), "offset {a}");
        }
    }

    #[test]
    fn ecc_matches_reference_on_patterns() {
        for e in variants() {
            assert_ecc_matches_reference_on_patterns(&format!("{e:?}"), |s, z| e.ecc(s, z));
        }
    }

    proptest! {
        #[test]
        fn edc_matches_reference(v in proptest::collection::vec(any::<u8>(), 0..2400)) {
            if let Some(e) = X86::detect() {
                prop_assert_eq!(e.edc(&v), edc::edc_reference(&v));
            }
        }

        #[test]
        fn ecc_and_scramble_match_reference(v in proptest::collection::vec(any::<u8>(), SECTOR_SIZE),
                                            z in any::<bool>()) {
            let mut a = [0u8; SECTOR_SIZE];
            a.copy_from_slice(&v);
            let mut b = a;
            Reference.ecc(&mut a, z);
            // Every ECC kernel this CPU runs (with GFNI and without).
            for g in variants() {
                let mut c = b;
                g.ecc(&mut c, z);
                prop_assert_eq!(&a[..], &c[..], "{:?}", g);
            }
            if let Some(e) = X86::detect() {
                e.ecc(&mut b, z);
                Reference.scramble(&mut a);
                e.scramble(&mut b);
                prop_assert_eq!(&a[..], &b[..]);
                let mut batch = vec![b; 3];
                e.scramble_batch(&mut batch);
                e.scramble(&mut b);
                prop_assert!(batch.iter().all(|s| s[..] == b[..]));
            }
        }
    }
}

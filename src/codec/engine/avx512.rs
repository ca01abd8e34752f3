//! The x86-64 AVX-512 engine: 512-bit VPCLMULQDQ-folded EDC, GFNI ECC (64 GF(2⁸) lanes per
//! register), AVX-512 scrambler, and a batch encoder that runs EDC, ECC and the scrambler of
//! each sector in one kernel: with the scrambler, scramble first (`super::prescramble`: the
//! EDC fold stores back each 64-byte block it loads, scrambled, and the ECC runs over the
//! scrambled sector), each sector's EDC pass interleaved into the ECC of the one before
//! (the carry-less multiplier and the GFNI units run at once; on Zen 4, 16 Mode 1 sectors:
//! 149 → 130 ns a sector). The algorithms live in [`super::lanes64`], written once over
//! [`Lanes64`]; this file maps each of its operations to one or two intrinsics.
//!
//! Needs Rust ≥ 1.89 (AVX-512, GFNI and VPCLMULQDQ intrinsics); `build.rs` leaves it out on
//! older compilers.
//!
//! # unsafe
//!
//! [`Avx512`] can only be made by [`Avx512::detect`], which checks AVX-512 F/BW/VL, GFNI and
//! VPCLMULQDQ (and, through [`X86::detect`], AVX2 and PCLMULQDQ) at run time, so a value of type
//! `Avx512` proves the CPU has them. Every [`Lanes64`] operation takes `self` as that proof; its
//! `unsafe` blocks call the intrinsics, and loads and stores go through pointers whose 64-byte
//! range the operation has just checked. The `#[target_feature]` kernels only wrap the generic
//! algorithms so that they are compiled with the features on.
// The engine module denies unsafe code; this file holds the SIMD kernels that need it.
#![allow(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
// The intrinsics are stable from 1.89; `build.rs` compiles this file only on such compilers
// (cfg `rawcd_simd512`), so the crate's 1.85 rust-version does not apply here.
#![allow(clippy::incompatible_msrv)]

use core::arch::x86_64::{
    __m128i, __m512i, _mm512_broadcast_i32x4, _mm512_clmulepi64_epi128, _mm512_extracti32x4_epi32,
    _mm512_gf2p8affine_epi64_epi8, _mm512_loadu_si512, _mm512_mask_gf2p8affine_epi64_epi8,
    _mm512_mask_storeu_epi8, _mm512_maskz_gf2p8affine_epi64_epi8, _mm512_maskz_loadu_epi8,
    _mm512_permutexvar_epi16, _mm512_set1_epi64, _mm512_setzero_si512, _mm512_ternarylogic_epi64,
    _mm512_xor_si512, _mm_clmulepi64_si128, _mm_loadu_si128, _mm_set_epi64x, _mm_storeu_si128,
    _mm_xor_si128,
};

use super::lanes64::{self, Lanes64, QAt, EDC_BLOCK};
use super::{prescramble, Engine, EngineKind, Finish, X86};
use crate::codec::ecc::PARITY_LEN;
use crate::codec::rw;
use crate::codec::sector::{form1, form2, mode1, SECTOR_SIZE, SUBHEADER};

/// The x86-64 AVX-512 + GFNI + VPCLMULQDQ engine. Made only by [`Avx512::detect`].
#[derive(Debug, Clone, Copy)]
pub struct Avx512 {
    /// The AVX2 engine, for EDC inputs shorter than one 256-byte block (and the proof that
    /// AVX2 and PCLMULQDQ are present).
    x86: X86,
    /// ECC and scrambler with 512-bit registers ([`lanes64::ecc`], [`lanes64::scramble`]);
    /// off on AMD CPUs, whose 512-bit operations run as two 256-bit halves and whose
    /// misaligned 64-byte loads cost two: there the `X86` engine's 256-bit GFNI ECC and AVX2
    /// scrambler are faster (Zen 4, criterion: ECC 76 against 109 ns, scrambler 30.6
    /// against 37.1 ns a sector, memcpy 29 ns).
    wide: bool,
}

impl Avx512 {
    /// The engine, if this CPU has AVX-512 F/BW/VL, GFNI, VPCLMULQDQ, AVX2 and PCLMULQDQ
    /// (checked at run time).
    pub fn detect() -> Option<Avx512> {
        let x86 = X86::detect()?;
        let has = is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx512bw")
            && is_x86_feature_detected!("avx512vl")
            && is_x86_feature_detected!("gfni")
            && is_x86_feature_detected!("vpclmulqdq");
        has.then_some(Avx512 {
            x86,
            wide: !is_amd(),
        })
    }

    /// Whether the ECC and the scrambler run on 512-bit registers (every CPU but AMD's).
    pub fn wide(&self) -> bool {
        self.wide
    }

    /// This engine with the other choice of ECC and scrambler kernels (512-bit, or the
    /// `X86` engine's 256-bit GFNI ECC and AVX2 scrambler), for tests and benchmarks: the
    /// kernels a CPU of the other vendor runs.
    pub fn other_width(self) -> Avx512 {
        Avx512 {
            wide: !self.wide,
            ..self
        }
    }
}

impl Engine for Avx512 {
    fn kind(&self) -> EngineKind {
        EngineKind::Avx512
    }
    #[inline]
    fn edc(&self, data: &[u8]) -> u32 {
        if data.len() < EDC_BLOCK {
            return self.x86.edc(data);
        }
        // SAFETY: `self` was made by `Avx512::detect()`, which confirmed the features.
        unsafe { edc_k(*self, data) }
    }
    #[inline]
    fn ecc(&self, sector: &mut [u8; SECTOR_SIZE], zero_header: bool) {
        if !self.wide {
            return self.x86.ecc(sector, zero_header);
        }
        // SAFETY: `self` was made by `Avx512::detect()`, which confirmed the features.
        unsafe { ecc_k(*self, sector, zero_header) }
    }
    #[inline]
    fn scramble(&self, sector: &mut [u8; SECTOR_SIZE]) {
        // SAFETY: `self` was made by `Avx512::detect()`, which confirmed the features.
        unsafe { scramble_k(*self, core::slice::from_mut(sector)) }
    }
    #[inline]
    fn rw_parity(&self, pack: &mut [u8; 24]) {
        rw::parity_table(pack)
    }
    #[inline]
    fn scramble_batch(&self, sectors: &mut [[u8; SECTOR_SIZE]]) {
        // SAFETY: `self` was made by `Avx512::detect()`, which confirmed the features.
        unsafe { scramble_k(*self, sectors) }
    }
    #[inline]
    fn encode_batch(&self, sectors: &mut [[u8; SECTOR_SIZE]], finish: Finish, scramble: bool) {
        // SAFETY: `self` was made by `Avx512::detect()`, which confirmed the features.
        unsafe { encode_batch_k(*self, sectors, finish, scramble) }
    }
    #[inline]
    fn encode_strided(&self, buf: &mut [u8], stride: usize, finish: Finish, scramble: bool) {
        if !scramble {
            return super::encode_strided_each(self, buf, stride, finish, scramble);
        }
        // SAFETY: `self` was made by `Avx512::detect()`, which confirmed the features.
        unsafe { encode_strided_k(*self, buf, stride, finish) }
    }
}

// ---- kernels: each compiles one generic algorithm with the CPU features on ----

/// # Safety
/// The CPU must have the features [`Avx512::detect`] checks (guaranteed by the `Avx512` value).
#[target_feature(enable = "avx2,pclmulqdq,avx512f,avx512bw,avx512vl,gfni,vpclmulqdq")]
unsafe fn edc_k(e: Avx512, data: &[u8]) -> u32 {
    lanes64::edc(e, data).unwrap_or_else(|| e.x86.edc(data))
}

/// # Safety
/// The CPU must have the features [`Avx512::detect`] checks (guaranteed by the `Avx512` value).
#[target_feature(enable = "avx2,pclmulqdq,avx512f,avx512bw,avx512vl,gfni,vpclmulqdq")]
unsafe fn ecc_k(e: Avx512, sector: &mut [u8; SECTOR_SIZE], zero_header: bool) {
    lanes64::ecc(e, sector, zero_header)
}

/// # Safety
/// The CPU must have the features [`Avx512::detect`] checks (guaranteed by the `Avx512` value).
#[target_feature(enable = "avx2,pclmulqdq,avx512f,avx512bw,avx512vl,gfni,vpclmulqdq")]
unsafe fn scramble_k(e: Avx512, sectors: &mut [[u8; SECTOR_SIZE]]) {
    for s in sectors {
        e.scramble_one(s)
    }
}

/// EDC, ECC and (optionally) the scrambler of each sector in one kernel, so the sector stays in
/// registers and L1 between the passes and nothing is dispatched per pass.
///
/// # Safety
/// The CPU must have the features [`Avx512::detect`] checks (guaranteed by the `Avx512` value).
#[target_feature(enable = "avx2,pclmulqdq,avx512f,avx512bw,avx512vl,gfni,vpclmulqdq")]
unsafe fn encode_batch_k(
    e: Avx512,
    sectors: &mut [[u8; SECTOR_SIZE]],
    finish: Finish,
    scramble: bool,
) {
    if scramble {
        return prescramble::encode_scrambled(e, sectors.iter_mut(), finish);
    }
    for s in sectors {
        let edc = |d: &[u8]| lanes64::edc(e, d).unwrap_or_else(|| e.x86.edc(d));
        match finish {
            Finish::Mode1 => {
                let v = edc(&s[..mode1::EDC]);
                s[mode1::EDC..mode1::EDC + 4].copy_from_slice(&v.to_le_bytes());
                s[mode1::ZERO..mode1::ZERO + 8].fill(0);
                e.ecc_one(s, false);
            }
            Finish::Mode2Form1 => {
                let v = edc(&s[SUBHEADER..form1::EDC]);
                s[form1::EDC..form1::EDC + 4].copy_from_slice(&v.to_le_bytes());
                e.ecc_one(s, true);
            }
            Finish::Mode2Form2 => {
                let v = edc(&s[SUBHEADER..form2::EDC]);
                s[form2::EDC..form2::EDC + 4].copy_from_slice(&v.to_le_bytes());
            }
        }
        if scramble {
            e.scramble_one(s);
        }
    }
}

/// `encode_strided` with the scrambler: one [`prescramble::encode_scrambled`] over the run,
/// as [`encode_batch_k`] does for contiguous sectors.
///
/// # Safety
/// The CPU must have the features [`Avx512::detect`] checks (guaranteed by the `Avx512` value).
#[target_feature(enable = "avx2,pclmulqdq,avx512f,avx512bw,avx512vl,gfni,vpclmulqdq")]
unsafe fn encode_strided_k(e: Avx512, buf: &mut [u8], stride: usize, finish: Finish) {
    prescramble::encode_scrambled(e, super::strided_sectors(buf, stride), finish)
}

/// Whether the CPU's vendor string is AMD's ("AuthenticAMD").
fn is_amd() -> bool {
    // `__cpuid` is an unsafe function on some supported compilers (the MSRV) and safe on
    // newer ones.
    #[allow(unused_unsafe)]
    // SAFETY: CPUID leaf 0 exists on every x86-64 CPU.
    let r = unsafe { core::arch::x86_64::__cpuid(0) };
    (r.ebx, r.edx, r.ecx) == (0x6874_7541, 0x6974_6E65, 0x444D_4163)
}

impl Avx512 {
    /// The ECC of one sector with the kernel chosen at detection.
    #[inline(always)]
    fn ecc_one(self, s: &mut [u8; SECTOR_SIZE], zero_header: bool) {
        if self.wide {
            lanes64::ecc(self, s, zero_header)
        } else {
            self.x86.ecc_lanes::<true>(s, zero_header)
        }
    }

    /// Scrambles one sector with the scrambler chosen at detection.
    #[inline(always)]
    fn scramble_one(self, s: &mut [u8; SECTOR_SIZE]) {
        if self.wide {
            lanes64::scramble(self, s)
        } else {
            self.x86.scramble_xor(s)
        }
    }
}

impl prescramble::Kernels for Avx512 {
    const INTERLEAVE: bool = true;
    type Pass<'s> = lanes64::EdcScramble<'s, Avx512>;
    #[inline(always)]
    fn begin<'s>(
        self,
        sector: &'s mut [u8; SECTOR_SIZE],
        start: usize,
        end: usize,
    ) -> Self::Pass<'s> {
        lanes64::EdcScramble::new(self, sector, start, end)
    }
    #[inline(always)]
    fn ecc<T: prescramble::Tick>(self, sector: &mut [u8; SECTOR_SIZE], tick: &mut T) {
        if self.wide {
            lanes64::ecc(self, sector, false)
        } else {
            self.x86.ecc_lanes_ticked::<true, T>(sector, false, tick)
        }
    }
    #[inline(always)]
    fn fix_parity(self, sector: &mut [u8; SECTOR_SIZE], fix: &[u8; PARITY_LEN]) {
        lanes64::fix_parity(self, sector, fix)
    }
}

// ---- the lane operations: `self` proves the features ----

impl Avx512 {
    #[inline(always)]
    fn consts(self, k: (u64, u64)) -> __m512i {
        // SAFETY: `self` proves AVX-512F (Avx512::detect); SSE2 is baseline on x86-64.
        unsafe { _mm512_broadcast_i32x4(_mm_set_epi64x(k.1 as i64, k.0 as i64)) }
    }
}

impl Lanes64 for Avx512 {
    type V = __m512i;
    type H = __m128i;

    #[inline(always)]
    fn load(self, s: &[u8]) -> __m512i {
        assert!(s.len() >= 64);
        // SAFETY: 64 bytes readable at `s` (checked); unaligned load; AVX-512F (detect).
        unsafe { _mm512_loadu_si512(s.as_ptr().cast()) }
    }
    #[inline(always)]
    fn load_live_at(self, sector: &[u8; SECTOR_SIZE], at: QAt, live: u64) -> __m512i {
        debug_assert!(at.get() + 64 <= SECTOR_SIZE);
        // SAFETY: a `QAt` is ≤ 2352 − 64 (made only for lanes64's checked table), so 64 bytes
        // are readable at `sector + at`; masked unaligned load; AVX-512BW (detect).
        unsafe { _mm512_maskz_loadu_epi8(live, sector.as_ptr().add(at.get()).cast()) }
    }
    #[inline(always)]
    fn load_masked(self, s: &[u8], mask: u64) -> __m512i {
        assert!(s.len() >= 64);
        // SAFETY: 64 bytes readable at `s` (checked); masked unaligned load; AVX-512BW (detect).
        unsafe { _mm512_maskz_loadu_epi8(mask, s.as_ptr().cast()) }
    }
    #[inline(always)]
    fn store_masked(self, s: &mut [u8], v: __m512i, mask: u64) {
        assert!(s.len() >= 64);
        // SAFETY: 64 bytes writable at `s` (checked); masked unaligned store; AVX-512BW (detect).
        unsafe { _mm512_mask_storeu_epi8(s.as_mut_ptr().cast(), mask, v) }
    }
    #[inline(always)]
    fn zero(self) -> __m512i {
        // SAFETY: `self` proves AVX-512F (Avx512::detect).
        unsafe { _mm512_setzero_si512() }
    }
    #[inline(always)]
    fn xor(self, a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: `self` proves AVX-512F (Avx512::detect).
        unsafe { _mm512_xor_si512(a, b) }
    }
    #[inline(always)]
    fn xor3(self, a: __m512i, b: __m512i, c: __m512i) -> __m512i {
        // SAFETY: `self` proves AVX-512F (Avx512::detect).
        unsafe { _mm512_ternarylogic_epi64::<0x96>(a, b, c) }
    }
    #[inline(always)]
    fn mul(self, v: __m512i, m: u64) -> __m512i {
        // SAFETY: `self` proves AVX-512F and GFNI (Avx512::detect).
        unsafe { _mm512_gf2p8affine_epi64_epi8::<0>(v, _mm512_set1_epi64(m as i64)) }
    }
    #[inline(always)]
    fn mul_live(self, v: __m512i, live: u64, m: u64) -> __m512i {
        // SAFETY: `self` proves AVX-512F/BW and GFNI (Avx512::detect).
        unsafe { _mm512_mask_gf2p8affine_epi64_epi8::<0>(v, live, v, _mm512_set1_epi64(m as i64)) }
    }
    #[inline(always)]
    fn mul_only(self, v: __m512i, live: u64, m: u64) -> __m512i {
        // SAFETY: `self` proves AVX-512F/BW and GFNI (Avx512::detect).
        unsafe { _mm512_maskz_gf2p8affine_epi64_epi8::<0>(live, v, _mm512_set1_epi64(m as i64)) }
    }
    #[inline(always)]
    fn permute_words(self, v: __m512i, idx: &[u16; 32]) -> __m512i {
        // SAFETY: `idx` is 64 readable bytes; unaligned load; `self` proves AVX-512F/BW.
        unsafe { _mm512_permutexvar_epi16(_mm512_loadu_si512(idx.as_ptr().cast()), v) }
    }
    #[inline(always)]
    fn fold(self, v: __m512i, k: (u64, u64), x: __m512i) -> __m512i {
        let kk = self.consts(k);
        // SAFETY: `self` proves AVX-512F and VPCLMULQDQ (Avx512::detect).
        unsafe {
            _mm512_ternarylogic_epi64::<0x96>(
                _mm512_clmulepi64_epi128::<0x00>(v, kk),
                _mm512_clmulepi64_epi128::<0x11>(v, kk),
                x,
            )
        }
    }
    #[inline(always)]
    fn lanes(self, v: __m512i) -> [__m128i; 4] {
        // SAFETY: `self` proves AVX-512F (Avx512::detect).
        unsafe {
            [
                _mm512_extracti32x4_epi32::<0>(v),
                _mm512_extracti32x4_epi32::<1>(v),
                _mm512_extracti32x4_epi32::<2>(v),
                _mm512_extracti32x4_epi32::<3>(v),
            ]
        }
    }
    #[inline(always)]
    fn load16(self, s: &[u8]) -> __m128i {
        assert!(s.len() >= 16);
        // SAFETY: 16 bytes readable at `s` (checked); unaligned load (SSE2, baseline).
        unsafe { _mm_loadu_si128(s.as_ptr().cast()) }
    }
    #[inline(always)]
    fn fold16(self, v: __m128i, k: (u64, u64), x: __m128i) -> __m128i {
        // SAFETY: `self` proves PCLMULQDQ (Avx512::detect through X86::detect).
        unsafe {
            let kk = _mm_set_epi64x(k.1 as i64, k.0 as i64);
            _mm_xor_si128(
                _mm_xor_si128(
                    _mm_clmulepi64_si128::<0x00>(v, kk),
                    _mm_clmulepi64_si128::<0x11>(v, kk),
                ),
                x,
            )
        }
    }
    #[inline(always)]
    fn bytes16(self, v: __m128i) -> [u8; 16] {
        let mut b = [0u8; 16];
        // SAFETY: `b` has 16 writable bytes; unaligned store (SSE2, baseline).
        unsafe { _mm_storeu_si128(b.as_mut_ptr().cast(), v) };
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::engine::Reference;

    #[test]
    fn matches_reference_or_says_why_not() {
        let Some(e) = Avx512::detect() else {
            eprintln!("skipped: this CPU lacks AVX-512 F/BW/VL, GFNI or VPCLMULQDQ");
            return;
        };
        let data: Vec<u8> = (0..2400u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        for len in (0..=600).chain([2048, 2056, 2064, 2332, 2336, 2340, 2352, 2400]) {
            assert_eq!(
                e.edc(&data[..len]),
                Reference.edc(&data[..len]),
                "len {len}"
            );
        }
        // Both kernel sets (this CPU's vendor picks one), one sector at a time and in a batch.
        for wide in [false, true] {
            let e = Avx512 { wide, ..e };
            for z in [false, true] {
                let mut a = [0u8; SECTOR_SIZE];
                a.copy_from_slice(&data[..SECTOR_SIZE]);
                let mut b = a;
                Reference.ecc(&mut a, z);
                e.ecc(&mut b, z);
                assert_eq!(&a[..], &b[..], "wide {wide}");
                Reference.scramble(&mut a);
                e.scramble(&mut b);
                assert_eq!(&a[..], &b[..], "wide {wide}");
            }
            for finish in [Finish::Mode1, Finish::Mode2Form1, Finish::Mode2Form2] {
                let mut a = vec![[0u8; SECTOR_SIZE]; 3];
                for (i, s) in a.iter_mut().enumerate() {
                    s.copy_from_slice(&data[16 * i..16 * i + SECTOR_SIZE]);
                }
                let mut b = a.clone();
                Reference.encode_batch(&mut a, finish, true);
                e.encode_batch(&mut b, finish, true);
                assert!(a == b, "wide {wide} {finish:?}");
            }
        }
        // The scrambler's head and tail masks follow the sector's address: every alignment,
        // with both scramblers.
        let mut want = [0u8; SECTOR_SIZE];
        want.copy_from_slice(&data[..SECTOR_SIZE]);
        Reference.scramble(&mut want);
        let mut buf = vec![0u8; SECTOR_SIZE + 64];
        for wide in [false, true] {
            let e = Avx512 { wide, ..e };
            for off in 0..64 {
                buf[off..off + SECTOR_SIZE].copy_from_slice(&data[..SECTOR_SIZE]);
                let s: &mut [u8; SECTOR_SIZE] =
                    (&mut buf[off..off + SECTOR_SIZE]).try_into().unwrap();
                e.scramble(s);
                assert_eq!(&s[..], &want[..], "offset {off}, wide {wide}");
            }
        }
    }
}

//! Engines: the kernels of the sector codec behind one object-safe trait.
//!
//! | engine | technique | selected when |
//! |---|---|---|
//! | [`Reference`] | bit-at-a-time EDC, per-vector ECC from the formula, byte-wise scrambler: **the engine to read** | forced with `--cfg rawcd_engine="reference"` |
//! | [`Table`] | slice-by-16 EDC (`crc` crate), SWAR ECC (8 GF(2⁸) lanes per word), word-wise scrambler | portable default; forced with `--cfg rawcd_engine="table"` |
//! | `X86` (x86-64 only; the AVX2 engine) | PCLMULQDQ-folded EDC (256-bit VPCLMULQDQ where the CPU has it), AVX2 ECC (32 GF(2⁸) lanes per register, four interleaved Horner chains for Q, split-nibble `pshufb` constant multiplication; with GFNI, where the CPU has it, one `gf2p8affineqb` per multiplication), AVX2 scrambler; R–W parity from [`Table`] | x86-64 CPUs with AVX2 and PCLMULQDQ, checked at run time by `X86::detect` |
//! | `Avx512` (x86-64 only, Rust ≥ 1.89) | 512-bit VPCLMULQDQ-folded EDC, GFNI ECC (`gf2p8affineqb` multiplies 64 GF(2⁸) lanes by a constant), AVX-512 scrambler fused into the batch encoder; on AMD CPUs (512-bit operations split in two) the `X86` engine's 256-bit GFNI ECC and AVX2 scrambler instead | x86-64 CPUs with AVX-512 F/BW/VL, GFNI and VPCLMULQDQ, checked at run time by `Avx512::detect` |
//! | `Neon` (aarch64 only) | PMULL-folded EDC, NEON ECC (16 lanes, `TBL` multiplication by constants), NEON scrambler | aarch64 CPUs with NEON and PMULL (`aes`), checked at run time by `Neon::detect` |
//!
//! With the scrambler, `encode_batch` and `encode_strided` of `X86` (with VPCLMULQDQ) and
//! `Avx512` scramble first and run the ECC after (`prescramble`): the EDC folding scrambles
//! the blocks it loads, the ECC runs over the scrambled bytes, and a constant (the ECC is
//! linear; [`crate::codec::ecc::PRESCRAMBLED_PARITY_FIX`]) turns its parity into the scrambled
//! parity, so a sector is read once instead of three times; `Avx512` also runs each sector's
//! EDC pass inside the ECC of the one before.
//!
//! [`Auto`] picks one once, in this order: the engine forced by `rawcd_engine` at build time,
//! else the one the `RAWCD_ENGINE` environment variable names ([`ENGINE_ENV`]), else `Avx512`,
//! else `X86`, else `Neon` if the CPU has its features, else [`Table`].
//! [`testing::available`] lists every engine this CPU can run.
// deny, not forbid: `x86`, `avx512` and `neon` allow unsafe for their SIMD kernels; every other
// file here forbids it.
#![deny(unsafe_code)]

mod auto;
#[cfg(all(target_arch = "x86_64", rawcd_simd512))]
mod avx512;
#[cfg(any(test, target_arch = "x86_64", target_arch = "aarch64"))]
mod fold;
#[cfg(any(test, all(target_arch = "x86_64", rawcd_simd512)))]
mod lanes64;
#[cfg(target_arch = "aarch64")]
mod neon;
#[cfg(any(test, target_arch = "x86_64"))]
mod prescramble;
mod reference;
mod table;
pub mod testing;
#[cfg(target_arch = "x86_64")]
mod x86;

pub use auto::{Auto, Chosen, EngineChoiceError, ENGINE_ENV};
#[cfg(all(target_arch = "x86_64", rawcd_simd512))]
pub use avx512::Avx512;
#[cfg(target_arch = "aarch64")]
pub use neon::Neon;
pub use reference::Reference;
pub use table::Table;
#[cfg(target_arch = "x86_64")]
pub use x86::X86;

use super::sector::SECTOR_SIZE;

/// Names an engine, for logs, bench labels and [`crate::codec::engine::Auto::with_kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EngineKind {
    /// The plain reference implementation.
    Reference,
    /// Portable tables and SWAR.
    Table,
    /// x86-64 SIMD (AVX2 + PCLMULQDQ); only on CPUs that have them (see
    /// [`Auto::try_with_kind`]).
    X86,
    /// x86-64 AVX-512 + GFNI + VPCLMULQDQ; only on CPUs that have them.
    Avx512,
    /// aarch64 NEON + PMULL; only on CPUs that have them.
    Neon,
}

impl EngineKind {
    /// The engine's name.
    pub const fn name(self) -> &'static str {
        match self {
            EngineKind::Reference => "reference",
            EngineKind::Table => "table",
            EngineKind::X86 => "x86",
            EngineKind::Avx512 => "avx512",
            EngineKind::Neon => "neon",
        }
    }

    /// Every kind, in [`testing::available`]'s order (reference first).
    pub const ALL: [EngineKind; 5] = [
        EngineKind::Reference,
        EngineKind::Table,
        EngineKind::X86,
        EngineKind::Avx512,
        EngineKind::Neon,
    ];
}

/// How [`Engine::encode_batch`] finishes the sectors of a batch (cd-format.md §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Finish {
    /// Mode 1: EDC over bytes 0..2064, zero field, P and Q.
    Mode1,
    /// Mode 2 Form 1: EDC over bytes 16..2072, P and Q with the header taken as zero.
    Mode2Form1,
    /// Mode 2 Form 2: EDC over bytes 16..2348 only.
    Mode2Form2,
}

/// The codec kernels. Kernels cannot fail; only the boundary functions of
/// [`crate::codec`] return `Result`.
pub trait Engine: Send + Sync {
    // ---- REQUIRED ----

    /// Which engine this is.
    fn kind(&self) -> EngineKind;

    /// CRC-32/CD-ROM-EDC of `data`.
    fn edc(&self, data: &[u8]) -> u32;

    /// Computes the P parity, stores it, then the Q parity over bytes 12..2247 (P included),
    /// and stores it. `zero_header`: take bytes 12..15 as zero (Mode 2 Form 1).
    fn ecc(&self, sector: &mut [u8; SECTOR_SIZE], zero_header: bool);

    /// XORs bytes 12..2351 with the scramble table (scrambles and descrambles).
    fn scramble(&self, sector: &mut [u8; SECTOR_SIZE]);

    /// Computes the RS(4,2) Q parity (symbols 2–3) and then the RS(24,20) P parity
    /// (symbols 20–23) of one R–W pack of 24 six-bit symbols, in place.
    fn rw_parity(&self, pack: &mut [u8; 24]);

    // ---- PROVIDED ----

    /// Scrambles every sector of a batch.
    fn scramble_batch(&self, sectors: &mut [[u8; SECTOR_SIZE]]) {
        for s in sectors {
            self.scramble(s);
        }
    }

    /// Finishes a run of independent sectors whose sync, header, subheaders and user data are
    /// in place (as [`crate::codec::finish_mode1`], [`crate::codec::finish_form1`] or
    /// [`crate::codec::finish_form2`] would one at a time), then scrambles each when
    /// `scramble` is set. The result equals those one-sector calls (tested for every engine);
    /// SIMD engines override it to interleave sectors or fuse the scrambler into the stores.
    fn encode_batch(&self, sectors: &mut [[u8; SECTOR_SIZE]], finish: Finish, scramble: bool) {
        encode_batch_each(self, sectors, finish, scramble)
    }

    /// [`encode_batch`](Engine::encode_batch) for sectors `stride` bytes apart in `buf` (sector i
    /// is `buf[i·stride .. i·stride + 2352]`; `stride` ≥ 2352, the bytes between sectors, such
    /// as a subchannel, are not touched; a last sector without its trailing gap counts): how
    /// the pipeline finishes a run of sectors in its output slots with one engine dispatch.
    /// Slots shorter than 2352 bytes (a `stride` below 2352 or a cut-off end) are left alone.
    fn encode_strided(&self, buf: &mut [u8], stride: usize, finish: Finish, scramble: bool) {
        encode_strided_each(self, buf, stride, finish, scramble)
    }
}

/// [`Engine::encode_batch`] one sector and one kernel at a time (the trait's default, also
/// the fallback of engines that override it for some cases only).
fn encode_batch_each<E: Engine + ?Sized>(
    e: &E,
    sectors: &mut [[u8; SECTOR_SIZE]],
    finish: Finish,
    scramble: bool,
) {
    for s in sectors {
        match finish {
            Finish::Mode1 => crate::codec::finish_mode1(e, s),
            Finish::Mode2Form1 => crate::codec::finish_form1(e, s),
            Finish::Mode2Form2 => crate::codec::finish_form2(e, s),
        }
        if scramble {
            e.scramble(s);
        }
    }
}

/// [`Engine::encode_strided`] one sector at a time (the trait's default, also the fallback of
/// engines that override it for some cases only).
fn encode_strided_each<E: Engine + ?Sized>(
    e: &E,
    buf: &mut [u8],
    stride: usize,
    finish: Finish,
    scramble: bool,
) {
    for s in strided_sectors(buf, stride) {
        e.encode_batch(core::slice::from_mut(s), finish, scramble);
    }
}

/// The whole sectors of [`Engine::encode_strided`]'s buffer: `buf[i·stride ..][..2352]` for
/// each slot that holds 2352 bytes.
fn strided_sectors(buf: &mut [u8], stride: usize) -> impl Iterator<Item = &mut [u8; SECTOR_SIZE]> {
    buf.chunks_mut(stride.max(SECTOR_SIZE))
        .filter_map(|slot| slot.split_first_chunk_mut::<SECTOR_SIZE>().map(|(s, _)| s))
}

//! Engines: the kernels of the sector codec behind one object-safe trait.
//!
//! | engine | technique | selected when |
//! |---|---|---|
//! | [`Reference`] | bit-at-a-time EDC, per-vector ECC from the formula, byte-wise scrambler: **the engine to read** | forced with `--cfg rawcd_engine="reference"` |
//! | [`Table`] | slice-by-16 EDC (`crc` crate), SWAR ECC (8 GF(2⁸) lanes per word), word-wise scrambler | portable default; forced with `--cfg rawcd_engine="table"` |
//! | `X86` (x86-64 only) | PCLMULQDQ-folded EDC, AVX2 ECC (32 GF(2⁸) lanes per register, `pshufb` division by 3), AVX2 scrambler; R–W parity from [`Table`] | x86-64 CPUs with AVX2 and PCLMULQDQ, checked at run time by `X86::detect` |
//!
//! [`Auto`] picks one once, in this order: the engine forced by `rawcd_engine`, else `X86` if
//! the CPU has its features, else [`Table`].
//! [`testing::available`] lists every engine this CPU can run.
// deny, not forbid: `x86` allows unsafe for its SIMD kernels; every other file here forbids it.
#![deny(unsafe_code)]

mod auto;
mod reference;
mod table;
pub mod testing;
#[cfg(target_arch = "x86_64")]
mod x86;

pub use auto::Auto;
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
}

impl EngineKind {
    /// The engine's name.
    pub const fn name(self) -> &'static str {
        match self {
            EngineKind::Reference => "reference",
            EngineKind::Table => "table",
            EngineKind::X86 => "x86",
        }
    }
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
}

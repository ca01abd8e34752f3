//! Runtime engine selection.
#![forbid(unsafe_code)]

#[cfg(all(target_arch = "x86_64", rawcd_simd512))]
use super::Avx512;
#[cfg(target_arch = "aarch64")]
use super::Neon;
#[cfg(target_arch = "x86_64")]
use super::X86;
use super::{Engine, EngineKind, Finish, Reference, Table};
use crate::codec::sector::SECTOR_SIZE;

/// The engine chosen once at start-up, in this order: the one forced by
/// `--cfg rawcd_engine="reference"` or `"table"`, else `Avx512` when the CPU has AVX-512
/// F/BW/VL, GFNI and VPCLMULQDQ, else `X86` when it has AVX2 and PCLMULQDQ, else `Neon` on an
/// aarch64 CPU with NEON and PMULL (all checked at run time), else [`Table`].
#[derive(Debug, Clone, Copy)]
pub enum Auto {
    /// The reference engine.
    Reference(Reference),
    /// The portable fast engine.
    Table(Table),
    /// The x86-64 SIMD engine (only made after its run-time feature check).
    #[cfg(target_arch = "x86_64")]
    X86(X86),
    /// The AVX-512/GFNI engine (only made after its run-time feature check).
    #[cfg(all(target_arch = "x86_64", rawcd_simd512))]
    Avx512(Avx512),
    /// The aarch64 NEON engine (only made after its run-time feature check).
    #[cfg(target_arch = "aarch64")]
    Neon(Neon),
}

impl Auto {
    /// Picks the best engine for this CPU (or the one forced at build time).
    pub fn detect() -> Auto {
        if cfg!(rawcd_engine = "reference") {
            return Auto::Reference(Reference);
        }
        if cfg!(rawcd_engine = "table") {
            return Auto::Table(Table);
        }
        #[cfg(all(target_arch = "x86_64", rawcd_simd512))]
        if let Some(e) = Avx512::detect() {
            return Auto::Avx512(e);
        }
        #[cfg(target_arch = "x86_64")]
        if let Some(e) = X86::detect() {
            return Auto::X86(e);
        }
        #[cfg(target_arch = "aarch64")]
        if let Some(e) = Neon::detect() {
            return Auto::Neon(e);
        }
        Auto::Table(Table)
    }

    /// The engine of the given kind, if this CPU can run it. `Reference` and `Table` run
    /// everywhere; the others need the CPU features [`Auto::requirement`] names.
    pub fn try_with_kind(kind: EngineKind) -> Option<Auto> {
        match kind {
            EngineKind::Reference => Some(Auto::Reference(Reference)),
            EngineKind::Table => Some(Auto::Table(Table)),
            #[cfg(target_arch = "x86_64")]
            EngineKind::X86 => X86::detect().map(Auto::X86),
            #[cfg(not(target_arch = "x86_64"))]
            EngineKind::X86 => None,
            #[cfg(all(target_arch = "x86_64", rawcd_simd512))]
            EngineKind::Avx512 => Avx512::detect().map(Auto::Avx512),
            #[cfg(not(all(target_arch = "x86_64", rawcd_simd512)))]
            EngineKind::Avx512 => None,
            #[cfg(target_arch = "aarch64")]
            EngineKind::Neon => Neon::detect().map(Auto::Neon),
            #[cfg(not(target_arch = "aarch64"))]
            EngineKind::Neon => None,
        }
    }

    /// What an engine kind needs from the CPU and the compiler, for skip messages.
    pub const fn requirement(kind: EngineKind) -> &'static str {
        match kind {
            EngineKind::Reference | EngineKind::Table => "nothing",
            EngineKind::X86 => "an x86-64 CPU with AVX2 and PCLMULQDQ",
            EngineKind::Avx512 => {
                "an x86-64 CPU with AVX-512 F/BW/VL, GFNI and VPCLMULQDQ (and Rust >= 1.89)"
            }
            EngineKind::Neon => "an aarch64 CPU with NEON and PMULL",
        }
    }

    /// The engine of the given kind, or [`Table`] when this CPU cannot run it (only the SIMD
    /// engines can be missing). [`Auto::kind`](Engine::kind) names the engine actually returned; use
    /// [`Auto::try_with_kind`] to detect the fallback.
    pub fn with_kind(kind: EngineKind) -> Auto {
        Auto::try_with_kind(kind).unwrap_or(Auto::Table(Table))
    }

    /// Names the engine chosen.
    pub fn kind_name(&self) -> &'static str {
        self.kind().name()
    }
}

impl Default for Auto {
    fn default() -> Self {
        Auto::detect()
    }
}

macro_rules! dispatch {
    ($self:ident, $e:ident => $body:expr) => {
        match $self {
            Auto::Reference($e) => $body,
            Auto::Table($e) => $body,
            #[cfg(target_arch = "x86_64")]
            Auto::X86($e) => $body,
            #[cfg(all(target_arch = "x86_64", rawcd_simd512))]
            Auto::Avx512($e) => $body,
            #[cfg(target_arch = "aarch64")]
            Auto::Neon($e) => $body,
        }
    };
}

impl Engine for Auto {
    fn kind(&self) -> EngineKind {
        dispatch!(self, e => e.kind())
    }
    #[inline]
    fn edc(&self, data: &[u8]) -> u32 {
        dispatch!(self, e => e.edc(data))
    }
    #[inline]
    fn ecc(&self, sector: &mut [u8; SECTOR_SIZE], zero_header: bool) {
        dispatch!(self, e => e.ecc(sector, zero_header))
    }
    #[inline]
    fn scramble(&self, sector: &mut [u8; SECTOR_SIZE]) {
        dispatch!(self, e => e.scramble(sector))
    }
    #[inline]
    fn rw_parity(&self, pack: &mut [u8; 24]) {
        dispatch!(self, e => e.rw_parity(pack))
    }
    #[inline]
    fn scramble_batch(&self, sectors: &mut [[u8; SECTOR_SIZE]]) {
        dispatch!(self, e => e.scramble_batch(sectors))
    }
    #[inline]
    fn encode_batch(&self, sectors: &mut [[u8; SECTOR_SIZE]], finish: Finish, scramble: bool) {
        dispatch!(self, e => e.encode_batch(sectors, finish, scramble))
    }
    #[inline]
    fn encode_strided(&self, buf: &mut [u8], stride: usize, finish: Finish, scramble: bool) {
        dispatch!(self, e => e.encode_strided(buf, stride, finish, scramble))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_kind_never_hands_out_an_engine_the_cpu_lacks() {
        for k in EngineKind::ALL {
            let got = Auto::with_kind(k);
            match Auto::try_with_kind(k) {
                Some(e) => assert_eq!(got.kind(), e.kind()),
                None => assert_eq!(got.kind(), EngineKind::Table),
            }
        }
        #[cfg(target_arch = "x86_64")]
        assert_eq!(
            Auto::try_with_kind(EngineKind::X86).is_some(),
            X86::detect().is_some()
        );
    }

    #[test]
    fn detect_honours_the_forced_engine() {
        let k = Auto::detect().kind();
        if cfg!(rawcd_engine = "reference") {
            assert_eq!(k, EngineKind::Reference);
        } else if cfg!(rawcd_engine = "table") {
            assert_eq!(k, EngineKind::Table);
        } else if Auto::try_with_kind(EngineKind::Avx512).is_some() {
            assert_eq!(k, EngineKind::Avx512);
        } else if Auto::try_with_kind(EngineKind::X86).is_some() {
            assert_eq!(k, EngineKind::X86);
        } else if Auto::try_with_kind(EngineKind::Neon).is_some() {
            assert_eq!(k, EngineKind::Neon);
        } else {
            assert_eq!(k, EngineKind::Table);
        }
    }
}

//! Runtime engine selection.
#![forbid(unsafe_code)]

#[cfg(target_arch = "x86_64")]
use super::X86;
use super::{Engine, EngineKind, Reference, Table};
use crate::codec::sector::SECTOR_SIZE;

/// The engine chosen once at start-up, in this order: the one forced by
/// `--cfg rawcd_engine="reference"` or `"table"`, else `X86` when the CPU has AVX2 and
/// PCLMULQDQ (checked at run time), else [`Table`].
#[derive(Debug, Clone, Copy)]
pub enum Auto {
    /// The reference engine.
    Reference(Reference),
    /// The portable fast engine.
    Table(Table),
    /// The x86-64 SIMD engine (only made after its run-time feature check).
    #[cfg(target_arch = "x86_64")]
    X86(X86),
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
        #[cfg(target_arch = "x86_64")]
        if let Some(e) = X86::detect() {
            return Auto::X86(e);
        }
        Auto::Table(Table)
    }

    /// The engine of the given kind, if this CPU can run it. `Reference` and `Table` run
    /// everywhere; `X86` needs an x86-64 CPU with AVX2 and PCLMULQDQ.
    pub fn try_with_kind(kind: EngineKind) -> Option<Auto> {
        match kind {
            EngineKind::Reference => Some(Auto::Reference(Reference)),
            EngineKind::Table => Some(Auto::Table(Table)),
            #[cfg(target_arch = "x86_64")]
            EngineKind::X86 => X86::detect().map(Auto::X86),
            #[cfg(not(target_arch = "x86_64"))]
            EngineKind::X86 => None,
        }
    }

    /// The engine of the given kind, or [`Table`] when this CPU cannot run it (only `X86`
    /// can be missing). [`Auto::kind`](Engine::kind) names the engine actually returned; use
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_kind_never_hands_out_an_engine_the_cpu_lacks() {
        for k in [EngineKind::Reference, EngineKind::Table, EngineKind::X86] {
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
        } else if Auto::try_with_kind(EngineKind::X86).is_some() {
            assert_eq!(k, EngineKind::X86);
        } else {
            assert_eq!(k, EngineKind::Table);
        }
    }
}

//! Runtime engine selection.
#![forbid(unsafe_code)]

use super::{Engine, EngineKind, Reference, Table};
use crate::codec::sector::SECTOR_SIZE;

/// The engine chosen once at start-up: the one forced by `--cfg rawcd_engine="…"`, else
/// [`Table`].
#[derive(Debug, Clone, Copy)]
pub enum Auto {
    /// The reference engine.
    Reference(Reference),
    /// The portable fast engine.
    Table(Table),
}

impl Auto {
    /// Picks the best engine for this CPU (or the one forced at build time).
    pub fn detect() -> Auto {
        if cfg!(rawcd_engine = "reference") {
            Auto::Reference(Reference)
        } else {
            Auto::Table(Table)
        }
    }

    /// The engine of the given kind (every kind is available on every CPU today).
    pub fn with_kind(kind: EngineKind) -> Auto {
        match kind {
            EngineKind::Reference => Auto::Reference(Reference),
            EngineKind::Table => Auto::Table(Table),
        }
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
}

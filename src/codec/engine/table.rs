//! The portable fast engine: slice-by-16 EDC, SWAR ECC, word-wise scrambler.
#![forbid(unsafe_code)]

use super::{Engine, EngineKind};
use crate::codec::{ecc, edc, rw, scramble, sector::SECTOR_SIZE};

/// Portable fast engine (no CPU-specific instructions).
#[derive(Debug, Clone, Copy, Default)]
pub struct Table;

impl Engine for Table {
    fn kind(&self) -> EngineKind {
        EngineKind::Table
    }
    #[inline]
    fn edc(&self, data: &[u8]) -> u32 {
        edc::edc_table(data)
    }
    #[inline]
    fn ecc(&self, sector: &mut [u8; SECTOR_SIZE], zero_header: bool) {
        ecc::ecc_swar(sector, zero_header)
    }
    #[inline]
    fn scramble(&self, sector: &mut [u8; SECTOR_SIZE]) {
        scramble::scramble_words(sector)
    }
    #[inline]
    fn rw_parity(&self, pack: &mut [u8; 24]) {
        rw::parity_table(pack)
    }
}

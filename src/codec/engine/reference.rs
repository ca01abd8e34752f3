//! The reference engine: written for clarity from the standards, one bit or byte at a time.
#![forbid(unsafe_code)]

use super::{Engine, EngineKind};
use crate::codec::{ecc, edc, rw, scramble, sector::SECTOR_SIZE};

/// The engine to read: each kernel is the plain algorithm of cd-format.md §3 and §8.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reference;

impl Engine for Reference {
    fn kind(&self) -> EngineKind {
        EngineKind::Reference
    }
    fn edc(&self, data: &[u8]) -> u32 {
        edc::edc_reference(data)
    }
    fn ecc(&self, sector: &mut [u8; SECTOR_SIZE], zero_header: bool) {
        ecc::ecc_reference(sector, zero_header)
    }
    fn scramble(&self, sector: &mut [u8; SECTOR_SIZE]) {
        scramble::scramble_reference(sector)
    }
    fn rw_parity(&self, pack: &mut [u8; 24]) {
        rw::parity_reference(pack)
    }
}

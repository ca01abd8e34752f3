//! The sector codec for C: one sector, EDC, scrambling.

use std::sync::OnceLock;

use crate::codec::engine::Auto;
use crate::codec::{encode_sector, Engine, SECTOR_SIZE};
use crate::units::Lba;

use super::{bytes_in, check_ptr, guard, guard_value, rawcd_status, sector_type, RawSectorType};

fn engine() -> &'static Auto {
    static ENGINE: OnceLock<Auto> = OnceLock::new();
    ENGINE.get_or_init(Auto::detect)
}

/// Encodes one sector of type `ty` at `lba` from `len` payload bytes (exactly the type's size:
/// 2352 audio and raw types, 2048 Mode 1 / Mode 2 Form 1, 2336 the others) into the 2352 bytes
/// at `out`, **unscrambled** (scramble a data sector with `rawcd_scramble` for the drive
/// stream). Raw types arrive scrambled, are checked (sync, address, mode) and descrambled.
///
/// Ownership: nothing kept. Threading: any thread. Allocates nothing.
/// Errors: `RAWCD_E_INVALID_ARGUMENT` (type, pointers), `RAWCD_E_BAD_INPUT` (wrong `len`, an LBA
/// without MSF, non-zero Mode 0 payload, a raw sector that does not match).
///
/// # Safety
/// `payload` points to `len` readable bytes; `out` to 2352 writable bytes.
#[no_mangle]
pub unsafe extern "C" fn rawcd_encode_sector(
    ty: RawSectorType,
    lba: i32,
    payload: *const u8,
    len: usize,
    out: *mut u8,
) -> rawcd_status {
    guard(|| {
        let ty = sector_type(ty)?;
        // SAFETY: `len` readable bytes by the contract; checked for NULL.
        let input = unsafe { bytes_in(payload, len, "payload") }?;
        check_ptr(out, "out")?;
        // SAFETY: non-NULL (checked); 2352 writable bytes by the contract; `[u8; N]` has
        // alignment 1.
        let out = unsafe { &mut *out.cast::<[u8; SECTOR_SIZE]>() };
        Ok(encode_sector(engine(), ty, Lba(lba), input, out)?)
    })
}

/// Scrambles (or, applied again, descrambles) the 2352 bytes at `sector` in place (ECMA-130
/// Annex B; bytes 12..2351). NULL is ignored (the last error is set).
///
/// Threading: any thread.
///
/// # Safety
/// `sector` points to 2352 writable bytes.
#[no_mangle]
pub unsafe extern "C" fn rawcd_scramble(sector: *mut u8) {
    guard_value((), || {
        check_ptr(sector, "sector")?;
        // SAFETY: non-NULL (checked); 2352 writable bytes by the contract; alignment 1.
        let s = unsafe { &mut *sector.cast::<[u8; SECTOR_SIZE]>() };
        engine().scramble(s);
        Ok(())
    })
}

/// The CD-ROM EDC (ECMA-130 §14.3, the sector's 32-bit CRC) of `len` bytes at `data`, as
/// stored little-endian in a sector. 0 when `data` is NULL (the last error is set).
///
/// Threading: any thread.
///
/// # Safety
/// `data` points to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn rawcd_edc(data: *const u8, len: usize) -> u32 {
    guard_value(0, || {
        // SAFETY: `len` readable bytes by the contract; checked for NULL.
        let d = unsafe { bytes_in(data, len, "data") }?;
        Ok(engine().edc(d))
    })
}

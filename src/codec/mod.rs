//! The sector codec: one sector at a time, into a caller's buffer, without allocating.
//!
//! It owns sector layouts, EDC, ECC, the scrambler, Q frames, the P–W containers and the R–W
//! parity. It knows nothing of discs, files or threads: the caller says which type and which LBA.
//!
//! Encoding order (cd-format.md §3.3): sync, header, subheader → EDC → Mode 1 zero field → P →
//! Q → (raw stream only) scramble, which is a separate pass ([`Engine::scramble`]).
// deny, not forbid: the SIMD engines (`engine::x86`, `avx512`, `neon`) allow unsafe for their
// kernels; every other file of the codec forbids it itself.
#![deny(unsafe_code)]

pub mod cdtext;
pub mod correct;
pub mod ecc;
pub mod edc;
pub mod engine;
mod error;
pub mod gf;
pub mod q;
pub mod rw;
pub mod scramble;
pub mod sector;
pub mod subchannel;
pub mod verify;

pub use engine::Engine;
pub use error::CodecError;
pub use q::{Isrc, Mcn, QContent, QFrame};
pub use sector::{SectorType, SECTOR_SIZE};
pub use verify::{verify_sector, Check, SectorReport};

use crate::units::Lba;
use engine::Finish;
use scramble::SCRAMBLE_TABLE;
use sector::{form1, form2, header_bytes, mode1, write_sync, HEADER, SUBHEADER};

fn check_len(input: &[u8], expected: usize) -> Result<(), CodecError> {
    if input.len() != expected {
        return Err(CodecError::BufferSize {
            expected,
            got: input.len(),
        });
    }
    Ok(())
}

/// Finishes a Mode 1 sector whose sync, header and user data are in place: EDC, zero field,
/// P and Q.
pub fn finish_mode1<E: Engine + ?Sized>(engine: &E, out: &mut [u8; SECTOR_SIZE]) {
    let edc = engine.edc(&out[..mode1::EDC]);
    out[mode1::EDC..mode1::EDC + 4].copy_from_slice(&edc.to_le_bytes());
    out[mode1::ZERO..mode1::ZERO + 8].fill(0);
    engine.ecc(out, false);
}

/// Finishes a Mode 2 Form 1 sector whose sync, header, subheaders and data are in place.
pub fn finish_form1<E: Engine + ?Sized>(engine: &E, out: &mut [u8; SECTOR_SIZE]) {
    let edc = engine.edc(&out[SUBHEADER..form1::EDC]);
    out[form1::EDC..form1::EDC + 4].copy_from_slice(&edc.to_le_bytes());
    engine.ecc(out, true);
}

/// Finishes a Mode 2 Form 2 sector whose sync, header, subheaders and data are in place.
pub fn finish_form2<E: Engine + ?Sized>(engine: &E, out: &mut [u8; SECTOR_SIZE]) {
    let edc = engine.edc(&out[SUBHEADER..form2::EDC]);
    out[form2::EDC..form2::EDC + 4].copy_from_slice(&edc.to_le_bytes());
}

/// Encodes a Mode 2 sector from its 2336 bytes (subheader ×2 + data): sync and header added,
/// then EDC/ECC computed per the subheader's Form bit (0x20) — the `--regenerate-edc` path of
/// cue `MODE2/2336`, and how a real XA disc is rebuilt from its user bytes.
///
/// # Errors
/// Wrong input size; LBA without MSF.
pub fn encode_mode2_xa<E: Engine + ?Sized>(
    engine: &E,
    lba: Lba,
    input: &[u8],
    out: &mut [u8; SECTOR_SIZE],
) -> Result<(), CodecError> {
    check_len(input, 2336)?;
    start_data(out, lba, 2)?;
    out[16..].copy_from_slice(input);
    if input[2] & sector::SUBMODE_FORM2 != 0 {
        finish_form2(engine, out);
    } else {
        finish_form1(engine, out);
    }
    Ok(())
}

/// Encodes one sector of IMAPI type `ty` at `lba` from `input` (the type's per-sector size,
/// [`SectorType::input_size`]) into `out`, **unscrambled**.
///
/// * Cooked data types get sync, header, subheaders, EDC and ECC as cd-format.md §2.1 says.
/// * `*Raw` types arrive scrambled (D23): they are validated (sync, header address = `lba`, mode
///   byte) and descrambled into `out`, so that scrambling `out` again gives back the input
///   byte for byte. Nothing is regenerated.
/// * Audio is copied.
///
/// Scrambling for the raw stream is a separate pass ([`Engine::scramble`]).
///
/// # Errors
/// [`CodecError::BufferSize`], [`CodecError::NoMsf`], [`CodecError::ModeZeroNotZero`], and for
/// raw types [`CodecError::RawSync`], [`CodecError::RawAddress`], [`CodecError::RawMode`].
pub fn encode_sector<E: Engine + ?Sized>(
    engine: &E,
    ty: SectorType,
    lba: Lba,
    input: &[u8],
    out: &mut [u8; SECTOR_SIZE],
) -> Result<(), CodecError> {
    check_len(input, ty.input_size())?;
    let at = ty.input_offset();
    out[at..at + input.len()].copy_from_slice(input);
    encode_sector_in_place(engine, ty, lba, out)
}

/// [`encode_sector`] for a sector whose input is already in place: `out[ty.input_offset()..]`
/// holds the type's [`input_size`](SectorType::input_size) bytes (read there straight from the
/// file, so the pipeline never copies user data); every other byte of `out` may hold anything
/// and is written.
///
/// # Errors
/// As [`encode_sector`], except [`CodecError::BufferSize`].
pub fn encode_sector_in_place<E: Engine + ?Sized>(
    engine: &E,
    ty: SectorType,
    lba: Lba,
    out: &mut [u8; SECTOR_SIZE],
) -> Result<(), CodecError> {
    match start_sector_in_place(engine, ty, lba, out)? {
        Some(Finish::Mode1) => finish_mode1(engine, out),
        Some(Finish::Mode2Form1) => finish_form1(engine, out),
        Some(Finish::Mode2Form2) => finish_form2(engine, out),
        None => {}
    }
    Ok(())
}

/// The first part of [`encode_sector_in_place`]: sync, header and subheaders around the input
/// in place (raw input descrambled and checked, Mode 0 checked), and which finish (EDC/ECC) the
/// sector still needs — left to the caller so that a run of sectors can be finished with one
/// [`Engine::encode_batch`] or [`Engine::encode_strided`] call. `None`: the sector is complete.
///
/// # Errors
/// As [`encode_sector`], except [`CodecError::BufferSize`].
pub fn start_sector_in_place<E: Engine + ?Sized>(
    engine: &E,
    ty: SectorType,
    lba: Lba,
    out: &mut [u8; SECTOR_SIZE],
) -> Result<Option<Finish>, CodecError> {
    Ok(match ty {
        SectorType::Audio => None,
        SectorType::Mode1Raw
        | SectorType::Mode2Form0Raw
        | SectorType::Mode2Form1Raw
        | SectorType::Mode2Form2Raw => {
            engine.scramble(out);
            check_raw(ty, lba, out)?;
            None
        }
        SectorType::Mode0 => {
            if let Some(offset) = out[16..].iter().position(|&b| b != 0) {
                return Err(CodecError::ModeZeroNotZero { lba: lba.0, offset });
            }
            start_data(out, lba, 0)?;
            None
        }
        SectorType::Mode1 => {
            start_data(out, lba, 1)?;
            Some(Finish::Mode1)
        }
        SectorType::Mode2Form0 => {
            start_data(out, lba, 2)?;
            None
        }
        SectorType::Mode2Form1 => {
            start_data(out, lba, 2)?;
            out[16..20].copy_from_slice(&sector::SUBHEADER_FORM1);
            out[20..24].copy_from_slice(&sector::SUBHEADER_FORM1);
            Some(Finish::Mode2Form1)
        }
        SectorType::Mode2Form2 => {
            start_data(out, lba, 2)?;
            out[18] |= sector::SUBMODE_FORM2;
            out[22] |= sector::SUBMODE_FORM2;
            Some(Finish::Mode2Form2)
        }
    })
}

#[inline]
fn start_data(out: &mut [u8; SECTOR_SIZE], lba: Lba, mode: u8) -> Result<(), CodecError> {
    let h = header_bytes(lba, mode)?;
    write_sync(out);
    out[HEADER..HEADER + 4].copy_from_slice(&h);
    Ok(())
}

/// Validates an **unscrambled** 2352-byte data sector against its position: sync present,
/// header address equal to `lba`, mode byte equal to the type's. Used for raw input after
/// descrambling and for cue/toc 2352-byte data tracks (which arrive unscrambled, D23).
///
/// # Errors
/// [`CodecError::RawSync`], [`CodecError::RawAddress`], [`CodecError::RawMode`],
/// [`CodecError::NoMsf`].
pub fn check_raw(ty: SectorType, lba: Lba, sector: &[u8; SECTOR_SIZE]) -> Result<(), CodecError> {
    if sector[..12] != sector::SYNC {
        return Err(CodecError::RawSync { lba: lba.0 });
    }
    let want = header_bytes(lba, ty.mode())?;
    if sector[12..15] != want[..3] {
        let found = match sector::header_lba(sector) {
            Some(l) => format!(
                "{:02x}:{:02x}:{:02x} (LBA {})",
                sector[12], sector[13], sector[14], l.0
            ),
            None => format!(
                "{:02x}:{:02x}:{:02x} (not BCD)",
                sector[12], sector[13], sector[14]
            ),
        };
        return Err(CodecError::RawAddress { lba: lba.0, found });
    }
    if sector[15] != want[3] {
        return Err(CodecError::RawMode {
            lba: lba.0,
            expected: want[3],
            found: sector[15],
        });
    }
    Ok(())
}

/// Writes the sector rawcd generates for gaps, lead-in and lead-out of a track of type `ty`
/// (cd-format.md §10.4): zero user data in the type's mode, fully encoded, unscrambled.
///
/// # Errors
/// [`CodecError::NoMsf`].
pub fn generated_sector<E: Engine + ?Sized>(
    engine: &E,
    ty: SectorType,
    lba: Lba,
    out: &mut [u8; SECTOR_SIZE],
) -> Result<(), CodecError> {
    const ZERO: [u8; 2336] = [0u8; 2336];
    let cooked = ty.cooked();
    match cooked {
        SectorType::Audio => {
            out.fill(0);
            Ok(())
        }
        SectorType::Mode2Form2 => {
            let mut input = [0u8; 2336];
            input[..4].copy_from_slice(&sector::SUBHEADER_FORM2);
            input[4..8].copy_from_slice(&sector::SUBHEADER_FORM2);
            encode_sector(engine, cooked, lba, &input, out)
        }
        t => encode_sector(engine, t, lba, &ZERO[..t.input_size()], out),
    }
}

/// XORs the header bytes of a possibly truncated scrambled sector with the table, for
/// detectors that only need bytes 12..15.
pub fn descramble_header(scrambled: &[u8; 4]) -> [u8; 4] {
    [
        scrambled[0] ^ SCRAMBLE_TABLE[0],
        scrambled[1] ^ SCRAMBLE_TABLE[1],
        scrambled[2] ^ SCRAMBLE_TABLE[2],
        scrambled[3] ^ SCRAMBLE_TABLE[3],
    ]
}

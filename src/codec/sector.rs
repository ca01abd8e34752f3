//! Byte layouts of the 2352-byte main channel (cd-format.md §2) and the builders of sync,
//! header and subheader.
#![forbid(unsafe_code)]

use crate::units::{Lba, Msf};

use super::error::CodecError;

/// Bytes of main channel per sector.
pub const SECTOR_SIZE: usize = 2352;
/// The sync pattern of data sectors (bytes 0..11).
pub const SYNC: [u8; 12] = [
    0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00,
];
/// Offset of the 4-byte header (BCD M, S, F, mode).
pub const HEADER: usize = 12;
/// Offset of the first Mode 2 subheader copy.
pub const SUBHEADER: usize = 16;
/// Subheader rawcd writes for Form 1 sectors it creates (D10).
pub const SUBHEADER_FORM1: [u8; 4] = [0x00, 0x00, 0x08, 0x00];
/// Subheader rawcd writes for Form 2 sectors it creates (D10).
pub const SUBHEADER_FORM2: [u8; 4] = [0x00, 0x00, 0x20, 0x00];
/// Submode bit: Form 2.
pub const SUBMODE_FORM2: u8 = 0x20;

/// Mode 1: user data offset and size, EDC offset.
pub mod mode1 {
    /// User data start.
    pub const DATA: usize = 16;
    /// User data bytes.
    pub const DATA_LEN: usize = 2048;
    /// EDC offset (covers bytes 0..2063).
    pub const EDC: usize = 2064;
    /// Zero field (8 bytes).
    pub const ZERO: usize = 2068;
}

/// Mode 2 Form 1 offsets.
pub mod form1 {
    /// User data start.
    pub const DATA: usize = 24;
    /// User data bytes.
    pub const DATA_LEN: usize = 2048;
    /// EDC offset (covers bytes 16..2071).
    pub const EDC: usize = 2072;
}

/// Mode 2 Form 2 offsets.
pub mod form2 {
    /// User data start.
    pub const DATA: usize = 24;
    /// User data bytes.
    pub const DATA_LEN: usize = 2324;
    /// EDC offset (covers bytes 16..2347).
    pub const EDC: usize = 2348;
}

/// The ten IMAPI `IMAPI_CD_SECTOR_TYPE`s, with their numeric values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum SectorType {
    /// CD-DA, 2352 bytes of PCM.
    Audio = 0,
    /// Mode 0, 2336 zero bytes.
    Mode0 = 1,
    /// Mode 1, 2048 bytes of user data.
    Mode1 = 2,
    /// Mode 2 formless, 2336 bytes.
    Mode2Form0 = 3,
    /// Mode 2 Form 1, 2048 bytes of user data.
    Mode2Form1 = 4,
    /// Mode 2 Form 2, 2336 bytes (subheader 8 + data 2324 + EDC 4).
    Mode2Form2 = 5,
    /// Mode 1, 2352 bytes, scrambled, passed through.
    Mode1Raw = 6,
    /// Mode 2 formless, 2352 bytes, scrambled, passed through.
    Mode2Form0Raw = 7,
    /// Mode 2 Form 1, 2352 bytes, scrambled, passed through.
    Mode2Form1Raw = 8,
    /// Mode 2 Form 2, 2352 bytes, scrambled, passed through.
    Mode2Form2Raw = 9,
}

impl SectorType {
    /// All ten types in IMAPI order.
    pub const ALL: [SectorType; 10] = [
        SectorType::Audio,
        SectorType::Mode0,
        SectorType::Mode1,
        SectorType::Mode2Form0,
        SectorType::Mode2Form1,
        SectorType::Mode2Form2,
        SectorType::Mode1Raw,
        SectorType::Mode2Form0Raw,
        SectorType::Mode2Form1Raw,
        SectorType::Mode2Form2Raw,
    ];

    /// The type with IMAPI numeric value `v`.
    pub fn from_imapi(v: u8) -> Option<SectorType> {
        Self::ALL.get(v as usize).copied()
    }

    /// Bytes the caller supplies per sector.
    pub const fn input_size(self) -> usize {
        match self {
            SectorType::Mode1 | SectorType::Mode2Form1 => 2048,
            SectorType::Mode0 | SectorType::Mode2Form0 | SectorType::Mode2Form2 => 2336,
            _ => 2352,
        }
    }

    /// Where the caller's [`input_size`](Self::input_size) bytes sit in the 2352-byte sector:
    /// after the header (16) or after the subheaders of a Form 1 sector (24); raw and audio
    /// input is the whole sector (0).
    pub const fn input_offset(self) -> usize {
        match self {
            SectorType::Mode0
            | SectorType::Mode1
            | SectorType::Mode2Form0
            | SectorType::Mode2Form2 => 16,
            SectorType::Mode2Form1 => 24,
            _ => 0,
        }
    }

    /// Audio (never scrambled, no sync).
    pub const fn is_audio(self) -> bool {
        matches!(self, SectorType::Audio)
    }

    /// Data sector (mode 0, 1 or 2): scrambled in the raw stream.
    pub const fn is_data(self) -> bool {
        !self.is_audio()
    }

    /// A `*Raw` type (2352 bytes supplied, scrambled).
    pub const fn is_raw(self) -> bool {
        matches!(
            self,
            SectorType::Mode1Raw
                | SectorType::Mode2Form0Raw
                | SectorType::Mode2Form1Raw
                | SectorType::Mode2Form2Raw
        )
    }

    /// The header mode byte (0 for audio, which has no header).
    pub const fn mode(self) -> u8 {
        match self {
            SectorType::Audio | SectorType::Mode0 => 0,
            SectorType::Mode1 | SectorType::Mode1Raw => 1,
            _ => 2,
        }
    }

    /// Any Mode 2 type (cooked or raw): sets the A0 disc type to CD-ROM XA (D11).
    pub const fn is_mode2(self) -> bool {
        self.mode() == 2
    }

    /// The cooked type of the same sector kind (used for generated gap sectors, §10.4).
    pub const fn cooked(self) -> SectorType {
        match self {
            SectorType::Mode1Raw => SectorType::Mode1,
            SectorType::Mode2Form0Raw => SectorType::Mode2Form0,
            SectorType::Mode2Form1Raw => SectorType::Mode2Form1,
            SectorType::Mode2Form2Raw => SectorType::Mode2Form2,
            t => t,
        }
    }

    /// The name used in `rawcd toc --json`.
    pub const fn json_name(self) -> &'static str {
        match self {
            SectorType::Audio => "audio",
            SectorType::Mode0 => "mode0",
            SectorType::Mode1 | SectorType::Mode1Raw => "mode1",
            SectorType::Mode2Form0 | SectorType::Mode2Form0Raw => "mode2form0",
            SectorType::Mode2Form1 | SectorType::Mode2Form1Raw => "mode2form1",
            SectorType::Mode2Form2 | SectorType::Mode2Form2Raw => "mode2form2",
        }
    }
}

/// Writes the sync pattern.
#[inline]
pub fn write_sync(sector: &mut [u8; SECTOR_SIZE]) {
    sector[..12].copy_from_slice(&SYNC);
}

/// The 4 header bytes of a data sector at `lba` (BCD MSF by the lead-in rule, then the mode).
///
/// # Errors
/// [`CodecError::NoMsf`] when the LBA has no MSF representation.
pub fn header_bytes(lba: Lba, mode: u8) -> Result<[u8; 4], CodecError> {
    let msf = Msf::from_lba(lba.0).ok_or(CodecError::NoMsf { lba: lba.0 })?;
    let [m, s, f] = msf.to_bcd();
    Ok([m, s, f, mode])
}

/// Reads the address of an (unscrambled) header; `None` when the BCD is invalid.
pub fn header_lba(sector: &[u8]) -> Option<Lba> {
    if sector.len() < 16 {
        return None;
    }
    Msf::from_bcd([sector[12], sector[13], sector[14]]).map(|m| Lba(m.to_lba()))
}

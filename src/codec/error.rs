//! Errors of the codec layer.
#![forbid(unsafe_code)]

use thiserror::Error;

/// An error from the sector codec: bad sizes, addresses without MSF, raw sectors that do not
/// match, malformed MCN/ISRC text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CodecError {
    /// The input buffer has the wrong size for the sector type.
    #[error("sector input of {got} bytes, expected {expected}")]
    BufferSize {
        /// Bytes the type needs.
        expected: usize,
        /// Bytes supplied.
        got: usize,
    },
    /// The LBA lies outside −45150..=404849 and has no MSF.
    #[error("LBA {lba} has no MSF representation (valid: -45150..=404849)")]
    NoMsf {
        /// The LBA.
        lba: i32,
    },
    /// A raw sector does not start with the sync pattern.
    #[error("raw sector at LBA {lba}: no sync pattern")]
    RawSync {
        /// Where the sector was to go.
        lba: i32,
    },
    /// A raw sector's header address differs from its position.
    #[error("raw sector at LBA {lba}: header address {found}")]
    RawAddress {
        /// Where the sector was to go.
        lba: i32,
        /// What the header says (BCD as hex, or the LBA).
        found: String,
    },
    /// A raw sector's mode byte differs from the track's.
    #[error("raw sector at LBA {lba}: mode byte {found:#04x}, expected {expected}")]
    RawMode {
        /// Where the sector was to go.
        lba: i32,
        /// Mode the type needs.
        expected: u8,
        /// Mode byte found.
        found: u8,
    },
    /// Mode 0 user data must be zero.
    #[error("Mode 0 sector at LBA {lba}: non-zero byte at offset {offset}")]
    ModeZeroNotZero {
        /// Where the sector was to go.
        lba: i32,
        /// Offset in the 2336-byte input.
        offset: usize,
    },
    /// A media catalogue number that is not 1..=13 decimal digits.
    #[error("bad MCN {text:?}: {reason}")]
    BadMcn {
        /// The text given.
        text: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// An ISRC that is not CCOOOYYSSSSS.
    #[error("bad ISRC {text:?}: {reason}")]
    BadIsrc {
        /// The text given.
        text: String,
        /// What is wrong.
        reason: String,
    },
}

//! `ParseError`: what went wrong in a sheet or a WAV header, and where.
#![forbid(unsafe_code)]

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

use super::audio::wav::WavError;

/// A parse or resolve error with its place: the sheet (or data file), line and column (1-based;
/// line 0 means "the whole file", for example a WAV header).
///
/// Prints as one line: `disc.cue:12:9: INDEX 01 at 00:01:00 before INDEX 00 at 00:02:00`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The file the error is in (the sheet, or a data file for header errors).
    pub path: PathBuf,
    /// 1-based line, or 0 when the error has no line.
    pub line: u32,
    /// 1-based column (in characters), or 0.
    pub col: u32,
    /// What is wrong, with the numbers.
    pub kind: ParseErrorKind,
}

impl ParseError {
    /// An error at `line:col` of `path`.
    pub fn new(path: impl Into<PathBuf>, line: u32, col: u32, kind: ParseErrorKind) -> Self {
        ParseError {
            path: path.into(),
            line,
            col,
            kind,
        }
    }

    /// True when rawcd does not support what the input asks for (as opposed to malformed
    /// input).
    pub fn is_unsupported(&self) -> bool {
        matches!(
            self.kind,
            ParseErrorKind::UnsupportedFileType { .. } | ParseErrorKind::Unsupported { .. }
        )
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.col)?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for ParseError {}

/// The problem itself; [`ParseError`] adds the place.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// A keyword this format does not have.
    #[error("unknown keyword {word:?}")]
    UnknownKeyword {
        /// The word found.
        word: String,
    },
    /// Something other than what the grammar needs at this point.
    #[error("expected {expected}, found {found}")]
    Expected {
        /// What was needed ("a quoted string", "a time mm:ss:ff", …).
        expected: &'static str,
        /// What was there (`end of line`, `end of file`, or the token).
        found: String,
    },
    /// A quoted string without its closing quote.
    #[error("unterminated string")]
    UnterminatedString,
    /// A malformed or out-of-range time.
    #[error("bad time {text:?}: {reason}")]
    BadTime {
        /// The text given.
        text: String,
        /// What is wrong ("frames 75 must be below 75", …).
        reason: String,
    },
    /// A malformed or out-of-range number.
    #[error("bad number {text:?}: {reason}")]
    BadNumber {
        /// The text given.
        text: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A track number that does not follow the previous one.
    #[error("track {found:02} where track {expected:02} was expected (track numbers must be consecutive)")]
    TrackNumber {
        /// The number found.
        found: u32,
        /// The number needed.
        expected: u32,
    },
    /// More than 99 tracks, or a track number above 99.
    #[error("track number {number} is above 99")]
    TooManyTracks {
        /// The offending track number.
        number: u32,
    },
    /// An index number that does not follow the previous one.
    #[error("INDEX {found:02} where INDEX {expected:02} was expected")]
    IndexNumber {
        /// The index found.
        found: u8,
        /// The index needed.
        expected: u8,
    },
    /// An index that does not lie after the previous one.
    #[error("INDEX {index:02} at {at} before INDEX {previous:02} at {previous_at}")]
    IndexOrder {
        /// The index.
        index: u8,
        /// Its time as written.
        at: String,
        /// The index it must follow.
        previous: u8,
        /// That index's time as written.
        previous_at: String,
    },
    /// A track without INDEX 01 (cue) .
    #[error("track {track:02} has no INDEX 01")]
    Index01Missing {
        /// The track.
        track: u8,
    },
    /// An index that lies at or beyond the end of its track's content.
    #[error("track {track:02}: INDEX {index:02} at sector {offset} is not inside the track's {sectors} sectors")]
    IndexPastEnd {
        /// The track.
        track: u8,
        /// The index number.
        index: u8,
        /// Its offset in sectors from the start of the track's content.
        offset: u64,
        /// The track's content length in sectors.
        sectors: u64,
    },
    /// A malformed MCN.
    #[error("{message}")]
    BadMcn {
        /// The codec's message.
        message: String,
    },
    /// A malformed ISRC.
    #[error("{message}")]
    BadIsrc {
        /// The codec's message.
        message: String,
    },
    /// A statement given twice where it may appear once.
    #[error("{keyword} given twice")]
    Duplicate {
        /// The keyword.
        keyword: &'static str,
    },
    /// A statement in a place where the format does not allow it.
    #[error("{keyword} {reason}")]
    Misplaced {
        /// The keyword.
        keyword: String,
        /// Why ("before the first TRACK", …).
        reason: &'static str,
    },
    /// A `FILE` type rawcd cannot read.
    #[error("unsupported file type {file_type} (rawcd reads BINARY, MOTOROLA and WAVE)")]
    UnsupportedFileType {
        /// The type as written.
        file_type: String,
    },
    /// A feature rawcd does not support.
    #[error("{what} is not supported")]
    Unsupported {
        /// What.
        what: String,
    },
    /// A track mode this format does not have.
    #[error("unknown track mode {mode:?}")]
    UnknownMode {
        /// The mode as written.
        mode: String,
    },
    /// The sheet has no track.
    #[error("no TRACK in the sheet")]
    NoTracks,
    /// A referenced file could not be opened or examined.
    #[error("{file}: {reason}")]
    File {
        /// The data file.
        file: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A file named by a sheet that lies outside the sheet's folder (an absolute path, a
    /// `..` that climbs out, or a symlink leading out), refused under the default
    /// [`crate::formats::files::PathPolicy`].
    #[error("{} is outside the sheet's folder {} (absolute, `..` or a symlink); refused unless any path is allowed (rawcd --allow-any-path)", file.display(), dir.display())]
    PathOutsideSheet {
        /// The file as the sheet names it, joined to the sheet's folder.
        file: PathBuf,
        /// The sheet's folder.
        dir: PathBuf,
    },
    /// The sheet itself cannot be read.
    #[error("cannot read the sheet: {reason}")]
    Unreadable {
        /// Why ("no such file", "not a regular file", the system's message).
        reason: String,
    },
    /// A position beyond the end of a data file.
    #[error("{file}: {what} at byte {position} is past the end of the file's {len} data bytes")]
    PastEnd {
        /// The data file.
        file: PathBuf,
        /// Which position ("start", "end").
        what: &'static str,
        /// The byte position (relative to the file's data start).
        position: u64,
        /// The file's data length in bytes.
        len: u64,
    },
    /// A data track whose content is not a whole number of sectors.
    #[error("track {track:02}: {bytes} bytes of data are not a whole number of {sector_size}-byte sectors")]
    NotWholeSectors {
        /// The track.
        track: u8,
        /// Content bytes.
        bytes: u64,
        /// Bytes per sector of the track's mode.
        sector_size: u32,
    },
    /// A track with no sector from INDEX 01 on.
    #[error("track {track:02} is empty from INDEX 01 on")]
    EmptyTrack {
        /// The track.
        track: u8,
    },
    /// A WAV header problem.
    #[error("{0}")]
    Wav(#[from] WavError),
    /// A disc longer than any CD (more than 2^32 sectors or bytes overflow).
    #[error("{what} is too large")]
    TooLarge {
        /// What overflowed.
        what: &'static str,
    },
}

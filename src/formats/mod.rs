//! Input and output file formats: readers take bytes and give layout values; writers take
//! layout values and give bytes. No threads, no sector encoding.
//!
//! One folder per kind, so the folder names say where a new format goes:
//!
//! * [`sheet`]: text sheets that *describe* a disc made of other files — cue sheets, cdrdao
//!   TOC files, CD-Text sheets (`.v07t`) and pack files (`.cdt`), their lexer, and loading them
//!   from disk. A new sheet language goes here.
//! * [`audio`]: audio files that *are* track content — WAV headers (always), and decoded FLAC,
//!   AIFF, ALAC, Vorbis and MP3 (feature `audio`). A new audio container or codec goes here.
//! * [`image`]: readers of disc images made by other tools (CloneCD, and the next ones: Nero,
//!   Alcohol, CHD, ECM), each giving the same [`DiscPlan`] a sheet gives. A new image format
//!   goes here.
//! * [`write`](mod@write): writers of rawcd's own output descriptors (cue, cdrdao TOC, CloneCD `.ccd`) and
//!   of the demo's ISO 9660 file system. A new output format goes here.
//!
//! Shared by all of them, at this level: [`plan`] (the neutral [`DiscPlan`] every reader
//! gives), [`error`] (the [`ParseError`] with file, line and column) and [`convert`] (a plan
//! into an [`ImageCreator`](crate::layout::ImageCreator)). Imports run one way: a reader never
//! imports a writer; writers may use readers' value types (and their tests read back what they
//! wrote).
//!
//! Sheets are read in two steps. [`cue::parse_cue`] and [`toc::parse_toc`] are pure: text in,
//! a sheet out, every error with its line and column. [`cue::resolve`] and [`toc::resolve`]
//! then turn a sheet into the neutral [`DiscPlan`], asking a callback about each data file (its
//! length, or its WAV data range); [`files::stat_file`] is the callback that looks at the disk
//! (with case-insensitive name lookup), and [`files::load_cue`] / [`files::load_toc`] do all
//! three steps. [`wav`] finds the samples of a WAV file without copying them.
//!
//! The paths of before the split (`formats::cue`, `formats::cue_write`, `formats::ccd`, ...)
//! stay as aliases (see `CHANGELOG.md`).
#![forbid(unsafe_code)]

pub mod audio;
pub mod convert;
pub mod error;
pub mod image;
pub mod plan;
pub mod sheet;
pub mod write;

// The module paths of before the split into folders, kept for users of the crate.
pub use audio::wav;
pub use sheet::{cdt, cue, files, lex, toc, v07t};
pub use write::cue as cue_write;
pub use write::iso9660;
pub use write::toc as toc_write;

/// CloneCD `.ccd` files: the reader ([`image::ccd`]) and the writer ([`write::ccd`]) under their
/// path of before the split.
pub mod ccd {
    pub use super::image::ccd::*;
    pub use super::write::ccd::write_ccd;
}

pub use convert::{plan_to_creator, ConvertError, ConvertOptions};
pub use error::{ParseError, ParseErrorKind};
pub use files::{
    load_cue, load_cue_with, load_toc, load_toc_with, stat_file, LoadOptions, PathPolicy,
};
pub use plan::{
    DiscPlan, DiscType, FileInfo, FileKind, Segment, SubchannelInput, TextBlock, TextFields,
    TextKey, TrackMode, TrackPlan, TrackText,
};
pub use wav::{parse_wav, parse_wav_prefix, WavData, WavError};

//! Input and output file formats: parsers take bytes and give layout values; writers take
//! layout values and give bytes. No threads, no sector encoding.
//!
//! Sheets are read in two steps. [`cue::parse_cue`] and [`toc::parse_toc`] are pure: text in,
//! a sheet out, every error with its line and column. [`cue::resolve`] and [`toc::resolve`]
//! then turn a sheet into the neutral [`DiscPlan`], asking a callback about each data file (its
//! length, or its WAV data range); [`files::stat_file`] is the callback that looks at the disk
//! (with case-insensitive name lookup), and [`files::load_cue`] / [`files::load_toc`] do all
//! three steps. [`wav`] finds the samples of a WAV file without copying them.
#![forbid(unsafe_code)]

#[cfg(feature = "audio")]
pub mod audio;
pub mod ccd;
pub mod cdt;
pub mod convert;
pub mod cue;
pub mod cue_write;
pub mod error;
pub mod files;
pub mod image;
pub mod iso9660;
pub mod lex;
pub mod plan;
pub mod toc;
pub mod toc_write;
pub mod v07t;
pub mod wav;

use std::path::Path;

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

/// Checks what every resolved track must satisfy, reporting at the track's line.
fn check_track(t: &TrackPlan, path: &Path, line: u32, col: u32) -> Result<(), ParseError> {
    let err = |kind| Err(ParseError::new(path, line, col, kind));
    let bytes = t.content_bytes();
    let size = t.sector_bytes();
    if !t.mode.is_audio() && bytes % size as u64 != 0 {
        return err(ParseErrorKind::NotWholeSectors {
            track: t.number,
            bytes,
            sector_size: size,
        });
    }
    let sectors = t.content_sectors();
    if sectors > u32::MAX as u64 {
        return err(ParseErrorKind::TooLarge {
            what: "track content",
        });
    }
    if t.index1 as u64 >= sectors {
        if t.index1 == 0 {
            return err(ParseErrorKind::EmptyTrack { track: t.number });
        }
        return err(ParseErrorKind::IndexPastEnd {
            track: t.number,
            index: 1,
            offset: t.index1 as u64,
            sectors,
        });
    }
    let mut prev = t.index1;
    for (k, &ix) in t.indexes.iter().enumerate() {
        let number = (k + 2).min(99) as u8;
        if ix as u64 >= sectors {
            return err(ParseErrorKind::IndexPastEnd {
                track: t.number,
                index: number,
                offset: ix as u64,
                sectors,
            });
        }
        if ix <= prev {
            return err(ParseErrorKind::IndexOrder {
                index: number,
                at: lex::format_msf(ix),
                previous: number - 1,
                previous_at: lex::format_msf(prev),
            });
        }
        prev = ix;
    }
    Ok(())
}

//! Sheets: text files that describe a disc made of other files — CDRWIN cue sheets
//! ([`cue`]), cdrdao TOC files ([`toc`]), CD-Text sheets ([`v07t`]) and pack files ([`cdt`]),
//! the lexer they share ([`lex`]), and loading them from disk ([`files`]). Each gives the
//! neutral [`DiscPlan`](super::DiscPlan). Sheets know nothing of writers.
#![forbid(unsafe_code)]

pub mod cdt;
pub mod cue;
pub mod files;
pub mod lex;
pub mod toc;
pub mod v07t;

use std::path::Path;

use crate::formats::error::{ParseError, ParseErrorKind};
use crate::formats::plan::TrackPlan;

/// Checks what every resolved track must satisfy, reporting at the track's line.
pub(crate) fn check_track(
    t: &TrackPlan,
    path: &Path,
    line: u32,
    col: u32,
) -> Result<(), ParseError> {
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

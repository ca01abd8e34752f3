//! Sony CD-Text input sheet version 0.7T ("v07t", cd-format.md §9.7): `Key = Value` lines
//! describing one language block. Values are trimmed of surrounding blanks and kept as bytes
//! (the sheet is written in the block's character code).
//!
//! Keys (case-insensitive, inner blanks collapsed): `Text Code`, `Language Code`, `Album Title`,
//! `Artist Name`, `Songwriter`, `Composer`, `Arranger`, `Album Message`, `Catalog Number`,
//! `Genre Code`, `Genre Information`, `Closed Information`, `UPC / EAN`,
//! `Text Data Copy Protection`, `First Track Number`, `Last Track Number`,
//! `Track NN Title|Artist|Songwriter|Composer|Arranger|Message`, `ISRC NN`. `Input Sheet Version`
//! and `Remarks` are ignored; any other key is an error.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;

use thiserror::Error;

use crate::codec::cdtext::{Block, Charset, Genre, TextKind, TrackText};

/// An error in a v07t sheet. Prints as one line, `file:line:col: problem`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum V07tError {
    /// A non-blank line without `=`.
    #[error("{path}:{line}:{column}: expected `Key = Value`")]
    NoEquals {
        /// File name as given.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based byte column.
        column: usize,
    },
    /// A key this reader does not know.
    #[error("{path}:{line}:{column}: unknown key `{key}`")]
    UnknownKey {
        /// File name as given.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based byte column.
        column: usize,
        /// The key, as written.
        key: String,
    },
    /// A value that does not fit its key.
    #[error("{path}:{line}:{column}: bad value `{value}` for `{key}`: {reason}")]
    BadValue {
        /// File name as given.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based byte column.
        column: usize,
        /// The key.
        key: String,
        /// The value (lossy UTF-8).
        value: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A track entry outside First..Last Track Number.
    #[error("{path}:{line}:{column}: track {track} outside {first}..={last}")]
    TrackOutOfRange {
        /// File name as given.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based byte column.
        column: usize,
        /// The track number.
        track: u8,
        /// First track number.
        first: u8,
        /// Last track number.
        last: u8,
    },
    /// The sheet names no track at all (no track lines and no First/Last Track Number).
    #[error(
        "{path}:{line}:{column}: no tracks (give `First Track Number` and `Last Track Number`)"
    )]
    NoTracks {
        /// File name as given.
        path: String,
        /// 1-based line (the end of the file).
        line: usize,
        /// 1-based byte column.
        column: usize,
    },
}

/// CD-Text genre codes and their names (the list of the Sony sheet, code = index).
pub const GENRES: [&str; 28] = [
    "Not Used",
    "Not Defined",
    "Adult Contemporary",
    "Alternative Rock",
    "Childrens Music",
    "Classical",
    "Contemporary Christian",
    "Country",
    "Dance",
    "Easy Listening",
    "Erotic",
    "Folk",
    "Gospel",
    "Hip Hop",
    "Jazz",
    "Latin",
    "Musical",
    "New Age",
    "Opera",
    "Operetta",
    "Pop Music",
    "Rap",
    "Reggae",
    "Rock Music",
    "Rhythm & Blues",
    "Sound Effects",
    "Spoken Word",
    "World Music",
];

/// EBU Tech 3264 language codes by English name (a subset; any code may also be given as a
/// number).
pub const LANGUAGES: [(&str, u8); 48] = [
    ("Unknown", 0x00),
    ("Albanian", 0x01),
    ("Breton", 0x02),
    ("Catalan", 0x03),
    ("Croatian", 0x04),
    ("Welsh", 0x05),
    ("Czech", 0x06),
    ("Danish", 0x07),
    ("German", 0x08),
    ("English", 0x09),
    ("Spanish", 0x0A),
    ("Esperanto", 0x0B),
    ("Estonian", 0x0C),
    ("Basque", 0x0D),
    ("Faroese", 0x0E),
    ("French", 0x0F),
    ("Frisian", 0x10),
    ("Irish", 0x11),
    ("Gaelic", 0x12),
    ("Galician", 0x13),
    ("Icelandic", 0x14),
    ("Italian", 0x15),
    ("Lappish", 0x16),
    ("Latin", 0x17),
    ("Latvian", 0x18),
    ("Luxembourgian", 0x19),
    ("Lithuanian", 0x1A),
    ("Hungarian", 0x1B),
    ("Maltese", 0x1C),
    ("Dutch", 0x1D),
    ("Norwegian", 0x1E),
    ("Occitan", 0x1F),
    ("Polish", 0x20),
    ("Portuguese", 0x21),
    ("Romanian", 0x22),
    ("Romansh", 0x23),
    ("Serbian", 0x24),
    ("Slovak", 0x25),
    ("Slovenian", 0x26),
    ("Finnish", 0x27),
    ("Swedish", 0x28),
    ("Turkish", 0x29),
    ("Flemish", 0x2A),
    ("Wallon", 0x2B),
    ("Russian", 0x56),
    ("Korean", 0x65),
    ("Japanese", 0x69),
    ("Chinese", 0x75),
];

fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end.max(start)]
}

/// Lower-cased key with runs of blanks collapsed to one space.
fn normalize_key(k: &[u8]) -> String {
    String::from_utf8_lossy(k)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

fn parse_number(v: &str) -> Option<u32> {
    if let Some(h) = v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        u32::from_str_radix(h, 16).ok()
    } else {
        v.parse().ok()
    }
}

/// Where a value sits, for errors.
struct Place<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    key: &'a str,
    value: &'a [u8],
}

impl Place<'_> {
    fn bad(&self, reason: &'static str) -> V07tError {
        V07tError::BadValue {
            path: self.path.to_string(),
            line: self.line,
            column: self.column,
            key: self.key.to_string(),
            value: String::from_utf8_lossy(self.value).into_owned(),
            reason,
        }
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(self.value).into_owned()
    }
    fn track_number(&self, n: &str) -> Result<u8, V07tError> {
        match n.parse::<u8>() {
            Ok(t) if (1..=99).contains(&t) => Ok(t),
            _ => Err(self.bad("track number must be 1..99")),
        }
    }
}

/// Parses a v07t sheet into one block. `path` is only used in error messages.
///
/// Defaults: `Text Code` ISO-8859-1, `Language Code` English (`09`), copyright `00`. The track
/// range is `First/Last Track Number`, or else the range of the track lines. `Genre Code` takes a
/// name from [`GENRES`] or a number; `Language Code` a name from [`LANGUAGES`] or a number;
/// `Text Data Copy Protection` `ON` (copyright `03`) or `OFF`.
///
/// # Errors
/// [`V07tError`] with the line and column of the offending entry.
pub fn parse_v07t(text: &[u8], path: &str) -> Result<Block, V07tError> {
    let mut charset = Charset::Iso8859_1;
    let mut language = 0x09u8;
    let mut copyright = 0u8;
    let mut first: Option<u8> = None;
    let mut last: Option<u8> = None;
    let mut disc = crate::codec::cdtext::Texts::default();
    let mut disc_id = Vec::new();
    let mut genre_code: Option<u16> = None;
    let mut genre_text: Option<Vec<u8>> = None;
    let mut closed = Vec::new();
    let mut upc = Vec::new();
    // Track entries with the place of their first mention.
    let mut tracks: BTreeMap<u8, (TrackText, usize, usize)> = BTreeMap::new();
    let mut lines = 0;

    for (i, raw_line) in text.split(|&b| b == b'\n').enumerate() {
        let line_no = i + 1;
        lines = line_no;
        let line = raw_line.strip_suffix(b"\r").unwrap_or(raw_line);
        if trim(line).is_empty() {
            continue;
        }
        let key_col = line
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .unwrap_or(0)
            + 1;
        let Some(eq) = line.iter().position(|&b| b == b'=') else {
            return Err(V07tError::NoEquals {
                path: path.to_string(),
                line: line_no,
                column: key_col,
            });
        };
        let key_raw = trim(&line[..eq]);
        let key = normalize_key(key_raw);
        let after = &line[eq + 1..];
        let value = trim(after);
        let column = eq
            + 2
            + after
                .iter()
                .position(|c| !c.is_ascii_whitespace())
                .unwrap_or(after.len());
        let place = Place {
            path,
            line: line_no,
            column,
            key: &key,
            value,
        };
        let unknown = || V07tError::UnknownKey {
            path: path.to_string(),
            line: line_no,
            column: key_col,
            key: String::from_utf8_lossy(key_raw).into_owned(),
        };
        let words: Vec<&str> = key.split(' ').collect();
        match key.as_str() {
            "input sheet version" => {}
            k if k.starts_with("remarks") => {}
            "text code" => {
                charset = match place.text().to_ascii_uppercase().as_str() {
                    "8859" | "ISO-8859-1" | "ISO 8859-1" | "ISO8859-1" => Charset::Iso8859_1,
                    "ASCII" | "646" | "ISO-646" | "ISO 646" => Charset::Ascii,
                    "MS-JIS" | "MSJIS" => Charset::MsJis,
                    _ => return Err(place.bad("expected 8859, ASCII or MS-JIS")),
                }
            }
            "language code" => {
                let t = place.text();
                language = match LANGUAGES.iter().find(|(n, _)| n.eq_ignore_ascii_case(&t)) {
                    Some(&(_, c)) => c,
                    None => match parse_number(&t).and_then(|n| u8::try_from(n).ok()) {
                        Some(c) => c,
                        None => return Err(place.bad("unknown language")),
                    },
                }
            }
            "album title" => disc.title = value.to_vec(),
            "artist name" => disc.performer = value.to_vec(),
            "songwriter" => disc.songwriter = value.to_vec(),
            "composer" => disc.composer = value.to_vec(),
            "arranger" => disc.arranger = value.to_vec(),
            "album message" => disc.message = value.to_vec(),
            "catalog number" => disc_id = value.to_vec(),
            "genre information" => genre_text = Some(value.to_vec()),
            "closed information" => closed = value.to_vec(),
            "upc / ean" | "upc/ean" | "upc ean" => upc = value.to_vec(),
            "genre code" => {
                let t = place.text();
                let code = match GENRES.iter().position(|n| n.eq_ignore_ascii_case(&t)) {
                    Some(c) => c as u16,
                    None => match parse_number(&t).and_then(|n| u16::try_from(n).ok()) {
                        Some(c) => c,
                        None => return Err(place.bad("unknown genre")),
                    },
                };
                genre_code = Some(code);
            }
            "text data copy protection" => {
                copyright = match place.text().to_ascii_uppercase().as_str() {
                    "ON" => 0x03,
                    "OFF" => 0x00,
                    _ => return Err(place.bad("expected ON or OFF")),
                }
            }
            "first track number" | "last track number" => {
                let t = place.track_number(&place.text())?;
                if key.starts_with("first") {
                    first = Some(t);
                } else {
                    last = Some(t);
                }
            }
            _ if words.len() == 2 && words[0] == "isrc" => {
                let t = place.track_number(words[1])?;
                let e = tracks
                    .entry(t)
                    .or_insert_with(|| (TrackText::default(), line_no, key_col));
                e.0.isrc = value.to_vec();
            }
            _ if words.len() == 3 && words[0] == "track" => {
                let kind = match words[2] {
                    "title" => TextKind::Title,
                    "artist" => TextKind::Performer,
                    "songwriter" => TextKind::Songwriter,
                    "composer" => TextKind::Composer,
                    "arranger" => TextKind::Arranger,
                    "message" => TextKind::Message,
                    _ => return Err(unknown()),
                };
                let t = place.track_number(words[1])?;
                let e = tracks
                    .entry(t)
                    .or_insert_with(|| (TrackText::default(), line_no, key_col));
                *e.0.texts.get_mut(kind) = value.to_vec();
            }
            _ => return Err(unknown()),
        }
    }

    let lo = first.or_else(|| tracks.keys().next().copied());
    let hi = last.or_else(|| tracks.keys().next_back().copied());
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Err(V07tError::NoTracks {
            path: path.to_string(),
            line: lines.max(1),
            column: 1,
        });
    };
    if hi < lo {
        return Err(V07tError::TrackOutOfRange {
            path: path.to_string(),
            line: lines.max(1),
            column: 1,
            track: hi,
            first: lo,
            last: hi,
        });
    }
    let mut block = Block::new(language, charset, lo, usize::from(hi - lo) + 1);
    block.copyright = copyright;
    block.disc = disc;
    block.disc_id = disc_id;
    block.closed_info = closed;
    block.upc_ean = upc;
    if genre_code.is_some() || genre_text.is_some() {
        block.genre = Some(Genre {
            code: genre_code.unwrap_or(0),
            text: genre_text.unwrap_or_default(),
        });
    }
    for (t, (tt, line, column)) in tracks {
        if t < lo || t > hi {
            return Err(V07tError::TrackOutOfRange {
                path: path.to_string(),
                line,
                column,
                track: t,
                first: lo,
                last: hi,
            });
        }
        block.tracks[usize::from(t - lo)] = tt;
    }
    Ok(block)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_sheet() {
        let sheet = b"Input Sheet Version = 0.7T\r\n\
Text Code = ASCII\r\n\
Language Code = German\r\n\
Album Title =  Disc  \r\n\
Genre Code = 0x05\r\n\
Track 02 Title = Two\r\n\
ISRC 03 = XYZ\r\n";
        let b = parse_v07t(sheet, "s.txt").unwrap();
        assert_eq!(b.charset, Charset::Ascii);
        assert_eq!(b.language, 0x08);
        assert_eq!(b.first_track, 2);
        assert_eq!(b.last_track(), 3);
        assert_eq!(b.disc.title, b"Disc");
        assert_eq!(b.tracks[0].texts.title, b"Two");
        assert_eq!(b.tracks[1].isrc, b"XYZ");
        assert_eq!(
            b.genre,
            Some(Genre {
                code: 5,
                text: Vec::new()
            })
        );
    }

    #[test]
    fn errors_print_file_line_column() {
        let e = parse_v07t(b"Album Title = x\nBogus Key = 1\n", "d.txt").unwrap_err();
        assert_eq!(e.to_string(), "d.txt:2:1: unknown key `Bogus Key`");
        let e = parse_v07t(b"\n  no equals here\n", "d.txt").unwrap_err();
        assert_eq!(e.to_string(), "d.txt:2:3: expected `Key = Value`");
        let e = parse_v07t(b"Text Code = KOI8\n", "d.txt").unwrap_err();
        assert_eq!(
            e.to_string(),
            "d.txt:1:13: bad value `KOI8` for `text code`: expected 8859, ASCII or MS-JIS"
        );
        let e = parse_v07t(
            b"First Track Number = 1\nLast Track Number = 2\nTrack 03 Title = x\n",
            "d.txt",
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "d.txt:3:1: track 3 outside 1..=2");
        let e = parse_v07t(b"Album Title = x\n", "d.txt").unwrap_err();
        assert!(matches!(e, V07tError::NoTracks { line: 2, .. }), "{e}");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            &b""[..],
            b"=",
            b"Track = x",
            b"Track 00 Title = x",
            b"Track 100 Title = x",
            b"ISRC = x",
            b"Genre Code = 99999999",
            b"\xff\xfe = \xff",
        ] {
            let _ = parse_v07t(s, "x");
        }
    }
}

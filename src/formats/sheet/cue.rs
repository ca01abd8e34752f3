//! CDRWIN cue sheets (cd-format.md §11.1): a pure parser from text to [`CueSheet`], and
//! [`resolve`], which turns a sheet plus file sizes into a [`DiscPlan`].
//!
//! INDEX times are relative to the current `FILE`. A track's content runs from its first INDEX
//! (00 or 01) to the next track's first INDEX, or to the end of the last file; it may span
//! files (EAC puts track N's INDEX 00 at the end of the previous FILE).
//!
//! Track 1 and LBA 0: the first byte of the first FILE is LBA 0, always. The disc's 150
//! implicit pre-gap sectors (LBA −150..−1) are never in the file; anything the sheet puts before
//! track 1's INDEX 01 (`PREGAP`, or a stored `INDEX 00`) comes after them. So the hidden-track
//! form EAC and redump write, `INDEX 00 00:00:00` + `INDEX 01 00:32:47`, means file offset 0 is
//! LBA 0 (index 00 of track 1, audio before the first track) and INDEX 01 is LBA 2447, as
//! `cdrdao show-toc` reads it (the layout adds the 150 sectors: `layout::DiscMap`).
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

use super::lex::{format_msf, parse_msf, tokenize, Flavor, Tok, Token};
use crate::codec::{Isrc, Mcn};
use crate::formats::error::{ParseError, ParseErrorKind};
use crate::formats::plan::{
    DiscPlan, DiscType, FileInfo, FileKind, Segment, SubchannelInput, TextFields, TrackMode,
    TrackPlan,
};

/// A cue `FILE` type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueFileType {
    /// `BINARY`: raw bytes, audio little-endian.
    Binary,
    /// `MOTOROLA`: raw bytes, audio big-endian.
    Motorola,
    /// `WAVE`: a RIFF WAVE file.
    Wave,
}

/// A `FILE` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueFile {
    /// The name as written.
    pub name: String,
    /// The type.
    pub file_type: CueFileType,
    /// Line of the statement.
    pub line: u32,
    /// Column of the name.
    pub col: u32,
}

/// An `INDEX` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueIndex {
    /// Index number 0..=99.
    pub number: u8,
    /// Which [`CueSheet::files`] entry the time is in.
    pub file: usize,
    /// The time in sectors from the start of that file.
    pub frames: u32,
    /// Line of the statement.
    pub line: u32,
    /// Column of the statement.
    pub col: u32,
}

/// A `TRACK` with its statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueTrack {
    /// Track number.
    pub number: u8,
    /// Mode.
    pub mode: TrackMode,
    /// `CDI/…` mode.
    pub cdi: bool,
    /// `FLAGS DCP`.
    pub copy: bool,
    /// `FLAGS PRE`.
    pub preemphasis: bool,
    /// `FLAGS 4CH`.
    pub four_channel: bool,
    /// `FLAGS SCMS`.
    pub scms: bool,
    /// `ISRC`.
    pub isrc: Option<Isrc>,
    /// `PREGAP` in sectors.
    pub pregap: u32,
    /// `POSTGAP` in sectors.
    pub postgap: u32,
    /// The INDEX lines in order (the first is 00 or 01).
    pub indexes: Vec<CueIndex>,
    /// Track CD-Text and remarks.
    pub text: TextFields,
    /// Line of the `TRACK` statement.
    pub line: u32,
    /// Column of the `TRACK` keyword.
    pub col: u32,
}

/// A parsed cue sheet, before any file is looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueSheet {
    /// The sheet's path (for error messages).
    pub path: PathBuf,
    /// `CATALOG`.
    pub catalog: Option<Mcn>,
    /// Disc-level CD-Text, `CDTEXTFILE` and remarks.
    pub text: TextFields,
    /// The `FILE` lines.
    pub files: Vec<CueFile>,
    /// The tracks.
    pub tracks: Vec<CueTrack>,
    /// Warnings (bad MCN check digit, …).
    pub warnings: Vec<String>,
    /// Indexes into `tracks` of the first tracks of sessions 2, 3, … (`REM SESSION nn` before
    /// a track's `FILE`; cd-format §10.7, D27). Empty for a single-session sheet.
    pub session_starts: Vec<usize>,
}

struct Line<'a> {
    toks: &'a [Token],
    path: &'a Path,
}

impl<'a> Line<'a> {
    fn err(&self, t: &Token, kind: ParseErrorKind) -> ParseError {
        ParseError::new(self.path, t.line, t.col, kind)
    }
    fn end_col(&self) -> (u32, u32) {
        match self.toks.last() {
            Some(t) => {
                let len = match &t.tok {
                    Tok::Word(w) => w.chars().count() as u32,
                    Tok::Str(s) => s.chars().count() as u32 + 2,
                    _ => 1,
                };
                (t.line, t.col.saturating_add(len))
            }
            None => (0, 0),
        }
    }
    /// Token `i`, or an "expected … found end of line" error.
    fn get(&self, i: usize, expected: &'static str) -> Result<&'a Token, ParseError> {
        self.toks.get(i).ok_or_else(|| {
            let (l, c) = self.end_col();
            ParseError::new(
                self.path,
                l,
                c,
                ParseErrorKind::Expected {
                    expected,
                    found: "end of line".into(),
                },
            )
        })
    }
    fn word(&self, i: usize, expected: &'static str) -> Result<(&'a str, &'a Token), ParseError> {
        let t = self.get(i, expected)?;
        match &t.tok {
            Tok::Word(w) => Ok((w.as_str(), t)),
            _ => Err(self.err(
                t,
                ParseErrorKind::Expected {
                    expected,
                    found: t.describe(),
                },
            )),
        }
    }
    /// A string, quoted or not; unquoted text runs to the end of the line.
    fn text(&self, i: usize, expected: &'static str) -> Result<(String, &'a Token), ParseError> {
        let t = self.get(i, expected)?;
        match &t.tok {
            Tok::Str(s) => {
                self.end(i + 1)?;
                Ok((s.clone(), t))
            }
            _ => {
                let words: Vec<String> = self.toks[i..]
                    .iter()
                    .map(|t| match &t.tok {
                        Tok::Word(w) | Tok::Str(w) => w.clone(),
                        _ => String::new(),
                    })
                    .collect();
                Ok((words.join(" "), t))
            }
        }
    }
    fn end(&self, i: usize) -> Result<(), ParseError> {
        match self.toks.get(i) {
            None => Ok(()),
            Some(t) => Err(self.err(
                t,
                ParseErrorKind::Expected {
                    expected: "end of line",
                    found: t.describe(),
                },
            )),
        }
    }
}

fn set_text(text: &mut TextFields, key: &str, value: String) {
    let slot = match key {
        "TITLE" => &mut text.title,
        "PERFORMER" => &mut text.performer,
        "SONGWRITER" => &mut text.songwriter,
        "COMPOSER" => &mut text.composer,
        "ARRANGER" => &mut text.arranger,
        _ => &mut text.message,
    };
    *slot = Some(value);
}

fn parse_mode(w: &str) -> Option<(TrackMode, bool)> {
    Some(match w.to_ascii_uppercase().as_str() {
        "AUDIO" => (TrackMode::Audio, false),
        "CDG" => (TrackMode::Cdg, false),
        "MODE1/2048" => (TrackMode::Mode1, false),
        "MODE1/2352" => (TrackMode::Mode1Raw, false),
        "MODE2/2336" => (TrackMode::Mode2FormMix, false),
        "MODE2/2352" => (TrackMode::Mode2Raw, false),
        "CDI/2336" => (TrackMode::Mode2FormMix, true),
        "CDI/2352" => (TrackMode::Mode2Raw, true),
        _ => return None,
    })
}

/// Parses a cue sheet. Pure: no file is opened. `path` is used in error messages only.
///
/// # Errors
/// The first problem, with its line and column: unknown keyword, bad time, INDEX numbers or
/// times out of order, missing INDEX 01, non-consecutive track numbers, bad MCN or ISRC,
/// unsupported FILE type, …
pub fn parse_cue(text: &str, path: &Path) -> Result<CueSheet, ParseError> {
    let toks = tokenize(text, Flavor::Cue, path)?;
    let mut sheet = CueSheet {
        path: path.to_path_buf(),
        catalog: None,
        text: TextFields::default(),
        files: Vec::new(),
        tracks: Vec::new(),
        warnings: Vec::new(),
        session_starts: Vec::new(),
    };
    // `REM SESSION n` seen for the next track: (n, its token's line and column).
    let mut pending_session: Option<u32> = None;
    let mut session_line: Option<(u32, u32, String)> = None;
    // Position (file, frames) and time text of the last INDEX, for ordering.
    let mut last_pos: Option<(usize, u32, u8, String)> = None;
    let mut i = 0;
    while i < toks.len() {
        let line_no = toks[i].line;
        let mut j = i;
        while j < toks.len() && toks[j].line == line_no {
            j += 1;
        }
        let line = Line {
            toks: &toks[i..j],
            path,
        };
        i = j;
        let first = &line.toks[0];
        let kw = match &first.tok {
            Tok::Rem(rest) => {
                let mut it = rest.splitn(2, char::is_whitespace);
                let key = it.next().unwrap_or("").to_ascii_uppercase();
                let val = it.next().unwrap_or("").trim().trim_matches('"').to_string();
                if key == "SESSION" {
                    // Sessions are numbered 1, 2, … and each holds a track (D27).
                    let current = sheet.session_starts.len() as u32 + 1;
                    let n = super::lex::parse_u64(&val)
                        .ok()
                        .map_or(0, |n| n.min(u32::MAX as u64) as u32);
                    let err = |reason: String| {
                        line.err(
                            first,
                            ParseErrorKind::Session {
                                found: val.clone(),
                                reason,
                            },
                        )
                    };
                    if pending_session.is_some() {
                        return Err(err(format!(
                            "session {} has no track",
                            pending_session.unwrap_or(0)
                        )));
                    }
                    if sheet.tracks.is_empty() {
                        if n != 1 {
                            return Err(err(
                                "the first session is session 1 (sessions are numbered from 1)"
                                    .into(),
                            ));
                        }
                    } else if n == current + 1 {
                        pending_session = Some(n);
                        session_line = Some((first.line, first.col, val.clone()));
                    } else if n != current {
                        return Err(err(format!(
                            "session {} was expected (sessions are numbered consecutively)",
                            current + 1
                        )));
                    }
                    continue;
                }
                if !key.is_empty() {
                    let t = match sheet.tracks.last_mut() {
                        Some(t) => &mut t.text,
                        None => &mut sheet.text,
                    };
                    t.remarks.push((key, val));
                }
                continue;
            }
            Tok::Word(w) => w.to_ascii_uppercase(),
            _ => {
                return Err(line.err(
                    first,
                    ParseErrorKind::Expected {
                        expected: "a keyword",
                        found: first.describe(),
                    },
                ))
            }
        };
        let need_track = |sheet: &mut CueSheet| -> Result<(), ParseError> {
            if sheet.tracks.is_empty() {
                Err(line.err(
                    first,
                    ParseErrorKind::Misplaced {
                        keyword: kw.clone(),
                        reason: "before the first TRACK",
                    },
                ))
            } else {
                Ok(())
            }
        };
        match kw.as_str() {
            "CATALOG" => {
                let (w, t) = line.word(1, "a 13-digit catalog number")?;
                line.end(2)?;
                if sheet.catalog.is_some() {
                    return Err(line.err(first, ParseErrorKind::Duplicate { keyword: "CATALOG" }));
                }
                let m = Mcn::parse_strict(w).map_err(|e| {
                    line.err(
                        t,
                        ParseErrorKind::BadMcn {
                            message: e.to_string(),
                        },
                    )
                })?;
                if !m.check_digit_ok() {
                    sheet.warnings.push(format!(
                        "{}:{}:{}: CATALOG {m} has a wrong UPC/EAN check digit (accepted)",
                        path.display(),
                        t.line,
                        t.col
                    ));
                }
                sheet.catalog = Some(m);
            }
            "CDTEXTFILE" => {
                let (s, _) = line.text(1, "a file name")?;
                sheet.text.cdtext_file = Some(PathBuf::from(s));
            }
            "TITLE" | "PERFORMER" | "SONGWRITER" | "COMPOSER" | "ARRANGER" | "MESSAGE" => {
                let (s, _) = line.text(1, "a string")?;
                let t = match sheet.tracks.last_mut() {
                    Some(t) => &mut t.text,
                    None => &mut sheet.text,
                };
                set_text(t, &kw, s);
            }
            "FILE" => {
                let name_tok = line.get(1, "a file name")?;
                let name = match &name_tok.tok {
                    Tok::Str(s) | Tok::Word(s) => s.clone(),
                    _ => String::new(),
                };
                let (ty, ty_tok) = line.word(2, "a file type (BINARY, MOTOROLA, WAVE)")?;
                line.end(3)?;
                let file_type = match ty.to_ascii_uppercase().as_str() {
                    "BINARY" => CueFileType::Binary,
                    "MOTOROLA" => CueFileType::Motorola,
                    "WAVE" => CueFileType::Wave,
                    _ => {
                        return Err(line.err(
                            ty_tok,
                            ParseErrorKind::UnsupportedFileType {
                                file_type: ty.to_string(),
                            },
                        ))
                    }
                };
                sheet.files.push(CueFile {
                    name,
                    file_type,
                    line: name_tok.line,
                    col: name_tok.col,
                });
            }
            "TRACK" => {
                if sheet.files.is_empty() {
                    return Err(line.err(
                        first,
                        ParseErrorKind::Misplaced {
                            keyword: "TRACK".into(),
                            reason: "before the first FILE",
                        },
                    ));
                }
                let (n, nt) = line.word(1, "a track number")?;
                let number = super::lex::parse_u64(n)
                    .map_err(|k| line.err(nt, k))?
                    .min(u32::MAX as u64) as u32;
                if number == 0 || number > 99 {
                    return Err(line.err(nt, ParseErrorKind::TooManyTracks { number }));
                }
                if let Some(prev) = sheet.tracks.last() {
                    if number != prev.number as u32 + 1 {
                        return Err(line.err(
                            nt,
                            ParseErrorKind::TrackNumber {
                                found: number,
                                expected: prev.number as u32 + 1,
                            },
                        ));
                    }
                }
                let (m, mt) = line.word(2, "a track mode")?;
                line.end(3)?;
                let (mode, cdi) = parse_mode(m).ok_or_else(|| {
                    line.err(
                        mt,
                        ParseErrorKind::UnknownMode {
                            mode: m.to_string(),
                        },
                    )
                })?;
                if let Some(prev) = sheet.tracks.last() {
                    check_index01(prev, path)?;
                }
                if pending_session.take().is_some() {
                    sheet.session_starts.push(sheet.tracks.len());
                }
                sheet.tracks.push(CueTrack {
                    number: number as u8,
                    mode,
                    cdi,
                    copy: false,
                    preemphasis: false,
                    four_channel: false,
                    scms: false,
                    isrc: None,
                    pregap: 0,
                    postgap: 0,
                    indexes: Vec::new(),
                    text: TextFields::default(),
                    line: first.line,
                    col: first.col,
                });
            }
            "INDEX" => {
                need_track(&mut sheet)?;
                let (n, nt) = line.word(1, "an index number")?;
                let num = super::lex::parse_u64(n).map_err(|k| line.err(nt, k))?;
                if num > 99 {
                    return Err(line.err(
                        nt,
                        ParseErrorKind::BadNumber {
                            text: n.to_string(),
                            reason: "index numbers are 0..99",
                        },
                    ));
                }
                let num = num as u8;
                let (tm, tt) = line.word(2, "a time mm:ss:ff")?;
                line.end(3)?;
                let frames = parse_msf(tm).map_err(|k| line.err(tt, k))?;
                let file = sheet.files.len() - 1;
                let track = sheet
                    .tracks
                    .last_mut()
                    .ok_or_else(|| line.err(first, ParseErrorKind::NoTracks))?;
                let expected = match track.indexes.last() {
                    None if num <= 1 => num,
                    None => 1,
                    Some(prev) => prev.number.saturating_add(1),
                };
                if num != expected {
                    return Err(line.err(
                        nt,
                        ParseErrorKind::IndexNumber {
                            found: num,
                            expected,
                        },
                    ));
                }
                if let Some((pf, pt, pn, ptext)) = &last_pos {
                    if (file, frames) <= (*pf, *pt) {
                        return Err(line.err(
                            tt,
                            ParseErrorKind::IndexOrder {
                                index: num,
                                at: tm.to_string(),
                                previous: *pn,
                                previous_at: ptext.clone(),
                            },
                        ));
                    }
                }
                last_pos = Some((file, frames, num, tm.to_string()));
                track.indexes.push(CueIndex {
                    number: num,
                    file,
                    frames,
                    line: first.line,
                    col: first.col,
                });
            }
            "PREGAP" | "POSTGAP" => {
                need_track(&mut sheet)?;
                let (tm, tt) = line.word(1, "a time mm:ss:ff")?;
                line.end(2)?;
                let frames = parse_msf(tm).map_err(|k| line.err(tt, k))?;
                let track = sheet
                    .tracks
                    .last_mut()
                    .ok_or_else(|| line.err(first, ParseErrorKind::NoTracks))?;
                if kw == "PREGAP" {
                    if !track.indexes.is_empty() {
                        return Err(line.err(
                            first,
                            ParseErrorKind::Misplaced {
                                keyword: kw.clone(),
                                reason: "after INDEX (it must precede the track's INDEX lines)",
                            },
                        ));
                    }
                    if track.pregap > 0 {
                        return Err(
                            line.err(first, ParseErrorKind::Duplicate { keyword: "PREGAP" })
                        );
                    }
                    track.pregap = frames;
                } else {
                    if track.indexes.is_empty() {
                        return Err(line.err(
                            first,
                            ParseErrorKind::Misplaced {
                                keyword: kw.clone(),
                                reason: "before INDEX (it must follow the track's INDEX lines)",
                            },
                        ));
                    }
                    if track.postgap > 0 {
                        return Err(
                            line.err(first, ParseErrorKind::Duplicate { keyword: "POSTGAP" })
                        );
                    }
                    track.postgap = frames;
                }
            }
            "ISRC" => {
                need_track(&mut sheet)?;
                let (w, t) = line.word(1, "an ISRC")?;
                line.end(2)?;
                let isrc = Isrc::parse(w).map_err(|e| {
                    line.err(
                        t,
                        ParseErrorKind::BadIsrc {
                            message: e.to_string(),
                        },
                    )
                })?;
                if let Some(tr) = sheet.tracks.last_mut() {
                    tr.isrc = Some(isrc);
                }
            }
            "FLAGS" => {
                need_track(&mut sheet)?;
                let mut flags = [false; 4];
                for t in &line.toks[1..] {
                    let w = match &t.tok {
                        Tok::Word(w) => w.to_ascii_uppercase(),
                        _ => String::new(),
                    };
                    match w.as_str() {
                        "DCP" => flags[0] = true,
                        "PRE" => flags[1] = true,
                        "4CH" => flags[2] = true,
                        "SCMS" => flags[3] = true,
                        "DATA" => {}
                        _ => {
                            return Err(line.err(
                                t,
                                ParseErrorKind::Expected {
                                    expected: "a flag (DCP, 4CH, PRE, SCMS, DATA)",
                                    found: t.describe(),
                                },
                            ))
                        }
                    }
                }
                if let Some(tr) = sheet.tracks.last_mut() {
                    tr.copy |= flags[0];
                    tr.preemphasis |= flags[1];
                    tr.four_channel |= flags[2];
                    tr.scms |= flags[3];
                }
            }
            _ => {
                return Err(line.err(
                    first,
                    ParseErrorKind::UnknownKeyword {
                        word: match &first.tok {
                            Tok::Word(w) => w.clone(),
                            _ => kw,
                        },
                    },
                ))
            }
        }
    }
    match sheet.tracks.last() {
        None => return Err(ParseError::new(path, 0, 0, ParseErrorKind::NoTracks)),
        Some(t) => check_index01(t, path)?,
    }
    if let (Some(n), Some((l, c, val))) = (pending_session, session_line) {
        return Err(ParseError::new(
            path,
            l,
            c,
            ParseErrorKind::Session {
                found: val,
                reason: format!("session {n} has no track"),
            },
        ));
    }
    Ok(sheet)
}

fn check_index01(t: &CueTrack, path: &Path) -> Result<(), ParseError> {
    if t.indexes.iter().any(|i| i.number == 1) {
        Ok(())
    } else {
        Err(ParseError::new(
            path,
            t.line,
            t.col,
            ParseErrorKind::Index01Missing { track: t.number },
        ))
    }
}

/// The callback `resolve` uses to examine a data file: given the path (sheet directory joined
/// with the name as written) and how to read it, return where its usable bytes are.
/// [`super::files::stat_file`] is the real one; tests pass fakes.
pub type StatFn<'a> = dyn FnMut(&Path, FileKind) -> Result<FileInfo, ParseErrorKind> + 'a;

/// Turns a parsed sheet into a [`DiscPlan`], asking `stat` about each FILE (relative names are
/// joined to `base_dir`).
///
/// # Errors
/// A file that cannot be examined (reported at its FILE line), an INDEX past the end of its
/// file, a data track that is not whole sectors, a track with nothing from INDEX 01 on.
pub fn resolve(
    sheet: &CueSheet,
    base_dir: &Path,
    stat: &mut StatFn<'_>,
) -> Result<DiscPlan, ParseError> {
    let path = sheet.path.as_path();
    // A sheet built by hand (the fields are public) may break what parse_cue guarantees.
    if sheet.tracks.is_empty() || sheet.files.is_empty() {
        return Err(ParseError::new(path, 0, 0, ParseErrorKind::NoTracks));
    }
    for t in &sheet.tracks {
        let ordered = t
            .indexes
            .windows(2)
            .all(|w| (w[0].file, w[0].frames) < (w[1].file, w[1].frames));
        if t.indexes.is_empty() || !ordered || t.indexes.iter().any(|i| i.file >= sheet.files.len())
        {
            return Err(ParseError::new(
                path,
                t.line,
                t.col,
                ParseErrorKind::Index01Missing { track: t.number },
            ));
        }
    }
    let mut warnings = sheet.warnings.clone();
    let mut infos = Vec::with_capacity(sheet.files.len());
    for f in &sheet.files {
        let kind = match f.file_type {
            CueFileType::Wave => FileKind::Wave,
            _ => FileKind::Binary,
        };
        let info = stat(&base_dir.join(&f.name), kind)
            .map_err(|k| ParseError::new(path, f.line, f.col, k))?;
        for w in &info.warnings {
            warnings.push(format!("{}: {w}", info.path.display()));
        }
        infos.push(info);
    }
    let split = split_sessions(sheet, &mut infos, &mut warnings)?;
    let sheet = &split;
    let bps: Vec<u64> = sheet
        .tracks
        .iter()
        .map(|t| t.mode.bytes_per_sector() as u64)
        .collect();
    // Byte position (relative to the file's data) of every track's first index: a region of a
    // file belongs to the track that started last before it and counts in its sector size.
    let mut start_byte = vec![0u64; sheet.tracks.len()];
    {
        let mut k = 0usize; // next track to place
        let mut open: Option<usize> = None; // track whose content runs into the next file
        for fi in 0..sheet.files.len() {
            let (mut cur_frame, mut cur_byte) = (0u64, 0u64);
            let mut owner = open;
            while k < sheet.tracks.len() && sheet.tracks[k].indexes[0].file == fi {
                let s = sheet.tracks[k].indexes[0].frames as u64;
                let b = bps[owner.unwrap_or(k)];
                cur_byte += s.saturating_sub(cur_frame) * b;
                cur_frame = s;
                start_byte[k] = cur_byte;
                owner = Some(k);
                k += 1;
            }
            open = owner;
        }
    }
    let byte_of = |ti: usize, file: usize, frames: u32| -> u64 {
        let t = &sheet.tracks[ti];
        let first = &t.indexes[0];
        if file == first.file {
            start_byte[ti] + frames.saturating_sub(first.frames) as u64 * bps[ti]
        } else {
            frames as u64 * bps[ti]
        }
    };
    let first_track = sheet.tracks[0].number;
    let first_idx = &sheet.tracks[0].indexes[0];
    if first_idx.frames > 0 || first_idx.file > 0 {
        warnings.push(format!(
            "{}:{}:{}: track {:02} starts at {} of its FILE: what precedes it is not on the disc",
            path.display(),
            first_idx.line,
            first_idx.col,
            first_track,
            format_msf(first_idx.frames)
        ));
    }
    let mut tracks = Vec::with_capacity(sheet.tracks.len());
    for (ti, t) in sheet.tracks.iter().enumerate() {
        let s = &t.indexes[0];
        let (fs, bs) = (s.file, start_byte[ti]);
        let (fe, be) = match sheet.tracks.get(ti + 1) {
            Some(n) => (n.indexes[0].file, start_byte[ti + 1]),
            None => (infos.len() - 1, infos[infos.len() - 1].data_len),
        };
        // Pieces: (file, first byte, end byte), relative to the file's data.
        let mut pieces: Vec<(usize, u64, u64)> = Vec::new();
        for (f, info) in infos.iter().enumerate().take(fe + 1).skip(fs) {
            let a = if f == fs { bs } else { 0 };
            let b = if f == fe { be } else { info.data_len };
            let len = info.data_len;
            let (pos, what, idx) = if a > len {
                (a, "start", s)
            } else if b > len {
                (b, "end", s)
            } else {
                (0, "", s)
            };
            if !what.is_empty() {
                let at = if what == "end" {
                    sheet
                        .tracks
                        .get(ti + 1)
                        .map(|n| &n.indexes[0])
                        .unwrap_or(idx)
                } else {
                    idx
                };
                return Err(ParseError::new(
                    path,
                    at.line,
                    at.col,
                    ParseErrorKind::PastEnd {
                        file: info.path.clone(),
                        what: if what == "start" {
                            "track start"
                        } else {
                            "next track start"
                        },
                        position: pos,
                        len,
                    },
                ));
            }
            if b > a || (f == fs && f == fe) {
                pieces.push((f, a, b.max(a)));
            }
        }
        let sector = t.mode.bytes_per_sector() as u64;
        let offset_of = |file: usize, frames: u32| -> u64 {
            let b = byte_of(ti, file, frames);
            let mut acc = 0u64;
            for &(f, a, e) in &pieces {
                if f == file {
                    return acc + b.saturating_sub(a);
                }
                acc += e - a;
            }
            acc
        };
        let mut index1 = 0u32;
        let mut indexes = Vec::new();
        for ix in &t.indexes {
            let bytes = offset_of(ix.file, ix.frames);
            if bytes % sector != 0 {
                warnings.push(format!(
                    "{}:{}:{}: INDEX {:02} of track {:02} does not fall on a sector boundary of the joined files; rounded down",
                    path.display(),
                    ix.line,
                    ix.col,
                    ix.number,
                    t.number
                ));
            }
            let sec = u32::try_from(bytes / sector).map_err(|_| {
                ParseError::new(
                    path,
                    ix.line,
                    ix.col,
                    ParseErrorKind::TooLarge {
                        what: "index offset",
                    },
                )
            })?;
            match ix.number {
                0 => {}
                1 => index1 = sec,
                _ => indexes.push(sec),
            }
        }
        let segments: Vec<Segment> = pieces
            .iter()
            .filter(|(_, a, e)| e > a)
            .map(|&(f, a, e)| Segment::File {
                path: infos[f].path.clone(),
                byte_offset: infos[f].data_offset + a,
                byte_len: e - a,
                swap: sheet.files[f].file_type == CueFileType::Motorola,
            })
            .collect();
        let plan = TrackPlan {
            number: t.number,
            mode: t.mode,
            copy: t.copy,
            preemphasis: t.preemphasis,
            four_channel: t.four_channel,
            scms: t.scms,
            isrc: t.isrc.clone(),
            pregap_generated: t.pregap,
            segments,
            index1,
            indexes,
            postgap_generated: t.postgap,
            text: t.text.clone(),
            sub: (t.mode == TrackMode::Cdg).then_some(SubchannelInput::Raw),
        };
        super::check_track(&plan, path, t.line, t.col)?;
        tracks.push(plan);
    }
    Ok(DiscPlan {
        sheet: path.to_path_buf(),
        catalog: sheet.catalog.clone(),
        disc_type: sheet.tracks.iter().any(|t| t.cdi).then_some(DiscType::CdI),
        first_track,
        tracks,
        text: TextFields {
            cdtext_file: sheet.text.cdtext_file.as_ref().map(|f| base_dir.join(f)),
            ..sheet.text.clone()
        },
        warnings,
        sessions: sheet.session_starts.clone(),
        cdtext_packs: None,
        data_scrambled: false,
        subchannel_as_read: None,
        toc_as_read: Vec::new(),
    })
}

/// Whether the 2352-byte sector at byte `at` of `path` has a sync and the header address of
/// LBA `lba` (a cue's raw data sectors are unscrambled, D23).
fn header_says(path: &Path, at: u64, lba: i64) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Some(msf) = i32::try_from(lba)
        .ok()
        .and_then(crate::units::Msf::from_lba)
    else {
        return false;
    };
    let mut b = [0u8; 16];
    let ok = std::fs::File::open(path).and_then(|mut f| {
        f.seek(SeekFrom::Start(at))?;
        f.read_exact(&mut b)
    });
    ok.is_ok() && b[..12] == crate::codec::sector::SYNC && b[12..15] == msf.to_bcd()
}

/// The one-file forms of a multi-session cue (D27): a later session's first track whose INDEX
/// 01 lies in the same FILE as the previous session's last track. Its INDEX times count the
/// gap between the sessions (lead-out, lead-in, pre-gap: 11 400 sectors after session 1, 6900
/// later, D24); the file holds the gap or not, told by a data track's header at either place,
/// else by the file size. Such a FILE is split in two at the session boundary (the gap left
/// out), so that every later session starts at INDEX 01 of a FILE of its own, as in the redump
/// form; the layout generates the gap.
fn split_sessions(
    sheet: &CueSheet,
    infos: &mut Vec<FileInfo>,
    warnings: &mut Vec<String>,
) -> Result<CueSheet, ParseError> {
    let path = sheet.path.as_path();
    let mut s = sheet.clone();
    // Disc LBA of sheet time 0 of each FILE, where known (a one-file sheet: 0).
    let mut origin: Vec<Option<i64>> = (0..s.files.len()).map(|f| (f == 0).then_some(0)).collect();
    for (k, &ts) in sheet.session_starts.iter().enumerate() {
        let gap: u64 = if k == 0 { 11_400 } else { 6900 };
        let t = &s.tracks[ts];
        let Some(i1) = t.indexes.iter().find(|i| i.number == 1).cloned() else {
            continue;
        };
        let f = i1.file;
        let one_file = s.tracks[ts - 1].indexes.iter().any(|i| i.file == f);
        if !one_file {
            continue;
        }
        let bps = t.mode.bytes_per_sector() as u64;
        let err = |reason: String| {
            ParseError::new(
                path,
                i1.line,
                i1.col,
                ParseErrorKind::Session {
                    found: format!("{:02}", k + 2),
                    reason,
                },
            )
        };
        if s.tracks.iter().any(|o| {
            o.indexes.iter().any(|i| i.file == f) && o.mode.bytes_per_sector() as u64 != bps
        }) {
            return Err(err(
                "a one-file multi-session FILE whose tracks differ in sector size is not supported"
                    .into(),
            ));
        }
        let x = u64::from(i1.frames);
        let info = infos[f].clone();
        let n = info.data_len / bps;
        let plain_ok = x >= gap && n > x - gap;
        let stored_ok = n > x;
        let disc_lba = origin[f].map(|o| o + x as i64);
        let header_at = |pos: u64| {
            matches!(t.mode, TrackMode::Mode1Raw | TrackMode::Mode2Raw)
                && disc_lba
                    .is_some_and(|l| header_says(&info.path, info.data_offset + pos * bps, l))
        };
        let stored = if stored_ok && header_at(x) {
            true
        } else if plain_ok && header_at(x - gap) {
            false
        } else if plain_ok {
            if stored_ok {
                warnings.push(format!(
                    "{}:{}:{}: session {}: the FILE may or may not hold the {gap}-sector gap before track {:02}; read as not holding it",
                    path.display(),
                    i1.line,
                    i1.col,
                    k + 2,
                    t.number
                ));
            }
            false
        } else if stored_ok {
            true
        } else {
            return Err(err(format!(
                "{} holds {n} sectors, but track {:02}'s INDEX 01 at {} needs more than {} (the {gap}-sector gap left out of the file) or {x} (the gap stored)",
                info.path.display(),
                t.number,
                format_msf(i1.frames),
                x.saturating_sub(gap)
            )));
        };
        let pos = if stored { x } else { x - gap };
        infos[f].data_len = (x - gap) * bps;
        infos.insert(
            f + 1,
            FileInfo {
                data_offset: info.data_offset + pos * bps,
                data_len: info.data_len - pos * bps,
                ..info
            },
        );
        let mut file = s.files[f].clone();
        file.line = i1.line;
        s.files.insert(f + 1, file);
        origin.insert(f + 1, disc_lba);
        for (j, tr) in s.tracks.iter_mut().enumerate() {
            if j == ts {
                // The gap (its stored INDEX 00 included) is generated by the layout.
                tr.indexes
                    .retain(|i| i.file != f || u64::from(i.frames) >= x);
            }
            for i in tr.indexes.iter_mut() {
                if i.file > f {
                    i.file += 1;
                } else if i.file == f && j >= ts {
                    i.file = f + 1;
                    i.frames -= x as u32;
                }
            }
        }
    }
    Ok(s)
}

//! cdrdao TOC files (cd-format.md §11.2): a pure parser from text to [`TocSheet`], and
//! [`resolve`], which turns a sheet plus file sizes into a [`DiscPlan`].
//!
//! Lengths and positions: `m:s:f` counts sectors; a plain number counts 4-byte samples in
//! `FILE`/`AUDIOFILE`/`SILENCE`/`ZERO` and bytes in `DATAFILE`; a length of 0 (or none) means
//! "to the end of the file". `START` is relative to the track's first content sector, `INDEX`
//! relative to `START`. `PREGAP x` is `SILENCE x` (zero data in data tracks) followed by
//! `START`. Raw audio files are big-endian unless `SWAP`; `.wav` files are little-endian.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

use super::cue::StatFn;
use super::lex::{parse_msf, parse_u64, tokenize, Flavor, Tok, Token};
use crate::codec::{Isrc, Mcn};
use crate::formats::error::{ParseError, ParseErrorKind};
use crate::formats::plan::{
    DiscPlan, DiscType, FileInfo, FileKind, Segment, SubchannelInput, TextBlock, TextFields,
    TextKey, TrackMode, TrackPlan,
};

/// A length or position as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TocLen {
    /// `m:s:f`: sectors.
    Msf(u32),
    /// A plain number: samples, or bytes in `DATAFILE`.
    Count(u64),
}

/// One content or index statement of a track.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TocItemKind {
    /// `FILE`/`AUDIOFILE "f" [SWAP] [#offset] start [length]`.
    AudioFile {
        /// File name as written.
        name: String,
        /// `SWAP` given.
        swap: bool,
        /// `#offset` in bytes.
        offset: u64,
        /// Start position in the file.
        start: TocLen,
        /// Length (`None` or 0: to the end).
        len: Option<TocLen>,
    },
    /// `DATAFILE "f" [#offset] [length]`.
    DataFile {
        /// File name as written.
        name: String,
        /// `#offset` in bytes.
        offset: u64,
        /// Length (`None`: to the end).
        len: Option<TocLen>,
    },
    /// `SILENCE length`.
    Silence(TocLen),
    /// `ZERO length`.
    Zero(TocLen),
    /// `PREGAP msf`.
    Pregap(u32),
    /// `START [msf]`.
    Start(Option<u32>),
    /// `INDEX msf`.
    Index(u32),
}

/// A statement with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocItem {
    /// The statement.
    pub kind: TocItemKind,
    /// Line.
    pub line: u32,
    /// Column of the keyword.
    pub col: u32,
}

/// A `TRACK` and its statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocTrack {
    /// Mode.
    pub mode: TrackMode,
    /// `RW` / `RW_RAW`.
    pub sub: Option<SubchannelInput>,
    /// `COPY`.
    pub copy: bool,
    /// `PRE_EMPHASIS`.
    pub preemphasis: bool,
    /// `FOUR_CHANNEL_AUDIO`.
    pub four_channel: bool,
    /// `ISRC`.
    pub isrc: Option<Isrc>,
    /// Track `CD_TEXT`.
    pub text: TextFields,
    /// Content and index statements in order.
    pub items: Vec<TocItem>,
    /// Line of `TRACK`.
    pub line: u32,
    /// Column of `TRACK`.
    pub col: u32,
}

/// A parsed TOC file, before any file is looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocSheet {
    /// The sheet's path (for error messages).
    pub path: PathBuf,
    /// `CD_DA`, `CD_ROM`, `CD_ROM_XA`, `CD_I`.
    pub disc_type: Option<DiscType>,
    /// `CATALOG`.
    pub catalog: Option<Mcn>,
    /// Disc `CD_TEXT`.
    pub text: TextFields,
    /// The tracks.
    pub tracks: Vec<TocTrack>,
    /// Warnings (skipped binary CD-Text items, bad MCN check digit, …).
    pub warnings: Vec<String>,
}

struct Parser<'a> {
    toks: Vec<Token>,
    pos: usize,
    path: &'a Path,
    warnings: Vec<String>,
}

fn is_len(w: &str) -> bool {
    !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit() || b == b':')
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }
    fn peek_word(&self) -> Option<String> {
        match self.peek().map(|t| &t.tok) {
            Some(Tok::Word(w)) => Some(w.to_ascii_uppercase()),
            _ => None,
        }
    }
    fn err_at(&self, t: &Token, kind: ParseErrorKind) -> ParseError {
        ParseError::new(self.path, t.line, t.col, kind)
    }
    fn err_here(&self, kind: ParseErrorKind) -> ParseError {
        match self.peek().or(self.toks.last()) {
            Some(t) => self.err_at(t, kind),
            None => ParseError::new(self.path, 1, 1, kind),
        }
    }
    fn expected(&self, expected: &'static str) -> ParseError {
        let found = self
            .peek()
            .map(|t| t.describe())
            .unwrap_or_else(|| "end of file".into());
        self.err_here(ParseErrorKind::Expected { expected, found })
    }
    fn next(&mut self) -> Option<Token> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    /// Takes the next token if `pick` accepts it (returning its text), else errors.
    fn take(
        &mut self,
        expected: &'static str,
        pick: fn(&Tok) -> Option<&String>,
    ) -> Result<(String, Token), ParseError> {
        match self.peek() {
            Some(t) => match pick(&t.tok) {
                Some(s) => {
                    let out = (s.clone(), t.clone());
                    self.pos += 1;
                    Ok(out)
                }
                None => Err(self.expected(expected)),
            },
            None => Err(self.expected(expected)),
        }
    }
    fn string(&mut self, expected: &'static str) -> Result<(String, Token), ParseError> {
        self.take(expected, |t| match t {
            Tok::Str(s) => Some(s),
            _ => None,
        })
    }
    fn word(&mut self, expected: &'static str) -> Result<(String, Token), ParseError> {
        self.take(expected, |t| match t {
            Tok::Word(w) => Some(w),
            _ => None,
        })
    }
    fn open(&mut self) -> Result<(), ParseError> {
        match self.peek().map(|t| &t.tok) {
            Some(Tok::Open) => {
                self.pos += 1;
                Ok(())
            }
            _ => Err(self.expected("\"{\"")),
        }
    }
    fn msf(&mut self, expected: &'static str) -> Result<u32, ParseError> {
        let (w, t) = self.word(expected)?;
        parse_msf(&w).map_err(|k| self.err_at(&t, k))
    }
    fn len(&mut self, expected: &'static str) -> Result<TocLen, ParseError> {
        let (w, t) = self.word(expected)?;
        if w.contains(':') {
            parse_msf(&w)
                .map(TocLen::Msf)
                .map_err(|k| self.err_at(&t, k))
        } else {
            parse_u64(&w)
                .map(TocLen::Count)
                .map_err(|k| self.err_at(&t, k))
        }
    }
    fn opt_len(&mut self) -> Result<Option<TocLen>, ParseError> {
        match self.peek_word() {
            Some(w) if is_len(&w) => self.len("a length").map(Some),
            _ => Ok(None),
        }
    }
    fn opt_offset(&mut self) -> Result<u64, ParseError> {
        match self.peek().cloned() {
            Some(Token {
                tok: Tok::Word(w),
                line,
                col,
            }) if w.starts_with('#') => {
                self.pos += 1;
                parse_u64(&w[1..]).map_err(|k| ParseError::new(self.path, line, col, k))
            }
            _ => Ok(0),
        }
    }

    /// Skips a balanced `{ … }` whose `{` is next.
    fn skip_braces(&mut self) -> Result<(), ParseError> {
        self.open()?;
        let mut depth = 1u32;
        while depth > 0 {
            match self.next().map(|t| t.tok) {
                Some(Tok::Open) => depth += 1,
                Some(Tok::Close) => depth -= 1,
                Some(_) => {}
                None => return Err(self.expected("\"}\"")),
            }
        }
        Ok(())
    }

    fn close_or(&mut self) -> bool {
        if matches!(self.peek().map(|t| &t.tok), Some(Tok::Close)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// `CD_TEXT { [LANGUAGE_MAP { … }] LANGUAGE n { … } … }` after the keyword.
    fn cd_text(&mut self, text: &mut TextFields, disc: bool) -> Result<(), ParseError> {
        self.open()?;
        loop {
            if self.close_or() {
                return Ok(());
            }
            let (w, t) = self.word("LANGUAGE_MAP, LANGUAGE or \"}\"")?;
            match w.to_ascii_uppercase().as_str() {
                "LANGUAGE_MAP" if disc => {
                    self.open()?;
                    let mut words = Vec::new();
                    loop {
                        match self.next() {
                            Some(Token {
                                tok: Tok::Close, ..
                            }) => break,
                            Some(Token {
                                tok: Tok::Word(w), ..
                            }) => words.push(w),
                            Some(x) => {
                                return Err(self.err_at(
                                    &x,
                                    ParseErrorKind::Expected {
                                        expected: "n : CODE",
                                        found: x.describe(),
                                    },
                                ))
                            }
                            None => return Err(self.expected("\"}\"")),
                        }
                    }
                    let joined = words.join(" ").replace(':', " : ");
                    let parts: Vec<&str> = joined.split_whitespace().collect();
                    for c in parts.chunks(3) {
                        match c {
                            [n, ":", code] => {
                                let n = parse_u64(n).ok().filter(|&n| n < 8).ok_or_else(|| {
                                    self.err_at(
                                        &t,
                                        ParseErrorKind::BadNumber {
                                            text: n.to_string(),
                                            reason: "language numbers are 0..7",
                                        },
                                    )
                                })?;
                                text.language_map.push((n as u8, code.to_string()));
                            }
                            _ => {
                                return Err(self.err_at(
                                    &t,
                                    ParseErrorKind::Expected {
                                        expected: "n : CODE pairs",
                                        found: c.join(" "),
                                    },
                                ))
                            }
                        }
                    }
                }
                "LANGUAGE" => {
                    let (n, nt) = self.word("a language number 0..7")?;
                    let n = parse_u64(&n).ok().filter(|&n| n < 8).ok_or_else(|| {
                        self.err_at(
                            &nt,
                            ParseErrorKind::BadNumber {
                                text: n.clone(),
                                reason: "language numbers are 0..7",
                            },
                        )
                    })?;
                    self.open()?;
                    let mut block = TextBlock {
                        language: n as u8,
                        fields: Vec::new(),
                    };
                    loop {
                        if self.close_or() {
                            break;
                        }
                        let (k, kt) = self.word("a CD-Text item or \"}\"")?;
                        let key = match k.to_ascii_uppercase().as_str() {
                            "TITLE" => Some(TextKey::Title),
                            "PERFORMER" => Some(TextKey::Performer),
                            "SONGWRITER" => Some(TextKey::Songwriter),
                            "COMPOSER" => Some(TextKey::Composer),
                            "ARRANGER" => Some(TextKey::Arranger),
                            "MESSAGE" => Some(TextKey::Message),
                            "DISC_ID" => Some(TextKey::DiscId),
                            "GENRE" => Some(TextKey::Genre),
                            "TOC_INFO1" => Some(TextKey::TocInfo1),
                            "TOC_INFO2" => Some(TextKey::TocInfo2),
                            "UPC_EAN" | "ISRC" => Some(TextKey::UpcIsrc),
                            "SIZE_INFO" => None,
                            _ => {
                                return Err(self.err_at(
                                    &kt,
                                    ParseErrorKind::UnknownKeyword { word: k.clone() },
                                ))
                            }
                        };
                        match self.peek().map(|t| &t.tok) {
                            Some(Tok::Open) => {
                                self.skip_braces()?;
                                self.warnings.push(format!(
                                    "{}:{}:{}: binary CD-Text item {k} skipped",
                                    self.path.display(),
                                    kt.line,
                                    kt.col
                                ));
                            }
                            _ => {
                                let (s, _) = self.string("a quoted string or \"{\"")?;
                                match key {
                                    Some(key) => block.fields.push((key, s)),
                                    None => self.warnings.push(format!(
                                        "{}:{}:{}: CD-Text item {k} skipped",
                                        self.path.display(),
                                        kt.line,
                                        kt.col
                                    )),
                                }
                            }
                        }
                    }
                    text.blocks.push(block);
                }
                _ => {
                    return Err(self.err_at(&t, ParseErrorKind::UnknownKeyword { word: w }));
                }
            }
        }
    }
}

fn parse_track_mode(w: &str) -> Option<TrackMode> {
    Some(match w {
        "AUDIO" => TrackMode::Audio,
        "MODE0" => TrackMode::Mode0,
        "MODE1" => TrackMode::Mode1,
        "MODE1_RAW" => TrackMode::Mode1Raw,
        "MODE2" => TrackMode::Mode2,
        "MODE2_FORM1" => TrackMode::Mode2Form1,
        "MODE2_FORM2" => TrackMode::Mode2Form2,
        "MODE2_FORM_MIX" => TrackMode::Mode2FormMix,
        "MODE2_RAW" => TrackMode::Mode2Raw,
        _ => return None,
    })
}

/// Parses a cdrdao TOC file. Pure: no file is opened. `path` is used in error messages only.
///
/// # Errors
/// The first problem, with its line and column.
pub fn parse_toc(text: &str, path: &Path) -> Result<TocSheet, ParseError> {
    let toks = tokenize(text, Flavor::Toc, path)?;
    let mut p = Parser {
        toks,
        pos: 0,
        path,
        warnings: Vec::new(),
    };
    let mut sheet = TocSheet {
        path: path.to_path_buf(),
        disc_type: None,
        catalog: None,
        text: TextFields::default(),
        tracks: Vec::new(),
        warnings: Vec::new(),
    };
    while let Some(t) = p.peek().cloned() {
        let Tok::Word(w) = &t.tok else {
            return Err(p.expected("a keyword"));
        };
        p.pos += 1;
        let kw = w.to_ascii_uppercase();
        let in_track = !sheet.tracks.is_empty();
        let misplaced = |reason| {
            Err(ParseError::new(
                path,
                t.line,
                t.col,
                ParseErrorKind::Misplaced {
                    keyword: kw.clone(),
                    reason,
                },
            ))
        };
        match kw.as_str() {
            "CD_DA" | "CD_ROM" | "CD_ROM_XA" | "CD_I" => {
                if in_track {
                    return misplaced("after the first TRACK");
                }
                sheet.disc_type = Some(match kw.as_str() {
                    "CD_DA" => DiscType::CdDa,
                    "CD_ROM" => DiscType::CdRom,
                    "CD_ROM_XA" => DiscType::CdRomXa,
                    _ => DiscType::CdI,
                });
            }
            "CATALOG" => {
                if in_track {
                    return misplaced("after the first TRACK");
                }
                let (s, st) = p.string("a quoted 13-digit catalog number")?;
                let m = Mcn::parse_strict(&s).map_err(|e| {
                    p.err_at(
                        &st,
                        ParseErrorKind::BadMcn {
                            message: e.to_string(),
                        },
                    )
                })?;
                if !m.check_digit_ok() {
                    p.warnings.push(format!(
                        "{}:{}:{}: CATALOG {m} has a wrong UPC/EAN check digit (accepted)",
                        path.display(),
                        st.line,
                        st.col
                    ));
                }
                sheet.catalog = Some(m);
            }
            "CD_TEXT" => match sheet.tracks.last_mut() {
                Some(tr) => p.cd_text(&mut tr.text, false)?,
                None => p.cd_text(&mut sheet.text, true)?,
            },
            "TRACK" => {
                if sheet.tracks.len() >= 99 {
                    return Err(p.err_at(
                        &t,
                        ParseErrorKind::TooManyTracks {
                            number: sheet.tracks.len() as u32 + 1,
                        },
                    ));
                }
                let (m, mt) = p.word("a track mode")?;
                let mode = parse_track_mode(&m.to_ascii_uppercase()).ok_or_else(|| {
                    p.err_at(&mt, ParseErrorKind::UnknownMode { mode: m.clone() })
                })?;
                let sub = match p.peek_word().as_deref() {
                    Some("RW") => Some(SubchannelInput::Packed),
                    Some("RW_RAW") => Some(SubchannelInput::Raw),
                    _ => None,
                };
                if sub.is_some() {
                    p.pos += 1;
                }
                sheet.tracks.push(TocTrack {
                    mode,
                    sub,
                    copy: false,
                    preemphasis: false,
                    four_channel: false,
                    isrc: None,
                    text: TextFields::default(),
                    items: Vec::new(),
                    line: t.line,
                    col: t.col,
                });
            }
            _ => {
                let Some(tr) = sheet.tracks.last_mut() else {
                    return Err(p.err_at(&t, ParseErrorKind::UnknownKeyword { word: w.clone() }));
                };
                let item = |kind| TocItem {
                    kind,
                    line: t.line,
                    col: t.col,
                };
                match kw.as_str() {
                    "NO" => {
                        let (w2, t2) = p.word("COPY or PRE_EMPHASIS")?;
                        match w2.to_ascii_uppercase().as_str() {
                            "COPY" => tr.copy = false,
                            "PRE_EMPHASIS" => tr.preemphasis = false,
                            _ => {
                                return Err(p.err_at(
                                    &t2,
                                    ParseErrorKind::Expected {
                                        expected: "COPY or PRE_EMPHASIS",
                                        found: t2.describe(),
                                    },
                                ))
                            }
                        }
                    }
                    "COPY" => tr.copy = true,
                    "PRE_EMPHASIS" => tr.preemphasis = true,
                    "TWO_CHANNEL_AUDIO" => tr.four_channel = false,
                    "FOUR_CHANNEL_AUDIO" => tr.four_channel = true,
                    "ISRC" => {
                        let (s, st) = p.string("a quoted ISRC")?;
                        tr.isrc = Some(Isrc::parse(&s).map_err(|e| {
                            p.err_at(
                                &st,
                                ParseErrorKind::BadIsrc {
                                    message: e.to_string(),
                                },
                            )
                        })?);
                    }
                    "FILE" | "AUDIOFILE" => {
                        let (name, _) = p.string("a quoted file name")?;
                        let swap = p.peek_word().as_deref() == Some("SWAP");
                        if swap {
                            p.pos += 1;
                        }
                        let offset = p.opt_offset()?;
                        let start = p.len("a start position (m:s:f or samples)")?;
                        let len = p.opt_len()?;
                        tr.items.push(item(TocItemKind::AudioFile {
                            name,
                            swap,
                            offset,
                            start,
                            len,
                        }));
                    }
                    "DATAFILE" => {
                        let (name, _) = p.string("a quoted file name")?;
                        let offset = p.opt_offset()?;
                        let len = p.opt_len()?;
                        tr.items
                            .push(item(TocItemKind::DataFile { name, offset, len }));
                    }
                    "SILENCE" => {
                        let l = p.len("a length (m:s:f or samples)")?;
                        tr.items.push(item(TocItemKind::Silence(l)));
                    }
                    "ZERO" => {
                        // cdrdao allows a data mode and a sub-channel mode before the length.
                        while matches!(p.peek_word(), Some(w) if !is_len(&w)) {
                            p.pos += 1;
                        }
                        let l = p.len("a length (m:s:f or samples)")?;
                        tr.items.push(item(TocItemKind::Zero(l)));
                    }
                    "PREGAP" => {
                        let m = p.msf("a length m:s:f")?;
                        tr.items.push(item(TocItemKind::Pregap(m)));
                    }
                    "START" => {
                        let m = match p.peek_word() {
                            Some(w) if is_len(&w) => Some(p.msf("a position m:s:f")?),
                            _ => None,
                        };
                        tr.items.push(item(TocItemKind::Start(m)));
                    }
                    "INDEX" => {
                        let m = p.msf("a position m:s:f")?;
                        tr.items.push(item(TocItemKind::Index(m)));
                    }
                    "FIFO" => {
                        return Err(p.err_at(
                            &t,
                            ParseErrorKind::Unsupported {
                                what: "FIFO".into(),
                            },
                        ))
                    }
                    _ => {
                        return Err(p.err_at(&t, ParseErrorKind::UnknownKeyword { word: w.clone() }))
                    }
                }
            }
        }
    }
    if sheet.tracks.is_empty() {
        return Err(ParseError::new(path, 0, 0, ParseErrorKind::NoTracks));
    }
    sheet.warnings = p.warnings;
    Ok(sheet)
}

/// The piece of a file's data from byte `from`: `stated` bytes (0: to the end of the data),
/// both ends checked against the data's length (libcdio's `t9.toc` starts past the end).
fn file_segment(
    info: FileInfo,
    from: u64,
    stated: u64,
    swap: bool,
) -> Result<Segment, ParseErrorKind> {
    let past = |what, position| ParseErrorKind::PastEnd {
        file: info.path.clone(),
        what,
        position,
        len: info.data_len,
    };
    if from > info.data_len {
        return Err(past("start", from));
    }
    let n = if stated > 0 {
        stated
    } else {
        info.data_len - from
    };
    if from.saturating_add(n) > info.data_len {
        return Err(past("end", from.saturating_add(n)));
    }
    Ok(Segment::File {
        byte_offset: info.data_offset + from,
        path: info.path,
        byte_len: n,
        swap,
    })
}

fn len_bytes(l: TocLen, sector: u64, count_unit: u64) -> u64 {
    match l {
        TocLen::Msf(f) => f as u64 * sector,
        TocLen::Count(n) => n.saturating_mul(count_unit),
    }
}

/// Turns a parsed sheet into a [`DiscPlan`], asking `stat` about each file (relative names are
/// joined to `base_dir`).
///
/// # Errors
/// A file that cannot be examined, a start or end past the end of a file (libcdio's `t9.toc`),
/// `START`/`INDEX` out of order or past the track, a data track that is not whole sectors.
pub fn resolve(
    sheet: &TocSheet,
    base_dir: &Path,
    stat: &mut StatFn<'_>,
) -> Result<DiscPlan, ParseError> {
    let path = sheet.path.as_path();
    let mut warnings = sheet.warnings.clone();
    let mut tracks = Vec::with_capacity(sheet.tracks.len());
    for (ti, t) in sheet.tracks.iter().enumerate() {
        let number = u8::try_from(ti + 1).unwrap_or(u8::MAX);
        let mut plan = TrackPlan {
            number,
            mode: t.mode,
            copy: t.copy,
            preemphasis: t.preemphasis,
            four_channel: t.four_channel,
            scms: false,
            isrc: t.isrc.clone(),
            pregap_generated: 0,
            segments: Vec::new(),
            index1: 0,
            indexes: Vec::new(),
            postgap_generated: 0,
            text: t.text.clone(),
            sub: t.sub,
        };
        let sector = plan.sector_bytes() as u64;
        let mut bytes = 0u64;
        let mut start: Option<u32> = None;
        for it in &t.items {
            let err = |kind| ParseError::new(path, it.line, it.col, kind);
            let here = |bytes: u64, warnings: &mut Vec<String>| -> Result<u32, ParseError> {
                if bytes % sector != 0 {
                    warnings.push(format!(
                        "{}:{}:{}: position is not on a sector boundary; rounded up",
                        path.display(),
                        it.line,
                        it.col
                    ));
                }
                u32::try_from(bytes.div_ceil(sector))
                    .map_err(|_| err(ParseErrorKind::TooLarge { what: "track" }))
            };
            match &it.kind {
                TocItemKind::AudioFile {
                    name,
                    swap,
                    offset,
                    start: st,
                    len,
                } => {
                    let is_wav = name.to_ascii_lowercase().ends_with(".wav");
                    let kind = if is_wav {
                        FileKind::Wave
                    } else {
                        FileKind::Binary
                    };
                    let (unit_sector, unit_count) = if t.mode.is_audio() {
                        (2352, 4)
                    } else {
                        warnings.push(format!(
                            "{}:{}:{}: FILE in a data track (cdrdao wants DATAFILE); read as data",
                            path.display(),
                            it.line,
                            it.col
                        ));
                        (sector, 1)
                    };
                    let info = stat(&base_dir.join(name), kind).map_err(err)?;
                    let from = offset.saturating_add(len_bytes(*st, unit_sector, unit_count));
                    let stated = len.map_or(0, |l| len_bytes(l, unit_sector, unit_count));
                    let swap = t.mode.is_audio() && (*swap == is_wav);
                    for w in &info.warnings {
                        warnings.push(format!("{}: {w}", info.path.display()));
                    }
                    let seg = file_segment(info, from, stated, swap).map_err(err)?;
                    bytes = bytes.saturating_add(seg.byte_len());
                    plan.segments.push(seg);
                }
                TocItemKind::DataFile { name, offset, len } => {
                    let info = stat(&base_dir.join(name), FileKind::Binary).map_err(err)?;
                    let stated = len.map_or(0, |l| len_bytes(l, sector, 1));
                    let seg = file_segment(info, *offset, stated, false).map_err(err)?;
                    bytes = bytes.saturating_add(seg.byte_len());
                    plan.segments.push(seg);
                }
                TocItemKind::Silence(l) | TocItemKind::Zero(l) => {
                    let n = len_bytes(*l, sector, 4);
                    bytes = bytes.saturating_add(n);
                    plan.segments.push(Segment::Silence { byte_len: n });
                }
                TocItemKind::Pregap(m) | TocItemKind::Start(Some(m)) => {
                    if start.is_some() {
                        return Err(err(ParseErrorKind::Duplicate {
                            keyword: "START/PREGAP",
                        }));
                    }
                    if let TocItemKind::Pregap(_) = it.kind {
                        if bytes > 0 {
                            return Err(err(ParseErrorKind::Misplaced {
                                keyword: "PREGAP".into(),
                                reason: "after the track's data (it must come first)",
                            }));
                        }
                        let n = *m as u64 * sector;
                        bytes = n;
                        plan.segments.push(Segment::Silence { byte_len: n });
                    }
                    start = Some(*m);
                }
                TocItemKind::Start(None) => {
                    if start.is_some() {
                        return Err(err(ParseErrorKind::Duplicate {
                            keyword: "START/PREGAP",
                        }));
                    }
                    start = Some(here(bytes, &mut warnings)?);
                }
                TocItemKind::Index(m) => {
                    let base = start.unwrap_or(0);
                    let at = base.saturating_add(*m);
                    let prev = plan.indexes.last().copied().unwrap_or(base);
                    if at <= prev {
                        return Err(err(ParseErrorKind::IndexOrder {
                            index: (plan.indexes.len() + 2).min(99) as u8,
                            at: super::lex::format_msf(at),
                            previous: (plan.indexes.len() + 1) as u8,
                            previous_at: super::lex::format_msf(prev),
                        }));
                    }
                    plan.indexes.push(at);
                }
            }
        }
        plan.index1 = start.unwrap_or(0);
        super::check_track(&plan, path, t.line, t.col)?;
        tracks.push(plan);
    }
    Ok(DiscPlan {
        sheet: path.to_path_buf(),
        catalog: sheet.catalog.clone(),
        disc_type: sheet.disc_type,
        first_track: 1,
        tracks,
        text: sheet.text.clone(),
        warnings,
        sessions: Vec::new(),
        cdtext_packs: None,
        data_scrambled: false,
        subchannel_as_read: None,
        toc_as_read: Vec::new(),
    })
}

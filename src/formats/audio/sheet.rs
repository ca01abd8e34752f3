//! Decoded audio meets the sheets: cue sheets and cdrdao TOC files whose files are FLAC, ALAC,
//! AIFF, Vorbis or MP3 (recognized by content), a single file with an embedded cue sheet (a
//! FLAC CUESHEET block or a `CUESHEET` tag), and tags that fill CD-Text, ISRC and MCN where the
//! sheet says nothing.
//!
//! The sheet parsers are the ones WAV uses ([`parse_cue`], [`parse_toc`] and their `resolve`);
//! only the file callback differs: a file that is not plain CD WAV is probed here, its length is
//! the CD PCM it decodes to, and its segments become [`Segment::Decoded`].
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::decode::{sniff, AudioError, AudioInfo, AudioOptions, Container};
use super::probe::probe;
use crate::codec::{Isrc, Mcn};
use crate::formats::cue::{parse_cue, resolve as resolve_cue};
use crate::formats::error::{ParseError, ParseErrorKind};
use crate::formats::files::{
    base_dir, check_cdtext_file, check_path, find_file, read_sheet, stat_file, LoadOptions,
};
use crate::formats::plan::{DiscPlan, FileInfo, FileKind, Segment};
use crate::formats::toc::{parse_toc, resolve as resolve_toc};
use crate::source::Source;

/// An error of loading a sheet with decoded audio.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SheetError {
    /// The sheet (or an embedded sheet's text) is wrong.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// An audio file is wrong.
    #[error(transparent)]
    Audio(#[from] AudioError),
}

/// Where a CD-Text, ISRC or MCN value came from when a tag supplied it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagNote {
    /// `disc TITLE`, `track 02 PERFORMER`, `track 02 ISRC`, `disc MCN`.
    pub what: String,
    /// The value.
    pub value: String,
    /// `tag ALBUM of album.flac`.
    pub from: String,
}

/// A plan with decoded audio, and what rawcd learned on the way.
#[derive(Debug, Clone)]
pub struct AudioPlan {
    /// The plan (decoded files as [`Segment::Decoded`]).
    pub plan: DiscPlan,
    /// Every decoded file, by the path the plan uses.
    pub files: HashMap<PathBuf, AudioInfo>,
    /// The values tags supplied (empty with `tags: false`).
    pub notes: Vec<TagNote>,
}

impl AudioPlan {
    /// Lines for `toc` output: converted files and tag-supplied values.
    pub fn report(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut files: Vec<&AudioInfo> = self.files.values().collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        for f in files {
            out.push(f.report_line());
        }
        for n in &self.notes {
            out.push(format!("{} {:?} from {}", n.what, n.value, n.from));
        }
        out
    }
}

/// The file's warnings for the plan, which names the file itself (the warning texts start
/// with the file's name for callers that print them alone).
fn file_warnings(info: &AudioInfo) -> Vec<String> {
    let prefix = format!("{}: ", info.path.display());
    info.warnings
        .iter()
        .map(|w| w.strip_prefix(&prefix).unwrap_or(w).to_string())
        .collect()
}

fn head_of(path: &Path) -> Vec<u8> {
    let mut head = Vec::new();
    if let Ok(f) = super::open_regular(path) {
        let _ = f.take(64).read_to_end(&mut head);
    }
    head
}

/// The file callback for `resolve`: plain CD WAV and binary files as before; files that are
/// decoded audio probed and recorded. `binary_audio`: a `Binary` file with an audio container
/// is decoded too (TOC `AUDIOFILE`); a cue `BINARY` file never is.
fn stat_audio(
    p: &Path,
    kind: FileKind,
    opts: &AudioOptions,
    binary_audio: bool,
    files: &mut HashMap<PathBuf, AudioInfo>,
) -> Result<FileInfo, ParseErrorKind> {
    let plain = stat_file(p, kind);
    let found = match (&plain, find_file(p)) {
        (_, None) => return plain,
        (_, Some(f)) => f,
    };
    let container = sniff(&head_of(&found));
    let decode = match (kind, container) {
        (_, None) => false,
        // A WAV is decoded only when it is well formed but not CD PCM; a broken WAV header is
        // reported as the WAV reader found it.
        (FileKind::Wave, Some(Container::Wav)) => matches!(
            &plain,
            Err(ParseErrorKind::Wav(e)) if e.is_other_layout()
        ),
        (FileKind::Wave, Some(_)) => plain.is_err(),
        (FileKind::Binary, Some(Container::Wav)) => false,
        (FileKind::Binary, Some(_)) => binary_audio,
    };
    if !decode {
        return plain;
    }
    let info = probe(&found, opts).map_err(|e| ParseErrorKind::File {
        file: found.clone(),
        reason: reason(&e),
    })?;
    let fi = FileInfo {
        path: found.clone(),
        data_offset: 0,
        data_len: info.pcm_bytes(),
        warnings: file_warnings(&info),
    };
    files.insert(found, info);
    Ok(fi)
}

/// The message of an audio error without its leading file name (the caller names the file).
fn reason(e: &AudioError) -> String {
    let s = e.to_string();
    let file = match e {
        AudioError::Io { file, .. }
        | AudioError::Unrecognized { file, .. }
        | AudioError::Malformed { file, .. }
        | AudioError::NotCdAudio { file, .. }
        | AudioError::Decode { file, .. }
        | AudioError::LengthMismatch { file, .. }
        | AudioError::CueSheet { file, .. } => file,
    };
    let prefix = format!("{}: ", file.display());
    s.strip_prefix(&prefix).map(str::to_string).unwrap_or(s)
}

/// Turns the segments of decoded files into [`Segment::Decoded`].
fn mark_decoded(plan: &mut DiscPlan, files: &HashMap<PathBuf, AudioInfo>, convert: bool) {
    for t in &mut plan.tracks {
        for s in &mut t.segments {
            if let Segment::File {
                path,
                byte_offset,
                byte_len,
                ..
            } = s
            {
                if files.contains_key(path.as_path()) {
                    *s = Segment::Decoded {
                        path: path.clone(),
                        byte_offset: *byte_offset,
                        byte_len: *byte_len,
                        convert,
                    };
                }
            }
        }
    }
}

fn finish(
    mut plan: DiscPlan,
    files: HashMap<PathBuf, AudioInfo>,
    opts: &AudioOptions,
) -> AudioPlan {
    mark_decoded(&mut plan, &files, opts.convert);
    let notes = if opts.tags {
        fill_from_tags(&mut plan, &files)
    } else {
        Vec::new()
    };
    for f in files.values() {
        if let Some(c) = &f.conversion {
            plan.warnings
                .push(format!("{}: converted ({c})", f.path.display()));
        }
    }
    AudioPlan { plan, files, notes }
}

/// Reads, parses and resolves a cue sheet whose `FILE … WAVE` files may be any decoded format.
///
/// # Errors
/// A [`ParseError`] of the sheet; a file's audio error is reported at its `FILE` line.
pub fn load_cue(path: &Path, opts: &AudioOptions) -> Result<AudioPlan, SheetError> {
    let text = read_sheet(path)?;
    let sheet = parse_cue(&text, path)?;
    let mut files = HashMap::new();
    let dir = base_dir(path);
    let plan = resolve_cue(&sheet, &dir, &mut |p, k| {
        check_path(p, &dir, opts.paths)?;
        stat_audio(p, k, opts, false, &mut files)
    })?;
    check_cdtext_file(&plan, &dir, &LoadOptions { paths: opts.paths })?;
    Ok(finish(plan, files, opts))
}

/// Reads, parses and resolves a cdrdao TOC file whose `AUDIOFILE`s may be decoded formats.
///
/// # Errors
/// As [`load_cue`].
pub fn load_toc(path: &Path, opts: &AudioOptions) -> Result<AudioPlan, SheetError> {
    let text = read_sheet(path)?;
    let sheet = parse_toc(&text, path)?;
    let mut files = HashMap::new();
    let dir = base_dir(path);
    let plan = resolve_toc(&sheet, &dir, &mut |p, k| {
        check_path(p, &dir, opts.paths)?;
        stat_audio(p, k, opts, true, &mut files)
    })?;
    check_cdtext_file(&plan, &dir, &LoadOptions { paths: opts.paths })?;
    Ok(finish(plan, files, opts))
}

/// Cue text for a FLAC CUESHEET block, naming `name` as its one file. Checks that every index
/// lies inside the audio (`frames`) and on a sector boundary.
fn cue_text_of_block(info: &AudioInfo, name: &str) -> Result<String, AudioError> {
    let Some(cs) = &info.cuesheet else {
        return Ok(String::new());
    };
    let bad = |reason: String| AudioError::CueSheet {
        file: info.path.clone(),
        reason,
    };
    if info.sample_rate != super::resample::CD_RATE {
        // Its sample positions count the file's own rate; a CD-DA CUESHEET block needs 44.1 kHz.
        return Err(bad(format!(
            "the CUESHEET block of a {} Hz file does not give CD positions",
            info.sample_rate
        )));
    }
    let mut s = String::new();
    if !cs.catalog.is_empty() && cs.catalog.bytes().any(|b| b != b'0') {
        let _ = writeln!(s, "CATALOG {}", cs.catalog);
    }
    let _ = writeln!(s, "FILE \"{}\" WAVE", name.replace('"', "'"));
    let mut audio_tracks = 0;
    for t in &cs.tracks {
        if t.number == 170 || t.number == 255 {
            if t.offset > info.frames {
                return Err(bad(format!(
                    "lead-out at sample {} is past the end of the audio ({} samples)",
                    t.offset, info.frames
                )));
            }
            continue;
        }
        if !t.audio {
            return Err(bad(format!("track {:02} is a data track", t.number)));
        }
        audio_tracks += 1;
        let _ = writeln!(s, "  TRACK {:02} AUDIO", t.number);
        if t.preemphasis {
            let _ = writeln!(s, "    FLAGS PRE");
        }
        if !t.isrc.is_empty() {
            let _ = writeln!(s, "    ISRC {}", t.isrc);
        }
        for &(n, off) in &t.indexes {
            let at = t.offset.saturating_add(off);
            if at >= info.frames {
                return Err(bad(format!(
                    "track {:02} INDEX {n:02} at sample {at} is past the end of the audio ({} samples)",
                    t.number, info.frames
                )));
            }
            if at % 588 != 0 {
                return Err(bad(format!(
                    "track {:02} INDEX {n:02} at sample {at} is not on a sector boundary (588 samples)",
                    t.number
                )));
            }
            let f = at / 588;
            let _ = writeln!(
                s,
                "    INDEX {n:02} {:02}:{:02}:{:02}",
                f / 4500,
                f / 75 % 60,
                f % 75
            );
        }
    }
    if audio_tracks == 0 {
        return Err(bad("no audio track".into()));
    }
    Ok(s)
}

/// Loads a single audio file with an embedded cue sheet (`rawcd image album.flac`): the FLAC
/// CUESHEET block, else a `CUESHEET` tag (whose `FILE` lines are taken to mean this file).
/// `Ok(None)` when the file has no embedded sheet (it is then one track of a plain list).
///
/// # Errors
/// The file is not usable audio, or its embedded sheet is wrong (a track past the end of the
/// audio, a data track, a malformed sheet).
pub fn load_embedded(path: &Path, opts: &AudioOptions) -> Result<Option<AudioPlan>, SheetError> {
    let info = probe(path, opts)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = if info.cuesheet.is_some() {
        cue_text_of_block(&info, &name)?
    } else if let Some(t) = info.tag("CUESHEET") {
        t.to_string()
    } else {
        return Ok(None);
    };
    let sheet = parse_cue(&text, path)?;
    let fi = FileInfo {
        path: path.to_path_buf(),
        data_offset: 0,
        data_len: info.pcm_bytes(),
        warnings: file_warnings(&info),
    };
    let plan = resolve_cue(&sheet, &base_dir(path), &mut |_, _| Ok(fi.clone()))?;
    let mut files = HashMap::new();
    files.insert(path.to_path_buf(), info);
    Ok(Some(finish(plan, files, opts)))
}

/// One file of a plain list as a whole audio track: its info and a decoding source.
///
/// # Errors
/// The file is not usable audio.
pub fn open_track(path: &Path, opts: &AudioOptions) -> Result<(AudioInfo, Source), AudioError> {
    let info = probe(path, opts)?;
    let src = super::source(&info, opts);
    Ok((info, src))
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// An MCN from a catalogue or UPC tag: 13 digits, or a 12-digit UPC-A with a leading 0.
pub fn mcn_from_tag(v: &str) -> Option<Mcn> {
    let digits: String = v
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let digits = if digits.len() == 12 {
        format!("0{digits}")
    } else {
        digits
    };
    Mcn::parse_strict(&digits).ok()
}

/// Fills the plan's disc and track CD-Text (TITLE, PERFORMER), ISRCs and MCN from the decoded
/// files' tags, only where the sheet left them empty. A track's own file is the decoded file in
/// its segments that no other track uses; disc values come from ALBUM, ALBUMARTIST (else a
/// single-file album's ARTIST) and CATALOGNUMBER/UPC of the first file.
pub fn fill_from_tags(plan: &mut DiscPlan, files: &HashMap<PathBuf, AudioInfo>) -> Vec<TagNote> {
    let mut notes = Vec::new();
    let mut users: HashMap<&Path, usize> = HashMap::new();
    let track_files: Vec<Vec<PathBuf>> = plan
        .tracks
        .iter()
        .map(|t| {
            let mut v: Vec<PathBuf> = t
                .segments
                .iter()
                .filter_map(|s| match s {
                    Segment::Decoded { path, .. } => Some(path.clone()),
                    _ => None,
                })
                .collect();
            v.dedup();
            v
        })
        .collect();
    for v in &track_files {
        for p in v {
            *users
                .entry(files.get_key_value(p).map_or(p.as_path(), |(k, _)| k))
                .or_default() += 1;
        }
    }
    let first = track_files
        .iter()
        .flatten()
        .next()
        .and_then(|p| files.get(p));
    let mut note = |what: String, value: &str, key: &str, f: &AudioInfo| {
        notes.push(TagNote {
            what,
            value: value.to_string(),
            from: format!("tag {key} of {}", file_name(&f.path)),
        });
    };
    for (t, own) in plan.tracks.iter_mut().zip(&track_files) {
        let Some(f) = own
            .iter()
            .find(|p| users.get(p.as_path()) == Some(&1))
            .and_then(|p| files.get(p))
        else {
            continue;
        };
        let n = t.number;
        if t.text.title.is_none() && t.text.blocks.is_empty() {
            if let Some(v) = f.tag("TITLE") {
                t.text.title = Some(v.to_string());
                note(format!("track {n:02} TITLE"), v, "TITLE", f);
            }
        }
        if t.text.performer.is_none() && t.text.blocks.is_empty() {
            if let Some(v) = f.tag("ARTIST") {
                t.text.performer = Some(v.to_string());
                note(format!("track {n:02} PERFORMER"), v, "ARTIST", f);
            }
        }
        if t.isrc.is_none() {
            if let Some(v) = f.tag("ISRC") {
                if let Ok(i) = Isrc::parse(v) {
                    t.isrc = Some(i);
                    note(format!("track {n:02} ISRC"), v, "ISRC", f);
                }
            }
        }
    }
    if let Some(f) = first {
        let single = track_files.iter().flatten().all(|p| *p == f.path);
        if plan.text.title.is_none() && plan.text.blocks.is_empty() {
            if let Some(v) = f.tag("ALBUM") {
                plan.text.title = Some(v.to_string());
                note("disc TITLE".into(), v, "ALBUM", f);
            }
        }
        if plan.text.performer.is_none() && plan.text.blocks.is_empty() {
            let from = f
                .tag("ALBUMARTIST")
                .map(|v| (v, "ALBUMARTIST"))
                .or_else(|| f.tag("ARTIST").filter(|_| single).map(|v| (v, "ARTIST")));
            if let Some((v, key)) = from {
                plan.text.performer = Some(v.to_string());
                note("disc PERFORMER".into(), v, key, f);
            }
        }
        if plan.catalog.is_none() {
            for key in ["CATALOGNUMBER", "UPC", "BARCODE", "EAN"] {
                if let Some(m) = f.tag(key).and_then(|v| mcn_from_tag(v).map(|m| (v, m))) {
                    plan.catalog = Some(m.1);
                    note("disc MCN".into(), m.0, key, f);
                    break;
                }
            }
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upc_and_ean_become_mcns() {
        assert_eq!(
            mcn_from_tag("012345678905").map(|m| m.to_string()),
            Some("0012345678905".to_string())
        );
        assert!(mcn_from_tag("12345").is_none());
        assert!(mcn_from_tag("ABC-123").is_none());
    }
}

//! Decoded audio sources on the command line (feature `audio`): sheets whose files are FLAC,
//! ALAC, AIFF, Vorbis or MP3, a single file with an embedded cue sheet, and such files in a
//! plain list, with tags filling CD-Text, ISRC and MCN.

use std::path::Path;

use rawcd::formats::DiscPlan;
use rawcd::layout::ImageCreator;

use crate::args::SourceArgs;
use crate::CliError;

/// A sheet loaded with its audio report (lines for `toc`).
pub type Loaded = (DiscPlan, Vec<String>);

/// True for the names of audio files rawcd decodes (a list entry so named that is not audio is
/// reported as such, not as an unknown source type).
pub fn has_audio_ext(p: &Path) -> bool {
    let e = p
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(
        e.as_str(),
        "flac" | "fla" | "m4a" | "mp4" | "alac" | "aif" | "aiff" | "aifc" | "ogg" | "oga" | "mp3"
    )
}

#[cfg(feature = "audio")]
mod imp {
    use super::*;
    use rawcd::codec::cdtext::{Block, CdText, Charset, TextKind};
    use rawcd::codec::SectorType;
    use rawcd::formats::audio::sheet::{mcn_from_tag, AudioPlan, SheetError};
    use rawcd::formats::audio::{self, AudioInfo, AudioOptions};

    fn options(a: &SourceArgs) -> AudioOptions {
        AudioOptions {
            convert: a.convert_audio,
            tags: !a.no_tags,
            paths: crate::args::load_options(a.allow_any_path).paths,
            ..Default::default()
        }
    }

    fn bad(e: SheetError) -> CliError {
        match e {
            SheetError::Audio(audio::AudioError::Io { file, source })
                if source.kind() != std::io::ErrorKind::NotFound
                    && source.kind() != std::io::ErrorKind::PermissionDenied =>
            {
                CliError::Io(format!("{}: {source}", file.display()))
            }
            e => CliError::BadInput(e.to_string()),
        }
    }

    /// The plan and its report; the files' warnings are in the plan's (printed with it).
    fn loaded(p: AudioPlan) -> Loaded {
        let report = p.report();
        (p.plan, report)
    }

    /// Loads a cue sheet whose files may be decoded audio.
    pub fn load_cue(path: &Path, a: &SourceArgs) -> Result<Loaded, CliError> {
        audio::load_cue(path, &options(a)).map(loaded).map_err(bad)
    }

    /// Loads a TOC file whose `AUDIOFILE`s may be decoded audio.
    pub fn load_toc(path: &Path, a: &SourceArgs) -> Result<Loaded, CliError> {
        audio::load_toc(path, &options(a)).map(loaded).map_err(bad)
    }

    /// A single decoded-audio source with an embedded cue sheet; `None` when it has none or is
    /// not decoded audio.
    pub fn embedded(path: &Path, a: &SourceArgs) -> Result<Option<Loaded>, CliError> {
        if !is_decoded_audio(path) {
            return Ok(None);
        }
        audio::load_embedded(path, &options(a))
            .map(|o| o.map(loaded))
            .map_err(bad)
    }

    /// True when the file's content is a container rawcd decodes and it is not plain CD WAV.
    pub fn is_decoded_audio(path: &Path) -> bool {
        let mut head = Vec::new();
        if let Ok(f) = audio::open_regular(path) {
            use std::io::Read;
            let _ = f.take(1 << 16).read_to_end(&mut head);
        }
        match audio::sniff(&head) {
            None => false,
            // Only a well-formed WAV of another layout is decoded; a broken one is reported by
            // the WAV reader.
            Some(audio::Container::Wav) => rawcd::formats::parse_wav_prefix(&head, u64::MAX)
                .is_err_and(|e| e.is_other_layout()),
            Some(_) => true,
        }
    }

    /// Tracks of a plain list added from decoded files, for their tags.
    #[derive(Default)]
    pub struct ListTags(Vec<(u8, AudioInfo)>);

    /// Adds one decoded file of a plain list as an audio track.
    pub fn add_list_track(
        c: &mut ImageCreator,
        path: &Path,
        a: &SourceArgs,
        tags: &mut ListTags,
    ) -> Result<(), CliError> {
        let (info, src) =
            audio::open_track(path, &options(a)).map_err(|e| bad(SheetError::Audio(e)))?;
        for w in &info.warnings {
            eprintln!("rawcd: warning: {w}");
        }
        let n = c
            .add_track(SectorType::Audio, src)
            .map_err(|e| CliError::BadInput(format!("{}: {e}", path.display())))?;
        tags.0.push((n, info));
        Ok(())
    }

    /// Sets CD-Text, ISRC and MCN of a plain list from tags, where the options do not; returns
    /// the report lines and the arguments `apply_metadata` should still apply.
    pub fn apply_list_tags(
        c: &mut ImageCreator,
        tags: &ListTags,
        a: &SourceArgs,
    ) -> Result<(Vec<String>, SourceArgs), CliError> {
        let mut report = Vec::new();
        let mut rest = a.clone();
        for (_, i) in &tags.0 {
            report.push(i.report_line());
        }
        if a.no_tags || tags.0.is_empty() || a.cdtext.is_some() {
            return Ok((report, rest));
        }
        let name = |i: &AudioInfo| {
            i.path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let n = c.track_count();
        let first_track = c.starting_track_number();
        let mut b = Block::new(0x09, Charset::Iso8859_1, first_track, n);
        let mut any = false;
        let first = &tags.0[0].1;
        let mut disc = |kind, opt: &Option<String>, key: &str| {
            if let Some(v) = opt {
                *b.disc.get_mut(kind) = crate::args::latin1(v);
                any = true;
            } else if let Some(v) = first.tag(key) {
                *b.disc.get_mut(kind) = crate::args::latin1(v);
                report.push(format!(
                    "disc {kind:?} {v:?} from tag {key} of {}",
                    name(first)
                ));
                any = true;
            }
        };
        disc(TextKind::Title, &a.title, "ALBUM");
        disc(TextKind::Performer, &a.performer, "ALBUMARTIST");
        for (t, i) in &tags.0 {
            let ti = usize::from(*t - first_track);
            for (kind, key) in [(TextKind::Title, "TITLE"), (TextKind::Performer, "ARTIST")] {
                if let (Some(v), Some(tr)) = (i.tag(key), b.tracks.get_mut(ti)) {
                    *tr.texts.get_mut(kind) = crate::args::latin1(v);
                    report.push(format!(
                        "track {t:02} {kind:?} {v:?} from tag {key} of {}",
                        name(i)
                    ));
                    any = true;
                }
            }
            let isrc_given = a
                .isrc
                .iter()
                .any(|s| s.split('=').next().map(str::trim) == Some(&t.to_string()));
            if let (false, Some(v)) = (isrc_given, i.tag("ISRC")) {
                if c.set_isrc(u32::from(*t), v).is_ok() {
                    report.push(format!(
                        "track {t:02} ISRC {v:?} from tag ISRC of {}",
                        name(i)
                    ));
                }
            }
        }
        if a.catalog.is_none() {
            for key in ["CATALOGNUMBER", "UPC", "BARCODE", "EAN"] {
                if let Some((v, m)) = first.tag(key).and_then(|v| mcn_from_tag(v).map(|m| (v, m))) {
                    c.set_media_catalog_number(&m.to_string())?;
                    report.push(format!("disc MCN {v:?} from tag {key} of {}", name(first)));
                    break;
                }
            }
        }
        if any {
            c.set_cdtext(&CdText { blocks: vec![b] })
                .map_err(|e| CliError::BadInput(format!("CD-Text from tags: {e}")))?;
            rest.title = None;
            rest.performer = None;
        }
        Ok((report, rest))
    }
}

#[cfg(feature = "audio")]
pub use imp::*;

#[cfg(not(feature = "audio"))]
mod imp {
    use super::*;

    /// Loads a cue sheet (WAV and binary files only without the `audio` feature).
    pub fn load_cue(path: &Path, a: &SourceArgs) -> Result<Loaded, CliError> {
        rawcd::formats::load_cue_with(path, &crate::args::load_options(a.allow_any_path))
            .map(|p| (p, Vec::new()))
            .map_err(|e| CliError::BadInput(e.to_string()))
    }

    /// Loads a TOC file.
    pub fn load_toc(path: &Path, a: &SourceArgs) -> Result<Loaded, CliError> {
        rawcd::formats::load_toc_with(path, &crate::args::load_options(a.allow_any_path))
            .map(|p| (p, Vec::new()))
            .map_err(|e| CliError::BadInput(e.to_string()))
    }

    /// No embedded sheets without the `audio` feature.
    pub fn embedded(_path: &Path, _a: &SourceArgs) -> Result<Option<Loaded>, CliError> {
        Ok(None)
    }

    /// Nothing is decoded without the `audio` feature.
    pub fn is_decoded_audio(_path: &Path) -> bool {
        false
    }

    /// Tracks of a plain list added from decoded files (none without the feature).
    #[derive(Default)]
    pub struct ListTags(());

    /// Unreachable without the feature (`is_decoded_audio` is false).
    pub fn add_list_track(
        _c: &mut ImageCreator,
        path: &Path,
        _a: &SourceArgs,
        _tags: &mut ListTags,
    ) -> Result<(), CliError> {
        Err(CliError::BadInput(format!(
            "{}: rawcd was built without the audio feature",
            path.display()
        )))
    }

    /// Nothing to apply without the feature.
    pub fn apply_list_tags(
        _c: &mut ImageCreator,
        _tags: &ListTags,
        a: &SourceArgs,
    ) -> Result<(Vec<String>, SourceArgs), CliError> {
        Ok((Vec::new(), a.clone()))
    }
}

#[cfg(not(feature = "audio"))]
pub use imp::*;

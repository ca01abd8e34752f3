//! From the command line's sources to an `ImageCreator`.

use std::path::Path;

use rawcd::codec::cdtext::{Block, CdText, Charset, TextKind};
use rawcd::codec::{Mcn, SectorType};
use rawcd::formats::convert::{plan_to_creator, ConvertOptions};
use rawcd::formats::{load_cue_with, load_toc_with, parse_wav};
use rawcd::layout::{DiscMap, ImageCreator, LayoutError};
use rawcd::source::Source;

use crate::args::SourceArgs;
use crate::args::{latin1, load_options};
use crate::{audio_src, CliError};

fn ext(p: &Path) -> String {
    p.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn open(p: &Path) -> Result<Source, CliError> {
    if std::fs::metadata(p).is_ok_and(|m| !m.is_file()) {
        return Err(CliError::BadInput(format!(
            "{}: not a regular file",
            p.display()
        )));
    }
    Source::open(p).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        };
        CliError::BadInput(format!("{}: {why}", p.display()))
    })
}

/// The sheet among the sources, if the disc comes from one (a cue sheet, a TOC file, or an
/// image another tool made: Nero, Alcohol, CloneCD).
pub fn sheet(a: &SourceArgs) -> Option<&Path> {
    let first = a.sources.first()?;
    (matches!(ext(first).as_str(), "cue" | "toc") || image_format(first).is_some())
        .then_some(first.as_path())
}

/// The image format of a source, recognised by content (`None` for anything else, a file
/// that cannot be read included: opening it later reports that).
pub fn image_format(p: &Path) -> Option<rawcd::formats::image::ImageFormat> {
    if matches!(ext(p).as_str(), "cue" | "toc") || !p.is_file() {
        return None;
    }
    rawcd::formats::image::guess(p).ok().flatten()
}

/// Reads an image another tool made into a plan (errors name the file and byte offset).
pub fn load_image(p: &Path) -> Result<rawcd::formats::DiscPlan, CliError> {
    rawcd::formats::image::load_image(p).map_err(|e| {
        if e.is_bad_input() {
            CliError::BadInput(e.to_string())
        } else {
            CliError::Io(e.to_string())
        }
    })
}

/// The disc of an existing image's plan (a sheet's or another tool's image), to examine it
/// (`verify`, `repair`): short tracks are warnings, and a damaged raw sector is left for the
/// checks to report by its LBA instead of refusing the image.
pub fn examine(plan: &rawcd::formats::DiscPlan) -> Result<DiscMap, CliError> {
    let opts = ConvertOptions {
        relaxed: true,
        examine: true,
        ..Default::default()
    };
    let c = plan_to_creator(plan, &opts).map_err(|e| CliError::BadInput(e.to_string()))?;
    c.build()
        .map_err(|e| CliError::BadInput(format!("{}: {e}", plan.sheet.display())))
}

/// Every input file of the disc: the sheet, the data files it names, the CD-Text file and
/// the listed files (so that no output can overwrite one of them).
pub fn input_files(a: &SourceArgs) -> Vec<std::path::PathBuf> {
    let mut v: Vec<std::path::PathBuf> = a.sources.clone();
    if let Some(s) = sheet(a) {
        let opts = load_options(a.allow_any_path);
        let plan = if ext(s) == "cue" {
            load_cue_with(s, &opts).ok()
        } else if ext(s) == "toc" {
            load_toc_with(s, &opts).ok()
        } else {
            rawcd::formats::image::load_image(s).ok()
        };
        if let Some(plan) = plan {
            for t in &plan.tracks {
                for seg in &t.segments {
                    match seg {
                        rawcd::formats::Segment::File { path, .. } => v.push(path.clone()),
                        rawcd::formats::Segment::Decoded { path, .. } => v.push(path.clone()),
                        _ => {}
                    }
                }
            }
            v.extend(plan.text.cdtext_file.clone());
        }
    }
    v.extend(a.cdtext.clone());
    v
}

/// The TRACK line and column of `track` in a cue sheet (for messages about a track).
fn track_line(sheet: &Path, track: u8) -> Option<(u32, u32)> {
    if ext(sheet) != "cue" {
        return None;
    }
    let text = std::fs::read(sheet).ok()?;
    let cue =
        rawcd::formats::cue::parse_cue(&rawcd::formats::lex::decode_sheet(&text), sheet).ok()?;
    cue.tracks
        .iter()
        .find(|t| t.number == track)
        .map(|t| (t.line, t.col))
}

/// Builds the map, naming the sheet in layout errors and saying how to accept a short track.
pub fn build(c: &ImageCreator, a: &SourceArgs) -> Result<DiscMap, CliError> {
    c.build().map_err(|e| {
        let hint = if matches!(e, LayoutError::TrackTooShort { .. }) {
            " (real discs have such tracks: --allow-short-tracks or --relaxed accepts it)"
        } else {
            ""
        };
        match sheet(a) {
            Some(s) => CliError::BadInput(format!("{}: {e}{hint}", s.display())),
            None => CliError::BadInput(format!("{e}{hint}")),
        }
    })
}

/// Prints the map's warnings once, on stderr, naming the sheet.
pub fn print_warnings(map: &DiscMap, a: &SourceArgs) {
    for w in map.warnings() {
        warn(sheet(a), w);
    }
}

fn warn(sheet: Option<&Path>, w: &str) {
    match sheet {
        Some(s) if !w.starts_with(&s.display().to_string()) => {
            eprintln!("rawcd: warning: {}: {w}", s.display())
        }
        _ => eprintln!("rawcd: warning: {w}"),
    }
}

/// How far decoded audio may decode ahead of the stream (`image`, `simulate`: from
/// `--buffer-mb` and `--threads`; 0 = the library's defaults).
#[derive(Debug, Clone, Copy, Default)]
pub struct Decode {
    /// Bytes of decoded PCM ahead, all files together.
    pub ahead_bytes: usize,
    /// Files decoding at once.
    pub decoders: usize,
}

/// Builds the disc the sources describe. `relaxed`: short tracks are warnings (for `toc`;
/// also with `--allow-short-tracks` / `--relaxed`); `d`: how far decoded audio decodes ahead.
pub fn creator_with(a: &SourceArgs, relaxed: bool, d: Decode) -> Result<ImageCreator, CliError> {
    creator_report_with(a, relaxed, d).map(|(c, _)| c)
}

/// [`creator_with`] with the default decode budget, and the decoded-audio report for `toc` (formats, conversions, values from tags).
pub fn creator_report(
    a: &SourceArgs,
    relaxed: bool,
) -> Result<(ImageCreator, Vec<String>), CliError> {
    creator_report_with(a, relaxed, Decode::default())
}

fn creator_report_with(
    a: &SourceArgs,
    relaxed: bool,
    d: Decode,
) -> Result<(ImageCreator, Vec<String>), CliError> {
    let mut relaxed = relaxed || a.relaxed || a.allow_short_tracks;
    let first = &a.sources[0];
    let image = image_format(first);
    // An image another tool made is a real disc: a short track is a warning, as on the disc.
    relaxed |= image.is_some();
    let sheet = match ext(first).as_str() {
        "cue" => Some(audio_src::load_cue(first, a)),
        "toc" => Some(audio_src::load_toc(first, a)),
        _ if image.is_some() => Some(load_image(first).map(|p| (p, Vec::new()))),
        _ if a.sources.len() == 1 => audio_src::embedded(first, a).transpose(),
        _ => None,
    };
    if sheet.is_none() && a.allow_any_path {
        return Err(CliError::BadInput(
            "--allow-any-path applies to the files a .cue or .toc sheet names; there is no sheet"
                .into(),
        ));
    }
    if sheet.is_none() && a.regenerate_edc {
        return Err(CliError::BadInput(
            "--regenerate-edc applies to MODE2/2336 tracks of a .cue or .toc sheet; there is no sheet"
                .into(),
        ));
    }
    if sheet.is_some() && a.new_session > 0 {
        return Err(CliError::BadInput(if ext(first) == "toc" {
            format!(
                "{}: --new-session: a cdrdao TOC file cannot say sessions (cdrdao writes one session per run); use a cue sheet with REM SESSION, or a file list with --new-session",
                first.display()
            )
        } else {
            format!(
                "{}: --new-session applies to a plain file list; a cue sheet starts sessions with REM SESSION",
                first.display()
            )
        }));
    }
    if sheet.is_some() && a.gapless {
        return Err(CliError::BadInput(format!(
            "{}: --gapless applies to a plain file list; a sheet sets its own gaps",
            first.display()
        )));
    }
    if let Some(plan) = sheet {
        if a.sources.len() > 1 {
            return Err(CliError::BadInput(format!(
                "{}: a sheet must be the only source",
                first.display()
            )));
        }
        let (plan, report) = plan?;
        let opts = ConvertOptions {
            relaxed,
            regenerate_edc: a.regenerate_edc,
            regenerate_subchannel: a.regenerate_subchannel,
            examine: false,
            decode_ahead_bytes: d.ahead_bytes,
            decoders: d.decoders,
        };
        for w in &plan.warnings {
            warn(Some(first), w);
        }
        let mut c = plan_to_creator(&plan, &opts).map_err(|e| {
            let mut m = e.to_string();
            if let rawcd::formats::ConvertError::NoSync { track, .. } = &e {
                if let Some((l, col)) = track_line(first, *track) {
                    let s = first.display().to_string();
                    m = format!("{s}:{l}:{col}{}", &m[s.len()..]);
                }
            }
            if e.is_bad_input() {
                CliError::BadInput(m)
            } else {
                CliError::Io(m)
            }
        })?;
        if a.catalog.is_some()
            || !a.isrc.is_empty()
            || a.title.is_some()
            || a.performer.is_some()
            || a.cdtext.is_some()
        {
            apply_metadata(&mut c, a)?;
        }
        return Ok((c, report));
    }
    let mut list_tags = audio_src::ListTags::default();
    let mut c = ImageCreator::new();
    c.set_relaxed(relaxed);
    if a.gapless {
        c.set_disable_gapless_audio(true)?;
    }
    let mut breaks = a.session_breaks.clone();
    breaks.sort_unstable();
    if breaks.len() != usize::from(a.new_session) {
        // Parsed without the command line's order (not through main): one break per flag
        // cannot be placed.
        return Err(CliError::BadInput(
            "--new-session: cannot tell where it stands among the files".into(),
        ));
    }
    for (i, p) in a.sources.iter().enumerate() {
        for _ in breaks.iter().filter(|&&b| b == i) {
            c.new_session().map_err(|e| {
                CliError::BadInput(format!("--new-session before {}: {e}", p.display()))
            })?;
        }
        match ext(p).as_str() {
            "iso" => {
                c.add_track(SectorType::Mode1, open(p)?)
                    .map_err(|e| CliError::BadInput(format!("{}: {e}", p.display())))?;
            }
            _ if audio_src::has_audio_ext(p) || audio_src::is_decoded_audio(p) => {
                audio_src::add_list_track(&mut c, p, a, &mut list_tags)?;
            }
            "wav" => {
                let s = open(p)?;
                let bytes = s.bytes().cloned().unwrap_or_default();
                let w = parse_wav(&bytes)
                    .map_err(|e| CliError::BadInput(format!("{}: {e}", p.display())))?;
                for warn in &w.warnings {
                    eprintln!("rawcd: warning: {}: {warn}", p.display());
                }
                let data = s
                    .slice(w.data_offset, w.data_len)
                    .map_err(|e| CliError::BadInput(format!("{}: {e}", p.display())))?;
                c.add_track(SectorType::Audio, data)
                    .map_err(|e| CliError::BadInput(format!("{}: {e}", p.display())))?;
            }
            other => {
                return Err(CliError::BadInput(format!(
                    "{}: unknown source type ({}; expected .cue, .toc, a Nero, Alcohol or CloneCD image, .iso, or audio: WAV, FLAC, AIFF, ALAC, MP3, Ogg Vorbis)",
                    p.display(),
                    if other.is_empty() {
                        "no extension".to_string()
                    } else {
                        format!(".{other} and not audio by content")
                    }
                )))
            }
        }
    }
    if breaks.iter().any(|&b| b >= a.sources.len()) {
        return Err(CliError::BadInput(
            "--new-session after the last file: the new session would have no track".into(),
        ));
    }
    let (list_report, rest) = audio_src::apply_list_tags(&mut c, &list_tags, a)?;
    apply_metadata(&mut c, &rest)?;
    Ok((c, list_report))
}

fn apply_metadata(c: &mut ImageCreator, a: &SourceArgs) -> Result<(), CliError> {
    if let Some(m) = &a.catalog {
        let mcn =
            Mcn::parse_strict(m).map_err(|e| CliError::BadInput(format!("--catalog: {e}")))?;
        c.set_media_catalog_number(&mcn.to_string())?;
    }
    for spec in &a.isrc {
        let (n, code) = spec
            .split_once('=')
            .ok_or_else(|| CliError::BadInput(format!("--isrc {spec:?}: expected N=CODE")))?;
        let n: u32 = n
            .trim()
            .parse()
            .map_err(|_| CliError::BadInput(format!("--isrc {spec:?}: bad track number")))?;
        c.set_isrc(n, code)
            .map_err(|e| CliError::BadInput(format!("--isrc {spec}: {e}")))?;
    }
    if a.title.is_some() || a.performer.is_some() {
        let n = c.track_count();
        let mut b = Block::new(0x09, Charset::Iso8859_1, c.starting_track_number(), n);
        if let Some(t) = &a.title {
            *b.disc.get_mut(TextKind::Title) = latin1(t);
        }
        if let Some(p) = &a.performer {
            *b.disc.get_mut(TextKind::Performer) = latin1(p);
        }
        c.set_cdtext(&CdText { blocks: vec![b] })
            .map_err(|e| CliError::BadInput(format!("CD-Text: {e}")))?;
    }
    if let Some(p) = &a.cdtext {
        let bytes =
            std::fs::read(p).map_err(|e| CliError::BadInput(format!("{}: {e}", p.display())))?;
        if ext(p) == "cdt" {
            let packs = rawcd::formats::cdt::read_cdt(&bytes)
                .map_err(|e| CliError::BadInput(format!("{}: {e}", p.display())))?;
            c.set_cdtext_packs(&packs);
        } else {
            let block = rawcd::formats::v07t::parse_v07t(&bytes, &p.display().to_string())
                .map_err(|e| CliError::BadInput(e.to_string()))?;
            c.set_cdtext(&CdText {
                blocks: vec![block],
            })
            .map_err(|e| CliError::BadInput(format!("{}: CD-Text: {e}", p.display())))?;
        }
    }
    Ok(())
}

/// Parses `--leadin`: imapi, none or MM:SS:FF.
pub fn leadin(s: &str) -> Result<rawcd::layout::LeadIn, CliError> {
    use rawcd::layout::LeadIn;
    match s {
        "imapi" => Ok(LeadIn::Imapi),
        "none" => Ok(LeadIn::None),
        t => {
            let parts: Vec<&str> = t.split(':').collect();
            let nums: Option<Vec<u8>> = parts.iter().map(|p| p.parse().ok()).collect();
            match nums.as_deref() {
                Some(&[m, s, f]) if m >= 90 => rawcd::units::Msf::new(m, s, f)
                    .map(LeadIn::At)
                    .ok_or_else(|| CliError::BadInput(format!("--leadin {t}: not an MSF"))),
                _ => Err(CliError::BadInput(format!(
                    "--leadin {t}: expected imapi, none or MM:SS:FF with MM >= 90 (e.g. 97:26:65)"
                ))),
            }
        }
    }
}

/// The subchannel format of a CLI choice.
pub fn sub(s: crate::args::Sub) -> rawcd::layout::SubchannelFormat {
    use rawcd::layout::SubchannelFormat as F;
    match s {
        crate::args::Sub::None => F::None,
        crate::args::Sub::Pq16 => F::Pq16,
        crate::args::Sub::Packed96 => F::Packed96,
        crate::args::Sub::Raw96 => F::Raw96,
    }
}

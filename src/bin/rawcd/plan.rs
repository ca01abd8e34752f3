//! From the command line's sources to an `ImageCreator`.

use std::path::Path;

use rawcd::codec::cdtext::{Block, CdText, Charset, TextKind};
use rawcd::codec::{Mcn, SectorType};
use rawcd::formats::convert::{plan_to_creator, ConvertOptions};
use rawcd::formats::parse_wav;
use rawcd::layout::ImageCreator;
use rawcd::source::Source;

use crate::args::SourceArgs;
use crate::{audio_src, CliError};

fn ext(p: &Path) -> String {
    p.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn open(p: &Path) -> Result<Source, CliError> {
    Source::open(p).map_err(|e| CliError::BadInput(format!("{}: {e}", p.display())))
}

/// Builds the disc the sources describe. `relaxed`: short tracks are warnings (for `toc`).
pub fn creator(a: &SourceArgs, relaxed: bool) -> Result<ImageCreator, CliError> {
    creator_report(a, relaxed).map(|(c, _)| c)
}

/// [`creator`], with the decoded-audio report for `toc` (formats, conversions, values from tags).
pub fn creator_report(
    a: &SourceArgs,
    relaxed: bool,
) -> Result<(ImageCreator, Vec<String>), CliError> {
    let first = &a.sources[0];
    let sheet = match ext(first).as_str() {
        "cue" => Some(audio_src::load_cue(first, a)),
        "toc" => Some(audio_src::load_toc(first, a)),
        _ if a.sources.len() == 1 => audio_src::embedded(first, a).transpose(),
        _ => None,
    };
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
        };
        let mut c = plan_to_creator(&plan, &opts).map_err(|e| {
            if e.is_bad_input() {
                CliError::BadInput(e.to_string())
            } else {
                CliError::Io(e.to_string())
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
        for w in &plan.warnings {
            eprintln!("rawcd: warning: {w}");
        }
        return Ok((c, report));
    }
    let mut list_tags = audio_src::ListTags::default();
    let mut c = ImageCreator::new();
    c.set_relaxed(relaxed);
    if a.gapless {
        c.set_disable_gapless_audio(true)?;
    }
    for p in &a.sources {
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
                "{}: unknown source type {:?} (expected .cue, .toc, .iso, .wav or an audio file)",
                p.display(),
                other
            )))
            }
        }
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
    for w in c.warnings() {
        eprintln!("rawcd: warning: {w}");
    }
    Ok(())
}

/// Text as ISO-8859-1 bytes (characters outside Latin-1 become '?').
pub fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| {
            if (c as u32) < 256 {
                c as u32 as u8
            } else {
                b'?'
            }
        })
        .collect()
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

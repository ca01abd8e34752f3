//! `rawcd verify`: checks a .cue (+bin), a .ccd (+img, +sub) or a .raw stream.

use std::path::{Path, PathBuf};

use rawcd::formats::{load_cue_with, load_toc_with};
use rawcd::source::Source;
use rawcd::verify::{verify_clonecd, verify_map_sources, verify_raw_source, RawSub, Report};

use crate::args::{Sub, VerifyArgs};
use crate::{plan, CliError, CliResult};

fn bad(e: impl std::fmt::Display) -> CliError {
    CliError::BadInput(e.to_string())
}

/// Checks one image, returning its report.
pub fn check(path: &Path, sub: Option<Sub>, leadin: Option<&str>) -> Result<Report, CliError> {
    check_with(path, sub, leadin, false)
}

/// [`check`], with `--allow-any-path` for a sheet's FILE lines.
pub fn check_with(
    path: &Path,
    sub: Option<Sub>,
    leadin: Option<&str>,
    allow_any_path: bool,
) -> Result<Report, CliError> {
    let opts = crate::args::load_options(allow_any_path);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    use rawcd::formats::image::ImageFormat;
    let image = plan::image_format(path);
    if image.is_some_and(|f| matches!(f, ImageFormat::Nero | ImageFormat::Alcohol)) {
        // Nero and Alcohol images: the sectors they store, checked like a cue sheet's.
        let plan = plan::load_image(path)?;
        return check_plan(&plan);
    }
    if image == Some(ImageFormat::CloneCd) {
        // By content, as `image` and `toc` take it (a .ccd under another name).
        return Ok(verify_clonecd(path)?);
    }
    match ext.as_str() {
        "cue" | "toc" => {
            let plan = if ext == "cue" {
                load_cue_with(path, &opts)
            } else {
                load_toc_with(path, &opts)
            }
            .map_err(|e| match decoded_file(path, &ext, allow_any_path) {
                Some((file, kind)) => bad(format!(
                    "{} is a source sheet, not a disc image: it names {} ({kind} audio, decoded when \
                     rawcd image makes the disc); rawcd toc {} shows the disc it gives",
                    path.display(),
                    file.display(),
                    path.display()
                )),
                None => bad(e),
            })?;
            check_plan(&plan)
        }
        "ccd" => Ok(verify_clonecd(path)?),
        _ if rawcd::formats::image::sniff_path(path).is_some() => {
            // The container first (ECM stream EDC; CHD hunk CRCs and data SHA-1), then every
            // stored raw data sector as for a cue sheet.
            let notes = rawcd::formats::image::verify_container(path).map_err(bad)?;
            let map = plan::examine(&plan::load_image(path)?)?;
            let mut r = verify_map_sources(&map)?;
            r.notes.extend(notes);
            Ok(r)
        }
        _ => {
            if let Some(what) = not_a_raw_stream(path) {
                return Err(bad(format!(
                    "{} {what}; rawcd verify reads .cue, .toc, .ccd, Nero, Alcohol, ECM and CHD images and raw streams",
                    path.display()
                )));
            }
            let src = Source::open(path).map_err(|e| bad(format!("{}: {e}", path.display())))?;
            let sub = sub.map(|s| match s {
                Sub::None => RawSub::None,
                Sub::Pq16 => RawSub::Pq16,
                Sub::Packed96 | Sub::Raw96 => RawSub::Pw96,
            });
            let start = match leadin {
                None => None,
                Some(l) => Some(match plan::leadin(l)? {
                    rawcd::layout::LeadIn::Imapi => -22_650,
                    rawcd::layout::LeadIn::None => -150,
                    rawcd::layout::LeadIn::At(m) => m.to_lba(),
                }),
            };
            verify_raw_source(&src, sub, start).map_err(|e| bad(format!("{}: {e}", path.display())))
        }
    }
}

/// The first file a sheet names that rawcd decodes (FLAC, MP3, …), with its format; `None`
/// when the sheet names none (or rawcd is built without the `audio` feature).
fn decoded_file(path: &Path, ext: &str, allow_any_path: bool) -> Option<(PathBuf, &'static str)> {
    #[cfg(feature = "audio")]
    {
        use rawcd::formats::{audio, Segment};
        use std::io::Read;
        let opts = audio::AudioOptions {
            convert: true,
            tags: false,
            paths: crate::args::load_options(allow_any_path).paths,
            ..Default::default()
        };
        let plan = if ext == "cue" {
            audio::load_cue(path, &opts)
        } else {
            audio::load_toc(path, &opts)
        }
        .ok()?
        .plan;
        let file = plan
            .tracks
            .iter()
            .flat_map(|t| &t.segments)
            .find_map(|s| match s {
                Segment::Decoded { path, .. } => Some(path.clone()),
                _ => None,
            })?;
        let mut head = Vec::new();
        std::fs::File::open(&file)
            .ok()?
            .take(1 << 16)
            .read_to_end(&mut head)
            .ok()?;
        let kind = audio::sniff(&head).map_or("compressed", |c| c.name());
        Some((file, kind))
    }
    #[cfg(not(feature = "audio"))]
    {
        let _ = (path, ext, allow_any_path);
        None
    }
}

/// What a file given to `verify` without a sheet's extension is, when its content shows it is
/// not a raw stream: a file system or audio (by content, never by name). Images of other tools
/// never get here (`check_with` reads them). `None` lets the raw-stream checks run.
fn not_a_raw_stream(path: &Path) -> Option<String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return Some(
            "is not a regular file (a pipe or device): verify maps the image and needs a file"
                .into(),
        );
    }
    let mut f = std::fs::File::open(path).ok()?;
    let mut head = Vec::new();
    f.by_ref().take(1 << 16).read_to_end(&mut head).ok()?;
    if head.get(32769..32774) == Some(b"CD001") && meta.len() % 2048 == 0 {
        return Some(
            "is an ISO 9660 file system (2048-byte sectors), not a disc image: rawcd image makes one of it"
                .into(),
        );
    }
    rawcd::formats::audio::sniff(&head).map(|c| {
        format!(
            "is {} audio, not a disc image: rawcd image makes one of it",
            c.name()
        )
    })
}

/// Checks the sectors a plan's files hold (a sheet's or an image's), as laid out.
fn check_plan(plan: &rawcd::formats::DiscPlan) -> Result<Report, CliError> {
    Ok(verify_map_sources(&plan::examine(plan)?)?)
}

/// What the report could not check, in words (empty when it checked something of every
/// kind it could).
pub fn unchecked(r: &Report) -> Option<String> {
    let audio = r.sectors.saturating_sub(r.data_sectors);
    match (r.data_sectors, r.q_sectors) {
        (0, 0) => Some(format!(
            "nothing could be checked: the {audio} sectors are audio (no sync, header, EDC or ECC to check) and the image has no subchannel (no Q to check)"
        )),
        (_, 0) if audio == 0 => {
            Some("the image has no subchannel, so no Q frame was checked".to_string())
        }
        (_, 0) => Some(format!(
            "the image has no subchannel, so no Q frame was checked, and its {audio} audio sectors have no header, EDC or ECC to check"
        )),
        _ => None,
    }
}

/// The report as one JSON object.
pub fn json(path: &Path, r: &Report) -> String {
    use crate::json::json_str;
    let probs: Vec<String> = r
        .problems
        .iter()
        .map(|p| format!("{{\"lba\": {}, \"what\": {}}}", p.lba, json_str(&p.what)))
        .collect();
    let notes: Vec<String> = r.notes.iter().map(|n| json_str(n)).collect();
    format!(
        "{{\"image\": {}, \"sectors\": {}, \"data_sectors_checked\": {}, \"q_frames_checked\": {}, \"ok\": {}, \"unchecked\": {}, \"notes\": [{}], \"problems\": [{}]}}",
        json_str(&path.display().to_string()),
        r.sectors,
        r.data_sectors,
        r.q_sectors,
        r.ok(),
        unchecked(r).map_or("null".into(), |u| json_str(&u)),
        notes.join(", "),
        probs.join(", ")
    )
}

/// Prints a report: one line per problem (up to `max`), then a summary.
pub fn print(path: &Path, r: &Report, max: usize) {
    for p in r.problems.iter().take(max) {
        println!("{}: LBA {}: {}", path.display(), p.lba, p.what);
    }
    for n in &r.notes {
        println!("{}: note: {n}", path.display());
    }
    if r.problems.len() > max {
        println!(
            "{}: … {} more problems",
            path.display(),
            r.problems.len() - max
        );
    }
    println!(
        "{}: {} sectors, {} data sectors checked, {} Q frames checked: {}",
        path.display(),
        r.sectors,
        r.data_sectors,
        r.q_sectors,
        match (r.ok(), unchecked(r)) {
            (false, _) => format!(
                "{} problem{}",
                r.problems.len(),
                if r.problems.len() == 1 { "" } else { "s" }
            ),
            (true, None) => "OK".to_string(),
            (true, Some(u)) if r.data_sectors == 0 && r.q_sectors == 0 => {
                format!("no problem found, but {u}")
            }
            (true, Some(u)) => format!("OK; {u}"),
        }
    );
}

/// Runs `rawcd verify`.
pub fn run(a: VerifyArgs) -> CliResult {
    let r = check_with(
        &a.image,
        a.subchannel,
        a.leadin.as_deref(),
        a.allow_any_path,
    )?;
    if a.json {
        println!("{}", json(&a.image, &r));
    } else {
        print(&a.image, &r, a.max_problems);
    }
    Ok(if r.ok() { 0 } else { 1 })
}

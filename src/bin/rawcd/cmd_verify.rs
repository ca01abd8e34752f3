//! `rawcd verify`: checks a .cue (+bin), a .ccd (+img, +sub) or a .raw stream.

use std::path::Path;

use rawcd::formats::convert::{plan_to_creator, ConvertOptions};
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
    match ext.as_str() {
        "cue" | "toc" => {
            let plan = if ext == "cue" {
                load_cue_with(path, &opts)
            } else {
                load_toc_with(path, &opts)
            }
            .map_err(bad)?;
            let c = plan_to_creator(
                &plan,
                &ConvertOptions {
                    relaxed: true,
                    regenerate_edc: false,
                    examine: true,
                    ..Default::default()
                },
            )
            .map_err(bad)?;
            let map = c.build().map_err(bad)?;
            Ok(verify_map_sources(&map)?)
        }
        "ccd" => Ok(verify_clonecd(path)?),
        _ if rawcd::formats::image::sniff_path(path).is_some() => {
            // The container first (ECM stream EDC; CHD hunk CRCs and data SHA-1), then every
            // stored raw data sector as for a cue sheet.
            let notes = rawcd::formats::image::verify_container(path).map_err(bad)?;
            let (plan, _) = plan::load_image(path)?;
            let c = plan_to_creator(
                &plan,
                &ConvertOptions {
                    relaxed: true,
                    examine: true,
                    ..Default::default()
                },
            )
            .map_err(bad)?;
            let map = c.build().map_err(bad)?;
            let mut r = verify_map_sources(&map)?;
            r.notes.extend(notes);
            Ok(r)
        }
        _ => {
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

/// What the report could not check, in words (empty when it checked something of every
/// kind it could).
pub fn unchecked(r: &Report) -> Option<String> {
    let audio = r.sectors.saturating_sub(r.data_sectors);
    match (r.data_sectors, r.q_sectors) {
        (0, 0) => Some(format!(
            "nothing could be checked: the {audio} sectors are audio (no sync, header, EDC or ECC to check) and the image has no subchannel (no Q to check)"
        )),
        (_, 0) => Some(format!(
            "{audio} audio sectors carry nothing to check, and without a subchannel no Q frame was checked"
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

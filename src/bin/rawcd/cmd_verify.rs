//! `rawcd verify`: checks a .cue (+bin), a .ccd (+img, +sub) or a .raw stream.

use std::path::Path;

use rawcd::formats::convert::{plan_to_creator, ConvertOptions};
use rawcd::formats::{load_cue, load_toc};
use rawcd::source::Source;
use rawcd::verify::{verify_clonecd, verify_map_sources, verify_raw_source, RawSub, Report};

use crate::args::{Sub, VerifyArgs};
use crate::{plan, CliError, CliResult};

fn bad(e: impl std::fmt::Display) -> CliError {
    CliError::BadInput(e.to_string())
}

/// Checks one image, returning its report.
pub fn check(path: &Path, sub: Option<Sub>, leadin: Option<&str>) -> Result<Report, CliError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "cue" | "toc" => {
            let plan = if ext == "cue" {
                load_cue(path)
            } else {
                load_toc(path)
            }
            .map_err(bad)?;
            let c = plan_to_creator(
                &plan,
                &ConvertOptions {
                    relaxed: true,
                    regenerate_edc: false,
                },
            )
            .map_err(bad)?;
            let map = c.build().map_err(bad)?;
            Ok(verify_map_sources(&map)?)
        }
        "ccd" => Ok(verify_clonecd(path)?),
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
        if r.ok() {
            "OK".to_string()
        } else {
            format!("{} problems", r.problems.len())
        }
    );
}

/// Runs `rawcd verify`.
pub fn run(a: VerifyArgs) -> CliResult {
    let r = check(&a.image, a.subchannel, a.leadin.as_deref())?;
    print(&a.image, &r, a.max_problems);
    Ok(if r.ok() { 0 } else { 1 })
}

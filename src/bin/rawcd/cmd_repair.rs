//! `rawcd repair`: a corrected copy of a .cue, .ccd or .raw image.

use rawcd::verify::repair::repair_image;

use crate::args::RepairArgs;
use crate::{CliError, CliResult};

fn lbas(v: &[i32], max: usize) -> String {
    let mut s: Vec<String> = v.iter().take(max).map(|l| l.to_string()).collect();
    if v.len() > max {
        s.push(format!("… {} more", v.len() - max));
    }
    s.join(", ")
}

/// Runs `rawcd repair`: exit 0 when everything wrong was fixed, 1 when something remains.
pub fn run(a: RepairArgs) -> CliResult {
    if a.output.exists() && a.output.is_dir() {
        return Err(CliError::BadInput(format!(
            "{}: the output prefix is a directory",
            a.output.display()
        )));
    }
    let r = repair_image(&a.image, &a.output)?;
    let p = a.image.display();
    println!(
        "{p}: {} data sectors checked, {} corrected ({} headers rebuilt, {} bytes changed), {} uncorrectable",
        r.data_sectors,
        r.corrected,
        r.headers_rebuilt,
        r.bytes_changed,
        r.uncorrectable.len()
    );
    if !r.uncorrectable.is_empty() {
        println!(
            "{p}: uncorrectable (copied unchanged) at LBA {}",
            lbas(&r.uncorrectable, a.max_problems)
        );
    }
    println!(
        "{p}: {} Q frames regenerated, {} left with a bad CRC",
        r.q_regenerated,
        r.q_unrepaired.len()
    );
    if !r.q_unrepaired.is_empty() {
        println!(
            "{p}: Q frames not certain enough to regenerate at LBA {}",
            lbas(&r.q_unrepaired, a.max_problems)
        );
    }
    for o in &r.outputs {
        println!("wrote {}", o.display());
    }
    Ok(if r.all_fixed() { 0 } else { 1 })
}

//! `rawcd repair`: a corrected copy of a .cue, .ccd or .raw image, or of a Nero, Alcohol,
//! ECM or CHD image as a bin/cue.

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

/// A Nero, Alcohol, ECM or CHD image is repaired as a bin/cue: rawcd writes none of those
/// formats, and bin/cue keeps every stored sector as it is (a CloneCD set would add a `.sub`
/// the image never had) and is the form every burner and reader takes. The image's
/// sectors are first written unchanged (raw sectors pass through as stored, D23; an ECM file
/// decoded, a CHD's hunks decompressed) as a bin/cue beside the output, repaired from there into
/// `OUT.bin` + `OUT.cue`, and the intermediate set removed.
fn repair_converted(a: &RepairArgs) -> Result<rawcd::verify::repair::RepairReport, CliError> {
    let map = crate::plan::examine(&crate::plan::load_image(&a.image)?)?;
    let mut tmp = a.output.as_os_str().to_owned();
    tmp.push(format!(".rawcd-repair-{}", std::process::id()));
    let tmp = std::path::PathBuf::from(tmp);
    let written = crate::cmd_image::write_image(
        &map,
        &tmp,
        crate::args::Format::Bin,
        rawcd::pipeline::PipelineOptions::default(),
        true,
    )?;
    let mut cue = tmp.into_os_string();
    cue.push(".cue");
    let r = repair_image(std::path::Path::new(&cue), &a.output);
    for f in written {
        let _ = std::fs::remove_file(f);
    }
    Ok(r?)
}

/// Runs `rawcd repair`: exit 0 when everything wrong was fixed, 1 when something remains.
pub fn run(a: RepairArgs) -> CliResult {
    if a.output.exists() && a.output.is_dir() {
        return Err(CliError::BadInput(format!(
            "{}: the output prefix is a directory",
            a.output.display()
        )));
    }
    let converted = crate::plan::image_format(&a.image)
        .filter(|&f| f != rawcd::formats::image::ImageFormat::CloneCd);
    let r = match converted {
        Some(_) => repair_converted(&a)?,
        None => repair_image(&a.image, &a.output)?,
    };
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
    if let Some(f) = converted {
        println!(
            "{p}: repaired as bin/cue (rawcd writes no {} images): bin/cue keeps every stored \
             sector as it is (a CloneCD set would add a .sub the image never had) and every \
             burner and reader takes it",
            f.name()
        );
    }
    for o in &r.outputs {
        println!("wrote {}", o.display());
    }
    Ok(if r.all_fixed() { 0 } else { 1 })
}

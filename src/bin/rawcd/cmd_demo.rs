//! `rawcd demo`: a synthesised mixed-mode disc in all four formats, verified.

use std::path::Path;

use rawcd::codec::SectorType;
use rawcd::formats::convert::{plan_to_creator, ConvertOptions};
use rawcd::formats::iso9660::{build_iso, build_iso_at};
use rawcd::formats::load_cue;
use rawcd::layout::{DiscMap, ImageCreator};
use rawcd::pipeline::PipelineOptions;
use rawcd::source::Source;

use crate::args::{DemoArgs, Format};
use crate::{cmd_image, cmd_verify, CliError, CliResult};

/// 16-bit stereo PCM of a sine tone, whole sectors (588 frames each), left and right in phase.
pub fn tone(sectors: usize, freq: f64, amplitude: f64) -> Vec<u8> {
    let frames = sectors * 588;
    let mut v = Vec::with_capacity(frames * 4);
    for i in 0..frames {
        let x = (2.0 * std::f64::consts::PI * freq * i as f64 / 44_100.0).sin();
        let s = ((x * amplitude * 32767.0).round() as i16).to_le_bytes();
        v.extend_from_slice(&s);
        v.extend_from_slice(&s);
    }
    v
}

/// A RIFF/WAVE file around 16-bit stereo 44.1 kHz PCM.
pub fn wav(pcm: &[u8]) -> Vec<u8> {
    let mut v = b"RIFF".to_vec();
    v.extend_from_slice(&(36 + pcm.len() as u32).to_le_bytes());
    v.extend_from_slice(b"WAVEfmt ");
    v.extend_from_slice(&16u32.to_le_bytes());
    v.extend_from_slice(&1u16.to_le_bytes());
    v.extend_from_slice(&2u16.to_le_bytes());
    v.extend_from_slice(&44_100u32.to_le_bytes());
    v.extend_from_slice(&176_400u32.to_le_bytes());
    v.extend_from_slice(&4u16.to_le_bytes());
    v.extend_from_slice(&16u16.to_le_bytes());
    v.extend_from_slice(b"data");
    v.extend_from_slice(&(pcm.len() as u32).to_le_bytes());
    v.extend_from_slice(pcm);
    v
}

const SHEET: &str = r#"REM rawcd demo: a Mode 1 data track with an ISO 9660 file system and two audio tracks
CATALOG 0724385356926
TITLE "rawcd demo"
PERFORMER "rawcd"
FILE "demo.iso" BINARY
  TRACK 01 MODE1/2048
    TITLE "Data"
    PERFORMER "rawcd"
    INDEX 01 00:00:00
    POSTGAP 00:02:00
FILE "track02.wav" WAVE
  TRACK 02 AUDIO
    TITLE "A4, 440 Hz"
    PERFORMER "rawcd"
    FLAGS DCP
    ISRC USRC17607839
    PREGAP 00:02:00
    INDEX 01 00:00:00
    INDEX 02 00:04:00
FILE "track03.wav" WAVE
  TRACK 03 AUDIO
    TITLE "E5, 660 Hz"
    PERFORMER "rawcd"
    FLAGS PRE
    PREGAP 00:02:00
    INDEX 01 00:00:00
"#;

fn write(p: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(p, bytes).map_err(|e| CliError::Io(format!("{}: {e}", p.display())))
}

/// Runs `rawcd demo`.
pub fn run(a: DemoArgs) -> CliResult {
    let inputs = a.out_dir.join("inputs");
    std::fs::create_dir_all(&inputs)
        .map_err(|e| CliError::Io(format!("{}: {e}", inputs.display())))?;
    let readme = b"This disc was made by rawcd demo: every sector of it was encoded bit-exactly\n\
(sync, header, EDC, ECC, scrambling, P-W subchannel) from this ISO 9660 image\nand two WAV files.\n";
    let iso = build_iso(
        "RAWCD_DEMO",
        &[("README.TXT", &readme[..]), ("SHEET.CUE", SHEET.as_bytes())],
        300,
    );
    write(&inputs.join("demo.iso"), &iso)?;
    write(&inputs.join("track02.wav"), &wav(&tone(600, 440.0, 0.5)))?;
    write(&inputs.join("track03.wav"), &wav(&tone(450, 659.255, 0.5)))?;
    let sheet = inputs.join("demo.cue");
    write(&sheet, SHEET.as_bytes())?;
    let plan = load_cue(&sheet).map_err(|e| CliError::BadInput(e.to_string()))?;
    let c = plan_to_creator(&plan, &ConvertOptions::default())
        .map_err(|e| CliError::BadInput(e.to_string()))?;
    let map = c.build()?;
    println!(
        "rawcd demo: {} tracks (Mode 1 ISO 9660, two audio tones with pre-gaps, INDEX 02, DCP, PRE), \
         MCN {}, ISRC on track 2, CD-Text titles; lead-out at LBA {}, last used user sector {}",
        map.tracks().len(),
        map.mcn().map_or("-".into(), |m| m.to_string()),
        map.start_of_leadout(),
        map.last_used_user_sector()
    );
    let prefix = a.out_dir.join("demo");
    let mut all_ok = true;
    for (format, check) in [
        (Format::Bin, "cue"),
        (Format::Clonecd, "ccd"),
        (Format::Raw, "raw"),
        (Format::Cdrdao, "toc"),
    ] {
        // The cdrdao set has its own name: its .bin would otherwise replace the bin/cue's.
        let prefix = if format == Format::Cdrdao {
            a.out_dir.join("demo-cdrdao")
        } else {
            prefix.clone()
        };
        let files =
            cmd_image::write_image(&map, &prefix, format, PipelineOptions::default(), true)?;
        let target = prefix.with_extension(check);
        let r = cmd_verify::check(&target, None, None)?;
        all_ok &= r.ok();
        let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        println!(
            "  {:<8} {}  verify: {} sectors, {} data sectors, {} Q frames: {}",
            match format {
                Format::Bin => "bin/cue",
                Format::Clonecd => "CloneCD",
                Format::Raw => "raw",
                Format::Cdrdao => "cdrdao",
            },
            names.join(" "),
            r.sectors,
            r.data_sectors,
            r.q_sectors,
            if r.ok() {
                "OK".to_string()
            } else {
                format!("{} problems", r.problems.len())
            }
        );
        if !r.ok() {
            for p in r.problems.iter().take(10) {
                println!("    LBA {}: {}", p.lba, p.what);
            }
        }
    }
    println!(
        "  inputs in {} (demo.iso, track02.wav, track03.wav, demo.cue); try: rawcd toc {}",
        inputs.display(),
        sheet.display()
    );
    all_ok &= enhanced_cd(&a.out_dir)?;
    Ok(if all_ok { 0 } else { 1 })
}

/// An Enhanced CD (CD-Extra, cd-format §10.7): two audio tracks in session 1, a Mode 2 Form 1
/// track with an ISO 9660 file system mastered for its place in session 2; written as the
/// redump bin/cue, CloneCD and the raw stream, each verified. True when all verify.
fn enhanced_cd(dir: &Path) -> Result<bool, CliError> {
    let build = |iso: Vec<u8>| -> Result<DiscMap, CliError> {
        let mut c = ImageCreator::new();
        c.add_track(
            SectorType::Audio,
            Source::from_bytes(tone(450, 523.251, 0.5)),
        )?;
        c.add_track(SectorType::Audio, Source::from_bytes(tone(400, 392.0, 0.5)))?;
        c.new_session()?;
        c.add_track(SectorType::Mode2Form1, Source::from_bytes(iso))?;
        Ok(c.build()?)
    };
    let readme = b"The data session of an Enhanced CD made by rawcd demo: CD players see the
two tones of session 1 only; a computer reads this file system in session 2.
";
    let files: [(&str, &[u8]); 1] = [("README.TXT", &readme[..])];
    // Where the data track lands decides the addresses its file system records.
    let start = build(build_iso("RAWCD_EXTRA", &files, 300))?.tracks()[2].index01;
    let map = build(build_iso_at("RAWCD_EXTRA", &files, 300, start as u32))?;
    let s = map.sessions();
    println!(
        "rawcd demo: an Enhanced CD: session 1 tracks {}..{} (audio, lead-out at LBA {}), session 2 track {} (Mode 2 Form 1, ISO 9660 at LBA {start}, lead-in from LBA {}), B0 = LBA {}",
        s[0].first_track,
        s[0].last_track,
        s[0].leadout_lba,
        s[1].first_track,
        s[1].leadin_lba,
        s[0].next_session_start.unwrap_or(0)
    );
    let prefix = dir.join("enhanced");
    let mut all_ok = true;
    for (format, check) in [
        (Format::Bin, "cue"),
        (Format::Clonecd, "ccd"),
        (Format::Raw, "raw"),
    ] {
        let files =
            cmd_image::write_image(&map, &prefix, format, PipelineOptions::default(), true)?;
        let r = cmd_verify::check(&prefix.with_extension(check), None, None)?;
        all_ok &= r.ok();
        println!(
            "  {:<8} {} file(s), {}  verify: {} sectors, {} Q frames: {}",
            match format {
                Format::Bin => "redump",
                Format::Clonecd => "CloneCD",
                _ => "raw",
            },
            files.len(),
            prefix.with_extension(check).display(),
            r.sectors,
            r.q_sectors,
            if r.ok() {
                "OK".to_string()
            } else {
                format!("{} problems", r.problems.len())
            }
        );
        for p in r.problems.iter().take(10) {
            println!("    LBA {}: {}", p.lba, p.what);
        }
    }
    Ok(all_ok)
}

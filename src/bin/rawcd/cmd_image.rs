//! `rawcd image`: bin/cue, CloneCD or the raw drive stream, through the pipeline, atomically.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rawcd::codec::cdtext::CdText;
use rawcd::formats::ccd::write_ccd;
use rawcd::formats::cue_write::write_cue;
use rawcd::layout::DiscMap;
use rawcd::pipeline::{PipelineOptions, ResultImage, SectorForm};
use rawcd::sink::{AtomicFile, ImageSink, RawSink, SplitSink};

use crate::args::{Format, ImageArgs};
use crate::{plan, progress, CliError, CliResult};

fn with_ext(out: &Path, ext: &str) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

fn io(e: impl std::fmt::Display) -> CliError {
    CliError::Io(e.to_string())
}

/// Streams `img` into `sink`, with progress and Ctrl-C.
pub fn stream<S: ImageSink<Error = rawcd::Error>>(
    mut img: ResultImage,
    sink: &mut S,
    quiet: bool,
) -> Result<(), CliError> {
    let line = progress::Line::new(img.progress(), quiet);
    let t = Instant::now();
    let total = img.progress().snapshot().total_sectors;
    sink.begin(img.form(), total).map_err(io)?;
    while let Some(b) = img.next_batch() {
        if progress::interrupted() {
            img.cancel();
            line.finish();
            return Err(CliError::Io("interrupted".into()));
        }
        let b = b.map_err(|e| {
            line.finish();
            CliError::from(e)
        })?;
        sink.write_batch(&b).map_err(|e| {
            line.finish();
            io(e)
        })?;
        line.tick(t.elapsed());
    }
    line.finish();
    sink.finish().map_err(io)
}

/// Writes a small text file atomically.
pub fn write_text(path: &Path, text: &str) -> Result<(), CliError> {
    let mut f = AtomicFile::create(path).map_err(io)?;
    f.write_all(text.as_bytes())
        .map_err(|e| CliError::Io(format!("{}: {e}", path.display())))?;
    f.commit().map_err(io)
}

/// The decoded CD-Text of the map, if any.
pub fn cdtext_of(map: &DiscMap) -> Option<CdText> {
    map.cdtext().and_then(|c| CdText::decode(c.packs()).ok())
}

/// Writes `map` in `format` under the prefix `out`.
pub fn write_image(
    map: &DiscMap,
    out: &Path,
    format: Format,
    opts: PipelineOptions,
    quiet: bool,
) -> Result<Vec<PathBuf>, CliError> {
    let leadout = map.start_of_leadout();
    if map.tracks()[0].index01 > 0 && format != Format::Raw {
        eprintln!(
            "rawcd: warning: hidden track one audio before LBA 0 cannot be stored in a {} image; it is in the raw stream only",
            if format == Format::Bin { "bin" } else { "CloneCD" }
        );
    }
    match format {
        Format::Bin => {
            let bin = with_ext(out, "bin");
            let cue = with_ext(out, "cue");
            let img = ResultImage::new(
                map,
                PipelineOptions {
                    form: Some(SectorForm::Main),
                    scramble: false,
                    range: Some((0, leadout)),
                    ..opts
                },
            )?;
            let mut sink = SplitSink::create(&bin, None).map_err(io)?;
            stream(img, &mut sink, quiet)?;
            let name = bin
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            write_text(&cue, &write_cue(map, &name, cdtext_of(map).as_ref()))?;
            Ok(vec![bin, cue])
        }
        Format::Clonecd => {
            let (imgp, subp, ccdp) = (
                with_ext(out, "img"),
                with_ext(out, "sub"),
                with_ext(out, "ccd"),
            );
            let img = ResultImage::new(
                map,
                PipelineOptions {
                    form: Some(SectorForm::Linear96),
                    scramble: false,
                    range: Some((0, leadout)),
                    ..opts
                },
            )?;
            let mut sink = SplitSink::create(&imgp, Some(&subp)).map_err(io)?;
            stream(img, &mut sink, quiet)?;
            let packs = map.cdtext().map(|c| c.packs().to_vec());
            write_text(&ccdp, &write_ccd(map, packs.as_deref()))?;
            Ok(vec![imgp, ccdp, subp])
        }
        Format::Raw => {
            let raw = with_ext(out, "raw");
            let img = ResultImage::new(
                map,
                PipelineOptions {
                    scramble: true,
                    ..opts
                },
            )?;
            let mut sink = RawSink::create(&raw).map_err(io)?;
            stream(img, &mut sink, quiet)?;
            Ok(vec![raw])
        }
    }
}

/// Runs `rawcd image`.
pub fn run(a: ImageArgs) -> CliResult {
    progress::install_interrupt();
    let mut c = plan::creator(&a.src, false)?;
    c.set_leadin(plan::leadin(&a.leadin)?);
    c.set_result_type(plan::sub(a.subchannel));
    let map = c.build()?;
    for w in map.warnings() {
        eprintln!("rawcd: warning: {w}");
    }
    let mut opts = PipelineOptions {
        buffer_bytes: a.buffer_mb.max(1) << 20,
        ..Default::default()
    };
    if let Some(t) = a.threads {
        opts.threads = t.max(1);
    }
    let t = Instant::now();
    let files = write_image(&map, &a.out, a.format, opts, a.quiet)?;
    if !a.quiet {
        let secs = t.elapsed().as_secs_f64();
        for f in &files {
            eprintln!("rawcd: wrote {}", f.display());
        }
        eprintln!(
            "rawcd: {} tracks, lead-out at LBA {}, last used user sector {}, {:.2} s",
            map.tracks().len(),
            map.start_of_leadout(),
            map.last_used_user_sector(),
            secs
        );
    }
    Ok(0)
}

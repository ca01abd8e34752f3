//! `rawcd image`: bin/cue, CloneCD, cdrdao bin/toc or the raw drive stream, through the
//! pipeline; every output set appears whole or not at all (`rawcd::sink::commit_set`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rawcd::codec::cdtext::CdText;
use rawcd::formats::ccd::write_ccd;
use rawcd::formats::cue_write::{track_file_start, write_cue, write_cue_per_track};
use rawcd::formats::toc_write::write_toc;
use rawcd::layout::DiscMap;
use rawcd::pipeline::{PipelineOptions, ResultImage, SectorForm};
use rawcd::sink::{
    commit_set, remove_stale_temporaries, AtomicFile, FailPoint, ImageSink, RawSink, SplitSink,
    WriterSink,
};

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

fn bad(m: String) -> CliError {
    CliError::BadInput(m)
}

/// The files of an output set, data files first and the descriptor last.
pub fn members(out: &Path, format: Format) -> Vec<PathBuf> {
    let exts: &[&str] = match format {
        Format::Bin => &["bin", "cue"],
        Format::Clonecd => &["img", "sub", "ccd"],
        Format::Raw => &["raw"],
        Format::Cdrdao => &["bin", "toc"],
    };
    exts.iter().map(|e| with_ext(out, e)).collect()
}

/// The files of a multi-session `bin` set (the redump form, D27): `OUT (Track NN).bin` per
/// track, then `OUT.cue`.
pub fn redump_members(out: &Path, map: &DiscMap) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = map
        .tracks()
        .iter()
        .map(|t| {
            let mut s = out.as_os_str().to_owned();
            s.push(format!(" (Track {:02}).bin", t.number));
            PathBuf::from(s)
        })
        .collect();
    v.push(with_ext(out, "cue"));
    v
}

/// A failure injected by the environment (`RAWCD_INJECT_FAILURE=EXT:write|sync|place`), so the
/// integration tests can show that a failure at any member of any output set leaves nothing.
fn inject(f: &mut AtomicFile) {
    let Ok(spec) = std::env::var("RAWCD_INJECT_FAILURE") else {
        return;
    };
    let Some((ext, point)) = spec.split_once(':') else {
        return;
    };
    if f.path().extension().and_then(|e| e.to_str()) != Some(ext) {
        return;
    }
    let p = match point {
        // Data files fail mid-stream, descriptors at their first bytes.
        "write" => FailPoint::Write {
            after_bytes: if matches!(ext, "cue" | "ccd" | "toc") {
                16
            } else {
                20_000
            },
        },
        "sync" => FailPoint::Sync,
        "place" => FailPoint::Place,
        _ => return,
    };
    f.inject_failure(p);
}

/// Streams `img` into `sink`, with progress and Ctrl-C / SIGTERM / SIGHUP.
pub fn stream<S: ImageSink<Error = rawcd::Error>>(
    img: ResultImage,
    sink: &mut S,
    quiet: bool,
) -> Result<(), CliError> {
    let total = img.progress().snapshot().total_sectors;
    sink.begin(img.form(), total).map_err(io)?;
    stream_batches(img, sink, quiet)?;
    sink.finish().map_err(io)
}

/// Streams the LBA ranges `ranges` of `map` one after the other into `sink` (a CloneCD set of
/// a multi-session disc: every session's program area, the gaps left out, D27).
fn stream_ranges<S: ImageSink<Error = rawcd::Error>>(
    map: &DiscMap,
    ranges: &[(i32, i32)],
    opts: &PipelineOptions,
    sink: &mut S,
    quiet: bool,
) -> Result<(), CliError> {
    let total: u64 = ranges.iter().map(|&(a, b)| (b - a).max(0) as u64).sum();
    let form = opts.form.unwrap_or_else(|| map.format().into());
    sink.begin(form, total).map_err(io)?;
    for &r in ranges {
        let img = ResultImage::new(
            map,
            PipelineOptions {
                range: Some(r),
                ..opts.clone()
            },
        )?;
        stream_batches(img, sink, quiet)?;
    }
    sink.finish().map_err(io)
}

/// The batches of `img` into `sink` (begun and finished by the caller).
fn stream_batches<S: ImageSink<Error = rawcd::Error>>(
    mut img: ResultImage,
    sink: &mut S,
    quiet: bool,
) -> Result<(), CliError> {
    let line = progress::Line::new(img.progress(), quiet);
    let t = Instant::now();
    while let Some(b) = img.next_batch() {
        if progress::interrupted() {
            img.cancel();
            line.finish();
            return Err(CliError::Io(
                "interrupted by a signal; nothing was written".into(),
            ));
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
    Ok(())
}

/// A small text file as an uncommitted member of an output set.
fn text_member(path: &Path, text: &str) -> Result<AtomicFile, CliError> {
    let mut f = AtomicFile::create(path).map_err(io)?;
    inject(&mut f);
    f.write_all(text.as_bytes())
        .map_err(|e| CliError::Io(format!("{}: {e}", path.display())))?;
    Ok(f)
}

/// The decoded CD-Text of the map, if any.
pub fn cdtext_of(map: &DiscMap) -> Option<CdText> {
    map.cdtext().and_then(|c| CdText::decode(c.packs()).ok())
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// Streams LBAs `range` as unscrambled 2352-byte sectors into `bin` (the program area LBA
/// 0 .. lead-out, or one track of the redump form), returning the uncommitted file.
fn program_area(
    map: &DiscMap,
    bin: &Path,
    range: (i32, i32),
    opts: PipelineOptions,
    quiet: bool,
) -> Result<Vec<AtomicFile>, CliError> {
    let img = ResultImage::new(
        map,
        PipelineOptions {
            form: Some(SectorForm::Main),
            scramble: false,
            range: Some(range),
            ..opts
        },
    )?;
    let mut sink = SplitSink::create(bin, None).map_err(io)?.defer_commit();
    if let Some(f) = sink.file_mut(false) {
        inject(f);
    }
    stream(img, &mut sink, quiet)?;
    Ok(sink.into_files())
}

/// Writes `map` in `format` under the prefix `out` (`-` with `Raw`: stdout). Every file of
/// the set appears together, or none does.
pub fn write_image(
    map: &DiscMap,
    out: &Path,
    format: Format,
    opts: PipelineOptions,
    quiet: bool,
) -> Result<Vec<PathBuf>, CliError> {
    let leadout = map.start_of_leadout();
    let sessions = map.sessions().len();
    if format == Format::Cdrdao && sessions > 1 {
        return Err(bad(format!(
            "--format cdrdao: a cdrdao TOC file cannot describe a disc of {sessions} sessions (cdrdao writes one session per run); write --format bin (a cue with REM SESSION, one .bin per track), clonecd or raw"
        )));
    }
    if map.tracks()[0].index01 > 0 && format != Format::Raw {
        eprintln!(
            "rawcd: warning: hidden track one audio before LBA 0 cannot be stored in a {} image; it is in the raw stream only",
            match format {
                Format::Bin => "bin",
                Format::Cdrdao => "cdrdao",
                _ => "CloneCD",
            }
        );
    }
    let first = map.tracks()[0].number;
    if format == Format::Cdrdao && first != 1 {
        eprintln!(
            "rawcd: warning: a cdrdao TOC file numbers tracks from 1: tracks {first}..{} are written as 1..{}",
            map.tracks()[map.tracks().len() - 1].number,
            map.tracks().len()
        );
    }
    if out == Path::new("-") {
        let img = ResultImage::new(
            map,
            PipelineOptions {
                scramble: true,
                ..opts
            },
        )?;
        let mut sink = WriterSink::new(std::io::stdout().lock(), "<stdout>");
        stream(img, &mut sink, quiet)?;
        return Ok(vec![PathBuf::from("-")]);
    }
    // The fallback of systems without O_TMPFILE, on demand (tests of that path).
    if std::env::var_os("RAWCD_NAMED_TEMPORARIES").is_some() {
        rawcd::sink::set_nameless_temporaries(false);
    }
    let paths = if sessions > 1 && format == Format::Bin {
        redump_members(out, map)
    } else {
        members(out, format)
    };
    for p in &paths {
        for r in remove_stale_temporaries(p) {
            eprintln!(
                "rawcd: removed {}, a temporary file left by an interrupted run",
                r.display()
            );
        }
    }
    let mut files = match format {
        Format::Bin if sessions > 1 => {
            // The redump form (D27): one .bin per track, the gaps between sessions in none.
            let n = map.tracks().len();
            let mut files = Vec::new();
            for (t, p) in map.tracks().iter().zip(&paths) {
                let range = (track_file_start(map, t), t.end);
                files.extend(program_area(map, p, range, opts.clone(), quiet)?);
            }
            let names: Vec<String> = paths[..n].iter().map(|p| file_name(p)).collect();
            let text = write_cue_per_track(map, &names, cdtext_of(map).as_ref());
            files.push(text_member(&paths[n], &text)?);
            files
        }
        Format::Bin | Format::Cdrdao => {
            let mut files = program_area(map, &paths[0], (0, leadout), opts, quiet)?;
            let name = file_name(&paths[0]);
            let text = if format == Format::Bin {
                write_cue(map, &name, cdtext_of(map).as_ref())
            } else {
                write_toc(map, &name, cdtext_of(map).as_ref())
            };
            files.push(text_member(&paths[1], &text)?);
            files
        }
        Format::Clonecd => {
            // Every session's program area, the gaps between sessions left out (D27).
            let ranges: Vec<(i32, i32)> = map
                .sessions()
                .iter()
                .map(|s| {
                    let from = if s.number == 1 {
                        0
                    } else {
                        map.tracks()
                            .iter()
                            .find(|t| t.number == s.first_track)
                            .map_or(s.first_lba, |t| t.index01)
                    };
                    (from, s.leadout_lba)
                })
                .collect();
            let opts = PipelineOptions {
                form: Some(SectorForm::Linear96),
                scramble: false,
                ..opts
            };
            let mut sink = SplitSink::create(&paths[0], Some(&paths[1]))
                .map_err(io)?
                .defer_commit();
            for sub in [false, true] {
                if let Some(f) = sink.file_mut(sub) {
                    inject(f);
                }
            }
            stream_ranges(map, &ranges, &opts, &mut sink, quiet)?;
            let mut files = sink.into_files();
            let packs = map.cdtext().map(|c| c.packs().to_vec());
            files.push(text_member(&paths[2], &write_ccd(map, packs.as_deref()))?);
            files
        }
        Format::Raw => {
            let img = ResultImage::new(
                map,
                PipelineOptions {
                    scramble: true,
                    ..opts
                },
            )?;
            let mut sink = RawSink::create(&paths[0]).map_err(io)?.defer_commit();
            if let Some(f) = sink.file_mut() {
                inject(f);
            }
            stream(img, &mut sink, quiet)?;
            sink.into_files()
        }
    };
    if progress::interrupted() {
        files.clear();
        return Err(CliError::Io(
            "interrupted by a signal; nothing was written".into(),
        ));
    }
    commit_set(files).map_err(io)?;
    Ok(paths)
}

/// True when `a` and `b` name the same existing file (hard links and symlinks included).
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
        return x.dev() == y.dev() && x.ino() == y.ino();
    }
    false
}

#[cfg(not(unix))]
fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// The refusals that must happen before anything is read or written.
fn check_args(a: &ImageArgs) -> Result<(), CliError> {
    let raw = a.format == Format::Raw;
    if a.subchannel.is_some() && !raw {
        return Err(bad(
            "--subchannel applies to --format raw only (bin and cdrdao images have no subchannel; CloneCD's .sub is always 96-byte P-W)".into(),
        ));
    }
    if a.session.is_some() && !raw {
        return Err(bad(
            "--session applies to --format raw only (bin and CloneCD images hold every session)"
                .into(),
        ));
    }
    if a.leadin.is_some() && !raw {
        return Err(bad(
            "--leadin applies to --format raw only (the other formats start at LBA 0)".into(),
        ));
    }
    if let Some(t) = a.threads {
        if !(1..=256).contains(&t) {
            return Err(bad(format!("--threads {t}: must be 1 to 256")));
        }
    }
    if !(1..=4096).contains(&a.buffer_mb) {
        return Err(bad(format!(
            "--buffer-mb {}: must be 1 to 4096",
            a.buffer_mb
        )));
    }
    if a.out == Path::new("-") {
        if !raw {
            return Err(bad(format!(
                "-o -: only --format raw can be written to stdout ({} is several files)",
                match a.format {
                    Format::Bin => "bin",
                    Format::Clonecd => "clonecd",
                    _ => "cdrdao",
                }
            )));
        }
        if a.json {
            return Err(bad(
                "--json and -o - both want stdout; drop one of them".into()
            ));
        }
        if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            return Err(bad(
                "-o -: stdout is a terminal; pipe it into a burner or a file".into(),
            ));
        }
        return Ok(());
    }
    let s = a.out.to_string_lossy();
    let name = a.out.file_name();
    if a.out.is_dir()
        || s.ends_with('/')
        || name.is_none()
        || name.is_some_and(|n| n == "." || n == "..")
    {
        return Err(bad(format!(
            "-o {s}: is a directory; give a path prefix such as {}/disc (writes disc.bin, disc.cue, ...)",
            s.trim_end_matches('/')
        )));
    }
    let inputs = plan::input_files(&a.src);
    for m in members(&a.out, a.format) {
        if let Some(i) = inputs.iter().find(|i| same_file(i, &m)) {
            return Err(bad(format!(
                "-o {s}: {} would overwrite the input {}",
                m.display(),
                i.display()
            )));
        }
    }
    Ok(())
}

fn json_str(s: &str) -> String {
    crate::cmd_toc::json_str(s)
}

/// Runs `rawcd image`.
pub fn run(a: ImageArgs) -> CliResult {
    check_args(&a)?;
    progress::install_interrupt();
    // Decoded audio may hold a quarter of the pipeline buffer ahead, one decoder per thread.
    let decode = plan::Decode {
        ahead_bytes: (a.buffer_mb << 20) / 4,
        decoders: a.threads.unwrap_or(0),
    };
    let mut c = plan::creator_with(&a.src, false, decode)?;
    if let Some(l) = &a.leadin {
        c.set_leadin(plan::leadin(l)?);
    }
    c.set_result_type(plan::sub(a.subchannel.unwrap_or(crate::args::Sub::Raw96)));
    let map = plan::build(&c, &a.src)?;
    plan::print_warnings(&map, &a.src);
    let mut opts = PipelineOptions {
        buffer_bytes: a.buffer_mb << 20,
        ..Default::default()
    };
    if let Some(n) = a.session {
        // One session of the raw stream: what a burner writes for it.
        opts.range = Some(map.session(n)?.range());
    }
    if map.sessions().len() > 1 && a.format == Format::Bin && a.out != Path::new("-") {
        let inputs = plan::input_files(&a.src);
        for m in redump_members(&a.out, &map) {
            if let Some(i) = inputs.iter().find(|i| same_file(i, &m)) {
                return Err(bad(format!(
                    "-o {}: {} would overwrite the input {}",
                    a.out.display(),
                    m.display(),
                    i.display()
                )));
            }
        }
    }
    if let Some(t) = a.threads {
        opts.threads = t;
    }
    let t = Instant::now();
    let quiet = a.quiet || a.json;
    let files = write_image(&map, &a.out, a.format, opts, quiet).map_err(|e| match e {
        // A stream error (a short read, a sector without sync) names the sheet it came from.
        CliError::BadInput(m) => match plan::sheet(&a.src) {
            Some(s) if !m.starts_with(&s.display().to_string()) => {
                CliError::BadInput(format!("{}: {m}", s.display()))
            }
            _ => CliError::BadInput(m),
        },
        e => e,
    })?;
    let secs = t.elapsed().as_secs_f64();
    let n = map.tracks().len();
    if a.json {
        let fl: Vec<String> = files
            .iter()
            .map(|f| {
                let bytes = std::fs::metadata(f).map_or(0, |m| m.len());
                format!(
                    "{{\"path\": {}, \"bytes\": {bytes}}}",
                    json_str(&f.display().to_string())
                )
            })
            .collect();
        let w: Vec<String> = map.warnings().iter().map(|w| json_str(w)).collect();
        println!(
            "{{\"format\": {}, \"files\": [{}], \"tracks\": {n}, \"leadout_lba\": {}, \"last_used_user_sector\": {}, \"seconds\": {secs:.3}, \"warnings\": [{}]}}",
            json_str(&format!("{:?}", a.format).to_lowercase()),
            fl.join(", "),
            map.start_of_leadout(),
            map.last_used_user_sector(),
            w.join(", ")
        );
    } else if !a.quiet {
        for f in &files {
            if f != Path::new("-") {
                eprintln!("rawcd: wrote {}", f.display());
            }
        }
        eprintln!(
            "rawcd: {n} track{}, lead-out at LBA {}, last used user sector {}, {secs:.2} s",
            if n == 1 { "" } else { "s" },
            map.start_of_leadout(),
            map.last_used_user_sector(),
        );
    }
    Ok(0)
}

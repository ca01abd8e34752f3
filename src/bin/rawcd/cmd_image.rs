//! `rawcd image`: bin/cue, CloneCD, cdrdao bin/toc or the raw drive stream. The set is
//! written by the library (`rawcd::sink::set::write_set`, the same function the C ABI's
//! `rawcd_write_image` calls); this file keeps the arguments, the progress line, signals and
//! messages.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rawcd::layout::DiscMap;
use rawcd::pipeline::{PipelineError, PipelineOptions, ProgressHandle};
use rawcd::sink::set::{
    disc_set_members, set_members, write_raw_to, write_set, SetFormat, SetObserver,
};
use rawcd::sink::{remove_stale_temporaries, AtomicFile, FailPoint};

use crate::args::{Format, ImageArgs};
use crate::json::json_str;
use crate::{plan, progress, CliError, CliResult};

fn bad(m: String) -> CliError {
    CliError::BadInput(m)
}

impl Format {
    /// The library's name of the set.
    pub fn set(self) -> SetFormat {
        match self {
            Format::Bin => SetFormat::Bin,
            Format::Clonecd => SetFormat::CloneCd,
            Format::Raw => SetFormat::Raw,
            Format::Cdrdao => SetFormat::Cdrdao,
        }
    }
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

/// The CLI's view of a set being written: a progress line per stream, Ctrl-C / SIGTERM /
/// SIGHUP, and the failure injection of the crash tests.
pub struct Cli {
    quiet: bool,
    line: Option<progress::Line>,
    started: Instant,
}

impl Cli {
    /// An observer that draws a progress line unless `quiet`.
    pub fn new(quiet: bool) -> Cli {
        Cli {
            quiet,
            line: None,
            started: Instant::now(),
        }
    }
}

impl SetObserver for Cli {
    fn file_created(&mut self, file: &mut AtomicFile) {
        inject(file);
    }

    fn stream_started(&mut self, p: &ProgressHandle) {
        self.line = Some(progress::Line::new(p.clone(), self.quiet));
        self.started = Instant::now();
    }

    fn proceed(&mut self) -> bool {
        if let Some(l) = &self.line {
            l.tick(self.elapsed());
        }
        !progress::interrupted()
    }

    fn stream_finished(&mut self) {
        if let Some(l) = self.line.take() {
            l.finish();
        }
    }
}

impl Cli {
    fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

/// A library error of a set run as the CLI reports it (a cancel is the signal's doing).
fn cli_error(e: rawcd::Error) -> CliError {
    match e {
        rawcd::Error::Pipeline(PipelineError::Cancelled) => {
            CliError::Io("interrupted by a signal; nothing was written".into())
        }
        e => CliError::from(e),
    }
}

/// True when the disc holds hidden track one audio before LBA 0 (cd-format §10.6: a special
/// pre-gap, whose first 150 sectors are LBA −150..−1), which a bin, CloneCD or cdrdao set
/// cannot store: they start at LBA 0. Track 1's standard 150-sector pre-gap is generated
/// silence; a longer pre-gap that a sheet or image stores (`INDEX 01` after `00:00:00`, as in
/// libcdio's `p1.nrg`) lies after LBA 0, so the set keeps it. A special pre-gap whose first
/// 150 sectors are digital silence loses nothing either (when its bytes can be looked at; a
/// read-once source is taken to hold audio).
fn audio_before_lba0(map: &DiscMap) -> bool {
    let Some(s) = map.sector(-150) else {
        return false;
    };
    let rawcd::layout::MainSource::Source { source, offset, .. } = s.main else {
        return false;
    };
    let Some(bytes) = map.sources()[source].bytes() else {
        return true;
    };
    let end = offset.saturating_add(150 * 2352).min(bytes.len() as u64);
    bytes
        .get(offset as usize..end as usize)
        .is_none_or(|b| b.iter().any(|&x| x != 0))
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
    if format != Format::Raw && audio_before_lba0(map) {
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
    let mut obs = Cli::new(quiet);
    if out == Path::new("-") {
        write_raw_to(map, std::io::stdout().lock(), "<stdout>", opts, &mut obs)
            .map_err(cli_error)?;
        return Ok(vec![PathBuf::from("-")]);
    }
    // The fallback of systems without O_TMPFILE, on demand (tests of that path).
    if std::env::var_os("RAWCD_NAMED_TEMPORARIES").is_some() {
        rawcd::sink::set_nameless_temporaries(false);
    }
    for p in disc_set_members(map, out, format.set()) {
        for r in remove_stale_temporaries(&p) {
            eprintln!(
                "rawcd: removed {}, a temporary file left by an interrupted run",
                r.display()
            );
        }
    }
    write_set(map, out, format.set(), opts, &mut obs).map_err(cli_error)
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
    for m in set_members(&a.out, a.format.set()) {
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
    if let Some(t) = a.threads {
        opts.threads = t;
    }
    if let Some(n) = a.session {
        // One session of the raw stream: what a burner writes for it.
        opts.range = Some(map.session(n)?.range());
    }
    if a.out != Path::new("-") {
        // A multi-session bin set's member names depend on the disc (one .bin per track).
        let inputs = plan::input_files(&a.src);
        for m in disc_set_members(&map, &a.out, a.format.set()) {
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
            // The `--format` value as the user types it (not a Rust debug name).
            json_str(
                clap::ValueEnum::to_possible_value(&a.format)
                    .as_ref()
                    .map_or("", |v| v.get_name())
            ),
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

#[cfg(test)]
mod tests {
    use super::audio_before_lba0;
    use rawcd::codec::SectorType;
    use rawcd::layout::ImageCreator;
    use rawcd::source::Source;

    fn disc(special_pregap: Option<u8>) -> rawcd::layout::DiscMap {
        let mut c = ImageCreator::new();
        if let Some(b) = special_pregap {
            c.add_special_pregap(Source::from_bytes(vec![b; 200 * 2352]))
                .unwrap();
        }
        c.add_track(SectorType::Audio, Source::from_bytes(vec![7u8; 300 * 2352]))
            .unwrap();
        c.build().unwrap()
    }

    #[test]
    fn only_a_special_pregap_holding_sound_is_audio_before_lba_0() {
        assert!(audio_before_lba0(&disc(Some(1))));
        assert!(!audio_before_lba0(&disc(Some(0))), "digital silence");
        assert!(!audio_before_lba0(&disc(None)));
    }
}

//! Output sets: the files of `rawcd image --format` (and of the C ABI's `rawcd_write_image`)
//! written in one place. A set is a prefix and a format; its members are written under names
//! nobody sees (`AtomicFile`), and [`write_set`] gives them their names together at the end, so
//! a failed or cancelled run leaves no member behind (nor a half-replaced old set).
//!
//! The caller sees the run through a [`SetObserver`]: each member file as it is created (the
//! CLI's failure injection for its crash tests), each stream as it starts (a progress line) and
//! each batch written (where a caller may stop the run).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::formats::write::ccd::write_ccd;
use crate::formats::write::cue::{track_file_start, write_cue, write_cue_per_track};
use crate::formats::write::toc::write_toc;
use crate::layout::{DiscMap, LayoutError};
use crate::pipeline::{PipelineError, PipelineOptions, ProgressHandle, ResultImage, SectorForm};

use super::atomic::{commit_set, io_err, AtomicFile};
use super::{ImageSink, RawSink, SplitSink, WriterSink};

/// The file sets rawcd writes (interface.md §2, `--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetFormat {
    /// `OUT.bin` + `OUT.cue`: the program area, 2352 bytes per sector, unscrambled.
    Bin,
    /// `OUT.img` + `OUT.sub` + `OUT.ccd`: CloneCD (`.sub` 96 linear P–W bytes per sector).
    CloneCd,
    /// `OUT.raw`: the raw DAO stream, lead-in to lead-out, data sectors scrambled.
    Raw,
    /// `OUT.bin` + `OUT.toc`: a cdrdao TOC file over the same bin as [`SetFormat::Bin`].
    Cdrdao,
}

impl SetFormat {
    /// The member extensions, data files first and the descriptor last.
    pub const fn extensions(self) -> &'static [&'static str] {
        match self {
            SetFormat::Bin => &["bin", "cue"],
            SetFormat::CloneCd => &["img", "sub", "ccd"],
            SetFormat::Raw => &["raw"],
            SetFormat::Cdrdao => &["bin", "toc"],
        }
    }

    /// The name used in messages and JSON (`bin`, `clonecd`, `raw`, `cdrdao`).
    pub const fn name(self) -> &'static str {
        match self {
            SetFormat::Bin => "bin",
            SetFormat::CloneCd => "clonecd",
            SetFormat::Raw => "raw",
            SetFormat::Cdrdao => "cdrdao",
        }
    }
}

/// `out` with `.ext` appended (`disc` → `disc.bin`; a dot already in the prefix stays).
pub fn with_ext(out: &Path, ext: &str) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

/// The member files of the set `format` under the prefix `out`, data files first and the
/// descriptor last.
pub fn set_members(out: &Path, format: SetFormat) -> Vec<PathBuf> {
    format
        .extensions()
        .iter()
        .map(|e| with_ext(out, e))
        .collect()
}

/// The member files [`write_set`] writes for `map`: [`set_members`], except that the `bin` set
/// of a multi-session disc is the redump form (D27), `OUT (Track NN).bin` per track then
/// `OUT.cue`.
pub fn disc_set_members(map: &DiscMap, out: &Path, format: SetFormat) -> Vec<PathBuf> {
    if format != SetFormat::Bin || map.sessions().len() < 2 {
        return set_members(out, format);
    }
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

/// Every session's program area: session 1 from LBA 0, a later one from its first INDEX 01,
/// each to its lead-out (what a CloneCD `.img` holds: the gaps between sessions left out, D27).
pub fn program_ranges(map: &DiscMap) -> Vec<(i32, i32)> {
    map.sessions()
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
        .collect()
}

/// What a caller of [`write_set`] sees of the run. Every method has a default that does
/// nothing, so `&mut ()` is a silent observer.
pub trait SetObserver {
    /// A member file was created (not yet named); called before anything is written to it.
    fn file_created(&mut self, _file: &mut AtomicFile) {}

    /// A stream of sectors starts (one per set); `progress` can be read from any thread.
    fn stream_started(&mut self, _progress: &ProgressHandle) {}

    /// Asked after each batch written and once more before the set is given its names.
    /// Returning `false` cancels the run: nothing of the set is kept and [`write_set`] returns
    /// a [`PipelineError::Cancelled`].
    fn proceed(&mut self) -> bool {
        true
    }

    /// The stream ended (after its last batch, or on an error or a cancel).
    fn stream_finished(&mut self) {}
}

impl SetObserver for () {}

/// Streams `img` into `sink`, telling `obs`.
fn pump<S: ImageSink<Error = Error>>(
    img: ResultImage,
    sink: &mut S,
    obs: &mut dyn SetObserver,
) -> Result<(), Error> {
    let total = img.progress().snapshot().total_sectors;
    sink.begin(img.form(), total)?;
    pump_batches(img, sink, obs)?;
    sink.finish()
}

/// The batches of `img` into `sink` (begun and finished by the caller), telling `obs`.
fn pump_batches<S: ImageSink<Error = Error>>(
    mut img: ResultImage,
    sink: &mut S,
    obs: &mut dyn SetObserver,
) -> Result<(), Error> {
    obs.stream_started(&img.progress());
    let r = (|| {
        while let Some(b) = img.next_batch() {
            sink.write_batch(&b?)?;
            if !obs.proceed() {
                img.cancel();
                return Err(PipelineError::Cancelled.into());
            }
        }
        Ok(())
    })();
    obs.stream_finished();
    r
}

/// Streams the LBA `ranges` of `map` in `form`, unscrambled, one after the other into `main`
/// (and `sub`), returning the uncommitted files: the program area (LBA 0 .. lead-out), one
/// track of the redump form, or every session's program area ([`program_ranges`]).
fn program_area(
    map: &DiscMap,
    main: &Path,
    sub: Option<&Path>,
    form: SectorForm,
    ranges: &[(i32, i32)],
    opts: PipelineOptions,
    obs: &mut dyn SetObserver,
) -> Result<Vec<AtomicFile>, Error> {
    let mut sink = SplitSink::create(main, sub)?.defer_commit();
    for s in [false, true] {
        if let Some(f) = sink.file_mut(s) {
            obs.file_created(f);
        }
    }
    let total = ranges.iter().map(|&(a, b)| (b - a).max(0) as u64).sum();
    sink.begin(form, total)?;
    for &r in ranges {
        let img = ResultImage::new(
            map,
            PipelineOptions {
                form: Some(form),
                scramble: false,
                range: Some(r),
                ..opts.clone()
            },
        )?;
        pump_batches(img, &mut sink, obs)?;
    }
    sink.finish()?;
    Ok(sink.into_files())
}

/// The whole raw stream of `map` (data sectors scrambled), in its result type.
fn raw_stream(map: &DiscMap, opts: PipelineOptions) -> Result<ResultImage, Error> {
    ResultImage::new(
        map,
        PipelineOptions {
            scramble: true,
            ..opts
        },
    )
}

/// A small text file as an uncommitted member of a set.
fn text_member(path: &Path, text: &str, obs: &mut dyn SetObserver) -> Result<AtomicFile, Error> {
    let mut f = AtomicFile::create(path)?;
    obs.file_created(&mut f);
    f.write_all(text.as_bytes()).map_err(|e| io_err(path, e))?;
    Ok(f)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// Writes `map` as the set `format` under the prefix `out` and returns the member paths. Every
/// member appears together, replacing an older set atomically, or none does. `opts` are the
/// pipeline's (threads, buffer, engine); its `form` and `scramble` are set here from the
/// format, and its `range` for every format but [`SetFormat::Raw`], which writes `map`'s
/// stream in its result type over `opts.range` (the whole disc when `None`, or one session's
/// range: [`crate::layout::SessionInfo::range`]).
///
/// A multi-session disc (D27): `bin` is the redump form ([`disc_set_members`], a cue with
/// `REM SESSION`), CloneCD holds every session's program area without the gaps with
/// `Sessions=n` in the `.ccd`, and `cdrdao` is refused ([`LayoutError::CdrdaoSessions`]) before
/// any file is created.
///
/// # Errors
/// A member cannot be created or written (nothing is left behind), a source fails while
/// streaming, or the observer cancelled the run ([`PipelineError::Cancelled`]).
pub fn write_set(
    map: &DiscMap,
    out: &Path,
    format: SetFormat,
    opts: PipelineOptions,
    obs: &mut dyn SetObserver,
) -> Result<Vec<PathBuf>, Error> {
    let sessions = map.sessions().len();
    if format == SetFormat::Cdrdao && sessions > 1 {
        return Err(LayoutError::CdrdaoSessions {
            sessions: sessions as u32,
        }
        .into());
    }
    let paths = disc_set_members(map, out, format);
    let program = (0, map.start_of_leadout());
    let mut files = match format {
        SetFormat::Bin if sessions > 1 => {
            // The redump form (D27): one .bin per track, the gaps between sessions in none.
            let n = map.tracks().len();
            let mut files = Vec::new();
            for (t, p) in map.tracks().iter().zip(&paths) {
                let range = [(track_file_start(map, t), t.end)];
                let f = program_area(map, p, None, SectorForm::Main, &range, opts.clone(), obs)?;
                files.extend(f);
            }
            let names: Vec<String> = paths[..n].iter().map(|p| file_name(p)).collect();
            let sheet = write_cue_per_track(map, &names, map.decoded_cdtext().as_ref());
            files.push(text_member(&paths[n], &sheet, obs)?);
            files
        }
        SetFormat::Bin | SetFormat::Cdrdao => {
            let mut files = program_area(
                map,
                &paths[0],
                None,
                SectorForm::Main,
                &[program],
                opts,
                obs,
            )?;
            let name = file_name(&paths[0]);
            let text = map.decoded_cdtext();
            let sheet = if format == SetFormat::Bin {
                write_cue(map, &name, text.as_ref())
            } else {
                write_toc(map, &name, text.as_ref())
            };
            files.push(text_member(&paths[1], &sheet, obs)?);
            files
        }
        SetFormat::CloneCd => {
            let mut files = program_area(
                map,
                &paths[0],
                Some(&paths[1]),
                SectorForm::Linear96,
                &program_ranges(map),
                opts,
                obs,
            )?;
            let packs = map.cdtext().map(|c| c.packs().to_vec());
            files.push(text_member(
                &paths[2],
                &write_ccd(map, packs.as_deref()),
                obs,
            )?);
            files
        }
        SetFormat::Raw => {
            let img = raw_stream(map, opts)?;
            let mut sink = RawSink::create(&paths[0])?.defer_commit();
            if let Some(f) = sink.file_mut() {
                obs.file_created(f);
            }
            pump(img, &mut sink, obs)?;
            sink.into_files()
        }
    };
    // A stop asked for after the last batch (a signal arriving late) still keeps nothing.
    if !obs.proceed() {
        files.clear();
        return Err(PipelineError::Cancelled.into());
    }
    commit_set(files)?;
    Ok(paths)
}

/// Writes `map`'s raw stream (data sectors scrambled, in its result type) to `w`, for a pipe
/// (`rawcd image -o -`); nothing is named or committed.
///
/// # Errors
/// The writer fails, a source fails, or the observer cancelled the run.
pub fn write_raw_to<W: Write>(
    map: &DiscMap,
    w: W,
    name: &str,
    opts: PipelineOptions,
    obs: &mut dyn SetObserver,
) -> Result<(), Error> {
    let img = raw_stream(map, opts)?;
    let mut sink = WriterSink::new(w, name);
    pump(img, &mut sink, obs)
}

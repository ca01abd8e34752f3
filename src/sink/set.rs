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
use crate::formats::write::cue::write_cue;
use crate::formats::write::toc::write_toc;
use crate::layout::DiscMap;
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
    mut img: ResultImage,
    sink: &mut S,
    obs: &mut dyn SetObserver,
) -> Result<(), Error> {
    obs.stream_started(&img.progress());
    let r = (|| {
        let total = img.progress().snapshot().total_sectors;
        sink.begin(img.form(), total)?;
        while let Some(b) = img.next_batch() {
            sink.write_batch(&b?)?;
            if !obs.proceed() {
                img.cancel();
                return Err(PipelineError::Cancelled.into());
            }
        }
        sink.finish()
    })();
    obs.stream_finished();
    r
}

/// Streams the program area (LBA 0 .. lead-out) of `map` in `form`, unscrambled, into `main`
/// (and `sub`), returning the uncommitted files.
fn program_area(
    map: &DiscMap,
    main: &Path,
    sub: Option<&Path>,
    form: SectorForm,
    opts: PipelineOptions,
    obs: &mut dyn SetObserver,
) -> Result<Vec<AtomicFile>, Error> {
    let img = ResultImage::new(
        map,
        PipelineOptions {
            form: Some(form),
            scramble: false,
            range: Some((0, map.start_of_leadout())),
            ..opts
        },
    )?;
    let mut sink = SplitSink::create(main, sub)?.defer_commit();
    for s in [false, true] {
        if let Some(f) = sink.file_mut(s) {
            obs.file_created(f);
        }
    }
    pump(img, &mut sink, obs)?;
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
/// pipeline's (threads, buffer, engine); its `form`, `scramble` and `range` are set here from
/// the format. [`SetFormat::Raw`] writes `map`'s whole stream in its result type.
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
    let paths = set_members(out, format);
    let mut files = match format {
        SetFormat::Bin | SetFormat::Cdrdao => {
            let mut files = program_area(map, &paths[0], None, SectorForm::Main, opts, obs)?;
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

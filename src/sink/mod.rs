//! Consumers of a stream: the [`ImageSink`] trait, atomic output files, and the sinks for
//! raw streams, split main/subchannel files, a null sink and the drive-buffer simulator; and
//! [`set`], the one writer of whole output sets (bin/cue, CloneCD, raw, cdrdao) that the CLI
//! and the C ABI share.
#![forbid(unsafe_code)]

mod atomic;
mod direct;
mod drive_sim;
mod pwrite;
pub mod set;
mod writer;

pub use atomic::{
    commit_set, remove_stale_temporaries, set_nameless_temporaries, AtomicFile, FailPoint,
};
pub use drive_sim::{DriveSimulator, SimReport};
pub use writer::BatchWriter;

use std::io::Write;
use std::path::Path;

use atomic::io_err;

use crate::error::Error;
use crate::pipeline::{ResultImage, SectorBatch, SectorForm};

/// A consumer of sector batches (push model). Returning `Ok(false)` stops the stream early.
pub trait ImageSink {
    /// The sink's error; stream errors convert into it.
    type Error: From<Error>;

    /// Called once before the first batch.
    ///
    /// # Errors
    /// As the sink decides.
    fn begin(&mut self, _form: SectorForm, _total_sectors: u64) -> Result<(), Self::Error> {
        Ok(())
    }

    /// Consumes one batch; `false` stops the stream.
    ///
    /// # Errors
    /// As the sink decides.
    fn write_batch(&mut self, batch: &SectorBatch) -> Result<bool, Self::Error>;

    /// Called once after the last batch.
    ///
    /// # Errors
    /// As the sink decides.
    fn finish(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Pulls every batch of `img` into `sink`, in order.
///
/// # Errors
/// The stream's error or the sink's.
pub fn drain_into<S: ImageSink>(img: &mut ResultImage, sink: &mut S) -> Result<(), S::Error> {
    let total = img.progress().snapshot().total_sectors;
    sink.begin(img.form(), total)?;
    while let Some(b) = img.next_batch() {
        let b = b?;
        if !sink.write_batch(&b)? {
            img.cancel();
            return Ok(());
        }
    }
    sink.finish()
}

/// Writes the stream as it comes to one file (the `raw` output).
#[derive(Debug)]
pub struct RawSink {
    file: Option<AtomicFile>,
    defer: bool,
    writer: Option<BatchWriter>,
}

impl RawSink {
    /// A sink writing atomically to `path`.
    ///
    /// # Errors
    /// The file cannot be created.
    pub fn create(path: &Path) -> Result<RawSink, Error> {
        Ok(RawSink {
            file: Some(AtomicFile::create(path)?),
            defer: false,
            writer: None,
        })
    }

    /// Leaves the commit to the caller: [`ImageSink::finish`] then does nothing and
    /// [`RawSink::into_files`] hands the file over (to commit it with others, [`commit_set`]).
    pub fn defer_commit(mut self) -> RawSink {
        self.defer = true;
        self
    }

    /// The output file, uncommitted (empty once committed).
    pub fn into_files(mut self) -> Vec<AtomicFile> {
        self.file.take().into_iter().collect()
    }

    /// The output file, to inject a failure in tests.
    pub fn file_mut(&mut self) -> Option<&mut AtomicFile> {
        self.file.as_mut()
    }
}

impl ImageSink for RawSink {
    type Error = Error;
    fn write_batch(&mut self, b: &SectorBatch) -> Result<bool, Error> {
        writer::write_run(&mut self.writer, self.file.as_mut(), b.bytes().clone())?;
        Ok(true)
    }
    fn finish(&mut self) -> Result<(), Error> {
        // Every queued write lands before the file is committed (here or by the caller).
        if let Some(w) = &mut self.writer {
            w.finish()?;
        }
        if self.defer {
            return Ok(());
        }
        match self.file.take() {
            Some(f) => f.commit(),
            None => Ok(()),
        }
    }
}

/// Splits each 2448-byte sector into a main file (2352) and a subchannel file (96): the
/// CloneCD `.img` + `.sub` pair (use the `Linear96` form); with the `Main` form it writes the
/// main file only (the `bin` output).
#[derive(Debug)]
pub struct SplitSink {
    main: Option<AtomicFile>,
    sub: Option<AtomicFile>,
    defer: bool,
    main_writer: Option<BatchWriter>,
    sub_writer: Option<BatchWriter>,
}

impl SplitSink {
    /// Main file at `main`, subchannel file at `sub` (if any).
    ///
    /// # Errors
    /// A file cannot be created.
    pub fn create(main: &Path, sub: Option<&Path>) -> Result<SplitSink, Error> {
        Ok(SplitSink {
            main: Some(AtomicFile::create(main)?),
            sub: match sub {
                Some(p) => Some(AtomicFile::create(p)?),
                None => None,
            },
            defer: false,
            main_writer: None,
            sub_writer: None,
        })
    }

    /// Leaves the commit to the caller: [`ImageSink::finish`] then does nothing and
    /// [`SplitSink::into_files`] hands the files over (to commit them with a descriptor,
    /// [`commit_set`]).
    pub fn defer_commit(mut self) -> SplitSink {
        self.defer = true;
        self
    }

    /// The main file then the subchannel file, uncommitted (empty once committed).
    pub fn into_files(mut self) -> Vec<AtomicFile> {
        self.main
            .take()
            .into_iter()
            .chain(self.sub.take())
            .collect()
    }

    /// The main file (`false`) or the subchannel file (`true`), to inject a failure in tests.
    pub fn file_mut(&mut self, sub: bool) -> Option<&mut AtomicFile> {
        if sub {
            self.sub.as_mut()
        } else {
            self.main.as_mut()
        }
    }
}

impl ImageSink for SplitSink {
    type Error = Error;
    fn write_batch(&mut self, b: &SectorBatch) -> Result<bool, Error> {
        let (main, sub) = writer::split(b);
        writer::write_run(&mut self.main_writer, self.main.as_mut(), main)?;
        if let Some(sub) = sub {
            writer::write_run(&mut self.sub_writer, self.sub.as_mut(), sub)?;
        }
        Ok(true)
    }
    fn finish(&mut self) -> Result<(), Error> {
        // Every queued write lands before the files are committed (here or by the caller).
        for w in [&mut self.main_writer, &mut self.sub_writer]
            .into_iter()
            .flatten()
        {
            w.finish()?;
        }
        if self.defer {
            return Ok(());
        }
        // Both or neither (a failed .sub must not leave the .img behind).
        commit_set(
            self.main
                .take()
                .into_iter()
                .chain(self.sub.take())
                .collect(),
        )
    }
}

/// Discards everything (for benchmarks and dry runs); counts bytes.
#[derive(Debug, Default)]
pub struct NullSink {
    /// Bytes seen.
    pub bytes: u64,
}

impl ImageSink for NullSink {
    type Error = Error;
    fn write_batch(&mut self, b: &SectorBatch) -> Result<bool, Error> {
        self.bytes += b.bytes().len() as u64;
        Ok(true)
    }
}

/// Writes the stream as it comes to any writer (`rawcd image -o - --format raw` writes to
/// stdout for a pipe into a burner); nothing to commit or remove.
#[derive(Debug)]
pub struct WriterSink<W: Write> {
    w: W,
    name: String,
}

impl<W: Write> WriterSink<W> {
    /// A sink writing to `w`; `name` names it in errors (`<stdout>`).
    pub fn new(w: W, name: &str) -> WriterSink<W> {
        WriterSink {
            w,
            name: name.to_string(),
        }
    }
}

impl<W: Write> ImageSink for WriterSink<W> {
    type Error = Error;
    fn write_batch(&mut self, b: &SectorBatch) -> Result<bool, Error> {
        self.w
            .write_all(b.bytes())
            .map_err(|e| io_err(Path::new(&self.name), e))?;
        Ok(true)
    }
    fn finish(&mut self) -> Result<(), Error> {
        self.w.flush().map_err(|e| io_err(Path::new(&self.name), e))
    }
}

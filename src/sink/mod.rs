//! Consumers of a stream: the [`ImageSink`] trait, atomic output files, and the sinks for
//! raw streams, split main/subchannel files, a null sink and the drive-buffer simulator.
#![forbid(unsafe_code)]

mod drive_sim;
mod writer;

pub use drive_sim::{DriveSimulator, SimReport};
pub use writer::BatchWriter;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

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

/// A file written under a temporary name in the same directory and renamed over `path` only
/// by [`AtomicFile::commit`]; dropped uncommitted, the temporary file is removed, so a failed
/// run leaves nothing partial behind.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    w: Option<BufWriter<File>>,
}

fn io_err(path: &Path, e: io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        source: e,
    }
}

impl AtomicFile {
    /// Creates the temporary file beside `path`.
    ///
    /// # Errors
    /// The directory is not writable.
    pub fn create(path: &Path) -> Result<AtomicFile, Error> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "out".into());
        let tmp = path.with_file_name(format!(".{name}.rawcd-{}.tmp", std::process::id()));
        let f = File::create(&tmp).map_err(|e| io_err(path, e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            w: Some(BufWriter::with_capacity(1 << 20, f)),
        })
    }

    /// The temporary path (for signal handlers that must remove it).
    pub fn temp_path(&self) -> &Path {
        &self.tmp
    }

    /// The open file, with anything buffered flushed first: for writers that put whole
    /// batches straight into it ([`BatchWriter`]).
    ///
    /// # Errors
    /// The flush fails, or the file was already committed.
    pub fn file(&mut self) -> io::Result<&File> {
        match &mut self.w {
            Some(w) => {
                w.flush()?;
                Ok(w.get_ref())
            }
            None => Err(io::Error::other("file already committed")),
        }
    }

    /// Flushes and renames the file into place.
    ///
    /// # Errors
    /// Flush or rename fails.
    pub fn commit(mut self) -> Result<(), Error> {
        if let Some(w) = self.w.take() {
            let f = w
                .into_inner()
                .map_err(|e| io_err(&self.path, e.into_error()))?;
            f.sync_data().map_err(|e| io_err(&self.path, e))?;
            drop(f);
            std::fs::rename(&self.tmp, &self.path).map_err(|e| io_err(&self.path, e))?;
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.w {
            Some(w) => w.write(buf),
            None => Err(io::Error::other("file already committed")),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.w {
            Some(w) => w.write_all(buf),
            None => Err(io::Error::other("file already committed")),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.w {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.w.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes the stream as it comes to one file (the `raw` output).
#[derive(Debug)]
pub struct RawSink {
    file: Option<AtomicFile>,
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
            writer: None,
        })
    }
}

impl ImageSink for RawSink {
    type Error = Error;
    fn write_batch(&mut self, b: &SectorBatch) -> Result<bool, Error> {
        if let Some(w) = writer::direct(&mut self.writer, self.file.as_mut())? {
            w.write(b.bytes().clone())?;
        }
        Ok(true)
    }
    fn finish(&mut self) -> Result<(), Error> {
        if let Some(w) = &mut self.writer {
            w.finish()?;
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
            main_writer: None,
            sub_writer: None,
        })
    }
}

impl ImageSink for SplitSink {
    type Error = Error;
    fn write_batch(&mut self, b: &SectorBatch) -> Result<bool, Error> {
        let (main, sub) = writer::split(b);
        if let Some(w) = writer::direct(&mut self.main_writer, self.main.as_mut())? {
            w.write(main)?;
        }
        if let Some(sub) = sub {
            if let Some(w) = writer::direct(&mut self.sub_writer, self.sub.as_mut())? {
                w.write(sub)?;
            }
        }
        Ok(true)
    }
    fn finish(&mut self) -> Result<(), Error> {
        for w in [&mut self.main_writer, &mut self.sub_writer]
            .into_iter()
            .flatten()
        {
            w.finish()?;
        }
        if let Some(m) = self.main.take() {
            m.commit()?;
        }
        if let Some(s) = self.sub.take() {
            s.commit()?;
        }
        Ok(())
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

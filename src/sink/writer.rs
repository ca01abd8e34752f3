//! How encoded bytes reach an output file: whole batches straight from the pipeline's buffers
//! to the kernel, with no user-space copy (no `BufWriter`), each at its own offset (`pwrite`).
//!
//! With `threads == 0` the writes are made on the caller's thread, in order. With `threads > 0`
//! that many helper threads take batches from a bounded queue and write each into its own
//! range of the file: the kernel's copy into the page cache, the largest cost of writing an
//! image, then runs beside the caller instead of in series with it. The queue holds shared
//! `Bytes` views of the pipeline's buffers (no copy); its bound keeps memory in flight fixed.
#![forbid(unsafe_code)]

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use bytes::Bytes;
use crossbeam_channel::{bounded, Sender};

use crate::codec::SECTOR_SIZE;
use crate::error::Error;

use super::atomic::io_err;
use crate::pipeline::SectorBatch;

use super::direct::DirectWriter;
use super::pwrite::write_all_at;
use super::AtomicFile;

/// Helper threads and the queue that feeds them.
struct Helpers {
    queue: Option<Sender<(u64, Bytes)>>,
    threads: Vec<JoinHandle<()>>,
    error: Arc<Mutex<Option<io::Error>>>,
}

/// Writes a stream of byte runs to consecutive ranges of one file (see the module doc).
pub struct BatchWriter {
    path: PathBuf,
    file: Arc<File>,
    offset: u64,
    helpers: Option<Helpers>,
}

impl std::fmt::Debug for BatchWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchWriter")
            .field("path", &self.path)
            .field("offset", &self.offset)
            .field(
                "threads",
                &self.helpers.as_ref().map_or(0, |h| h.threads.len()),
            )
            .finish()
    }
}

impl BatchWriter {
    /// A writer into `file` (a handle of its own is duplicated from it) from offset 0, with
    /// `threads` helper threads (0 = write on the caller's thread). `path` names the file in
    /// errors.
    ///
    /// # Errors
    /// The handle cannot be duplicated or a thread cannot start.
    pub fn new(file: &File, path: &Path, threads: usize) -> Result<BatchWriter, Error> {
        let file = Arc::new(file.try_clone().map_err(|e| io_err(path, e))?);
        let helpers = if threads == 0 {
            None
        } else {
            let (tx, rx) = bounded::<(u64, Bytes)>(2 * threads);
            let error = Arc::new(Mutex::new(None::<io::Error>));
            let mut handles = Vec::with_capacity(threads);
            for i in 0..threads {
                let (rx, file, error) = (rx.clone(), file.clone(), error.clone());
                let h = std::thread::Builder::new()
                    .name(format!("rawcd-write-{i}"))
                    .spawn(move || {
                        // One helper receives the runs in file order: it may write them
                        // direct (see `direct.rs`); several write out of order, buffered.
                        let mut direct = if threads == 1 {
                            DirectWriter::open(&file)
                        } else {
                            None
                        };
                        let fail = |e: io::Error| {
                            if let Ok(mut slot) = error.lock() {
                                slot.get_or_insert(e);
                            }
                        };
                        while let Ok((at, bytes)) = rx.recv() {
                            let r = match &mut direct {
                                Some(d) => d.write(&bytes, at),
                                None => write_all_at(&file, &bytes, at),
                            };
                            if let Err(e) = r {
                                return fail(e);
                            }
                        }
                        if let Some(Err(e)) = direct.as_mut().map(DirectWriter::finish) {
                            fail(e);
                        }
                    })
                    .map_err(|e| io_err(path, e))?;
                handles.push(h);
            }
            Some(Helpers {
                queue: Some(tx),
                threads: handles,
                error,
            })
        };
        Ok(BatchWriter {
            path: path.to_path_buf(),
            file,
            offset: 0,
            helpers,
        })
    }

    /// Bytes written (or queued) so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Writes `bytes` after the previous run (queued to a helper when there are helpers).
    ///
    /// # Errors
    /// The write fails (with helpers: an earlier queued write failed).
    pub fn write(&mut self, bytes: Bytes) -> Result<(), Error> {
        let at = self.offset;
        self.offset += bytes.len() as u64;
        match &self.helpers {
            None => write_all_at(&self.file, &bytes, at).map_err(|e| io_err(&self.path, e)),
            Some(h) => {
                let sent = h.queue.as_ref().map(|q| q.send((at, bytes)));
                match sent {
                    Some(Ok(())) => Ok(()),
                    // Every helper stopped: one of them failed.
                    _ => Err(self.take_error()),
                }
            }
        }
    }

    fn take_error(&mut self) -> Error {
        let e = self
            .helpers
            .as_ref()
            .and_then(|h| h.error.lock().ok().and_then(|mut e| e.take()));
        io_err(
            &self.path,
            e.unwrap_or_else(|| io::Error::other("a writer thread stopped")),
        )
    }

    /// Waits for every queued write and reports the first failure.
    ///
    /// # Errors
    /// A queued write failed.
    pub fn finish(&mut self) -> Result<(), Error> {
        if let Some(h) = &mut self.helpers {
            h.queue = None;
            let mut panicked = false;
            for t in h.threads.drain(..) {
                panicked |= t.join().is_err();
            }
            let failed = h.error.lock().map(|e| e.is_some()).unwrap_or(true);
            if failed || panicked {
                return Err(self.take_error());
            }
        }
        Ok(())
    }
}

impl Drop for BatchWriter {
    fn drop(&mut self) {
        if let Some(h) = &mut self.helpers {
            h.queue = None;
            for t in h.threads.drain(..) {
                let _ = t.join();
            }
        }
    }
}

/// Helper threads per output file of the sinks. Measured on tmpfs with an 80-minute ISO on an
/// idle 2-core machine (see the README, Performance): one helper beat writing on the consuming
/// thread (0) and two helpers, whose writes only queue on the file's inode lock (the kernel's
/// optimistic spinning on that lock was 10 % of all CPU with two).
const WRITE_THREADS: usize = 1;

/// Writes `bytes` after the previous run of the sink's `file` through its [`BatchWriter`], made
/// on first use; nothing when the sink has no such file. A file with an injected write failure
/// (tests) is written through its `Write` implementation instead, so the failure happens.
pub(super) fn write_run(
    writer: &mut Option<BatchWriter>,
    file: Option<&mut AtomicFile>,
    bytes: Bytes,
) -> Result<(), Error> {
    let Some(f) = file else {
        return Ok(());
    };
    if writer.is_none() {
        if f.write_failure_injected() {
            use std::io::Write;
            return f.write_all(&bytes).map_err(|e| io_err(f.path(), e));
        }
        let path = f.path().to_path_buf();
        let handle = f.file().map_err(|e| io_err(&path, e))?;
        *writer = Some(BatchWriter::new(handle, &path, WRITE_THREADS)?);
    }
    match writer {
        Some(w) => w.write(bytes),
        None => Ok(()),
    }
}

/// The main channel and the subchannel of a batch as two runs: the batch's own bytes (no copy)
/// when it has no subchannel, else the two gathered (one copy each).
pub(super) fn split(b: &SectorBatch) -> (Bytes, Option<Bytes>) {
    let sb = b.form().sector_bytes();
    if sb == SECTOR_SIZE {
        return (b.bytes().clone(), None);
    }
    let n = b.count() as usize;
    let mut main = Vec::with_capacity(n * SECTOR_SIZE);
    let mut sub = Vec::with_capacity(n * (sb - SECTOR_SIZE));
    for s in b.bytes().chunks_exact(sb) {
        let (m, x) = s.split_at(SECTOR_SIZE);
        main.extend_from_slice(m);
        sub.extend_from_slice(x);
    }
    (main.into(), Some(sub.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs() -> Vec<Bytes> {
        (0..50u32)
            .map(|i| Bytes::from(vec![(i * 7) as u8; 1000 + 37 * i as usize]))
            .collect()
    }

    #[test]
    fn helpers_and_caller_write_the_same_file() {
        let dir = std::env::temp_dir();
        let want: Vec<u8> = runs().iter().flat_map(|b| b.to_vec()).collect();
        for threads in [0, 1, 3] {
            let p = dir.join(format!("rawcd-writer-{}-{threads}", std::process::id()));
            let f = File::create(&p).unwrap();
            let mut w = BatchWriter::new(&f, &p, threads).unwrap();
            for b in runs() {
                w.write(b).unwrap();
            }
            w.finish().unwrap();
            assert_eq!(w.offset(), want.len() as u64);
            assert_eq!(std::fs::read(&p).unwrap(), want, "threads {threads}");
            let _ = std::fs::remove_file(&p);
        }
    }

    #[cfg(unix)]
    #[test]
    fn write_failure_is_reported() {
        // A read-only handle: every write fails, with or without helpers.
        let p = std::env::temp_dir().join(format!("rawcd-writer-ro-{}", std::process::id()));
        std::fs::write(&p, b"x").unwrap();
        for threads in [0, 2] {
            let f = File::open(&p).unwrap();
            let mut w = BatchWriter::new(&f, &p, threads).unwrap();
            let mut failed = false;
            for b in runs() {
                failed |= w.write(b).is_err();
            }
            failed |= w.finish().is_err();
            assert!(failed, "threads {threads}");
        }
        let _ = std::fs::remove_file(&p);
    }
}

//! The threads of a stream and its pull side, [`ResultImage`].
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;

use bytes::Bytes;
use crossbeam_channel::{bounded, Receiver, Sender};

use crate::codec::engine::Auto;
use crate::error::Error;
use crate::layout::reference::{cooked_input, cooked_inputs};
use crate::layout::{DiscMap, MainSource};

use super::batch::{encode_batch, io_at, BatchInput};
use super::pool::BufferPool;
use super::progress::{Counters, ProgressHandle};
use super::{PipelineError, PipelineOptions, SectorForm};

/// A read-only run of whole encoded sectors, in stream order.
#[derive(Debug, Clone)]
pub struct SectorBatch {
    pub(crate) first_lba: i32,
    pub(crate) count: u32,
    pub(crate) form: SectorForm,
    pub(crate) bytes: Bytes,
}

impl SectorBatch {
    /// LBA of the first sector.
    pub fn first_lba(&self) -> i32 {
        self.first_lba
    }
    /// Number of sectors.
    pub fn count(&self) -> u32 {
        self.count
    }
    /// Layout of each sector.
    pub fn form(&self) -> SectorForm {
        self.form
    }
    /// The bytes (`count × form.sector_bytes()`), shared, no copy.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
    /// Sector `i` of the batch.
    pub fn sector(&self, i: usize) -> &[u8] {
        let sb = self.form.sector_bytes();
        &self.bytes[i * sb..(i + 1) * sb]
    }
}

type Outcome = (u64, Result<SectorBatch, Error>);

struct Job {
    seq: u64,
    input: BatchInput,
}

/// The result stream of a disc (IMAPI `CreateResultImage`): implements [`Read`] and yields
/// [`SectorBatch`]es (whole sectors, `bytes::Bytes`) in order. Dropping it (or
/// [`ProgressHandle::cancel`]) stops and joins every thread.
pub struct ResultImage {
    form: SectorForm,
    progress: ProgressHandle,
    results: Option<Receiver<Outcome>>,
    credits: Option<Sender<()>>,
    pending: BTreeMap<u64, Result<SectorBatch, Error>>,
    next_seq: u64,
    total_batches: u64,
    /// For the running last used user sector (which skips lead-ins and lead-outs).
    map: DiscMap,
    threads: Vec<JoinHandle<()>>,
    current: Option<(Bytes, usize)>,
    done: bool,
}

impl std::fmt::Debug for ResultImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResultImage")
            .field("form", &self.form)
            .field("next_seq", &self.next_seq)
            .field("total_batches", &self.total_batches)
            .finish_non_exhaustive()
    }
}

impl ResultImage {
    /// Starts the scheduler and the workers over `map`.
    ///
    /// # Errors
    /// Bad options or a thread that cannot start.
    pub fn new(map: &DiscMap, opts: PipelineOptions) -> Result<ResultImage, Error> {
        Self::start(map, opts, None)
    }

    /// The stream of session `n` (1-based) of `map`: its lead-in through its lead-out
    /// (`opts.range` is replaced by the session's range).
    ///
    /// # Errors
    /// No such session, bad options, or a thread that cannot start.
    pub fn new_session(
        map: &DiscMap,
        n: u32,
        mut opts: PipelineOptions,
    ) -> Result<ResultImage, Error> {
        opts.range = Some(map.session(n)?.range());
        Self::start(map, opts, None)
    }

    /// Like [`ResultImage::new`], with a worker that panics on the batch holding `lba`: a
    /// fault-injection hook for testing the panic path.
    #[doc(hidden)]
    pub fn with_panic_at(
        map: &DiscMap,
        opts: PipelineOptions,
        lba: i32,
    ) -> Result<ResultImage, Error> {
        Self::start(map, opts, Some(lba))
    }

    fn start(
        map: &DiscMap,
        opts: PipelineOptions,
        panic_at: Option<i32>,
    ) -> Result<ResultImage, Error> {
        let form = opts.form.unwrap_or_else(|| map.format().into());
        let (start, end) = opts.range.unwrap_or((map.leadin_start(), map.end()));
        if start < map.leadin_start() || end > map.end() || start > end {
            return Err(PipelineError::Options(format!(
                "range {start}..{end} outside the disc {}..{}",
                map.leadin_start(),
                map.end()
            ))
            .into());
        }
        let threads = opts.threads.max(1);
        let batch = opts.batch_sectors.max(1);
        let batch_bytes = batch * form.sector_bytes();
        let credits_n = (opts.buffer_bytes / batch_bytes).max(1);
        let cap = opts.channel_capacity.unwrap_or(2 * threads).max(1);
        let total_sectors = (end - start) as u64;
        let total_batches = total_sectors.div_ceil(batch as u64);
        let counters = Arc::new(Counters {
            last_used: i64::MIN.into(),
            ..Default::default()
        });
        let progress = ProgressHandle {
            c: counters.clone(),
            total_sectors,
            buffer_bytes: (credits_n * batch_bytes) as u64,
        };
        let engine = Arc::new(match opts.engine {
            Some(k) => Auto::with_kind(k),
            None => Auto::detect(),
        });
        let (credit_tx, credit_rx) = bounded::<()>(credits_n);
        for _ in 0..credits_n {
            let _ = credit_tx.send(());
        }
        // Buffers in use at once: the credits (scheduler, workers and reorder buffer) plus the
        // batch the consumer holds and one per worker finishing; more are simply freed.
        let pool = BufferPool::new(batch_bytes, credits_n + threads + 2);
        let (job_tx, job_rx) = bounded::<Job>(cap);
        let (res_tx, res_rx) = bounded::<Outcome>(cap);
        let mut handles = Vec::new();
        let spawn_err = |e: io::Error| Error::from(PipelineError::Spawn(e.to_string()));
        // Scheduler: batches in order, reading `Read` sources and the R–W stream ahead.
        {
            let map = map.clone();
            let res_tx = res_tx.clone();
            let c = counters.clone();
            let h = std::thread::Builder::new()
                .name("rawcd-schedule".into())
                .spawn(move || {
                    schedule(
                        &map, start, end, batch, form, &credit_rx, &job_tx, &res_tx, &c,
                    )
                })
                .map_err(spawn_err)?;
            handles.push(h);
        }
        for w in 0..threads {
            let map = map.clone();
            let job_rx = job_rx.clone();
            let res_tx = res_tx.clone();
            let engine = engine.clone();
            let c = counters.clone();
            let pool = pool.clone();
            let scramble = opts.scramble;
            let h = std::thread::Builder::new()
                .name(format!("rawcd-encode-{w}"))
                .spawn(move || {
                    while let Ok(job) = job_rx.recv() {
                        if c.cancelled.load(Ordering::Acquire) {
                            // Answer every job, so that a reader blocked waiting for this
                            // batch (cancelled from another thread) wakes up.
                            let e = Err(PipelineError::Cancelled.into());
                            if res_tx.send((job.seq, e)).is_err() {
                                break;
                            }
                            continue;
                        }
                        let first = job.input.first;
                        let count = job.input.count;
                        let r = catch_unwind(AssertUnwindSafe(|| {
                            if let Some(p) = panic_at {
                                if p >= first && p < first + count as i32 {
                                    panic!("injected fault at LBA {p}");
                                }
                            }
                            // A recycled buffer, not zeroed: encode_batch writes every byte.
                            let mut buf = pool.take();
                            let len = count as usize * form.sector_bytes();
                            encode_batch(
                                &map,
                                &*engine,
                                form,
                                scramble,
                                &job.input,
                                &mut buf[..len],
                            )
                            .map(|()| SectorBatch {
                                first_lba: first,
                                count,
                                form,
                                bytes: pool.share(buf, len),
                            })
                        }));
                        let r = r.unwrap_or_else(|p| {
                            let message = p
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_else(|| "unknown panic".into());
                            Err(PipelineError::WorkerPanic {
                                first,
                                end: first + count as i32,
                                message,
                            }
                            .into())
                        });
                        if res_tx.send((job.seq, r)).is_err() {
                            break;
                        }
                    }
                })
                .map_err(spawn_err)?;
            handles.push(h);
        }
        drop(res_tx);
        Ok(ResultImage {
            form,
            progress,
            results: Some(res_rx),
            credits: Some(credit_tx),
            pending: BTreeMap::new(),
            next_seq: 0,
            total_batches,
            map: map.clone(),
            threads: handles,
            current: None,
            done: total_batches == 0,
        })
    }

    /// A handle on the running counters (cheap to clone, usable from another thread).
    pub fn progress(&self) -> ProgressHandle {
        self.progress.clone()
    }

    /// Per-sector layout of the stream.
    pub fn form(&self) -> SectorForm {
        self.form
    }

    /// Stops the stream: workers stop within one batch, [`ResultImage::next_batch`] returns
    /// `Err(Cancelled)`.
    pub fn cancel(&self) {
        self.progress.cancel();
    }

    fn finish(&mut self) {
        self.done = true;
        self.progress.c.finished.store(true, Ordering::Release);
    }

    /// The next batch in order; `None` at the end.
    pub fn next_batch(&mut self) -> Option<Result<SectorBatch, Error>> {
        if self.done {
            return None;
        }
        if self.progress.c.cancelled.load(Ordering::Acquire) {
            self.finish();
            self.shutdown();
            return Some(Err(PipelineError::Cancelled.into()));
        }
        loop {
            if let Some(r) = self.pending.remove(&self.next_seq) {
                self.next_seq += 1;
                if let Ok(b) = &r {
                    // Out of the buffer before its credit goes back: the scheduler adds the
                    // next batch only after taking a credit, so the fill never exceeds the
                    // capacity a progress snapshot reports, not even for a moment.
                    self.progress
                        .c
                        .in_flight_bytes
                        .fetch_sub(b.bytes.len() as u64, Ordering::AcqRel);
                }
                if let Some(c) = &self.credits {
                    let _ = c.try_send(());
                }
                return Some(match r {
                    Ok(b) => {
                        let c = &self.progress.c;
                        c.sectors.fetch_add(b.count as u64, Ordering::AcqRel);
                        c.bytes.fetch_add(b.bytes.len() as u64, Ordering::AcqRel);
                        let last = b.first_lba + b.count as i32 - 1;
                        if let Some(hi) = self.map.last_user_sector_upto(last) {
                            c.last_used.fetch_max(hi as i64, Ordering::AcqRel);
                        }
                        if self.next_seq == self.total_batches {
                            self.finish();
                        }
                        Ok(b)
                    }
                    Err(e) => {
                        self.finish();
                        self.shutdown();
                        Err(e)
                    }
                });
            }
            let Some(rx) = &self.results else {
                self.finish();
                return Some(Err(PipelineError::Cancelled.into()));
            };
            match rx.recv() {
                Ok((seq, r)) => {
                    self.pending.insert(seq, r);
                }
                Err(_) => {
                    self.finish();
                    let cancelled = self.progress.c.cancelled.load(Ordering::Acquire);
                    return Some(Err(if cancelled {
                        PipelineError::Cancelled
                    } else {
                        PipelineError::WorkerPanic {
                            first: 0,
                            end: 0,
                            message: "the pipeline's threads ended before the stream".into(),
                        }
                    }
                    .into()));
                }
            }
        }
    }

    fn shutdown(&mut self) {
        self.progress.c.cancelled.store(true, Ordering::Release);
        self.results = None;
        self.credits = None;
        self.pending.clear();
        for h in self.threads.drain(..) {
            let _ = h.join();
        }
        // Every thread has ended and the batches they held are dropped: nothing is in flight.
        self.progress.c.in_flight_bytes.store(0, Ordering::Release);
    }
}

impl crate::layout::ImageCreator {
    /// IMAPI `CreateResultImage`: builds the disc map and starts the stream with default
    /// options (all cores, 16 MiB in flight, the result type's subchannel, data scrambled).
    ///
    /// # Errors
    /// The layout cannot be built, or a thread cannot start.
    pub fn create_result_image(&self) -> Result<ResultImage, Error> {
        ResultImage::new(&self.build()?, PipelineOptions::default())
    }

    /// The stream of session `n` (1-based) alone: its lead-in through its lead-out, what a
    /// burner writes for it (cd-format §10.7). It equals the whole disc's stream
    /// ([`ImageCreator::create_result_image`](crate::layout::ImageCreator)) cut at the
    /// session's range.
    ///
    /// # Errors
    /// No such session, the layout cannot be built, or a thread cannot start.
    pub fn create_session_image(&self, n: u32) -> Result<ResultImage, Error> {
        ResultImage::new_session(&self.build()?, n, PipelineOptions::default())
    }
}

impl Drop for ResultImage {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl Iterator for ResultImage {
    type Item = Result<SectorBatch, Error>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_batch()
    }
}

impl Read for ResultImage {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some((b, pos)) = &mut self.current {
                if *pos < b.len() {
                    let n = (b.len() - *pos).min(out.len());
                    out[..n].copy_from_slice(&b[*pos..*pos + n]);
                    *pos += n;
                    return Ok(n);
                }
                self.current = None;
            }
            match self.next_batch() {
                None => return Ok(0),
                Some(Ok(b)) => self.current = Some((b.bytes, 0)),
                Some(Err(e)) => return Err(io::Error::other(e.to_string())),
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn schedule(
    map: &DiscMap,
    start: i32,
    end: i32,
    batch: usize,
    form: SectorForm,
    credits: &Receiver<()>,
    jobs: &Sender<Job>,
    results: &Sender<Outcome>,
    c: &Counters,
) {
    let has_reader = map.sources().iter().any(|s| s.is_reader());
    let rw_needed = map.has_rw_input() && form != SectorForm::Main;
    let mut rw_hist: Vec<u8> = Vec::new();
    let mut seq = 0u64;
    let mut first = start;
    while first < end {
        if credits.recv().is_err() || c.cancelled.load(Ordering::Acquire) {
            return;
        }
        let count = (end - first).min(batch as i32) as u32;
        let mut input = BatchInput {
            first,
            count,
            ..Default::default()
        };
        let r = (|| -> Result<(), Error> {
            if has_reader {
                // The `Read` sources' bytes of the batch: one read per extent run (the runs
                // of a reader are contiguous within an extent), into one buffer.
                let end = first + count as i32;
                let mut runs = Vec::new();
                let mut lba = first;
                while lba < end {
                    let Some(ei) = map.extent_index(lba) else {
                        break;
                    };
                    let e = map.extent(ei);
                    let stop = (e.start + e.len as i32).min(end);
                    if let MainSource::Source { source, offset, .. } = e.main {
                        if map.sources()[source].is_reader() {
                            let size = e.ty.input_size();
                            let from = offset + (lba - e.start) as u64 * size as u64;
                            runs.push((source, lba, from, (stop - lba) as usize * size));
                        }
                    }
                    lba = stop;
                }
                input.prefetched = vec![0; runs.iter().map(|r| r.3).sum()];
                let mut at = 0;
                for (source, lba, from, len) in runs {
                    let src = &map.sources()[source];
                    src.read_at(from, &mut input.prefetched[at..at + len])
                        .map_err(|e| io_at(src, lba, e))?;
                    at += len;
                }
            }
            if rw_needed {
                // Cooked R–W of first−2 .. first+count, read in order (history kept here).
                let mut v = Vec::with_capacity((count as usize + 2) * 96);
                if rw_hist.len() == 192 && first > start {
                    v.extend_from_slice(&rw_hist);
                } else {
                    for l in [first - 2, first - 1] {
                        v.extend_from_slice(&if l < -150 || map.in_leadin(l) {
                            [0u8; 96]
                        } else {
                            cooked_input(map, l)?
                        });
                    }
                }
                let at = v.len();
                v.resize(at + count as usize * 96, 0);
                cooked_inputs(map, first, &mut v[at..])?;
                rw_hist = v[v.len() - 192..].to_vec();
                for (i, l) in [first + count as i32 - 2, first + count as i32 - 1]
                    .iter()
                    .enumerate()
                {
                    if *l < -150 || map.in_leadin(*l) {
                        rw_hist[96 * i..96 * i + 96].fill(0);
                    }
                }
                input.rw = Some(v);
            }
            Ok(())
        })();
        if let Err(e) = r {
            let _ = results.send((seq, Err(e)));
            return;
        }
        c.in_flight_bytes
            .fetch_add(count as u64 * form.sector_bytes() as u64, Ordering::AcqRel);
        if jobs.send(Job { seq, input }).is_err() {
            return;
        }
        seq += 1;
        first += count as i32;
    }
}

//! Running counters of a stream, readable from any thread.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) sectors: AtomicU64,
    pub(crate) bytes: AtomicU64,
    /// Highest LBA ≥ 0 handed out that is not lead-out; i64::MIN before any.
    pub(crate) last_used: AtomicI64,
    pub(crate) in_flight_bytes: AtomicU64,
    pub(crate) cancelled: AtomicBool,
    pub(crate) finished: AtomicBool,
}

/// A cheap, clonable handle on a stream's progress (and a way to cancel it).
#[derive(Debug, Clone)]
pub struct ProgressHandle {
    pub(crate) c: Arc<Counters>,
    pub(crate) total_sectors: u64,
    pub(crate) buffer_bytes: u64,
}

/// A snapshot of a stream's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Sectors handed to the consumer.
    pub sectors_written: u64,
    /// Bytes handed to the consumer.
    pub bytes_written: u64,
    /// Sectors the stream will produce in all.
    pub total_sectors: u64,
    /// The running IMAPI `LastUsedUserSectorInImage`: the highest LBA ≥ 0 already handed out
    /// that is not lead-out (`None` before LBA 0 was reached).
    pub last_used_user_sector: Option<i32>,
    /// Encoded bytes waiting between the workers and the consumer.
    pub buffer_fill: u64,
    /// The bound on those bytes.
    pub buffer_capacity: u64,
    /// The stream has ended (completely, by error or by cancellation).
    pub finished: bool,
}

impl ProgressHandle {
    /// The current values.
    pub fn snapshot(&self) -> Progress {
        let lu = self.c.last_used.load(Ordering::Acquire);
        Progress {
            sectors_written: self.c.sectors.load(Ordering::Acquire),
            bytes_written: self.c.bytes.load(Ordering::Acquire),
            total_sectors: self.total_sectors,
            last_used_user_sector: if lu == i64::MIN {
                None
            } else {
                Some(lu as i32)
            },
            buffer_fill: self.c.in_flight_bytes.load(Ordering::Acquire),
            buffer_capacity: self.buffer_bytes,
            finished: self.c.finished.load(Ordering::Acquire),
        }
    }

    /// The running last used user sector (see [`Progress::last_used_user_sector`]).
    pub fn last_used_user_sector(&self) -> Option<i32> {
        self.snapshot().last_used_user_sector
    }

    /// Asks the stream to stop; workers stop within one batch.
    pub fn cancel(&self) {
        self.c.cancelled.store(true, Ordering::Release);
    }
}

//! A simulated drive: a fixed-size buffer drained in real time at a CD write speed, fed by the
//! pipeline. It counts underruns (the buffer ran dry while data was still to come) and the
//! minimum fill once writing started (a real drive starts writing when its buffer is full).
#![forbid(unsafe_code)]

use std::time::{Duration, Instant};

use super::ImageSink;
use crate::error::Error;
use crate::pipeline::{SectorBatch, SectorForm};

/// What a simulated burn found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimReport {
    /// Write speed (1× = 75 sectors/s).
    pub speed: f64,
    /// Drive buffer size in bytes.
    pub buffer_bytes: u64,
    /// Sectors written.
    pub sectors: u64,
    /// Times the buffer ran dry while the stream still had data.
    pub underruns: u64,
    /// Smallest buffer fill after writing started, in bytes.
    pub min_fill_bytes: u64,
    /// Rate the pipeline delivered sectors at while it was not blocked by a full buffer.
    pub encode_sectors_per_s: f64,
    /// Encode rate ÷ drain rate.
    pub headroom: f64,
    /// Wall time of the burn.
    pub seconds: f64,
}

/// The drive-buffer simulator sink.
#[derive(Debug)]
pub struct DriveSimulator {
    capacity: f64,
    speed: f64,
    rate: f64,
    sector_bytes: f64,
    fill: f64,
    started: bool,
    last: Instant,
    t0: Instant,
    underruns: u64,
    min_fill: f64,
    sectors: u64,
    blocked: Duration,
}

impl DriveSimulator {
    /// A drive with a `buffer_bytes` buffer writing at `speed` × (75 sectors/s each).
    pub fn new(buffer_bytes: u64, speed: f64) -> DriveSimulator {
        let now = Instant::now();
        DriveSimulator {
            capacity: buffer_bytes as f64,
            speed,
            rate: 0.0,
            sector_bytes: 2448.0,
            fill: 0.0,
            started: false,
            last: now,
            t0: now,
            underruns: 0,
            min_fill: f64::INFINITY,
            sectors: 0,
            blocked: Duration::ZERO,
        }
    }

    fn advance(&mut self) {
        let now = Instant::now();
        if self.started {
            let drained = now.duration_since(self.last).as_secs_f64() * self.rate;
            self.fill -= drained;
            if self.fill < 0.0 {
                self.underruns += 1;
                self.fill = 0.0;
            }
        }
        self.last = now;
    }

    /// Feeds `n` bytes, blocking while the buffer is full (as a drive does).
    pub fn push(&mut self, n: usize) {
        // A batch goes in as pieces of at most a quarter of the buffer, as a writer sends a
        // stream in transfers smaller than the drive's buffer: a piece the size of the whole
        // buffer would wait for it to run dry (an underrun the stream did not cause) whenever
        // a batch is larger than the buffer (256 sectors of 2448 bytes against 0.25 MB).
        let piece = (self.capacity as usize / 4).max(1);
        let mut left = n;
        while left > piece {
            self.push_fitting(piece);
            left -= piece;
        }
        self.push_fitting(left);
    }

    fn push_fitting(&mut self, n: usize) {
        let n = n as f64;
        self.advance();
        if self.started {
            self.min_fill = self.min_fill.min(self.fill);
        }
        while self.fill + n > self.capacity {
            if !self.started {
                self.started = true;
                self.last = Instant::now();
            }
            let wait = (self.fill + n - self.capacity) / self.rate;
            let t = Instant::now();
            std::thread::sleep(Duration::from_secs_f64(wait.max(0.0005)));
            self.blocked += t.elapsed();
            self.advance();
        }
        self.fill += n;
    }

    /// Bytes in the buffer now.
    pub fn fill_bytes(&self) -> u64 {
        self.fill.max(0.0) as u64
    }

    /// The report so far.
    pub fn report(&self) -> SimReport {
        let secs = self.t0.elapsed().as_secs_f64();
        let busy = (secs - self.blocked.as_secs_f64()).max(1e-9);
        let encode = self.sectors as f64 / busy;
        let drain = self.speed * 75.0;
        SimReport {
            speed: self.speed,
            buffer_bytes: self.capacity as u64,
            sectors: self.sectors,
            underruns: self.underruns,
            min_fill_bytes: if self.min_fill.is_finite() {
                self.min_fill as u64
            } else {
                self.capacity as u64
            },
            encode_sectors_per_s: encode,
            headroom: encode / drain,
            seconds: secs,
        }
    }
}

impl ImageSink for DriveSimulator {
    type Error = Error;
    fn begin(&mut self, form: SectorForm, _total: u64) -> Result<(), Error> {
        self.sector_bytes = form.sector_bytes() as f64;
        self.rate = self.speed * 75.0 * self.sector_bytes;
        self.t0 = Instant::now();
        self.last = self.t0;
        Ok(())
    }
    fn write_batch(&mut self, b: &SectorBatch) -> Result<bool, Error> {
        self.push(b.bytes().len());
        self.sectors += b.count() as u64;
        Ok(true)
    }
}

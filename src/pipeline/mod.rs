//! The streaming pipeline: a scheduler walks the disc map in batches (reading `Read` sources
//! and the R–W stream ahead, in order), worker threads encode whole batches (main channel,
//! EDC/ECC, scrambling, P/Q, R–W), and the [`ResultImage`] hands batches out in order, bounded
//! by credits so that memory in flight is set by [`PipelineOptions::buffer_bytes`], never by
//! the disc size. A [`ProgressHandle`] reports sectors and bytes written, buffer fill and the
//! running last used user sector from any thread.
//!
//! It knows the disc map and the codec; it knows nothing of output files (see `sink`).
#![forbid(unsafe_code)]

mod batch;
mod pool;
mod progress;
mod stream;

pub use batch::{encode_batch, BatchInput};
pub use progress::{Progress, ProgressHandle};
pub use stream::{ResultImage, SectorBatch};

use crate::codec::engine::EngineKind;
use crate::layout::SubchannelFormat;

/// The per-sector byte layout a stream produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectorForm {
    /// 2352 bytes of main channel only.
    Main,
    /// 2352 + 16-byte PQ.
    Pq16,
    /// 2352 + 96 packed P–W.
    Packed96,
    /// 2352 + 96 raw interleaved P–W.
    Raw96,
    /// 2352 + 96 linear (CloneCD `.sub` order) P–W.
    Linear96,
}

impl SectorForm {
    /// Bytes per sector.
    pub const fn sector_bytes(self) -> usize {
        match self {
            SectorForm::Main => 2352,
            SectorForm::Pq16 => 2368,
            _ => 2448,
        }
    }
}

impl From<SubchannelFormat> for SectorForm {
    fn from(f: SubchannelFormat) -> Self {
        match f {
            SubchannelFormat::None => SectorForm::Main,
            SubchannelFormat::Pq16 => SectorForm::Pq16,
            SubchannelFormat::Packed96 => SectorForm::Packed96,
            SubchannelFormat::Raw96 => SectorForm::Raw96,
        }
    }
}

/// Options of a stream. `Default` gives the IMAPI raw stream: the map's subchannel format,
/// data sectors scrambled, the whole session, all cores.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// Worker threads (default: available cores).
    pub threads: usize,
    /// Sectors per batch (default 256).
    pub batch_sectors: usize,
    /// Bytes of encoded sectors in flight at most (default 16 MiB): scheduler, workers and
    /// reorder buffer together.
    pub buffer_bytes: usize,
    /// Per-sector layout; `None` = the map's [`SubchannelFormat`].
    pub form: Option<SectorForm>,
    /// Scramble data sectors (the drive stream) or not (bin/img files).
    pub scramble: bool,
    /// LBA range to produce; `None` = lead-in start to end of lead-out.
    pub range: Option<(i32, i32)>,
    /// Engine; `None` = [`crate::codec::engine::Auto::detect`]. A kind this CPU cannot run
    /// (`X86` without AVX2/PCLMULQDQ) falls back to `Table` ([`crate::codec::engine::Auto::with_kind`]).
    pub engine: Option<EngineKind>,
    /// Capacity of the job and result channels, in batches (default 2 × threads).
    pub channel_capacity: Option<usize>,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        PipelineOptions {
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            batch_sectors: 256,
            buffer_bytes: 16 << 20,
            form: None,
            scramble: true,
            range: None,
            engine: None,
            channel_capacity: None,
        }
    }
}

/// Errors that end a stream.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// A worker thread panicked (a bug): the stream ends with this error.
    #[error("worker panicked while encoding LBA {first}..{end}: {message}")]
    WorkerPanic {
        /// First LBA of the batch.
        first: i32,
        /// End of the batch.
        end: i32,
        /// The panic message.
        message: String,
    },
    /// The stream was cancelled.
    #[error("the stream was cancelled")]
    Cancelled,
    /// A thread could not be started.
    #[error("could not start a pipeline thread: {0}")]
    Spawn(String),
    /// Bad options.
    #[error("bad pipeline options: {0}")]
    Options(String),
}

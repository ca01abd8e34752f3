//! `rawcd_stream_options`: the options of a stream and of `rawcd_write_image`, as C passes them.

use crate::pipeline::PipelineOptions;

use super::Failure;

/// Options of a stream (and of `rawcd_write_image`). Start from
/// `rawcd_stream_options_default()`; a NULL options pointer means the defaults.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct rawcd_stream_options {
    /// Encoding threads; 0 = one per core.
    pub threads: u32,
    /// Bytes of encoded sectors in flight at most; 0 = the default (16 MiB).
    pub buffer_bytes: u64,
    /// Where the stream starts: -22650 (MSF 95:00:00, IMAPI's lead-in start, the default), -150
    /// (no lead-in: track 1's pre-gap), or another LBA of the lead-in (MSF 90:00:00 or later).
    pub leadin_start_lba: i32,
}

impl rawcd_stream_options {
    /// The caller's options, or the defaults for NULL.
    ///
    /// # Safety
    /// `p` is NULL or points to a readable `rawcd_stream_options`.
    pub(crate) unsafe fn read(p: *const rawcd_stream_options) -> Result<Self, Failure> {
        if p.is_null() {
            return Ok(rawcd_stream_options_default());
        }
        super::check_ptr(p, "options")?;
        // SAFETY: non-NULL and aligned (checked); readable by the contract; plain data.
        Ok(unsafe { p.read() })
    }

    /// The pipeline options these give.
    pub(crate) fn pipeline(&self) -> PipelineOptions {
        let mut o = PipelineOptions::default();
        if self.threads > 0 {
            o.threads = self.threads as usize;
        }
        if self.buffer_bytes > 0 {
            o.buffer_bytes = usize::try_from(self.buffer_bytes).unwrap_or(usize::MAX);
        }
        o
    }
}

/// The default options: `{ .threads = 0, .buffer_bytes = 0, .leadin_start_lba = -22650 }`.
///
/// Threading: any thread. Never fails.
#[no_mangle]
pub extern "C" fn rawcd_stream_options_default() -> rawcd_stream_options {
    rawcd_stream_options {
        threads: 0,
        buffer_bytes: 0,
        leadin_start_lba: -22_650,
    }
}

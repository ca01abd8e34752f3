//! Direct I/O for the writer thread (Linux): whole output files written with `O_DIRECT`,
//! straight from an aligned staging buffer to the device, instead of through the page cache.
//!
//! Why: a buffered write makes the kernel copy every byte into freshly allocated page-cache
//! pages (on an idle 2-core machine, 80 % of the writer thread's time, in
//! `copy_folio_from_iter_atomic`), and the fsync that makes the set crash-safe then writes them
//! all out again. With direct I/O the writer thread copies each run once into a 4 MiB aligned
//! buffer and the device reads it from there; the final fsync has nothing left to flush.
//!
//! The file is reopened through `/proc/self/fd` (a second open file description, so the
//! handle the rest of the sink uses keeps its flags). Everything falls back to the buffered
//! handle, quietly and without losing a byte, when the file system refuses: the reopen fails
//! (`O_DIRECT` unsupported), or a direct write fails with `EINVAL` (an alignment it does not
//! take). The unaligned tail of the file (under 4 KiB) is always written buffered.
//! `RAWCD_DIRECT_IO=0` turns it off.
#![forbid(unsafe_code)]

use std::fs::File;
use std::io;

/// Alignment of buffer address, length and file offset for `O_DIRECT` (the largest logical
/// block size in use; 512-byte devices take it too).
const ALIGN: usize = 4096;

/// Bytes gathered before each direct write.
const STAGE: usize = 4 << 20;

/// A sequential direct writer (see the module doc).
pub(super) struct DirectWriter {
    /// The `O_DIRECT` description; `None` once the file system refused a direct write.
    direct: Option<File>,
    /// The ordinary handle: the tail, and everything after a refusal.
    plain: std::sync::Arc<File>,
    /// Staging memory; the aligned window is `buf[lead..lead + STAGE]`.
    buf: Vec<u8>,
    lead: usize,
    /// Bytes staged in the window.
    fill: usize,
    /// File offset of the window's first byte (a multiple of [`ALIGN`]).
    base: u64,
}

/// True unless `RAWCD_DIRECT_IO=0` asks for buffered writes.
fn wanted() -> bool {
    std::env::var_os("RAWCD_DIRECT_IO").is_none_or(|v| v != "0")
}

impl DirectWriter {
    /// A direct writer for `plain` from offset 0, or `None` where direct I/O is off or the
    /// file system does not take it.
    #[cfg(target_os = "linux")]
    pub(super) fn open(plain: &std::sync::Arc<File>) -> Option<DirectWriter> {
        use rustix::fs::{Mode, OFlags};
        use std::os::fd::AsRawFd;
        if !wanted() {
            return None;
        }
        let proc_path = format!("/proc/self/fd/{}", plain.as_raw_fd());
        let fd = rustix::fs::open(
            proc_path.as_str(),
            OFlags::WRONLY | OFlags::DIRECT | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .ok()?;
        let buf = vec![0u8; STAGE + ALIGN];
        let lead = (ALIGN - buf.as_ptr() as usize % ALIGN) % ALIGN;
        Some(DirectWriter {
            direct: Some(File::from(fd)),
            plain: plain.clone(),
            buf,
            lead,
            fill: 0,
            base: 0,
        })
    }

    /// Direct I/O is Linux only here.
    #[cfg(not(target_os = "linux"))]
    pub(super) fn open(_plain: &std::sync::Arc<File>) -> Option<DirectWriter> {
        let _ = wanted;
        None
    }

    /// True while writes still go direct (tests).
    #[cfg(test)]
    pub(super) fn is_direct(&self) -> bool {
        self.direct.is_some()
    }

    /// Appends `bytes`, which start at file offset `at` (the end of what came before).
    pub(super) fn write(&mut self, mut bytes: &[u8], at: u64) -> io::Result<()> {
        if at != self.base + self.fill as u64 {
            return Err(io::Error::other(format!(
                "direct writer: a run at byte {at} after byte {}",
                self.base + self.fill as u64
            )));
        }
        while !bytes.is_empty() {
            let n = bytes.len().min(STAGE - self.fill);
            let w = self.lead + self.fill;
            self.buf[w..w + n].copy_from_slice(&bytes[..n]);
            self.fill += n;
            bytes = &bytes[n..];
            if self.fill == STAGE {
                self.flush(STAGE)?;
            }
        }
        Ok(())
    }

    /// Writes the first `len` staged bytes (a multiple of [`ALIGN`]) and moves what follows
    /// them to the window's start.
    fn flush(&mut self, len: usize) -> io::Result<()> {
        let window = &self.buf[self.lead..self.lead + len];
        let mut done = false;
        if let Some(d) = &self.direct {
            match super::writer::write_all_at(d, window, self.base) {
                Ok(()) => done = true,
                // The file system takes the flag but not this alignment: buffered from here.
                Err(e) if e.raw_os_error() == Some(22) => self.direct = None,
                Err(e) => return Err(e),
            }
        }
        if !done {
            super::writer::write_all_at(&self.plain, window, self.base)?;
        }
        self.buf
            .copy_within(self.lead + len..self.lead + self.fill, self.lead);
        self.fill -= len;
        self.base += len as u64;
        Ok(())
    }

    /// Writes everything staged: its aligned part direct, the rest buffered.
    pub(super) fn finish(&mut self) -> io::Result<()> {
        let aligned = self.fill / ALIGN * ALIGN;
        if aligned > 0 {
            self.flush(aligned)?;
        }
        if self.fill > 0 {
            let tail = &self.buf[self.lead..self.lead + self.fill];
            super::writer::write_all_at(&self.plain, tail, self.base)?;
            self.base += self.fill as u64;
            self.fill = 0;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Runs of odd sizes across several stage windows, written direct where the file system
    /// takes it (the test directory's) and buffered otherwise: the file is the runs in order.
    #[test]
    fn odd_runs_make_the_same_file() {
        let p = std::env::temp_dir().join(format!("rawcd-direct-{}", std::process::id()));
        let f = Arc::new(File::create(&p).unwrap());
        let mut want = Vec::new();
        let mut at = 0u64;
        match DirectWriter::open(&f) {
            None => {}
            Some(mut d) => {
                for i in 0..23u32 {
                    let run = vec![(i * 37 % 251) as u8; 2448 * (1 + i as usize * 97)];
                    d.write(&run, at).unwrap();
                    at += run.len() as u64;
                    want.extend_from_slice(&run);
                }
                assert!(d.write(b"x", at + 1).is_err(), "a gap is refused");
                d.finish().unwrap();
                let direct = d.is_direct();
                assert!(std::fs::read(&p).unwrap() == want, "direct: {direct}");
            }
        }
        let _ = std::fs::remove_file(&p);
    }
}

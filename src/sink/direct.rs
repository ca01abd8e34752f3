//! Direct I/O for the writer thread (Linux): whole output files written with `O_DIRECT`,
//! straight from an aligned staging buffer to the device, instead of through the page cache.
//!
//! Why: a buffered write makes the kernel copy every byte into freshly allocated page-cache
//! pages (on an idle 2-core machine, 80 % of the writer thread's time, in
//! `copy_folio_from_iter_atomic`), and the fsync that makes the set crash-safe then writes them
//! all out again. With direct I/O the writer thread copies each run once into one of two 4 MiB
//! aligned stages while an I/O thread has the device read the other; the final fsync has
//! nothing left to flush. (One stage, copy then write in series, measured no better than
//! buffered for bin/cue; two: 80-minute bin/cue 0.68 → 0.44 s, raw96 0.88 → 0.53 s.)
//!
//! The file is reopened through `/proc/self/fd` (a second open file description, so the
//! handle the rest of the sink uses keeps its flags). Everything falls back to the buffered
//! handle, quietly and without losing a byte, when the file system refuses: the reopen fails
//! (`O_DIRECT` unsupported), or a direct write fails with `EINVAL` (an alignment it does not
//! take). The last partial stage of the file (under 4 MiB) is written buffered.
//! `RAWCD_DIRECT_IO=0` turns it off.
#![forbid(unsafe_code)]

use std::fs::File;
use std::io;

/// Alignment of buffer address, length and file offset for `O_DIRECT` (the largest logical
/// block size in use; 512-byte devices take it too).
const ALIGN: usize = 4096;

/// Bytes gathered before each direct write.
const STAGE: usize = 4 << 20;

/// A staging buffer: the aligned window is `buf[lead..lead + STAGE]`.
struct Stage {
    buf: Vec<u8>,
    lead: usize,
}

impl Stage {
    fn new() -> Stage {
        let buf = vec![0u8; STAGE + ALIGN];
        let lead = (ALIGN - buf.as_ptr() as usize % ALIGN) % ALIGN;
        Stage { buf, lead }
    }

    fn window(&mut self) -> &mut [u8] {
        &mut self.buf[self.lead..self.lead + STAGE]
    }
}

/// A sequential direct writer (see the module doc). Two stages: the caller fills one while an
/// I/O thread writes the other, so the copy into the stage runs beside the device's transfer.
pub(super) struct DirectWriter {
    /// The ordinary handle: the tail (and, after a refusal, everything; the I/O thread has
    /// its own clone).
    plain: std::sync::Arc<File>,
    /// The stage being filled.
    cur: Option<Stage>,
    /// Bytes staged in `cur`.
    fill: usize,
    /// File offset of `cur`'s first byte (a multiple of [`ALIGN`]).
    base: u64,
    /// Full stages to the I/O thread, with the file offset of each.
    to_io: Option<crossbeam_channel::Sender<(Stage, u64)>>,
    /// Written stages back from it.
    back: crossbeam_channel::Receiver<Stage>,
    io: Option<std::thread::JoinHandle<io::Result<bool>>>,
}

/// True unless `RAWCD_DIRECT_IO=0` asks for buffered writes.
fn wanted() -> bool {
    std::env::var_os("RAWCD_DIRECT_IO").is_none_or(|v| v != "0")
}

/// The I/O thread: writes each full stage at its offset, direct while the file system takes
/// it, buffered from the first `EINVAL` on; returns whether every write went direct.
fn io_thread(
    mut direct: Option<File>,
    plain: std::sync::Arc<File>,
    rx: crossbeam_channel::Receiver<(Stage, u64)>,
    back: crossbeam_channel::Sender<Stage>,
) -> io::Result<bool> {
    while let Ok((mut stage, at)) = rx.recv() {
        let window = stage.window();
        let mut done = false;
        if let Some(d) = &direct {
            match super::pwrite::write_all_at(d, window, at) {
                Ok(()) => done = true,
                // The file system takes the flag but not this alignment: buffered from here.
                Err(e) if e.raw_os_error() == Some(22) => direct = None,
                Err(e) => return Err(e),
            }
        }
        if !done {
            super::pwrite::write_all_at(&plain, window, at)?;
        }
        let _ = back.send(stage);
    }
    Ok(direct.is_some())
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
        let (to_io, rx) = crossbeam_channel::bounded(1);
        let (back_tx, back) = crossbeam_channel::bounded(2);
        back_tx.send(Stage::new()).ok()?;
        let io_plain = plain.clone();
        let io = std::thread::Builder::new()
            .name("rawcd-direct-io".into())
            .spawn(move || io_thread(Some(File::from(fd)), io_plain, rx, back_tx))
            .ok()?;
        Some(DirectWriter {
            plain: plain.clone(),
            cur: Some(Stage::new()),
            fill: 0,
            base: 0,
            to_io: Some(to_io),
            back,
            io: Some(io),
        })
    }

    /// Direct I/O is Linux only here.
    #[cfg(not(target_os = "linux"))]
    pub(super) fn open(_plain: &std::sync::Arc<File>) -> Option<DirectWriter> {
        let _ = (wanted, io_thread);
        None
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
            let fill = self.fill;
            let Some(stage) = self.cur.as_mut() else {
                return Err(self.stopped());
            };
            let n = bytes.len().min(STAGE - fill);
            stage.window()[fill..fill + n].copy_from_slice(&bytes[..n]);
            self.fill += n;
            bytes = &bytes[n..];
            if self.fill == STAGE {
                self.hand_off()?;
            }
        }
        Ok(())
    }

    /// Sends the full stage to the I/O thread and takes the other one back.
    fn hand_off(&mut self) -> io::Result<()> {
        let (Some(stage), Some(tx)) = (self.cur.take(), self.to_io.as_ref()) else {
            return Err(self.stopped());
        };
        if tx.send((stage, self.base)).is_err() {
            return Err(self.stopped());
        }
        self.base += STAGE as u64;
        self.fill = 0;
        match self.back.recv() {
            Ok(s) => {
                self.cur = Some(s);
                Ok(())
            }
            Err(_) => Err(self.stopped()),
        }
    }

    /// The I/O thread's error, once it has stopped.
    fn stopped(&mut self) -> io::Error {
        self.to_io = None;
        match self.io.take().map(|h| h.join()) {
            Some(Ok(Err(e))) => e,
            Some(Err(_)) => io::Error::other("the direct I/O thread panicked"),
            _ => io::Error::other("the direct I/O thread stopped"),
        }
    }

    /// Waits for the I/O thread, then writes the last partial stage buffered. Returns
    /// whether every full stage went direct.
    pub(super) fn finish(&mut self) -> io::Result<bool> {
        let Some(mut stage) = self.cur.take() else {
            return Err(self.stopped());
        };
        self.to_io = None;
        let went_direct = match self.io.take().map(|h| h.join()) {
            Some(Ok(r)) => r?,
            Some(Err(_)) => return Err(io::Error::other("the direct I/O thread panicked")),
            None => return Err(io::Error::other("the direct I/O thread stopped")),
        };
        // The last partial stage (under 4 MiB), buffered, now that the thread is done.
        let fill = self.fill;
        super::pwrite::write_all_at(&self.plain, &stage.window()[..fill], self.base)?;
        self.base += fill as u64;
        self.fill = 0;
        Ok(went_direct)
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
                let direct = d.finish().unwrap();
                assert!(std::fs::read(&p).unwrap() == want, "direct: {direct}");
            }
        }
        let _ = std::fs::remove_file(&p);
    }
}

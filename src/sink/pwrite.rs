//! Positional writes: all of a buffer at a file offset (`pwrite` on Unix, `seek_write` on
//! Windows), retried on interruption. Shared by the batch writer and the direct writer.
#![forbid(unsafe_code)]

use std::fs::File;
use std::io;

#[cfg(unix)]
fn write_at(f: &File, buf: &[u8], at: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::write_at(f, buf, at)
}

#[cfg(windows)]
fn write_at(f: &File, buf: &[u8], at: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_write(f, buf, at)
}

/// Writes all of `buf` at file offset `at`.
pub(super) fn write_all_at(f: &File, mut buf: &[u8], mut at: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match write_at(f, buf, at) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                buf = &buf[n..];
                at += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

//! Where a track's bytes come from: a memory-mapped file (the fast path), `Bytes`, or any
//! `Read` with a declared length behind a sequential cursor; and a strided view of a mapped
//! file or `Bytes` ([`Source::strided`]: every 2448-byte record's 2352 main-channel bytes, or
//! its 96 subchannel bytes), read from the file with `pread` as the stream goes.
//!
//! The memory map is opened in exactly one function, `Source::map_file`; it is the only
//! `unsafe` in this module.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;

/// The bytes of one track (or of an R–W stream).
///
/// Cloning is cheap: mapped files and `Bytes` share their memory; a reader is shared behind a
/// lock and can be read once, front to back.
#[derive(Clone)]
pub struct Source(Inner);

#[derive(Clone)]
enum Inner {
    Bytes {
        bytes: Bytes,
        path: Option<PathBuf>,
        /// The mapping and where `bytes` starts in it, for size checks and page release.
        map: Option<(Arc<MappedFile>, u64)>,
    },
    Reader {
        reader: std::sync::Arc<Mutex<ReaderState>>,
        len: u64,
        name: String,
    },
    /// Every `stride` bytes of a mapped or in-memory source, `take` bytes ([`Source::strided`]).
    Strided(Arc<Strided>),
}

/// The geometry of a strided view: record k is `take` bytes at `start + k·stride` of `base`;
/// bytes past the end of `base` read as zero.
struct Strided {
    base: Source,
    start: u64,
    take: u64,
    stride: u64,
    count: u64,
}

impl Strided {
    /// Where logical byte `o` lies in `base`.
    fn phys(&self, o: u64) -> u64 {
        self.start + o / self.take * self.stride + o % self.take
    }

    /// The range of `base` that holds logical bytes `offset..offset + len` (`len` > 0), gaps
    /// between records included, not clipped to the end of `base`.
    fn span(&self, offset: u64, len: u64) -> (u64, u64) {
        (self.phys(offset), self.phys(offset + len - 1) + 1)
    }

    /// Copies logical bytes from `offset` into `out`, each record's piece read by `read` (its
    /// offset in `base`, the destination); pieces past the end of `base` are zero.
    fn gather(
        &self,
        offset: u64,
        out: &mut [u8],
        mut read: impl FnMut(u64, &mut [u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        let base_len = self.base.len();
        let mut o = offset;
        let mut rest = out;
        while !rest.is_empty() {
            let n = ((self.take - o % self.take) as usize).min(rest.len());
            let (piece, tail) = std::mem::take(&mut rest).split_at_mut(n);
            let p = self.phys(o);
            let avail = base_len.saturating_sub(p).min(n as u64) as usize;
            piece[avail..].fill(0);
            if avail > 0 {
                read(p, &mut piece[..avail])?;
            }
            o += n as u64;
            rest = tail;
        }
        Ok(())
    }

    /// [`Strided::gather`] with one positioned read of the whole span on the file handle of a
    /// mapped `base` (nothing is mapped in, so nothing stays resident); `Ok(false)` when `base`
    /// is not a mapped file.
    fn gather_pread(&self, offset: u64, out: &mut [u8]) -> io::Result<bool> {
        if out.is_empty() {
            return Ok(self.base.is_mapped());
        }
        let (p0, p1) = self.span(offset, out.len() as u64);
        let end = p1.min(self.base.len());
        let mut span = vec![0u8; end.saturating_sub(p0) as usize];
        if !self.base.pread(p0, &mut span)? {
            return Ok(false);
        }
        self.gather(offset, out, |p, piece| {
            let at = (p - p0) as usize;
            piece.copy_from_slice(&span[at..at + piece.len()]);
            Ok(())
        })?;
        Ok(true)
    }
}

struct ReaderState {
    reader: Box<dyn Read + Send>,
    pos: u64,
    /// The last bytes read (up to [`READER_TAIL`]), ending at `pos`: a read may start that
    /// far back (a stored subchannel's de-interleave reads two records past each batch).
    tail: Vec<u8>,
}

/// How far back a read-once source can still be read ([`ReaderState::tail`]).
const READER_TAIL: usize = 4096;

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Source({}, {} bytes)", self.name(), self.len())
    }
}

/// A read-only memory map that owns its file handle, so the mapped bytes stay valid as long as
/// any `Bytes` made from it lives.
struct MappedFile {
    map: memmap2::Mmap,
    file: File,
}

/// Shares the mapping between `Bytes` views and the source's size checks.
struct SharedMap(Arc<MappedFile>);

impl AsRef<[u8]> for SharedMap {
    fn as_ref(&self) -> &[u8] {
        &self.0.map
    }
}

impl Source {
    /// A source over bytes in memory (no copy).
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Source {
        Source(Inner::Bytes {
            bytes: bytes.into(),
            path: None,
            map: None,
        })
    }

    /// A source over any reader of exactly `len` bytes, read once, front to back. A reader that
    /// ends early makes the stream fail with an I/O error naming `name`.
    pub fn from_reader(reader: impl Read + Send + 'static, len: u64, name: &str) -> Source {
        Source(Inner::Reader {
            reader: std::sync::Arc::new(Mutex::new(ReaderState {
                reader: Box::new(reader),
                pos: 0,
                tail: Vec::new(),
            })),
            len,
            name: name.to_string(),
        })
    }

    /// A view of every `stride`-th run of `take` bytes of this source, from byte `start`:
    /// `count` records, `count × take` bytes long, record k being bytes `start + k·stride ..
    /// start + k·stride + take`. No copy: the bytes are read from this source when the view
    /// is read (from the file with `pread` when it is mapped, so nothing stays resident), and
    /// bytes past its end read as zero. This is how a track stored with its subchannel after
    /// each sector (2352 + 96 bytes) is read as two streams: the main channel
    /// (`take` 2352) and the subchannel (`start` + 2352, `take` 96), both with `stride` 2448.
    ///
    /// # Errors
    /// The source is a reader or itself a view, or `take` is 0 or larger than `stride`.
    pub fn strided(&self, start: u64, take: u32, stride: u32, count: u64) -> io::Result<Source> {
        let bad = |why: &str| {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{}: {why}", self.name()),
            ))
        };
        if !matches!(self.0, Inner::Bytes { .. }) {
            return bad("only a file or bytes in memory can be read with a stride");
        }
        if take == 0 || take > stride {
            return bad("a strided view takes 1..=stride bytes of each record");
        }
        if count.checked_mul(u64::from(stride)).is_none() {
            return bad("a strided view longer than 2^64 bytes");
        }
        Ok(Source(Inner::Strided(Arc::new(Strided {
            base: self.clone(),
            start,
            take: u64::from(take),
            stride: u64::from(stride),
            count,
        }))))
    }

    /// True for a memory-mapped file (or a view of one).
    pub fn is_mapped(&self) -> bool {
        match &self.0 {
            Inner::Bytes { map, .. } => map.is_some(),
            Inner::Reader { .. } => false,
            Inner::Strided(v) => v.base.is_mapped(),
        }
    }

    /// A source over the `len` bytes from `offset` of content read piece by piece
    /// ([`ReadAt`]): read once, front to back, as [`Source::from_reader`].
    pub(crate) fn from_read_at(content: impl ReadAt, offset: u64, len: u64, name: &str) -> Source {
        let range = ReadAtRange {
            content,
            pos: offset,
            end: offset.saturating_add(len),
        };
        Source::from_reader(range, len, name)
    }

    /// Opens a file: memory-mapped (read-only, advised sequential) when possible, else read into
    /// memory.
    ///
    /// # Errors
    /// The file cannot be opened or read.
    pub fn open(path: &Path) -> io::Result<Source> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        let (bytes, map) = if len == 0 {
            (Bytes::new(), None)
        } else {
            match Self::map_file(file) {
                Ok(m) => {
                    let m = Arc::new(m);
                    (Bytes::from_owner(SharedMap(m.clone())), Some((m, 0)))
                }
                Err(_) => (Bytes::from(std::fs::read(path)?), None),
            }
        };
        Ok(Source(Inner::Bytes {
            bytes,
            path: Some(path.to_path_buf()),
            map,
        }))
    }

    fn map_file(file: File) -> io::Result<MappedFile> {
        // SAFETY: the map is read-only and rawcd never writes to the file. Another process
        // truncating the file while it is mapped would make reads past the new end fault
        // (SIGBUS). The guard: the handle lives as long as the map, and the pipeline calls
        // `Source::check_available` (an fstat on this handle) before it touches a range, so a
        // truncation is reported as an I/O error; only a truncation racing that check by
        // microseconds is not caught (documented in the README, "Sources").
        let map = unsafe { memmap2::Mmap::map(&file)? };
        #[cfg(unix)]
        {
            let _ = map.advise(memmap2::Advice::Sequential);
        }
        Ok(MappedFile { map, file })
    }

    /// Length in bytes.
    pub fn len(&self) -> u64 {
        match &self.0 {
            Inner::Bytes { bytes, .. } => bytes.len() as u64,
            Inner::Reader { len, .. } => *len,
            Inner::Strided(v) => v.count * v.take,
        }
    }

    /// True when the source has no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A name for messages: the path, or `<memory>`, or the reader's name.
    pub fn name(&self) -> String {
        match &self.0 {
            Inner::Bytes { path: Some(p), .. } => p.display().to_string(),
            Inner::Bytes { path: None, .. } => "<memory>".to_string(),
            Inner::Reader { name, .. } => name.clone(),
            Inner::Strided(v) => v.base.name(),
        }
    }

    /// The bytes, when the source is in memory or mapped (zero-copy slicing possible); `None`
    /// for a reader and for a strided view (its bytes are not contiguous).
    pub fn bytes(&self) -> Option<&Bytes> {
        match &self.0 {
            Inner::Bytes { bytes, .. } => Some(bytes),
            Inner::Reader { .. } | Inner::Strided(_) => None,
        }
    }

    /// A sub-range of a mapped or in-memory source as a new source (no copy).
    ///
    /// # Errors
    /// The range is outside the source, or the source is a reader.
    pub fn slice(&self, offset: u64, len: u64) -> io::Result<Source> {
        match &self.0 {
            Inner::Bytes { bytes, path, map } => {
                let end = offset.checked_add(len).filter(|&e| e <= bytes.len() as u64);
                match end {
                    Some(end) => Ok(Source(Inner::Bytes {
                        bytes: bytes.slice(offset as usize..end as usize),
                        path: path.clone(),
                        map: map.as_ref().map(|(m, base)| (m.clone(), base + offset)),
                    })),
                    None => Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!(
                            "{}: range {offset}+{len} past the end ({} bytes)",
                            self.name(),
                            bytes.len()
                        ),
                    )),
                }
            }
            Inner::Reader { .. } => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "a reader source cannot be sliced",
            )),
            Inner::Strided(_) => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "a strided view cannot be sliced",
            )),
        }
    }

    /// True for a `Read` source (must be read once, in order).
    pub fn is_reader(&self) -> bool {
        matches!(self.0, Inner::Reader { .. })
    }

    /// For a mapped file: checks (fstat on the held handle) that the file still holds
    /// `offset..offset + len` of this source, so that touching the map cannot fault.
    ///
    /// # Errors
    /// The file shrank below the range (truncated after mapping).
    pub fn check_available(&self, offset: u64, len: u64) -> io::Result<()> {
        if let Inner::Strided(v) = &self.0 {
            let len = len.min(self.len().saturating_sub(offset));
            if len == 0 {
                return Ok(());
            }
            let (p0, p1) = v.span(offset, len);
            let end = p1.min(v.base.len());
            return v.base.check_available(p0, end.saturating_sub(p0));
        }
        if let Inner::Bytes {
            map: Some((m, base)),
            ..
        } = &self.0
        {
            let need = base + (offset + len).min(self.len());
            let now = m.file.metadata()?.len();
            if now < need {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "{}: file shrank to {now} bytes while in use (needs {need})",
                        self.name()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// For a mapped file: tells the kernel the pages wholly inside `offset..offset + len` of
    /// this source are no longer needed, so resident memory stays flat behind the stream.
    /// Reading them again later is still correct (they are re-read from the file).
    pub fn release(&self, offset: u64, len: u64) {
        if let Inner::Strided(v) = &self.0 {
            let len = len.min(self.len().saturating_sub(offset));
            if len > 0 {
                let (p0, p1) = v.span(offset, len);
                v.base.release(p0, p1 - p0);
            }
            return;
        }
        if let Inner::Bytes {
            map: Some((m, base)),
            ..
        } = &self.0
        {
            const PAGE: u64 = 4096;
            let start = (base + offset).div_ceil(PAGE) * PAGE;
            let end = ((base + offset + len).min(m.map.len() as u64) / PAGE) * PAGE;
            if end > start {
                // SAFETY: DONTNEED on a read-only, file-backed private view only drops cached
                // pages; later reads fault them back in from the file. No `&[u8]` is
                // invalidated in content.
                let _ = unsafe {
                    m.map.unchecked_advise_range(
                        memmap2::UncheckedAdvice::DontNeed,
                        start as usize,
                        (end - start) as usize,
                    )
                };
            }
        }
    }

    /// For a mapped file: reads `out.len()` bytes at `offset` of this source with `pread` on
    /// the held file handle instead of through the map (a copy from the page cache, with no
    /// page faults and no pages to release). `Ok(false)` when the source is not a mapped file.
    ///
    /// # Errors
    /// The read fails or the file ends first (it shrank after mapping).
    pub fn pread(&self, offset: u64, out: &mut [u8]) -> io::Result<bool> {
        if let Inner::Strided(v) = &self.0 {
            return v.gather_pread(offset, out);
        }
        let Inner::Bytes {
            map: Some((m, base)),
            ..
        } = &self.0
        else {
            return Ok(false);
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileExt;
            m.file.read_exact_at(out, base + offset)?;
            Ok(true)
        }
        #[cfg(not(unix))]
        {
            let _ = (m, base, offset, out);
            Ok(false)
        }
    }

    /// For a mapped file: reads the bytes from `offset` on into `slots` in order (as many as
    /// their lengths add up to), one `preadv` system call per 1024 slots on Linux, so that a
    /// batch's user data lands in its sector slots with no copy in user space. Elsewhere on
    /// Unix: one `pread` into a buffer, then a copy into the slots. `Ok(false)` when the source
    /// is not a mapped file (or not on Unix).
    ///
    /// # Errors
    /// The read fails or the file ends first (it shrank after mapping).
    pub fn pread_scatter(&self, offset: u64, slots: &mut [&mut [u8]]) -> io::Result<bool> {
        if let Inner::Strided(v) = &self.0 {
            // One read of the span into a buffer, then a copy into the slots.
            let mut buf = vec![0u8; slots.iter().map(|s| s.len()).sum()];
            if !v.gather_pread(offset, &mut buf)? {
                return Ok(false);
            }
            let mut rest = &buf[..];
            for s in slots.iter_mut() {
                let (head, tail) = rest.split_at(s.len());
                s.copy_from_slice(head);
                rest = tail;
            }
            return Ok(true);
        }
        let Inner::Bytes {
            map: Some((m, base)),
            ..
        } = &self.0
        else {
            return Ok(false);
        };
        #[cfg(target_os = "linux")]
        {
            use std::io::IoSliceMut;
            use std::os::unix::fs::FileExt;
            const IOV_MAX: usize = 1024;
            let mut at = base + offset;
            for group in slots.chunks_mut(IOV_MAX) {
                let want: usize = group.iter().map(|s| s.len()).sum();
                let mut iov: Vec<IoSliceMut<'_>> =
                    group.iter_mut().map(|s| IoSliceMut::new(s)).collect();
                let got = rustix::io::preadv(&m.file, &mut iov, at).map_err(io::Error::from)?;
                drop(iov);
                if got < want {
                    // A short read (rare: a signal, or the file shrank): finish slot by slot.
                    let mut skip = got;
                    let mut pos = at + got as u64;
                    for s in group.iter_mut() {
                        if skip >= s.len() {
                            skip -= s.len();
                            continue;
                        }
                        m.file.read_exact_at(&mut s[skip..], pos)?;
                        pos += (s.len() - skip) as u64;
                        skip = 0;
                    }
                }
                at += want as u64;
            }
            Ok(true)
        }
        #[cfg(all(unix, not(target_os = "linux")))]
        {
            use std::os::unix::fs::FileExt;
            let mut buf = vec![0u8; slots.iter().map(|s| s.len()).sum()];
            m.file.read_exact_at(&mut buf, base + offset)?;
            let mut rest = &buf[..];
            for s in slots.iter_mut() {
                let (head, tail) = rest.split_at(s.len());
                s.copy_from_slice(head);
                rest = tail;
            }
            Ok(true)
        }
        #[cfg(not(unix))]
        {
            let _ = (m, base, offset, slots);
            Ok(false)
        }
    }

    /// Copies `out.len()` bytes from `offset`; bytes past the end of the source read as zero
    /// (the audio padding of a last partial sector). A reader source must be read in
    /// non-decreasing offsets; it skips forward as needed.
    ///
    /// # Errors
    /// A reader fails, ends early, or is asked to go backwards.
    pub fn read_at(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        let len = self.len();
        let avail = len.saturating_sub(offset).min(out.len() as u64) as usize;
        out[avail..].fill(0);
        if avail == 0 {
            return Ok(());
        }
        match &self.0 {
            Inner::Bytes { bytes, .. } => {
                let o = offset as usize;
                out[..avail].copy_from_slice(&bytes[o..o + avail]);
                Ok(())
            }
            Inner::Strided(v) => {
                // A mapped file is read with `pread` (nothing mapped in stays resident).
                if v.gather_pread(offset, &mut out[..avail])? {
                    return Ok(());
                }
                v.gather(offset, &mut out[..avail], |p, piece| {
                    v.base.read_at(p, piece)
                })
            }
            Inner::Reader { reader, name, .. } => {
                let mut st = reader
                    .lock()
                    .map_err(|_| io::Error::other(format!("{name}: reader lock poisoned")))?;
                let mut got = 0;
                if offset < st.pos {
                    let back = st.pos - offset;
                    if back > st.tail.len() as u64 {
                        return Err(io::Error::new(
                            io::ErrorKind::Unsupported,
                            read_again(name, offset, st.pos),
                        ));
                    }
                    // Still in the tail: copy from it, then read on.
                    let from = st.tail.len() - back as usize;
                    got = (back as usize).min(avail);
                    out[..got].copy_from_slice(&st.tail[from..from + got]);
                }
                let skip = (offset + got as u64).saturating_sub(st.pos);
                if skip > 0 {
                    // The tail must end at `pos`: skipped bytes are not kept.
                    st.tail.clear();
                    let copied = io::copy(&mut (&mut st.reader).take(skip), &mut io::sink())?;
                    st.pos += copied;
                    if copied < skip {
                        return Err(eof(name, st.pos, len));
                    }
                }
                while got < avail {
                    match st.reader.read(&mut out[got..avail]) {
                        Ok(0) => return Err(eof(name, st.pos, len)),
                        Ok(n) => {
                            keep_tail(&mut st.tail, &out[got..got + n]);
                            got += n;
                            st.pos += n as u64;
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(())
            }
        }
    }
}

/// Content read piece by piece at byte offsets (a decoded container, a decoding audio file).
pub(crate) trait ReadAt: Send + 'static {
    /// Copies what it can of `out.len()` bytes from byte `offset` into `out`; returns the
    /// count, 0 at the end of the content.
    fn read_at(&self, offset: u64, out: &mut [u8]) -> io::Result<usize>;
}

/// A byte range of [`ReadAt`] content ([`Source::from_read_at`]), read front to back.
struct ReadAtRange<R> {
    content: R,
    pos: u64,
    end: u64,
}

impl<R: ReadAt> Read for ReadAtRange<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let want = (self.end - self.pos).min(out.len() as u64) as usize;
        if want == 0 {
            return Ok(0);
        }
        let n = self.content.read_at(self.pos, &mut out[..want])?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// Appends `read` to a reader's tail, keeping its last [`READER_TAIL`] bytes.
fn keep_tail(tail: &mut Vec<u8>, read: &[u8]) {
    let read = &read[read.len().saturating_sub(READER_TAIL)..];
    let drop = (tail.len() + read.len()).saturating_sub(READER_TAIL);
    tail.drain(..drop);
    tail.extend_from_slice(read);
}

/// The words for a second read of a read-once source (a second stream of a disc whose track
/// comes from a reader or a C read callback).
fn read_again(name: &str, offset: u64, pos: u64) -> String {
    if offset == 0 {
        format!(
            "{name}: a reader (or C read callback) source is read once, front to back, and an \
             earlier stream has already read it ({pos} bytes); give the track as a file or as \
             memory to stream the disc more than once"
        )
    } else {
        format!(
            "{name}: a reader (or C read callback) source is read once, front to back: byte \
             {offset} was asked for after byte {pos}"
        )
    }
}

fn eof(name: &str, pos: u64, len: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("{name}: ended after {pos} of {len} declared bytes"),
    )
}

#[cfg(test)]
mod tests {

    /// A read-once source may be read again up to 4 KiB behind its position (overlapping
    /// batches), with the right bytes; further back, or after a skip, is an error, never
    /// wrong bytes.
    #[test]
    fn reader_rereads_its_tail_only() {
        let data: Vec<u8> = (0..20_000u32).map(|i| (i * 31 % 251) as u8).collect();
        let src = Source::from_reader(std::io::Cursor::new(data.clone()), 20_000, "r");
        let mut out = vec![0u8; 3000];
        src.read_at(0, &mut out).unwrap();
        assert_eq!(out, data[..3000]);
        // 192 bytes back and 2808 new ones.
        src.read_at(2808, &mut out).unwrap();
        assert_eq!(out, data[2808..5808]);
        let mut small = [0u8; 100];
        src.read_at(5808 - 4096, &mut small).unwrap();
        assert_eq!(small[..], data[1712..1812]);
        assert!(src.read_at(5808 - 4097, &mut small).is_err());
        // Skip ahead: the skipped bytes are not in the tail.
        src.read_at(9000, &mut small).unwrap();
        assert_eq!(small[..], data[9000..9100]);
        assert!(src.read_at(8999, &mut small).is_err());
        src.read_at(9050, &mut small).unwrap();
        assert_eq!(small[..], data[9050..9150]);
    }
    use super::*;

    #[test]
    fn bytes_and_reader_read_the_same() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7) as u8).collect();
        let a = Source::from_bytes(data.clone());
        let b = Source::from_reader(std::io::Cursor::new(data.clone()), 10_000, "cursor");
        for off in [0u64, 100, 5000, 9990] {
            let mut x = [0u8; 20];
            let mut y = [0u8; 20];
            a.read_at(off, &mut x).unwrap();
            b.read_at(off, &mut y).unwrap();
            assert_eq!(x, y);
        }
        let mut y = [0u8; 4];
        let e = b.read_at(0, &mut y).unwrap_err();
        assert!(
            e.to_string()
                .contains("cursor: a reader (or C read callback) source is read once"),
            "{e}"
        );
    }

    /// The logical bytes of a strided view, straight from the definition.
    fn strided_oracle(base: &[u8], start: u64, take: u64, stride: u64, count: u64) -> Vec<u8> {
        (0..count * take)
            .map(|o| {
                let p = (start + o / take * stride + o % take) as usize;
                base.get(p).copied().unwrap_or(0)
            })
            .collect()
    }

    #[test]
    fn strided_views_read_every_record_in_memory_and_mapped() {
        // 7 records of 2448 bytes and a partial eighth (its tail, and the subchannel of it,
        // read as zero).
        let data: Vec<u8> = (0..7 * 2448 + 1000u32)
            .map(|i| (i.wrapping_mul(31) >> 3) as u8)
            .collect();
        let path = std::env::temp_dir().join(format!("rawcd-strided-{}", std::process::id()));
        std::fs::write(&path, &data).unwrap();
        let mapped = Source::open(&path).unwrap();
        let memory = Source::from_bytes(data.clone());
        for src in [&mapped, &memory] {
            for (start, take) in [(0u64, 2352u32), (2352, 96)] {
                let v = src.strided(start, take, 2448, 8).unwrap();
                let want = strided_oracle(&data, start, u64::from(take), 2448, 8);
                assert_eq!(v.len(), want.len() as u64);
                assert!(v.bytes().is_none());
                assert_eq!(v.is_mapped(), src.is_mapped());
                for (off, n) in [
                    (0u64, 1usize),
                    (0, want.len()),
                    (95, 200),
                    (2351, 2),
                    (5000, 9000),
                ] {
                    let off = off % want.len() as u64;
                    let n = n.min(want.len() - off as usize);
                    let mut got = vec![0xEEu8; n];
                    v.read_at(off, &mut got).unwrap();
                    assert!(got[..] == want[off as usize..off as usize + n], "{off}+{n}");
                    let mut got = vec![0xEEu8; n];
                    assert_eq!(v.pread(off, &mut got).unwrap(), src.is_mapped());
                    if src.is_mapped() {
                        assert!(got[..] == want[off as usize..off as usize + n], "{off}+{n}");
                    }
                }
                // The batch path: one slot per record.
                let mut buf = vec![0xEEu8; want.len()];
                let mut slots: Vec<&mut [u8]> = buf.chunks_mut(take as usize).collect();
                if v.pread_scatter(0, &mut slots).unwrap() {
                    assert!(buf == want);
                }
                v.check_available(0, v.len()).unwrap();
                v.release(0, v.len());
            }
        }
        assert!(Source::from_bytes(vec![1u8; 10])
            .strided(0, 0, 8, 1)
            .is_err());
        assert!(Source::from_bytes(vec![1u8; 10])
            .strided(0, 9, 8, 1)
            .is_err());
        let r = Source::from_reader(std::io::Cursor::new(vec![0u8; 10]), 10, "r");
        assert!(r.strided(0, 4, 8, 1).is_err());
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn short_reader_is_an_error() {
        let b = Source::from_reader(std::io::Cursor::new(vec![1u8; 10]), 100, "short");
        let mut y = [0u8; 50];
        let e = b.read_at(0, &mut y).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        assert!(e.to_string().contains("short: ended after 10 of 100"));
    }
}

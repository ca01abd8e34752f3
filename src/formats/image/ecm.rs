//! ECM v1 (Neill Corlett's Error Code Modeler, `.bin.ecm`): a `.bin` with the bytes that can
//! be recomputed (sync, mode byte, EDC, ECC, the second subheader copy) left out.
//!
//! Format (ECM v1, from its public description):
//! * magic `ECM\0`;
//! * records, each a type/count header then payload. Header: first byte = bit 7 continuation,
//!   bits 6..2 the low 5 bits of `count - 1`, bits 1..0 the type; each continuation byte adds 7
//!   more bits (bit 7 again says another follows). `count - 1` = 0xFFFF_FFFF ends the records;
//!   a count of 2³¹ or more is invalid.
//! * type 0: `count` raw bytes; type 1: `count` Mode 1 sectors, each 3 address bytes + 2048
//!   user bytes → 2352 bytes (sync, address, mode 1, data, EDC, zero field, ECC); type 2:
//!   `count` Mode 2 Form 1 sectors *without sync and header*, each 4 subheader bytes + 2048
//!   data → 2336 bytes (subheader twice, data, EDC, ECC over a zero header); type 3: Form 2,
//!   4 + 2324 → 2336 bytes (subheader twice, data, EDC);
//! * after the end marker, 4 bytes: the EDC (cd-format.md §3.1, little-endian) of the whole
//!   decoded stream.
//!
//! What the trailing EDC cannot see: a damaged byte in a type-3 (Form 2) payload. The decoder
//! regenerates that sector's EDC from the damaged bytes, and a CRC over a message followed by
//! its own CRC does not change with the message, so the stream's EDC still matches (a type-1 or
//! type-2 sector's ECC, which follows its EDC, does reveal the damage).
//!
//! Decoding streams: no more than one sector is held, and the EDC of the stream is checked when
//! its end is read (a stream that ends early or whose EDC differs fails the read, so no output
//! is committed). [`scan`] walks the record headers only (payloads are skipped with seeks) to
//! learn the decoded length and catch truncation before anything is decoded.
#![forbid(unsafe_code)]

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crc::{Crc, Digest, Table, CRC_32_CD_ROM_EDC};

use super::{io_err, new_track, tracks_only, ImageError};
use crate::codec::engine::Auto;
use crate::codec::sector::{self, form1, form2, mode1};
use crate::codec::{finish_form1, finish_form2, finish_mode1, SECTOR_SIZE};
use crate::formats::plan::{DiscPlan, Segment, TrackMode, TrackPlan};
use crate::source::{ReadAt, Source};

/// The first four bytes of an ECM v1 file.
pub const MAGIC: &[u8; 4] = b"ECM\0";

static EDC: Crc<u32, Table<16>> = Crc::<u32, Table<16>>::new(&CRC_32_CD_ROM_EDC);

/// Record types.
const RAW: u8 = 0;
const MODE1: u8 = 1;
const FORM1: u8 = 2;
const FORM2: u8 = 3;

/// Encoded payload bytes of one sector of each type (type 0: per byte).
const fn payload(ty: u8) -> u64 {
    match ty {
        MODE1 => 3 + 2048,
        FORM1 => 4 + 2048,
        FORM2 => 4 + 2324,
        _ => 1,
    }
}

/// Decoded bytes of one sector of each type (type 0: per byte).
const fn decoded(ty: u8) -> u64 {
    match ty {
        MODE1 => 2352,
        FORM1 | FORM2 => 2336,
        _ => 1,
    }
}

/// What [`scan`] learns without decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EcmInfo {
    /// Bytes of the decoded stream.
    pub decoded_len: u64,
    /// Type of the first record (0..=3), `None` for an empty stream.
    pub first_type: Option<u8>,
    /// Offset of the trailing EDC in the file.
    pub edc_offset: u64,
}

/// A byte reader that counts its position (for messages).
struct Counted<R> {
    inner: R,
    pos: u64,
}

impl<R: Read> Counted<R> {
    fn byte(&mut self) -> io::Result<Option<u8>> {
        let mut b = [0u8; 1];
        loop {
            match self.inner.read(&mut b) {
                Ok(0) => return Ok(None),
                Ok(_) => {
                    self.pos += 1;
                    return Ok(Some(b[0]));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Fills `out`; `Ok(false)` when the file ends first.
    fn fill(&mut self, out: &mut [u8]) -> io::Result<bool> {
        match self.inner.read_exact(out) {
            Ok(()) => {
                self.pos += out.len() as u64;
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// One record header: `Ok(None)` at the end marker.
fn read_header<R: Read>(r: &mut Counted<R>, path: &Path) -> Result<Option<(u8, u32)>, ImageError> {
    let at = r.pos;
    let bad = |what: String| ImageError::Malformed {
        path: path.to_path_buf(),
        offset: at,
        what,
    };
    let eof = || bad("the file ends inside a record header (no end marker)".into());
    let mut c = r.byte().map_err(io_err(path))?.ok_or_else(eof)?;
    let ty = c & 3;
    let mut num = u64::from((c >> 2) & 0x1F);
    let mut bits = 5;
    while c & 0x80 != 0 {
        if bits > 26 {
            return Err(bad("record header longer than 5 bytes".into()));
        }
        c = r.byte().map_err(io_err(path))?.ok_or_else(eof)?;
        num |= u64::from(c & 0x7F) << bits;
        bits += 7;
    }
    if num == 0xFFFF_FFFF {
        return Ok(None);
    }
    let count = num + 1;
    if count >= 0x8000_0000 {
        return Err(bad(format!(
            "record count {count} is out of range (at most 2^31 - 1)"
        )));
    }
    Ok(Some((ty, count as u32)))
}

/// Walks the records of an ECM file without decoding them: the decoded length, and the
/// structure checked against the file's size.
///
/// # Errors
/// The file cannot be read; no magic; a record header or payload runs past the end of the
/// file; no trailing EDC; bytes after it.
pub fn scan(path: &Path) -> Result<EcmInfo, ImageError> {
    let f = File::open(path).map_err(io_err(path))?;
    let len = f.metadata().map_err(io_err(path))?.len();
    scan_reader(BufReader::with_capacity(1 << 16, f), len, path)
}

/// [`scan`] over any seekable reader of `len` bytes; `path` names it in messages.
///
/// # Errors
/// As [`scan`].
pub fn scan_reader<R: Read + Seek>(inner: R, len: u64, path: &Path) -> Result<EcmInfo, ImageError> {
    let mut r = Counted { inner, pos: 0 };
    let mut magic = [0u8; 4];
    if !r.fill(&mut magic).map_err(io_err(path))? || &magic != MAGIC {
        return Err(ImageError::Malformed {
            path: path.to_path_buf(),
            offset: 0,
            what: "not an ECM file (no `ECM\\0` magic)".into(),
        });
    }
    let mut decoded_len = 0u64;
    let mut first_type = None;
    while let Some((ty, count)) = read_header(&mut r, path)? {
        first_type.get_or_insert(ty);
        let bytes = payload(ty) * u64::from(count);
        if r.pos + bytes > len {
            return Err(ImageError::Malformed {
                path: path.to_path_buf(),
                offset: r.pos,
                what: format!(
                    "a type-{ty} record of {count} {} needs {bytes} bytes, but the file ends {} bytes later",
                    if ty == RAW { "bytes" } else { "sectors" },
                    len - r.pos
                ),
            });
        }
        r.inner
            .seek(SeekFrom::Current(bytes as i64))
            .map_err(io_err(path))?;
        r.pos += bytes;
        decoded_len += decoded(ty) * u64::from(count);
    }
    let edc_offset = r.pos;
    if edc_offset + 4 != len {
        return Err(ImageError::Malformed {
            path: path.to_path_buf(),
            offset: edc_offset,
            what: if edc_offset + 4 > len {
                "the file ends before the 4-byte EDC after the end marker".into()
            } else {
                format!(
                    "{} bytes after the end marker where 4 (the EDC) belong",
                    len - edc_offset
                )
            },
        });
    }
    Ok(EcmInfo {
        decoded_len,
        first_type,
        edc_offset,
    })
}

/// A streaming ECM decoder: `Read` gives the decoded bytes; the stream's EDC is checked when
/// its end is reached (a mismatch is an `InvalidData` error naming the offset).
pub struct EcmDecoder<R: Read> {
    r: Counted<R>,
    path: PathBuf,
    /// Current record: type and what remains of its count.
    ty: u8,
    left: u32,
    /// The decoded bytes not yet handed out.
    buf: Box<[u8; SECTOR_SIZE]>,
    at: usize,
    end: usize,
    edc: Digest<'static, u32, Table<16>>,
    done: bool,
    engine: Auto,
}

impl<R: Read> EcmDecoder<R> {
    /// A decoder over an ECM stream (the magic is read and checked first).
    ///
    /// # Errors
    /// The stream does not start with [`MAGIC`].
    pub fn new(mut r: R, path: &Path) -> Result<EcmDecoder<R>, ImageError> {
        let mut magic = [0u8; 4];
        if r.read_exact(&mut magic).is_err() || &magic != MAGIC {
            return Err(ImageError::Malformed {
                path: path.to_path_buf(),
                offset: 0,
                what: "not an ECM file (no `ECM\\0` magic)".into(),
            });
        }
        Ok(EcmDecoder {
            r: Counted { inner: r, pos: 4 },
            path: path.to_path_buf(),
            ty: RAW,
            left: 0,
            buf: Box::new([0u8; SECTOR_SIZE]),
            at: 0,
            end: 0,
            edc: EDC.digest(),
            done: false,
            engine: Auto::detect(),
        })
    }

    fn truncated(&self, what: &str) -> ImageError {
        ImageError::Malformed {
            path: self.path.clone(),
            offset: self.r.pos,
            what: format!("the file ends inside {what}"),
        }
    }

    /// Decodes the next piece into `buf` (`end` > 0), or finishes the stream.
    fn refill(&mut self) -> Result<(), ImageError> {
        self.at = 0;
        self.end = 0;
        while self.left == 0 {
            match read_header(&mut self.r, &self.path)? {
                Some((ty, count)) => {
                    self.ty = ty;
                    self.left = count;
                }
                None => {
                    let at = self.r.pos;
                    let mut stored = [0u8; 4];
                    if !self.r.fill(&mut stored).map_err(io_err(&self.path))? {
                        return Err(self.truncated("the trailing EDC"));
                    }
                    let stored = u32::from_le_bytes(stored);
                    let got = std::mem::replace(&mut self.edc, EDC.digest()).finalize();
                    if stored != got {
                        return Err(ImageError::Malformed {
                            path: self.path.clone(),
                            offset: at,
                            what: format!(
                                "the decoded stream's EDC is {got:08x}, the file says {stored:08x} (the image is damaged)"
                            ),
                        });
                    }
                    // The scan refuses bytes after the EDC; so does the decoder.
                    let mut one = [0u8; 1];
                    if self.r.fill(&mut one).map_err(io_err(&self.path))? {
                        return Err(ImageError::Malformed {
                            path: self.path.clone(),
                            offset: at + 4,
                            what: "bytes after the stream's EDC, where the file should end".into(),
                        });
                    }
                    self.done = true;
                    return Ok(());
                }
            }
        }
        let s = &mut *self.buf;
        let (start, len) = match self.ty {
            RAW => {
                let n = (self.left as usize).min(SECTOR_SIZE);
                if !self.r.fill(&mut s[..n]).map_err(io_err(&self.path))? {
                    return Err(self.truncated("a type-0 record"));
                }
                self.left -= n as u32;
                (0, n)
            }
            MODE1 => {
                s.fill(0);
                s[..12].copy_from_slice(&sector::SYNC);
                s[15] = 1;
                let ok = self.r.fill(&mut s[12..15]).map_err(io_err(&self.path))?
                    && self
                        .r
                        .fill(&mut s[mode1::DATA..mode1::DATA + 2048])
                        .map_err(io_err(&self.path))?;
                if !ok {
                    return Err(self.truncated("a Mode 1 sector record"));
                }
                finish_mode1(&self.engine, s);
                self.left -= 1;
                (0, SECTOR_SIZE)
            }
            ty => {
                let data = if ty == FORM1 { 2048 } else { 2324 };
                s.fill(0);
                s[15] = 2;
                if !self
                    .r
                    .fill(&mut s[20..24 + data])
                    .map_err(io_err(&self.path))?
                {
                    return Err(self.truncated("a Mode 2 sector record"));
                }
                s.copy_within(20..24, 16);
                if ty == FORM1 {
                    debug_assert_eq!(form1::EDC, 24 + 2048);
                    finish_form1(&self.engine, s);
                } else {
                    debug_assert_eq!(form2::EDC, 24 + 2324);
                    finish_form2(&self.engine, s);
                }
                self.left -= 1;
                (16, SECTOR_SIZE - 16)
            }
        };
        self.edc.update(&s[start..start + len]);
        self.at = start;
        self.end = start + len;
        Ok(())
    }
}

impl<R: Read> Read for EcmDecoder<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        while self.at == self.end {
            if self.done {
                return Ok(0);
            }
            self.refill().map_err(ImageError::into_io)?;
        }
        let n = (self.end - self.at).min(out.len());
        out[..n].copy_from_slice(&self.buf[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Decodes a whole ECM stream in memory (tests, fuzzing, small files); `path` names it in
/// messages.
///
/// # Errors
/// The first problem, naming its byte offset.
pub fn decode_all(bytes: &[u8], path: &Path) -> Result<Vec<u8>, ImageError> {
    let mut d = EcmDecoder::new(bytes, path)?;
    let mut out = Vec::new();
    while !d.done {
        d.refill()?;
        out.extend_from_slice(&d.buf[d.at..d.end]);
    }
    Ok(out)
}

struct Cursor {
    dec: Option<EcmDecoder<BufReader<File>>>,
    /// Position in the decoded stream of the decoder's next byte.
    pos: u64,
}

/// An ECM file opened for streaming: one decoder shared by all the segments cut from it (a cue
/// with many tracks in one `.bin.ecm` decodes it once, in order); a read that goes backwards
/// restarts decoding from the beginning.
#[derive(Clone)]
pub struct EcmFile {
    path: PathBuf,
    info: EcmInfo,
    cursor: Arc<Mutex<Cursor>>,
}

impl std::fmt::Debug for EcmFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EcmFile({})", self.path.display())
    }
}

impl EcmFile {
    /// Opens and [`scan`]s an ECM file (nothing is decoded until a segment is read).
    ///
    /// # Errors
    /// As [`scan`].
    pub fn open(path: &Path) -> Result<EcmFile, ImageError> {
        let info = scan(path)?;
        Ok(EcmFile {
            path: path.to_path_buf(),
            info,
            cursor: Arc::new(Mutex::new(Cursor { dec: None, pos: 0 })),
        })
    }

    /// Bytes of the decoded stream.
    pub fn decoded_len(&self) -> u64 {
        self.info.decoded_len
    }

    /// What [`scan`] found.
    pub fn info(&self) -> EcmInfo {
        self.info
    }

    /// A `Read` source over `len` decoded bytes from `offset`.
    pub fn segment(&self, offset: u64, len: u64) -> Source {
        Source::from_read_at(self.clone(), offset, len, &self.path.display().to_string())
    }
}

impl ReadAt for EcmFile {
    fn read_at(&self, offset: u64, out: &mut [u8]) -> io::Result<usize> {
        let mut c = self.cursor.lock().unwrap_or_else(|p| p.into_inner());
        if c.dec.is_none() || offset < c.pos {
            let f = File::open(&self.path)?;
            c.dec = Some(
                EcmDecoder::new(BufReader::with_capacity(1 << 16, f), &self.path)
                    .map_err(ImageError::into_io)?,
            );
            c.pos = 0;
        }
        let Cursor { dec, pos } = &mut *c;
        let Some(dec) = dec.as_mut() else {
            return Ok(0);
        };
        let mut scratch = [0u8; 4096];
        while *pos < offset {
            let want = ((offset - *pos) as usize).min(scratch.len());
            let n = dec.read(&mut scratch[..want])?;
            if n == 0 {
                return Ok(0);
            }
            *pos += n as u64;
        }
        let n = dec.read(out)?;
        *pos += n as u64;
        if n == 0 || *pos == self.info.decoded_len {
            // Read to the end marker so that the stream's EDC is checked before the last
            // bytes are handed out.
            let mut tail = [0u8; 1];
            if dec.read(&mut tail)? != 0 {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{}: the decoded stream is longer than its records say",
                        self.path.display()
                    ),
                ));
            }
        }
        Ok(n)
    }
}

/// The track mode of a single-track `.bin.ecm` given directly, from its first decoded sector:
/// sync and mode 1 or 2 → raw 2352-byte data; a stream of Mode 2 records without sync →
/// `MODE2/2336`; else audio when the length is whole 2352-byte sectors, Mode 1 (ISO) when it
/// is whole 2048-byte sectors.
fn guess_mode(path: &Path, info: &EcmInfo) -> Result<TrackMode, ImageError> {
    let f = File::open(path).map_err(io_err(path))?;
    let mut d = EcmDecoder::new(BufReader::new(f), path)?;
    let mut head = [0u8; 16];
    let n = (info.decoded_len as usize).min(16);
    let mut got = 0;
    while got < n {
        d.refill()?;
        let k = (d.end - d.at).min(n - got);
        head[got..got + k].copy_from_slice(&d.buf[d.at..d.at + k]);
        got += k;
    }
    let len = info.decoded_len;
    let unsupported = || {
        ImageError::Unsupported {
        path: path.to_path_buf(),
        what: format!(
            "a decoded stream of {len} bytes that is neither whole 2352-, 2336- nor 2048-byte sectors (give the .cue that goes with it)"
        ),
    }
    };
    if n == 16 && head[..12] == sector::SYNC && len % 2352 == 0 {
        return match head[15] {
            1 => Ok(TrackMode::Mode1Raw),
            2 => Ok(TrackMode::Mode2Raw),
            m => Err(ImageError::Malformed {
                path: path.to_path_buf(),
                offset: 4,
                what: format!("the first decoded sector has mode byte {m:#04x}"),
            }),
        };
    }
    if matches!(info.first_type, Some(FORM1 | FORM2)) && len % 2336 == 0 {
        return Ok(TrackMode::Mode2FormMix);
    }
    if len % 2352 == 0 {
        return Ok(TrackMode::Audio);
    }
    if len % 2048 == 0 {
        return Ok(TrackMode::Mode1);
    }
    Err(unsupported())
}

/// The disc of an ECM file given directly: one track over the whole decoded stream, its mode
/// from the content (`guess_mode`). A multi-track `.bin.ecm` is read through its cue sheet
/// (`FILE "x.bin"` finds `x.bin.ecm`).
///
/// # Errors
/// As [`scan`]; a stream that is empty or not whole sectors.
pub fn plan(path: &Path) -> Result<DiscPlan, ImageError> {
    let info = scan(path)?;
    if info.decoded_len == 0 {
        return Err(ImageError::Malformed {
            path: path.to_path_buf(),
            offset: 4,
            what: "the ECM stream decodes to no bytes".into(),
        });
    }
    let mode = guess_mode(path, &info)?;
    let track = TrackPlan {
        segments: vec![Segment::File {
            path: path.to_path_buf(),
            byte_offset: 0,
            byte_len: info.decoded_len,
            swap: false,
        }],
        ..new_track(1, mode, None)
    };
    Ok(tracks_only(path, vec![track]))
}

/// Decodes a whole ECM file (without keeping the output) and checks its trailing EDC.
///
/// # Errors
/// The first problem, naming its byte offset.
pub fn verify(path: &Path) -> Result<Vec<String>, ImageError> {
    let info = scan(path)?;
    let f = File::open(path).map_err(io_err(path))?;
    let mut d = EcmDecoder::new(BufReader::with_capacity(1 << 16, f), path)?;
    while !d.done {
        d.refill()?;
    }
    Ok(vec![format!(
        "ECM stream: {} bytes decoded, its EDC matches",
        info.decoded_len
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fuzz regression (ecm_stream): an empty stream (end marker, EDC 0) followed by 39 more
    /// bytes. The scan refused it; the decoder stopped at the EDC and accepted it. Both refuse
    /// now, and the plain stream without the extra bytes still decodes to nothing.
    #[test]
    fn bytes_after_the_edc_are_refused_by_scan_and_decoder() {
        let name = Path::new("x.bin.ecm");
        let mut data = b"ECM\0\xfc\xff\xff\xff\x3f\0\0\0\0".to_vec();
        assert_eq!(decode_all(&data, name).unwrap(), Vec::<u8>::new());
        data.extend_from_slice(&[0u8; 39]);
        let e = decode_all(&data, name).unwrap_err().to_string();
        assert!(
            e.contains("after the stream's EDC") && e.contains("13"),
            "{e}"
        );
        let n = data.len() as u64;
        assert!(scan_reader(std::io::Cursor::new(&data), n, name).is_err());
    }
}

//! Readers of disc images that other tools made: Nero (`.nrg`, [`nrg`]), Alcohol 120%
//! (`.mds` + `.mdf`, [`mds`]) and CloneCD (`.ccd` + `.img` + `.sub`, [`ccd`]); MAME CHD and
//! ECM join here, one file each. Each reader turns an image into the same neutral
//! [`DiscPlan`] the cue and TOC readers give, with [`Segment::File`] pieces wherever the
//! sectors are stored plainly (so they are memory-mapped, not copied). Readers never import
//! writers.
//!
//! Formats are recognised by content, never by extension ([`detect`]): Nero by the `NERO`
//! (32-bit) or `NER5` (64-bit) footer, Alcohol by the `MEDIA DESCRIPTOR` signature, CloneCD
//! by its `[CloneCD]` section. [`load_image`] is the one entry point: it detects and reads.
//!
//! Every error names the file and, where there is one, the byte offset of the problem
//! ([`ImageError`]); no reader allocates by a count the file states (tables are walked in
//! place, bounded by the bytes that are really there).
//!
//! [`Segment::File`]: super::plan::Segment::File
#![forbid(unsafe_code)]

pub mod ccd;
pub mod mds;
pub mod nrg;

use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::plan::DiscPlan;
use crate::source::Source;

/// An error of an image reader: one line naming the file and the problem.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ImageError {
    /// The bytes break the format at a known position.
    #[error("{}: byte {offset}: {problem}", path.display())]
    Malformed {
        /// The image (or descriptor) file.
        path: PathBuf,
        /// Byte offset in that file.
        offset: u64,
        /// What is wrong.
        problem: String,
    },
    /// Facts of the image that disagree with each other (no single position).
    #[error("{}: {problem}", path.display())]
    Invalid {
        /// The image (or descriptor) file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// Something valid that rawcd does not read yet.
    #[error("{}: {what} is not supported", path.display())]
    Unsupported {
        /// The image file.
        path: PathBuf,
        /// What.
        what: String,
    },
    /// A text control file (CloneCD `.ccd`) that does not parse; names its line and column.
    #[error(transparent)]
    Sheet(crate::formats::ParseError),
    /// A file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

impl ImageError {
    /// True when the input is at fault (CLI exit code 2): everything but an I/O failure
    /// other than a missing or unreadable file.
    pub fn is_bad_input(&self) -> bool {
        match self {
            ImageError::Io { source, .. } => matches!(
                source.kind(),
                io::ErrorKind::NotFound
                    | io::ErrorKind::PermissionDenied
                    | io::ErrorKind::InvalidData
                    | io::ErrorKind::UnexpectedEof
            ),
            _ => true,
        }
    }

    pub(crate) fn malformed(path: &Path, offset: u64, problem: impl Into<String>) -> Self {
        ImageError::Malformed {
            path: path.to_path_buf(),
            offset,
            problem: problem.into(),
        }
    }

    pub(crate) fn invalid(path: &Path, problem: impl Into<String>) -> Self {
        ImageError::Invalid {
            path: path.to_path_buf(),
            problem: problem.into(),
        }
    }
}

/// The image formats rawcd reads besides its own sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// Nero `.nrg`, v1 (`NERO` footer) or v2 (`NER5`).
    Nero,
    /// Alcohol 120% `.mds` descriptor (with its `.mdf` data file).
    Alcohol,
    /// CloneCD `.ccd` control file (with `.img` and `.sub`).
    CloneCd,
}

impl ImageFormat {
    /// The format's usual name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            ImageFormat::Nero => "Nero",
            ImageFormat::Alcohol => "Alcohol 120%",
            ImageFormat::CloneCd => "CloneCD",
        }
    }
}

/// Recognises a format from the first bytes of a file and its last 12 bytes (fewer when the
/// file is shorter).
pub fn detect_bytes(head: &[u8], tail: &[u8]) -> Option<ImageFormat> {
    if head.starts_with(b"MEDIA DESCRIPTOR") {
        return Some(ImageFormat::Alcohol);
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = &text[text.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
    if text.len() >= 9 && text[..9].eq_ignore_ascii_case(b"[CloneCD]") {
        return Some(ImageFormat::CloneCd);
    }
    let n = tail.len();
    if n >= 12 && &tail[n - 12..n - 8] == b"NER5" {
        return Some(ImageFormat::Nero);
    }
    if n >= 8 && &tail[n - 8..n - 4] == b"NERO" {
        return Some(ImageFormat::Nero);
    }
    None
}

/// Recognises the format of a file by its content; `None` when it is none of
/// [`ImageFormat`]'s.
///
/// # Errors
/// The file cannot be opened or read.
pub fn detect(path: &Path) -> io::Result<Option<ImageFormat>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    let mut head = vec![0u8; len.min(64) as usize];
    f.read_exact(&mut head)?;
    let tail_len = len.min(12);
    f.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    f.read_exact(&mut tail)?;
    Ok(detect_bytes(&head, &tail))
}

/// The format of a file by content ([`detect`]), else by its extension (`.nrg`, `.mds`,
/// `.ccd`), so that a damaged image is reported by its reader ("no Nero footer") rather than
/// as an unknown file.
///
/// # Errors
/// The file cannot be opened or read.
pub fn guess(path: &Path) -> io::Result<Option<ImageFormat>> {
    if let Some(f) = detect(path)? {
        return Ok(Some(f));
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    Ok(match ext.as_str() {
        "nrg" => Some(ImageFormat::Nero),
        "mds" => Some(ImageFormat::Alcohol),
        "ccd" => Some(ImageFormat::CloneCd),
        _ => None,
    })
}

/// Reads the image at `path` (any [`ImageFormat`]) into a [`DiscPlan`].
///
/// # Errors
/// [`ImageError`]: not an image rawcd reads, a malformed or inconsistent image, a data file
/// that is missing or shorter than the image says.
pub fn load_image(path: &Path) -> Result<DiscPlan, ImageError> {
    let io_err = |source| ImageError::Io {
        path: path.to_path_buf(),
        source,
    };
    let format = guess(path)
        .map_err(io_err)?
        .ok_or_else(|| ImageError::invalid(path, "not a Nero, Alcohol or CloneCD image"))?;
    match format {
        ImageFormat::Nero => {
            let src = Source::open(path).map_err(io_err)?;
            let bytes = whole(&src, path)?;
            nrg::parse_nrg(path, &bytes)
        }
        ImageFormat::Alcohol => mds::load_mds(path),
        ImageFormat::CloneCd => ccd::load_ccd(path),
    }
}

/// The bytes of a whole file source (memory-mapped: no copy).
fn whole(src: &Source, path: &Path) -> Result<bytes::Bytes, ImageError> {
    match src.bytes() {
        Some(b) => Ok(b.clone()),
        None => {
            let mut v = vec![0u8; src.len() as usize];
            src.read_at(0, &mut v).map_err(|source| ImageError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            Ok(bytes::Bytes::from(v))
        }
    }
}

/// Bounds-checked little reads from a file's bytes, each failure naming the offset.
pub(crate) struct At<'a> {
    pub path: &'a Path,
    pub bytes: &'a [u8],
}

impl<'a> At<'a> {
    /// `len` bytes at `offset`, or an error saying what was being read.
    pub fn get(&self, offset: u64, len: u64, what: &str) -> Result<&'a [u8], ImageError> {
        let end = offset.checked_add(len);
        match end {
            Some(end) if end <= self.bytes.len() as u64 => {
                Ok(&self.bytes[offset as usize..end as usize])
            }
            _ => Err(ImageError::malformed(
                self.path,
                offset,
                format!(
                    "{what} ({len} bytes) runs past the end of the file ({} bytes)",
                    self.bytes.len()
                ),
            )),
        }
    }

    pub fn u8(&self, offset: u64, what: &str) -> Result<u8, ImageError> {
        Ok(self.get(offset, 1, what)?[0])
    }

    pub fn u16_le(&self, offset: u64, what: &str) -> Result<u16, ImageError> {
        let b = self.get(offset, 2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub fn u16_be(&self, offset: u64, what: &str) -> Result<u16, ImageError> {
        let b = self.get(offset, 2, what)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub fn u32_le(&self, offset: u64, what: &str) -> Result<u32, ImageError> {
        let b = self.get(offset, 4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn u32_be(&self, offset: u64, what: &str) -> Result<u32, ImageError> {
        let b = self.get(offset, 4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn u64_le(&self, offset: u64, what: &str) -> Result<u64, ImageError> {
        let b = self.get(offset, 8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    pub fn u64_be(&self, offset: u64, what: &str) -> Result<u64, ImageError> {
        let b = self.get(offset, 8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_be_bytes(a))
    }
}

/// An ISRC field of a binary image (12 ASCII bytes; all zero or blank = none). A malformed
/// one is dropped with a warning.
pub(crate) fn isrc_field(
    raw: &[u8],
    track: u8,
    warnings: &mut Vec<String>,
) -> Option<crate::codec::Isrc> {
    if raw.iter().all(|&b| b == 0 || b == b' ') {
        return None;
    }
    let text = String::from_utf8_lossy(raw);
    let text = text.trim_end_matches(['\0', ' ']);
    match crate::codec::Isrc::parse(text) {
        Ok(i) => Some(i),
        Err(e) => {
            warnings.push(format!("track {track:02}: ISRC {text:?} ignored: {e}"));
            None
        }
    }
}

/// A catalogue-number field of a binary image (13 ASCII digits; all zero, NUL or blank =
/// none). A malformed one is dropped with a warning.
pub(crate) fn mcn_field(raw: &[u8], warnings: &mut Vec<String>) -> Option<crate::codec::Mcn> {
    if raw.iter().all(|&b| b == 0 || b == b' ' || b == b'0') {
        return None;
    }
    let text = String::from_utf8_lossy(raw);
    let text = text.trim_end_matches(['\0', ' ']);
    match crate::codec::Mcn::parse(text) {
        Ok(m) => Some(m),
        Err(e) => {
            warnings.push(format!("catalogue number {text:?} ignored: {e}"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_recognised_by_content() {
        assert_eq!(
            detect_bytes(b"MEDIA DESCRIPTOR\x01\x03", b""),
            Some(ImageFormat::Alcohol)
        );
        assert_eq!(
            detect_bytes(b"\xEF\xBB\xBF\r\n[clonecd]\r\nVersion=3", b""),
            Some(ImageFormat::CloneCd)
        );
        assert_eq!(
            detect_bytes(b"", b"NER5\0\0\0\0\0\x10\x38\xc0"),
            Some(ImageFormat::Nero)
        );
        assert_eq!(
            detect_bytes(b"", b"\0\0\0\0NERO\0\x28\x22\xc0"),
            Some(ImageFormat::Nero)
        );
        assert_eq!(detect_bytes(b"FILE \"x.bin\" BINARY", b"NER"), None);
        assert_eq!(detect_bytes(b"", b""), None);
    }
}

//! RIFF/WAVE headers (cd-format.md §11.5): find the PCM data of a CD-audio WAV file.
//!
//! The chunk list is walked lazily over a byte slice, in any chunk order, with chunks padded to
//! even length; only the `fmt ` chunk and the `data` chunk header are read. The result is the
//! data chunk's byte range in the file, never a copy of the samples.
#![forbid(unsafe_code)]

use thiserror::Error;

/// What is wrong with a WAV file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum WavError {
    /// The file ends inside a header.
    #[error("truncated header: {what} needs bytes up to {needed}, the file has {len}")]
    Truncated {
        /// Which header.
        what: &'static str,
        /// Bytes needed from the start of the file.
        needed: u64,
        /// Bytes available.
        len: u64,
    },
    /// The first four bytes are not `RIFF` (`RIFX`/`RF64` are named).
    #[error("not a RIFF file (starts with {found:?})")]
    NotRiff {
        /// The first four bytes, lossily as text.
        found: String,
    },
    /// The RIFF form type is not `WAVE`.
    #[error("RIFF form {found:?} is not WAVE")]
    NotWave {
        /// The form type, lossily as text.
        found: String,
    },
    /// No `fmt ` chunk before the `data` chunk or the end of the file.
    #[error("no fmt chunk before the data")]
    NoFmt,
    /// No `data` chunk.
    #[error("no data chunk")]
    NoData,
    /// A format tag other than PCM.
    #[error("format tag {tag} ({name}), rawcd needs PCM (1)")]
    FormatTag {
        /// The tag (or the extensible sub-format's tag).
        tag: u16,
        /// Its usual name.
        name: &'static str,
    },
    /// PCM, but not CD audio.
    #[error("{found}, rawcd needs 16-bit stereo 44100 Hz")]
    NotCdAudio {
        /// A description such as `8-bit mono 22050 Hz`.
        found: String,
    },
    /// A `fmt ` chunk too small for what its format tag declares (16 bytes for PCM, 40 for
    /// `WAVE_FORMAT_EXTENSIBLE`, whose sub-format would otherwise be read past the chunk).
    #[error("fmt chunk of {size} bytes is too small for a {what} header ({needed} bytes)")]
    FmtTooSmall {
        /// The chunk's declared size.
        size: u64,
        /// Which header ("PCM", "WAVE_FORMAT_EXTENSIBLE").
        what: &'static str,
        /// Bytes that header needs.
        needed: u64,
    },
    /// PCM CD audio, but a block align other than 4.
    #[error("block align {found}, expected 4")]
    BlockAlign {
        /// The value found.
        found: u16,
    },
}

impl WavError {
    /// True when the file is a well-formed WAV whose audio is simply not CD PCM (another
    /// format tag, sample size, rate or channel count): a decoder may convert it. False for a
    /// broken file, which must be reported as it is.
    pub fn is_other_layout(&self) -> bool {
        matches!(
            self,
            WavError::FormatTag { .. } | WavError::NotCdAudio { .. }
        )
    }
}

/// Where the samples of a WAV file are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WavData {
    /// Byte offset of the first sample in the file.
    pub data_offset: u64,
    /// Bytes of samples (clamped to the file's end, see `warnings`).
    pub data_len: u64,
    /// Things that were accepted but are worth telling (a clamped data chunk).
    pub warnings: Vec<String>,
}

fn tag_name(tag: u16) -> &'static str {
    match tag {
        1 => "PCM",
        2 => "ADPCM",
        3 => "float",
        6 => "A-law",
        7 => "mu-law",
        0x11 => "IMA ADPCM",
        0x55 => "MP3",
        0xFFFE => "extensible",
        _ => "unknown",
    }
}

fn u16le(b: &[u8], at: usize) -> u16 {
    match b.get(at..at + 2) {
        Some(s) => u16::from_le_bytes([s[0], s[1]]),
        None => 0,
    }
}

fn u32le(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(s) => u32::from_le_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}

/// Parses a whole WAV file held in memory (or mapped).
///
/// # Errors
/// A [`WavError`] naming what was found.
pub fn parse_wav(bytes: &[u8]) -> Result<WavData, WavError> {
    parse_wav_prefix(bytes, bytes.len() as u64)
}

/// Parses a WAV header from the first bytes of a file whose total length is `file_len`.
///
/// `head` must reach past the `data` chunk's 8-byte header (64 KiB is plenty for real files);
/// chunks before it are skipped by their declared sizes. A `data` chunk whose declared size runs
/// past the end of the file (a ripper that stopped early, or a streaming writer's `0xFFFFFFFF`)
/// is **clamped** to the file's end with a warning.
///
/// # Errors
/// A [`WavError`] naming what was found: `8-bit mono 22050 Hz`, `format tag 3 (float)`,
/// `truncated header`, `no data chunk`.
pub fn parse_wav_prefix(head: &[u8], file_len: u64) -> Result<WavData, WavError> {
    let avail = (head.len() as u64).min(file_len);
    let need = |what: &'static str, needed: u64| -> Result<(), WavError> {
        if needed > avail {
            Err(WavError::Truncated {
                what,
                needed,
                len: avail,
            })
        } else {
            Ok(())
        }
    };
    need("RIFF header", 12)?;
    if &head[0..4] != b"RIFF" {
        return Err(WavError::NotRiff {
            found: String::from_utf8_lossy(&head[0..4]).into_owned(),
        });
    }
    if &head[8..12] != b"WAVE" {
        return Err(WavError::NotWave {
            found: String::from_utf8_lossy(&head[8..12]).into_owned(),
        });
    }
    let mut pos: u64 = 12;
    let mut fmt_ok = false;
    loop {
        if pos + 8 > file_len {
            return Err(if fmt_ok {
                WavError::NoData
            } else {
                WavError::NoFmt
            });
        }
        need("chunk header", pos + 8)?;
        let p = pos as usize;
        let id = &head[p..p + 4];
        let size = u32le(head, p + 4) as u64;
        let body = pos + 8;
        if id == b"fmt " {
            if size < 16 {
                return Err(WavError::FmtTooSmall {
                    size,
                    what: "PCM",
                    needed: 16,
                });
            }
            need("fmt chunk", body + 16)?;
            let b = body as usize;
            let mut tag = u16le(head, b);
            let channels = u16le(head, b + 2);
            let rate = u32le(head, b + 4);
            let align = u16le(head, b + 12);
            let bits = u16le(head, b + 14);
            if tag == 0xFFFE {
                // WAVE_FORMAT_EXTENSIBLE: cbSize (2), valid bits (2), channel mask (4), GUID.
                if size < 40 {
                    return Err(WavError::FmtTooSmall {
                        size,
                        what: "WAVE_FORMAT_EXTENSIBLE",
                        needed: 40,
                    });
                }
                need("extensible fmt chunk", body + 26)?;
                let sub = u16le(head, b + 24);
                if sub != 1 {
                    return Err(WavError::FormatTag {
                        tag: sub,
                        name: tag_name(sub),
                    });
                }
                tag = 1;
            }
            if tag != 1 {
                return Err(WavError::FormatTag {
                    tag,
                    name: tag_name(tag),
                });
            }
            if channels != 2 || rate != 44_100 || bits != 16 {
                let ch = match channels {
                    1 => "mono".to_string(),
                    2 => "stereo".to_string(),
                    n => format!("{n}-channel"),
                };
                return Err(WavError::NotCdAudio {
                    found: format!("{bits}-bit {ch} {rate} Hz"),
                });
            }
            if align != 4 {
                return Err(WavError::BlockAlign { found: align });
            }
            fmt_ok = true;
        } else if id == b"data" {
            if !fmt_ok {
                return Err(WavError::NoFmt);
            }
            let mut warnings = Vec::new();
            let rest = file_len - body;
            let len = if size > rest {
                warnings.push(format!(
                    "data chunk declares {size} bytes but the file holds {rest} after its header; using {rest}"
                ));
                rest
            } else {
                size
            };
            return Ok(WavData {
                data_offset: body,
                data_len: len,
                warnings,
            });
        }
        pos = body + size + (size & 1);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a WAV file: `fmt` fields (tag, channels, rate, bits, align), extra chunks before
    /// `data`, and `data_len` zero bytes (declared as `declared` when given).
    pub(crate) fn make_wav(
        (tag, channels, rate, bits, align): (u16, u16, u32, u16, u16),
        extra: &[u8],
        data_len: usize,
        declared: Option<u32>,
    ) -> Vec<u8> {
        let mut body = b"WAVE".to_vec();
        body.extend_from_slice(extra);
        body.extend_from_slice(b"fmt ");
        body.extend_from_slice(&16u32.to_le_bytes());
        body.extend_from_slice(&tag.to_le_bytes());
        body.extend_from_slice(&channels.to_le_bytes());
        body.extend_from_slice(&rate.to_le_bytes());
        body.extend_from_slice(&(rate * align as u32).to_le_bytes());
        body.extend_from_slice(&align.to_le_bytes());
        body.extend_from_slice(&bits.to_le_bytes());
        body.extend_from_slice(b"data");
        body.extend_from_slice(&declared.unwrap_or(data_len as u32).to_le_bytes());
        body.extend(std::iter::repeat_n(0u8, data_len));
        let mut f = b"RIFF".to_vec();
        f.extend_from_slice(&(body.len() as u32).to_le_bytes());
        f.extend(body);
        f
    }

    pub(crate) fn cd_wav(data_len: usize) -> Vec<u8> {
        make_wav((1, 2, 44_100, 16, 4), &[], data_len, None)
    }

    #[test]
    fn plain_header_is_44_bytes() {
        let w = cd_wav(2352);
        let d = parse_wav(&w).unwrap();
        assert_eq!((d.data_offset, d.data_len), (44, 2352));
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn odd_chunks_before_fmt_are_skipped_with_padding() {
        let extra = b"LIST\x03\x00\x00\x00abc\x00";
        let w = make_wav((1, 2, 44_100, 16, 4), extra, 8, None);
        let d = parse_wav(&w).unwrap();
        assert_eq!((d.data_offset, d.data_len), (56, 8));
    }

    #[test]
    fn data_before_fmt_is_an_error() {
        let mut w = b"RIFF\x00\x00\x00\x00WAVEdata\x04\x00\x00\x00abcd".to_vec();
        w.extend_from_slice(&[0; 4]);
        assert_eq!(parse_wav(&w), Err(WavError::NoFmt));
    }

    #[test]
    fn wrong_formats_are_named() {
        let e = parse_wav(&make_wav((1, 1, 22_050, 8, 1), &[], 4, None)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "8-bit mono 22050 Hz, rawcd needs 16-bit stereo 44100 Hz"
        );
        let e = parse_wav(&make_wav((3, 2, 44_100, 32, 8), &[], 4, None)).unwrap_err();
        assert_eq!(e.to_string(), "format tag 3 (float), rawcd needs PCM (1)");
        let e = parse_wav(&make_wav((1, 2, 44_100, 16, 6), &[], 4, None)).unwrap_err();
        assert_eq!(e, WavError::BlockAlign { found: 6 });
    }

    #[test]
    fn extensible_pcm_is_accepted() {
        let mut w = b"RIFF\x00\x00\x00\x00WAVEfmt \x28\x00\x00\x00".to_vec();
        w.extend_from_slice(&0xFFFEu16.to_le_bytes());
        w.extend_from_slice(&2u16.to_le_bytes());
        w.extend_from_slice(&44_100u32.to_le_bytes());
        w.extend_from_slice(&176_400u32.to_le_bytes());
        w.extend_from_slice(&4u16.to_le_bytes());
        w.extend_from_slice(&16u16.to_le_bytes());
        w.extend_from_slice(&22u16.to_le_bytes()); // cbSize
        w.extend_from_slice(&16u16.to_le_bytes()); // valid bits
        w.extend_from_slice(&3u32.to_le_bytes()); // channel mask
        w.extend_from_slice(&1u16.to_le_bytes()); // sub-format PCM GUID starts with 1
        w.extend_from_slice(&[0; 14]);
        w.extend_from_slice(b"data\x04\x00\x00\x00\x01\x02\x03\x04");
        let d = parse_wav(&w).unwrap();
        assert_eq!((d.data_offset, d.data_len), (68, 4));
    }

    #[test]
    fn truncated_and_missing_data() {
        assert_eq!(
            parse_wav(b"RIFF\x00\x00").unwrap_err().to_string(),
            "truncated header: RIFF header needs bytes up to 12, the file has 6"
        );
        let w = make_wav((1, 2, 44_100, 16, 4), &[], 0, None);
        assert_eq!(parse_wav(&w[..36]), Err(WavError::NoData));
        assert!(matches!(
            parse_wav(b"RIFX\0\0\0\0WAVE"),
            Err(WavError::NotRiff { .. })
        ));
        assert!(matches!(
            parse_wav(b"RIFF\0\0\0\0AVI "),
            Err(WavError::NotWave { .. })
        ));
    }

    #[test]
    fn oversized_data_chunk_is_clamped_with_a_warning() {
        let w = make_wav((1, 2, 44_100, 16, 4), &[], 100, Some(u32::MAX));
        let d = parse_wav(&w).unwrap();
        assert_eq!(d.data_len, 100);
        assert_eq!(d.warnings.len(), 1);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let _ = parse_wav(&bytes);
            let mut w = cd_wav(8);
            let n = bytes.len().min(w.len());
            w[..n].copy_from_slice(&bytes[..n]);
            let _ = parse_wav(&w);
        }
    }
}

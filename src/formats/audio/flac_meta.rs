//! FLAC metadata blocks (RFC 9639 §8): STREAMINFO for the exact length, VORBIS_COMMENT for the
//! tags (and a `CUESHEET` comment), CUESHEET for an embedded cue sheet. Pure: bytes in, values
//! out. The audio frames are not looked at here.
#![forbid(unsafe_code)]

/// The FLAC stream marker (RFC 9639 §6).
pub const FLAC_MARKER: &[u8; 4] = b"fLaC";

/// The facts of a FLAC file's metadata blocks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FlacMeta {
    /// Sample rate in Hz (STREAMINFO).
    pub sample_rate: u32,
    /// Channels (STREAMINFO).
    pub channels: u8,
    /// Bits per sample (STREAMINFO).
    pub bits: u8,
    /// Total inter-channel samples (STREAMINFO); 0 means "unknown" (§8.2).
    pub total_samples: u64,
    /// Vorbis comments as `(KEY upper-cased, value)`, in file order.
    pub comments: Vec<(String, String)>,
    /// The CUESHEET block, when there is one.
    pub cuesheet: Option<FlacCueSheet>,
    /// STREAMINFO minimum and maximum block sizes.
    pub block_sizes: (u16, u16),
    /// Byte offset of STREAMINFO's minimum block size in the file.
    pub min_block_at: u64,
    /// Byte offset of the first audio frame (just after the metadata).
    pub audio_at: u64,
}

impl FlacMeta {
    /// The fix for a STREAMINFO whose minimum block size counts the short last block of a
    /// fixed-blocksize stream (RFC 9639 §8.2 excludes it; some encoders, flacenc among them,
    /// do not): `(offset, bytes)` to read in place of the minimum, i.e. the maximum, when the
    /// sizes differ and the first frame header (`first_frame`, its first two bytes) says fixed
    /// blocking. symphonia 0.5 takes min ≠ max for a variable-blocksize stream and then finds
    /// no frame of a fixed one.
    pub fn min_block_fix(&self, first_frame: &[u8]) -> Option<(u64, [u8; 2])> {
        let (min, max) = self.block_sizes;
        (min != max && first_frame.get(..2) == Some(&[0xFF, 0xF8][..]))
            .then(|| (self.min_block_at, max.to_be_bytes()))
    }
}

/// A CUESHEET metadata block (RFC 9639 §8.7).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FlacCueSheet {
    /// Media catalogue number (trailing NULs removed).
    pub catalog: String,
    /// True when the sheet describes a CD-DA disc.
    pub is_cd: bool,
    /// The tracks, lead-out included (number 170 on a CD).
    pub tracks: Vec<FlacCueTrack>,
}

/// One track of a CUESHEET block.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FlacCueTrack {
    /// Track offset in samples from the start of the audio.
    pub offset: u64,
    /// Track number (170 or 255 is the lead-out).
    pub number: u8,
    /// ISRC (empty when none).
    pub isrc: String,
    /// False for a data track.
    pub audio: bool,
    /// Pre-emphasis flag.
    pub preemphasis: bool,
    /// `(index number, offset in samples relative to the track offset)`.
    pub indexes: Vec<(u8, u64)>,
}

/// What is wrong with FLAC metadata, with the byte position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FlacMetaError {
    /// No `fLaC` marker (after an optional ID3v2 tag).
    #[error("not a FLAC stream (no fLaC marker)")]
    NotFlac,
    /// The metadata ends inside a block.
    #[error("metadata block {what} at byte {at} runs past the end of the file")]
    Truncated {
        /// Which block.
        what: &'static str,
        /// Byte offset of the block.
        at: u64,
    },
    /// The first block is not a valid STREAMINFO.
    #[error("no valid STREAMINFO block")]
    NoStreamInfo,
}

fn be(b: &[u8]) -> u64 {
    b.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

pub use super::sniff::id3v2_len;

/// True when `b` starts (after an optional ID3v2 tag) with the FLAC marker.
pub fn is_flac(b: &[u8]) -> bool {
    let s = id3v2_len(b);
    b.get(s..s + 4) == Some(FLAC_MARKER)
}

/// Parses the metadata blocks at the start of a FLAC file. `b` must hold all of them (the file's
/// first megabytes are plenty unless pictures are huge; pass the whole file when unsure).
///
/// # Errors
/// [`FlacMetaError`] for a missing marker, a block past the end, or a bad STREAMINFO.
pub fn parse_flac_meta(b: &[u8]) -> Result<FlacMeta, FlacMetaError> {
    let start = id3v2_len(b);
    if b.get(start..start + 4) != Some(FLAC_MARKER) {
        return Err(FlacMetaError::NotFlac);
    }
    let mut pos = start + 4;
    let mut meta = FlacMeta::default();
    let mut first = true;
    loop {
        let head = b.get(pos..pos + 4).ok_or(FlacMetaError::Truncated {
            what: "header",
            at: pos as u64,
        })?;
        let last = head[0] & 0x80 != 0;
        let kind = head[0] & 0x7F;
        let len = be(&head[1..4]) as usize;
        let body_at = pos + 4;
        let name = match kind {
            0 => "STREAMINFO",
            4 => "VORBIS_COMMENT",
            5 => "CUESHEET",
            _ => "other",
        };
        let body = b
            .get(body_at..body_at + len)
            .ok_or(FlacMetaError::Truncated {
                what: name,
                at: pos as u64,
            })?;
        if first && (kind != 0 || len < 34) {
            return Err(FlacMetaError::NoStreamInfo);
        }
        first = false;
        match kind {
            // A second STREAMINFO (invalid) is ignored; only the first one counts.
            0 if body_at == start + 8 => {
                meta.block_sizes = (
                    u16::from_be_bytes([body[0], body[1]]),
                    u16::from_be_bytes([body[2], body[3]]),
                );
                meta.min_block_at = body_at as u64;
                let x = be(&body[10..18]);
                meta.sample_rate = (x >> 44) as u32;
                meta.channels = ((x >> 41) & 7) as u8 + 1;
                meta.bits = ((x >> 36) & 31) as u8 + 1;
                meta.total_samples = x & 0xF_FFFF_FFFF;
                if meta.sample_rate == 0 {
                    return Err(FlacMetaError::NoStreamInfo);
                }
            }
            4 => meta.comments = parse_comments(body),
            5 => meta.cuesheet = parse_cuesheet(body),
            _ => {}
        }
        pos = body_at + len;
        if last {
            meta.audio_at = pos as u64;
            return Ok(meta);
        }
    }
}

/// Vorbis comments (a malformed list ends early; what was read is kept).
fn parse_comments(b: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(vendor) = le32(b, 0) else {
        return out;
    };
    let mut pos = 4usize.saturating_add(vendor as usize);
    let Some(n) = le32(b, pos) else {
        return out;
    };
    pos += 4;
    for _ in 0..n {
        let Some(len) = le32(b, pos) else {
            break;
        };
        let Some(s) = b.get(pos + 4..(pos + 4).saturating_add(len as usize)) else {
            break;
        };
        pos += 4 + len as usize;
        let s = String::from_utf8_lossy(s);
        if let Some((k, v)) = s.split_once('=') {
            out.push((k.to_ascii_uppercase(), v.to_string()));
        }
    }
    out
}

/// A CUESHEET block; `None` when it is malformed (the file then has no usable embedded sheet).
fn parse_cuesheet(b: &[u8]) -> Option<FlacCueSheet> {
    let text = |s: &[u8]| {
        String::from_utf8_lossy(s)
            .trim_end_matches('\0')
            .trim()
            .to_string()
    };
    let catalog = text(b.get(0..128)?);
    let is_cd = b.get(136)? & 0x80 != 0;
    let n = *b.get(395)?;
    let mut pos = 396;
    let mut tracks = Vec::with_capacity(n.into());
    for _ in 0..n {
        let t = b.get(pos..pos + 36)?;
        let mut track = FlacCueTrack {
            offset: be(&t[0..8]),
            number: t[8],
            isrc: text(&t[9..21]),
            audio: t[21] & 0x80 == 0,
            preemphasis: t[21] & 0x40 != 0,
            indexes: Vec::new(),
        };
        let ni = t[35];
        pos += 36;
        for _ in 0..ni {
            let ix = b.get(pos..pos + 12)?;
            track.indexes.push((ix[8], be(&ix[0..8])));
            pos += 12;
        }
        tracks.push(track);
    }
    Some(FlacCueSheet {
        catalog,
        is_cd,
        tracks,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A STREAMINFO block body.
    pub(crate) fn streaminfo(rate: u32, channels: u8, bits: u8, total: u64) -> Vec<u8> {
        let mut b = vec![0u8; 34];
        b[0..2].copy_from_slice(&4096u16.to_be_bytes());
        b[2..4].copy_from_slice(&4096u16.to_be_bytes());
        let x = (u64::from(rate) << 44)
            | (u64::from(channels - 1) << 41)
            | (u64::from(bits - 1) << 36)
            | (total & 0xF_FFFF_FFFF);
        b[10..18].copy_from_slice(&x.to_be_bytes());
        b
    }

    fn block(kind: u8, last: bool, body: &[u8]) -> Vec<u8> {
        let mut v = vec![kind | if last { 0x80 } else { 0 }];
        v.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn streaminfo_and_comments_are_read() {
        let mut f = b"fLaC".to_vec();
        f.extend(block(0, false, &streaminfo(44_100, 2, 16, 123_456)));
        let mut c = Vec::new();
        c.extend_from_slice(&3u32.to_le_bytes());
        c.extend_from_slice(b"abc");
        c.extend_from_slice(&2u32.to_le_bytes());
        for s in ["title=Song", "ISRC=USABC2400001"] {
            c.extend_from_slice(&(s.len() as u32).to_le_bytes());
            c.extend_from_slice(s.as_bytes());
        }
        f.extend(block(4, true, &c));
        let m = parse_flac_meta(&f).unwrap();
        assert_eq!(
            (m.sample_rate, m.channels, m.bits, m.total_samples),
            (44_100, 2, 16, 123_456)
        );
        assert_eq!(
            m.comments,
            vec![
                ("TITLE".to_string(), "Song".to_string()),
                ("ISRC".to_string(), "USABC2400001".to_string())
            ]
        );
    }

    #[test]
    fn truncated_and_foreign_inputs_are_errors() {
        assert_eq!(parse_flac_meta(b"RIFF"), Err(FlacMetaError::NotFlac));
        let mut f = b"fLaC".to_vec();
        f.extend(block(0, true, &streaminfo(44_100, 2, 16, 1)));
        assert!(parse_flac_meta(&f[..20]).is_err());
        let mut g = b"fLaC".to_vec();
        g.extend(block(4, true, &[0; 8]));
        assert_eq!(parse_flac_meta(&g), Err(FlacMetaError::NoStreamInfo));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let mut f = b"fLaC".to_vec();
            f.extend(block(0, false, &streaminfo(44_100, 2, 16, 1)));
            f.extend_from_slice(&bytes);
            let _ = parse_flac_meta(&f);
            let _ = parse_flac_meta(&bytes);
            let _ = parse_cuesheet(&bytes);
            let _ = parse_comments(&bytes);
        }
    }

    #[test]
    fn min_block_fix_only_for_fixed_blocking_with_min_below_max() {
        let m = FlacMeta {
            block_sizes: (1000, 4096),
            min_block_at: 8,
            audio_at: 42,
            ..Default::default()
        };
        assert_eq!(
            m.min_block_fix(&[0xFF, 0xF8, 0x69]),
            Some((8, [0x10, 0x00]))
        );
        assert_eq!(m.min_block_fix(&[0xFF, 0xF9]), None, "variable blocking");
        assert_eq!(m.min_block_fix(&[0xFF]), None);
        let same = FlacMeta {
            block_sizes: (4096, 4096),
            ..m
        };
        assert_eq!(same.min_block_fix(&[0xFF, 0xF8]), None);
    }
}

//! Audio containers told by their first bytes (always built: the C ABI and `verify` name a
//! container even without the `audio` feature, which decodes them).

/// Bytes of an ID3v2 tag at the start of `b` (0 when there is none).
pub fn id3v2_len(b: &[u8]) -> usize {
    if b.len() >= 10 && &b[..3] == b"ID3" {
        let size = b[6..10]
            .iter()
            .fold(0usize, |a, &x| (a << 7) | usize::from(x & 0x7F));
        let footer = if b[5] & 0x10 != 0 { 10 } else { 0 };
        10 + size + footer
    } else {
        0
    }
}

/// The containers rawcd recognizes by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// Native FLAC (`fLaC`).
    Flac,
    /// RIFF WAVE.
    Wav,
    /// AIFF or AIFC (`FORM`).
    Aiff,
    /// MP4/M4A (`ftyp`).
    Mp4,
    /// Ogg (`OggS`).
    Ogg,
    /// MPEG audio frames (after an optional ID3v2 tag).
    Mpeg,
}

/// Recognizes a container from the first bytes of a file (by content, never by name). Only a
/// marker at the start counts (after an ID3v2 tag for FLAC and MPEG), so a JPEG or text file is
/// never taken for MP3 because some bytes inside look like a frame header.
pub fn sniff(head: &[u8]) -> Option<Container> {
    let at = |r: std::ops::Range<usize>| head.get(r);
    if at(0..4) == Some(b"RIFF") && at(8..12) == Some(b"WAVE") {
        return Some(Container::Wav);
    }
    if at(0..4) == Some(b"FORM") && matches!(at(8..12), Some(b"AIFF") | Some(b"AIFC")) {
        return Some(Container::Aiff);
    }
    if at(4..8) == Some(b"ftyp") {
        return Some(Container::Mp4);
    }
    if at(0..4) == Some(b"OggS") {
        return Some(Container::Ogg);
    }
    let s = id3v2_len(head);
    if at(s..s + 4) == Some(b"fLaC") {
        return Some(Container::Flac);
    }
    if let Some(h) = at(s..s + 4) {
        let sync = h[0] == 0xFF && h[1] & 0xE0 == 0xE0;
        let layer = (h[1] >> 1) & 3;
        let version = (h[1] >> 3) & 3;
        let bitrate = h[2] >> 4;
        let rate = (h[2] >> 2) & 3;
        if sync && layer != 0 && version != 1 && bitrate != 15 && rate != 3 {
            return Some(Container::Mpeg);
        }
    }
    None
}

impl Container {
    /// The format's name for messages (`FLAC`, `WAV`, …).
    pub fn name(self) -> &'static str {
        match self {
            Container::Flac => "FLAC",
            Container::Wav => "WAV",
            Container::Aiff => "AIFF",
            Container::Mp4 => "MP4 (ALAC/AAC)",
            Container::Ogg => "Ogg",
            Container::Mpeg => "MP3",
        }
    }
}

/// True when `head` is taken for MP3 ([`sniff`]) with more behind it than one frame-sync
/// pattern: an ID3v2 tag before the first frame, or a second header with the same version,
/// layer and sample rate within the longest frame (2,881 bytes). Raw PCM whose first bytes
/// happen to look like a frame header is not MP3 by this test.
pub fn is_likely_mp3(head: &[u8]) -> bool {
    if sniff(head) != Some(Container::Mpeg) {
        return false;
    }
    let s = id3v2_len(head);
    if s > 0 {
        return true;
    }
    let (b1, rate) = (head[1], head[2] & 0x0C);
    head.get(4..2881.min(head.len()))
        .unwrap_or_default()
        .windows(3)
        .any(|w| w[0] == 0xFF && w[1] == b1 && w[2] & 0x0C == rate && w[2] >> 4 != 15)
}

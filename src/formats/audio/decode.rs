//! The decoder front: probing a file's format, length and tags, and the error and option
//! types of decoded audio (re-exported by `formats::audio`).
#![forbid(unsafe_code)]

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use symphonia::core::codecs::{
    CodecType, CODEC_TYPE_ALAC, CODEC_TYPE_FLAC, CODEC_TYPE_MP3, CODEC_TYPE_VORBIS,
};
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::{MetadataOptions, StandardTagKey, Tag};
use symphonia::core::probe::Hint;
use thiserror::Error;

use super::{flac_meta, resample};

/// Bytes read from the start of a file to recognize it and parse FLAC metadata.
pub(super) const HEAD: u64 = 1 << 20;

/// Bytes of one chunk of decoded PCM: one second of CD audio (75 sectors).
pub const CHUNK_BYTES: usize = 75 * 2352;

/// How decoded audio is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioOptions {
    /// Convert what is not 44.1 kHz 16-bit stereo (mono → both channels, 24/32-bit → 16-bit
    /// with TPDF dither, more than two channels downmixed, other rates resampled) instead of
    /// refusing it (CLI `--convert-audio`).
    pub convert: bool,
    /// Fill CD-Text, ISRC and MCN from the files' tags where the sheet does not (CLI
    /// `--no-tags` clears it).
    pub tags: bool,
    /// Bytes of decoded PCM each file may hold ahead of the stream (rounded to whole chunks of
    /// one second, at least two).
    pub read_ahead_bytes: usize,
    /// Which files a sheet may name (default: only files inside the sheet's folder; CLI
    /// `--allow-any-path` gives [`PathPolicy::AnyPath`](crate::formats::PathPolicy::AnyPath)).
    pub paths: crate::formats::PathPolicy,
}

impl Default for AudioOptions {
    fn default() -> Self {
        AudioOptions {
            convert: false,
            tags: true,
            read_ahead_bytes: 4 * CHUNK_BYTES,
            paths: crate::formats::PathPolicy::default(),
        }
    }
}

/// What is wrong with an audio file; one line naming it.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum AudioError {
    /// The file cannot be opened or read.
    #[error("{}: {source}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The content is none of the audio formats rawcd decodes.
    #[error("{}: not an audio file rawcd can decode ({found}); expected FLAC, WAV, AIFF, ALAC (.m4a), Ogg Vorbis or MP3", file.display())]
    Unrecognized {
        /// The file.
        file: PathBuf,
        /// What the first bytes look like.
        found: String,
    },
    /// The container or codec is damaged before any audio.
    #[error("{}: {reason}", file.display())]
    Malformed {
        /// The file.
        file: PathBuf,
        /// What the decoder said.
        reason: String,
    },
    /// The audio is not CD audio and conversion was not asked for (or is not possible).
    #[error("{}: {format}, a CD needs 16-bit stereo 44100 Hz{hint}", file.display())]
    NotCdAudio {
        /// The file.
        file: PathBuf,
        /// `24-bit stereo 96000 Hz FLAC`.
        format: String,
        /// What would help.
        hint: &'static str,
    },
    /// Decoding failed at a sample position (a damaged frame, a CRC error).
    #[error("{}: decoding failed at sample {sample}: {reason}", file.display())]
    Decode {
        /// The file.
        file: PathBuf,
        /// Frames decoded before the failure.
        sample: u64,
        /// What went wrong.
        reason: String,
    },
    /// The file decoded to another length than announced (the layout was built on the
    /// announced one, so the disc would shift).
    #[error("{}: decoded {decoded} samples but {from} announced {announced}", file.display())]
    LengthMismatch {
        /// The file.
        file: PathBuf,
        /// Frames announced before streaming.
        announced: u64,
        /// Frames decoded.
        decoded: u64,
        /// Where the announced count came from.
        from: &'static str,
    },
    /// An embedded cue sheet that cannot be used.
    #[error("{}: embedded cue sheet: {reason}", file.display())]
    CueSheet {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

impl AudioError {
    /// The error as an `io::Error` for a `Read` source: `InvalidData` for bad input (so the
    /// CLI exits 2), the original kind for I/O; the typed error stays inside.
    pub fn into_io(self) -> io::Error {
        let kind = match &self {
            AudioError::Io { source, .. } => source.kind(),
            _ => io::ErrorKind::InvalidData,
        };
        io::Error::new(kind, self)
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
    let s = flac_meta::id3v2_len(head);
    if at(s..s + 4) == Some(flac_meta::FLAC_MARKER) {
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

pub(super) fn describe_head(head: &[u8]) -> String {
    match head {
        [0xFF, 0xD8, 0xFF, ..] => "a JPEG image".into(),
        [0x89, b'P', b'N', b'G', ..] => "a PNG image".into(),
        [] => "an empty file".into(),
        _ => {
            let n = head.len().min(4);
            format!("starts with {:02X?}", &head[..n])
        }
    }
}

/// Where an announced length came from.
pub(crate) const FROM_STREAMINFO: &str = "STREAMINFO";
pub(crate) const FROM_CONTAINER: &str = "the container";
pub(crate) const FROM_LAME: &str = "the LAME/Xing header";
pub(crate) const FROM_GRANULE: &str = "the last Ogg granule position";
pub(crate) const FROM_DECODER: &str = "a counting decode";

/// What rawcd learned about an audio file before streaming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioInfo {
    /// The file.
    pub path: PathBuf,
    /// The container.
    pub container: Container,
    /// Codec name (`FLAC`, `ALAC`, `PCM`, `Vorbis`, `MP3`).
    pub codec: &'static str,
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Channels.
    pub channels: u32,
    /// Bits per sample of a lossless source (`None` for lossy codecs).
    pub bits: Option<u32>,
    /// Frames the file gives on the CD (the track's length): `source_frames`, or
    /// [`resample::cd_frames`] of it when the file is resampled.
    pub frames: u64,
    /// Frames the file holds at its own rate (the announced length).
    pub source_frames: u64,
    /// Where `frames` came from.
    pub length_from: &'static str,
    /// The conversion applied (`mono → stereo`, `48000 Hz → 44100 Hz resampled`, `24-bit →
    /// 16-bit TPDF dither`), `None` when the samples go on the disc unchanged.
    pub conversion: Option<String>,
    /// Tags as `(KEY, value)` with the keys `TITLE`, `ARTIST`, `ALBUM`, `ALBUMARTIST`, `ISRC`,
    /// `CATALOGNUMBER`, `UPC`, `CUESHEET` (FLAC: every Vorbis comment, upper-cased).
    pub tags: Vec<(String, String)>,
    /// The FLAC CUESHEET block, when there is one.
    pub cuesheet: Option<flac_meta::FlacCueSheet>,
    /// Things accepted but worth telling.
    pub warnings: Vec<String>,
}

impl AudioInfo {
    /// Bytes of 16-bit stereo PCM the file gives.
    pub fn pcm_bytes(&self) -> u64 {
        self.frames * 4
    }

    /// `24-bit stereo 96000 Hz FLAC`.
    pub fn format(&self) -> String {
        let ch = match self.channels {
            1 => "mono".to_string(),
            2 => "stereo".to_string(),
            n => format!("{n}-channel"),
        };
        match self.bits {
            Some(b) => format!("{b}-bit {ch} {} Hz {}", self.sample_rate, self.codec),
            None => format!("{ch} {} Hz {}", self.sample_rate, self.codec),
        }
    }

    /// The line `toc` prints for the file: format, length and its origin, conversion.
    pub fn report_line(&self) -> String {
        let mut line = format!(
            "{}: {}, {} samples (length from {})",
            self.path.display(),
            self.format(),
            self.source_frames,
            self.length_from
        );
        if self.frames != self.source_frames || self.sample_rate != resample::CD_RATE {
            line += &format!(" = {} samples at 44100 Hz", self.frames);
        }
        if let Some(c) = &self.conversion {
            line += &format!(", CONVERTED: {c}");
        }
        line
    }

    /// The first tag value under `key`.
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// How samples become CD samples (decided once per file).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plan {
    pub(crate) channels: usize,
    /// Round float/extra precision to 16 bits with TPDF dither (24/32-bit integer sources,
    /// resampled or downmixed audio).
    pub(crate) dither: bool,
    /// Stereo gains per source channel, for more than two channels.
    pub(crate) mix: Option<Vec<(f64, f64)>>,
    /// The source rate, when it is resampled to 44,100 Hz.
    pub(crate) resample: Option<u32>,
}

/// Decides how a format reaches the disc, or why it cannot.
pub(super) fn plan_for(
    file: &Path,
    codec: &'static str,
    rate: u32,
    channels: u32,
    layout: Option<u32>,
    bits: Option<u32>,
    convert: bool,
) -> Result<(Plan, Option<String>), AudioError> {
    let bits_text = bits.map(|b| format!("{b}-bit ")).unwrap_or_default();
    let ch_text = match channels {
        1 => "mono".to_string(),
        2 => "stereo".to_string(),
        n => format!("{n}-channel"),
    };
    let format = format!("{bits_text}{ch_text} {rate} Hz {codec}");
    let refuse = |hint| {
        Err(AudioError::NotCdAudio {
            file: file.to_path_buf(),
            format: format.clone(),
            hint,
        })
    };
    if channels == 0 {
        return refuse("");
    }
    // Fewer than 16 bits widen exactly; nothing is lost.
    let wide = matches!(bits, Some(b) if b > 16);
    let mono = channels == 1;
    let many = channels > 2;
    let resample = rate != resample::CD_RATE;
    if (wide || mono || many || resample) && !convert {
        return refuse(" (use --convert-audio to convert)");
    }
    if resample
        && (!resample::RATES.contains(&rate) || resample::rate_step(rate) > resample::MAX_RATE_STEP)
    {
        return refuse(" (rawcd resamples the usual rates from 8000 to 384000 Hz only)");
    }
    let mix = if many {
        match layout.and_then(|l| resample::downmix_gains(l, channels as usize)) {
            Some(g) => Some(g),
            None => return refuse(
                " (no stereo downmix for this channel layout: rawcd downmixes 2.1, 3.0, 4.0, quad, 5.0 and 5.1)",
            ),
        }
    } else {
        None
    };
    let mut what = Vec::new();
    if mono {
        what.push("mono → stereo".to_string());
    }
    if many {
        what.push(format!(
            "{channels}-channel → stereo downmix (ITU-R BS.775)"
        ));
    }
    if resample {
        what.push(format!("{rate} Hz → 44100 Hz resampled"));
    }
    let dither = wide || many || resample;
    if dither {
        what.push(match bits {
            Some(b) if b > 16 => format!("{b}-bit → 16-bit TPDF dither"),
            _ => "16-bit TPDF dither".to_string(),
        });
    }
    Ok((
        Plan {
            channels: channels as usize,
            dither,
            mix,
            resample: resample.then_some(rate),
        },
        (!what.is_empty()).then(|| what.join(", ")),
    ))
}

/// Opens a symphonia reader on a media source whose container is known.
pub(crate) fn open_format(
    file: &Path,
    source: Box<dyn MediaSource>,
) -> Result<(Box<dyn FormatReader>, Vec<Tag>), AudioError> {
    let source = fix_flac_min_block(source);
    let mss = MediaSourceStream::new(source, Default::default());
    let opts = FormatOptions {
        enable_gapless: true,
        ..Default::default()
    };
    let mut probed = symphonia::default::get_probe()
        .format(&Hint::new(), mss, &opts, &MetadataOptions::default())
        .map_err(|e| malformed(file, e))?;
    let mut tags = Vec::new();
    if let Some(rev) = probed.metadata.get().as_ref().and_then(|m| m.current()) {
        tags.extend(rev.tags().iter().cloned());
    }
    if let Some(rev) = probed.format.metadata().current() {
        tags.extend(rev.tags().iter().cloned());
    }
    Ok((probed.format, tags))
}

/// A FLAC source whose STREAMINFO minimum block size counts the short last block of a
/// fixed-blocksize stream, read with the maximum in its place
/// ([`FlacMeta::min_block_fix`](flac_meta::FlacMeta::min_block_fix)); any other source as it is.
fn fix_flac_min_block(mut s: Box<dyn MediaSource>) -> Box<dyn MediaSource> {
    let mut head = Vec::new();
    let read = (&mut s).take(HEAD).read_to_end(&mut head);
    if io::Seek::rewind(&mut s).is_err() || read.is_err() || !flac_meta::is_flac(&head) {
        return s;
    }
    let fix = flac_meta::parse_flac_meta(&head)
        .ok()
        .and_then(|m| m.min_block_fix(head.get(m.audio_at as usize..).unwrap_or(&[])));
    match fix {
        Some((at, bytes)) => Box::new(Patched {
            inner: s,
            pos: 0,
            at,
            bytes,
        }),
        None => s,
    }
}

/// A media source read with two bytes at `at` replaced by `bytes`.
struct Patched {
    inner: Box<dyn MediaSource>,
    pos: u64,
    at: u64,
    bytes: [u8; 2],
}

impl Read for Patched {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for (k, &b) in self.bytes.iter().enumerate() {
            let o = self.at + k as u64;
            if o >= self.pos && o < self.pos + n as u64 {
                buf[(o - self.pos) as usize] = b;
            }
        }
        self.pos += n as u64;
        Ok(n)
    }
}

impl io::Seek for Patched {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        self.pos = self.inner.seek(to)?;
        Ok(self.pos)
    }
}

impl MediaSource for Patched {
    fn is_seekable(&self) -> bool {
        self.inner.is_seekable()
    }

    fn byte_len(&self) -> Option<u64> {
        self.inner.byte_len()
    }
}

pub(crate) fn malformed(file: &Path, e: impl std::fmt::Display) -> AudioError {
    AudioError::Malformed {
        file: file.to_path_buf(),
        reason: e.to_string(),
    }
}

fn codec_name(c: CodecType) -> &'static str {
    match c {
        CODEC_TYPE_FLAC => "FLAC",
        CODEC_TYPE_ALAC => "ALAC",
        CODEC_TYPE_MP3 => "MP3",
        CODEC_TYPE_VORBIS => "Vorbis",
        _ => "PCM",
    }
}

/// The frame length of an ALAC stream (ALACSpecificConfig bytes 0..4 of the magic cookie).
pub(crate) fn alac_frame_length(p: &symphonia::core::codecs::CodecParameters) -> Option<u32> {
    let x = p.extra_data.as_ref()?;
    let c = match x.get(4..8) {
        Some(b"alac") => x.get(12..)?,
        _ => &x[..],
    };
    c.get(..4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// Codec name, sample rate, channels and bits of a track (`bits` `None` for lossy codecs). For
/// ALAC the MP4 sample entry leaves rate and channels to the codec's magic cookie
/// (ALACSpecificConfig: bit depth at byte 5, channels at 9, rate at 20), read here.
pub(crate) fn stream_format(
    p: &symphonia::core::codecs::CodecParameters,
) -> (&'static str, u32, u32, Option<u32>) {
    let codec = codec_name(p.codec);
    let mut rate = p.sample_rate.unwrap_or(0);
    let mut channels = p.channels.map(|c| c.count() as u32).unwrap_or(0);
    let mut bits = p.bits_per_sample.or(p.bits_per_coded_sample);
    if codec == "ALAC" {
        if let Some(x) = &p.extra_data {
            let c = match x.get(4..8) {
                Some(b"alac") => x.get(12..),
                _ => Some(&x[..]),
            };
            if let Some(c) = c.filter(|c| c.len() >= 24) {
                bits = Some(u32::from(c[5]));
                channels = u32::from(c[9]);
                rate = u32::from_be_bytes([c[20], c[21], c[22], c[23]]);
            }
        }
    }
    if matches!(codec, "MP3" | "Vorbis") {
        bits = None;
    }
    (codec, rate, channels, bits)
}

/// The channel layout symphonia reports (its channel bits), `None` when it has none.
pub(crate) fn channel_layout(p: &symphonia::core::codecs::CodecParameters) -> Option<u32> {
    p.channels.map(|c| c.bits()).filter(|&b| b != 0)
}

pub(super) fn tag_key(t: &Tag) -> Option<&'static str> {
    if t.key.eq_ignore_ascii_case("CUESHEET") {
        return Some("CUESHEET");
    }
    Some(match t.std_key? {
        StandardTagKey::TrackTitle => "TITLE",
        StandardTagKey::Artist => "ARTIST",
        StandardTagKey::Album => "ALBUM",
        StandardTagKey::AlbumArtist => "ALBUMARTIST",
        StandardTagKey::IdentIsrc => "ISRC",
        StandardTagKey::IdentCatalogNumber => "CATALOGNUMBER",
        StandardTagKey::IdentUpc | StandardTagKey::IdentBarcode => "UPC",
        _ => return None,
    })
}

/// The `numSampleFrames` of an AIFF/AIFC `COMM` chunk (symphonia 0.5 derives the count from
/// the `SSND` chunk size and counts its 8-byte offset/block-size header as samples).
pub fn aiff_frames(head: &[u8]) -> Option<u64> {
    let mut pos = 12usize;
    while let Some(h) = head.get(pos..pos + 8) {
        let size = u32::from_be_bytes([h[4], h[5], h[6], h[7]]) as usize;
        if &h[..4] == b"COMM" {
            let b = head.get(pos + 8..pos + 14)?;
            return Some(u64::from(u32::from_be_bytes([b[2], b[3], b[4], b[5]])));
        }
        pos = pos.checked_add(8 + size + (size & 1))?;
    }
    None
}

/// Checks the sample tables of an MP4 `moov` box before symphonia reads them: symphonia 0.5
/// allocates each table from its declared entry count, so a hostile count (found by
/// fuzz/audio_file: `stsz` claiming 2.8 G entries) would abort the process. Every table must
/// fit in its box. The metadata boxes (`udta`, `meta`, `ilst` and its items) are walked too:
/// symphonia allocates a tag's `data` box from its declared size (fuzz/audio_file: 2.2 GB).
///
/// # Errors
/// A box that runs past its parent, or a table longer than its box.
pub fn check_mp4_tables(moov: &[u8]) -> Result<(), String> {
    check_mp4_boxes(moov, false)
}

/// The largest MP4 sample (one ALAC/AAC packet) accepted: 16 MiB, far above any real packet
/// (an ALAC frame of 4096 32-bit stereo samples is 32 KiB); symphonia allocates each sample
/// from its stated size (fuzz/audio_file: 4 GB).
pub const MAX_MP4_SAMPLE: u64 = 16 << 20;

/// [`check_mp4_tables`] over the boxes in `moov`; `items`: they are `ilst` items (containers
/// of `data` boxes).
fn check_mp4_boxes(moov: &[u8], items: bool) -> Result<(), String> {
    let mut pos = 0usize;
    while let Some(h) = moov.get(pos..pos + 8) {
        let size = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize;
        let kind = &h[4..8];
        let (head, size) = match size {
            0 => (8, moov.len() - pos),
            1 => match moov.get(pos + 8..pos + 16) {
                Some(b) => (
                    16,
                    u64::from_be_bytes(b.try_into().unwrap_or([0; 8])) as usize,
                ),
                None => return Err("truncated box header".into()),
            },
            n => (8, n),
        };
        if size < head || pos.saturating_add(size) > moov.len() {
            return Err(format!(
                "box {} of {size} bytes runs past its parent",
                String::from_utf8_lossy(kind)
            ));
        }
        let body = &moov[pos + head..pos + size];
        match kind {
            _ if items => check_mp4_boxes(body, false)?,
            b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" | b"udta" => {
                check_mp4_boxes(body, false)?
            }
            // `meta` has a version and flags before its boxes (as symphonia reads it).
            b"meta" => check_mp4_boxes(body.get(4..).ok_or("truncated meta box")?, false)?,
            b"ilst" => check_mp4_boxes(body, true)?,
            b"stsz" | b"stco" | b"co64" | b"stts" | b"stsc" | b"ctts" | b"stss" => {
                let at = if kind == b"stsz" { 8 } else { 4 };
                let count = body
                    .get(at..at + 4)
                    .map(|c| u64::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                    .ok_or("truncated sample table")?;
                let entry: u64 = match kind {
                    b"stsz" if body.get(4..8) != Some(&[0, 0, 0, 0]) => 0,
                    b"stsz" | b"stco" | b"stss" => 4,
                    b"co64" | b"stts" | b"ctts" => 8,
                    _ => 12,
                };
                if count * entry > body.len() as u64 {
                    return Err(format!(
                        "sample table {} claims {count} entries in {} bytes",
                        String::from_utf8_lossy(kind),
                        body.len()
                    ));
                }
                if kind == b"stsz" {
                    // symphonia reads each sample into a buffer of its stated size.
                    let fixed = body
                        .get(4..8)
                        .map_or(0, |c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
                    let sizes = body.get(12..).unwrap_or(&[]).chunks_exact(4);
                    let biggest = sizes
                        .take(if fixed == 0 { count as usize } else { 0 })
                        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                        .chain([fixed])
                        .max()
                        .unwrap_or(0);
                    if u64::from(biggest) > MAX_MP4_SAMPLE {
                        return Err(format!(
                            "sample table stsz gives a sample of {biggest} bytes (at most {MAX_MP4_SAMPLE})"
                        ));
                    }
                }
            }
            _ => {}
        }
        pos += size;
    }
    Ok(())
}

/// Checks the sample rate of every WAV `fmt ` / AIFF `COMM` chunk before the audio data, walking
/// the chunks as symphonia 0.5 does (no pad byte): symphonia panics on a rate of 0 (found by
/// fuzz/audio_file: an AIFF whose 80-bit rate is below 1 Hz).
///
/// # Errors
/// The outer error is I/O; the inner one says what is wrong with the file.
pub fn check_riff_rate(
    f: &mut (impl Read + io::Seek),
    container: Container,
) -> io::Result<Result<(), String>> {
    let big = container == Container::Aiff;
    let (fmt, data) = if big {
        (b"COMM", b"SSND")
    } else {
        (b"fmt ", b"data")
    };
    let len = f.seek(io::SeekFrom::End(0))?;
    let mut pos = 12u64;
    while pos + 8 <= len {
        f.seek(io::SeekFrom::Start(pos))?;
        let mut h = [0u8; 8];
        f.read_exact(&mut h)?;
        let size = [h[4], h[5], h[6], h[7]];
        let size = u64::from(if big {
            u32::from_be_bytes(size)
        } else {
            u32::from_le_bytes(size)
        });
        if &h[..4] == fmt {
            let mut b = Vec::new();
            f.take(24).read_to_end(&mut b)?;
            // WAVE_FORMAT_EXTENSIBLE: symphonia 0.5 widens a speaker mask that names fewer
            // channels than the count with shifts that overflow past 18 speakers or a mask
            // reaching bit 18 (a panic where overflow checks are on: fuzz/audio_file).
            if !big && b.len() >= 24 && b[..2] == [0xFE, 0xFF] {
                let channels = u16::from_le_bytes([b[2], b[3]]);
                let mask = u32::from_le_bytes([b[20], b[21], b[22], b[23]]);
                if channels > 18 || mask >= 0x4_0000 {
                    return Ok(Err(format!(
                        "fmt chunk: {channels} channels with speaker mask {mask:#x} (WAVE names 18 speakers)"
                    )));
                }
            }
            let ok = match (big, b.len()) {
                (true, n) if n >= 18 => aiff_rate_at_least_1(&b[8..18]),
                (false, n) if n >= 8 => b[4..8] != [0, 0, 0, 0],
                _ => true, // too short: symphonia reports it
            };
            if !ok {
                let name = String::from_utf8_lossy(fmt);
                return Ok(Err(format!(
                    "{} chunk gives a sample rate of 0",
                    name.trim()
                )));
            }
        }
        if &h[..4] == data {
            break;
        }
        pos += 8 + size;
    }
    Ok(Ok(()))
}

/// True when an 80-bit IEEE extended value (AIFF `COMM` sample rate) is finite and ≥ 1.
fn aiff_rate_at_least_1(x: &[u8]) -> bool {
    let exp = i64::from(u16::from_be_bytes([x[0], x[1]]) & 0x7FFF);
    let negative = x[0] & 0x80 != 0;
    let mant = u64::from_be_bytes(x[2..10].try_into().unwrap_or([0; 8]));
    // value = mant · 2^(exp − 16383 − 63); its highest set bit is 63 − leading_zeros.
    !negative
        && exp != 0x7FFF
        && mant != 0
        && i64::from(63 - mant.leading_zeros()) + exp - 16_383 - 63 >= 0
}

/// The `moov` box of an MP4 file, found by walking the top-level boxes (it may follow `mdat`).
pub(super) fn mp4_moov(f: &mut (impl Read + io::Seek)) -> io::Result<Option<Vec<u8>>> {
    let len = f.seek(io::SeekFrom::End(0))?;
    let mut pos = 0u64;
    // `pos` may saturate at u64::MAX (a 64-bit box size): compare by subtraction.
    while len.saturating_sub(pos) >= 8 {
        f.seek(io::SeekFrom::Start(pos))?;
        let mut h = [0u8; 16];
        f.read_exact(&mut h[..8])?;
        let mut size = u64::from(u32::from_be_bytes([h[0], h[1], h[2], h[3]]));
        if size == 1 {
            f.read_exact(&mut h[8..16])?;
            size = u64::from_be_bytes(h[8..16].try_into().unwrap_or([0; 8]));
        } else if size == 0 {
            size = len - pos;
        }
        if &h[4..8] == b"moov" {
            let n = size.min(len - pos).min(64 << 20);
            let mut moov = vec![0u8; n as usize];
            f.seek(io::SeekFrom::Start(pos))?;
            f.read_exact(&mut moov)?;
            return Ok(Some(moov));
        }
        if size < 8 {
            return Ok(None);
        }
        if size > len - pos {
            // symphonia 0.5 adds such a size to its position unchecked (an overflow panic
            // where overflow checks are on: fuzz/audio_file).
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "MP4 box {} of {size} bytes at byte {pos} runs past the end of the file ({len} bytes)",
                    String::from_utf8_lossy(&h[4..8])
                ),
            ));
        }
        pos += size;
    }
    Ok(None)
}

//! Probing a file: its container, format, announced length and tags ([`probe`], [`probe_bytes`]),
//! counting by decoding where nothing states the length, and a [`Source`] over a whole decoded
//! file ([`source`]).
#![forbid(unsafe_code)]

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use super::decode::*;
use super::{flac_meta, resample, stream};
use crate::source::Source;
use symphonia::core::io::MediaSource;

/// Opens `path` for reading only when it is a regular file: opening a FIFO would block and a
/// device never ends.
///
/// # Errors
/// "not a regular file", or the open's own error.
pub fn open_regular(path: &Path) -> io::Result<File> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    File::open(path)
}

/// Learns an audio file's format, exact length and tags (module docs: the announced length),
/// refusing what cannot go on a CD unless `opts.convert`.
///
/// # Errors
/// [`AudioError`]: unreadable, not a recognized format, damaged headers, not CD audio.
pub fn probe(path: &Path, opts: &AudioOptions) -> Result<AudioInfo, AudioError> {
    let io_err = |source| AudioError::Io {
        file: path.to_path_buf(),
        source,
    };
    let mut f = open_regular(path).map_err(io_err)?;
    let len = f.metadata().map_err(io_err)?.len();
    let mut head = Vec::new();
    (&mut f).take(HEAD).read_to_end(&mut head).map_err(io_err)?;
    let container = sniff(&head).ok_or_else(|| AudioError::Unrecognized {
        file: path.to_path_buf(),
        found: describe_head(&head),
    })?;
    let flac = if container == Container::Flac {
        let mut m = flac_meta::parse_flac_meta(&head);
        if matches!(m, Err(flac_meta::FlacMetaError::Truncated { .. })) && len > HEAD {
            let all = std::fs::read(path).map_err(io_err)?;
            m = flac_meta::parse_flac_meta(&all);
        }
        Some(m.map_err(|e| malformed(path, e))?)
    } else {
        None
    };
    let aiff = (container == Container::Aiff)
        .then(|| aiff_frames(&head))
        .flatten();
    let mut file = File::open(path).map_err(io_err)?;
    if container == Container::Mp4 {
        let moov = mp4_moov(&mut file).map_err(|e| match e.kind() {
            io::ErrorKind::InvalidData => malformed(path, e.to_string()),
            _ => io_err(e),
        })?;
        if let Some(moov) = moov {
            check_mp4_tables(&moov).map_err(|e| malformed(path, e))?;
        }
        io::Seek::rewind(&mut file).map_err(io_err)?;
    }
    if matches!(container, Container::Wav | Container::Aiff) {
        check_riff_rate(&mut file, container)
            .map_err(io_err)?
            .map_err(|e| malformed(path, e))?;
        io::Seek::rewind(&mut file).map_err(io_err)?;
    }
    let count = || stream::count_frames_once(path, opts);
    probe_source(path, Box::new(file), container, flac, aiff, opts, count)
}

/// [`probe()`] over bytes in memory (for tests and fuzzing); `name` is used in messages.
///
/// # Errors
/// As [`probe()`].
pub fn probe_bytes(
    name: &Path,
    bytes: Vec<u8>,
    opts: &AudioOptions,
) -> Result<AudioInfo, AudioError> {
    let container = sniff(&bytes).ok_or_else(|| AudioError::Unrecognized {
        file: name.to_path_buf(),
        found: describe_head(&bytes),
    })?;
    let flac = if container == Container::Flac {
        Some(flac_meta::parse_flac_meta(&bytes).map_err(|e| malformed(name, e))?)
    } else {
        None
    };
    let aiff = (container == Container::Aiff)
        .then(|| aiff_frames(&bytes))
        .flatten();
    if container == Container::Mp4 {
        let mut c = io::Cursor::new(&bytes[..]);
        match mp4_moov(&mut c) {
            Ok(Some(moov)) => check_mp4_tables(&moov).map_err(|e| malformed(name, e))?,
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                return Err(malformed(name, e.to_string()))
            }
            _ => {}
        }
    }
    if matches!(container, Container::Wav | Container::Aiff) {
        let mut c = io::Cursor::new(&bytes[..]);
        if let Ok(r) = check_riff_rate(&mut c, container) {
            r.map_err(|e| malformed(name, e))?;
        }
    }
    let bytes: std::sync::Arc<[u8]> = bytes.into();
    let again = bytes.clone();
    let count = || stream::count_frames_in(name, Box::new(io::Cursor::new(again)), opts);
    probe_source(
        name,
        Box::new(io::Cursor::new(bytes)),
        container,
        flac,
        aiff,
        opts,
        count,
    )
}

fn probe_source(
    path: &Path,
    source: Box<dyn MediaSource>,
    container: Container,
    flac: Option<flac_meta::FlacMeta>,
    aiff: Option<u64>,
    opts: &AudioOptions,
    count: impl FnOnce() -> Result<u64, AudioError>,
) -> Result<AudioInfo, AudioError> {
    let (format, sym_tags) = open_format(path, source)?;
    let track = format
        .default_track()
        .ok_or_else(|| malformed(path, "no audio track"))?;
    let p = &track.codec_params;
    let (codec, rate, channels, bits) = stream_format(p);
    if rate == 0 || channels == 0 {
        return Err(malformed(path, "no sample rate or channel count"));
    }
    let layout = channel_layout(p);
    let (plan, conversion) = plan_for(path, codec, rate, channels, layout, bits, opts.convert)?;
    let mut warnings = Vec::new();
    let mut tags: Vec<(String, String)> = Vec::new();
    let mut cuesheet = None;
    let announced = match (&flac, codec) {
        (Some(m), _) => {
            tags = m.comments.clone();
            cuesheet = m.cuesheet.clone();
            (m.total_samples > 0).then_some((m.total_samples, FROM_STREAMINFO))
        }
        (None, "MP3") => match (p.delay, p.n_frames) {
            (Some(_), Some(n)) => Some((n, FROM_LAME)),
            _ => None,
        },
        (None, "Vorbis") => p.n_frames.map(|n| (n, FROM_GRANULE)),
        (None, _) if aiff.is_some() => aiff.map(|n| (n, FROM_CONTAINER)),
        (None, _) => p.n_frames.map(|n| (n, FROM_CONTAINER)),
    };
    if flac.is_none() {
        for t in &sym_tags {
            if let Some(k) = tag_key(t) {
                tags.push((k.to_string(), t.value.to_string()));
            }
        }
    }
    drop(format);
    let (source_frames, length_from) = match announced {
        Some(a) => a,
        None => {
            let n = count()?;
            warnings.push(format!(
                "{}: no stated length; decoded once to count {n} samples (the length is the decoder's)",
                path.display()
            ));
            (n, FROM_DECODER)
        }
    };
    Ok(AudioInfo {
        path: path.to_path_buf(),
        container,
        codec,
        sample_rate: rate,
        channels,
        bits,
        frames: match plan.resample {
            Some(r) => resample::cd_frames(source_frames, r),
            None => source_frames,
        },
        source_frames,
        length_from,
        conversion,
        tags,
        cuesheet,
        warnings,
    })
}

/// A [`Source`] over all of a decoded file's 16-bit stereo PCM (`info.pcm_bytes()` bytes),
/// decoded on its own thread while the stream reads it.
pub fn source(info: &AudioInfo, opts: &AudioOptions) -> Source {
    let f = stream::DecodedFile::new(info, opts);
    f.segment(0, info.pcm_bytes())
}

//! The decode stage: each decoded file gets a thread that decodes it into one-second chunks of
//! CD PCM through a bounded channel, so a file never holds more than a few seconds ahead of the
//! stream. Tracks that share a file (one FLAC for a whole album) share its decoder through
//! [`DecodedFile`]; each track reads its byte range as a `Read` [`Source`]. A read behind the
//! decoder's position (a sheet that uses a file's bytes out of order) restarts the decoder from
//! the top.
//!
//! A disc's files are kept in a [`DecodeSet`]: when the stream starts reading file k, the
//! decoders of files k+1 … k+N−1 start too (N = [`DecodeBudget::decoders`], the CLI's worker
//! threads), so the next tracks decode while this one streams; the read-ahead budget (a
//! quarter of the pipeline buffer in the CLI) is divided among them, between 2 and
//! [`MAX_READ_AHEAD_CHUNKS`] seconds per file. A single file holding the whole album has one
//! decoder whatever N is.
//!
//! The decoder checks, for each file, that the frames it produces are the frames announced:
//! a FLAC frame missing from the sequence (dropped for a CRC error) is a [`AudioError::Decode`]
//! at its sample position; a file that ends early or late is [`AudioError::LengthMismatch`],
//! reported before the last chunk is handed out.
#![forbid(unsafe_code)]

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use crossbeam_channel::{bounded, Receiver, Sender};
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{Decoder, DecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::FormatReader;
use symphonia::core::io::MediaSource;

use super::decode::{
    channel_layout, open_format, plan_for, AudioError, AudioInfo, AudioOptions, Plan,
};
use super::pcm::{append_cd, Dither};
use super::resample::{downmix, to_i32, Resample};
use crate::source::{ReadAt, Source};

pub use super::decode::CHUNK_BYTES;

/// A symphonia format reader and decoder on one file, producing CD samples.
pub(crate) struct Decoding {
    file: PathBuf,
    format: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track: u32,
    plan: Plan,
    dither: Dither,
    /// Frames decoded so far (at the file's own rate).
    pub(crate) frames: u64,
    /// Check packet timestamps for gaps (FLAC: a dropped frame).
    check_gaps: bool,
    samples: Option<SampleBuffer<i32>>,
    /// Downmix and/or resampling (`plan.mix`, `plan.resample`), with its scratch buffers.
    convert: Option<Convert>,
    /// ALAC: the cookie's frame length, to check each packet's first element against.
    alac_frame_length: Option<u32>,
}

/// The `f64` stage of a file that is downmixed or resampled.
struct Convert {
    resample: Option<Resample>,
    /// Channels after the downmix (1 or 2).
    channels: usize,
    finished: bool,
    mixed: Vec<f64>,
    resampled: Vec<f64>,
    ints: Vec<i32>,
}

impl Decoding {
    /// Opens `source` (the file `file`) for decoding.
    pub(crate) fn open(
        file: &Path,
        source: Box<dyn MediaSource>,
        convert: bool,
    ) -> Result<Decoding, AudioError> {
        let (format, _) = open_format(file, source)?;
        let track = format
            .default_track()
            .ok_or_else(|| super::malformed(file, "no audio track"))?;
        let p = track.codec_params.clone();
        let (codec, rate, channels, bits) = super::stream_format(&p);
        let layout = channel_layout(&p);
        let (plan, _) = plan_for(file, codec, rate, channels, layout, bits, convert)?;
        let out_channels = if plan.mix.is_some() { 2 } else { plan.channels };
        let convert = match plan.resample {
            Some(r) => Some(Resample::new(r, out_channels).map_err(|e| super::malformed(file, e))?),
            None => None,
        };
        let convert = (convert.is_some() || plan.mix.is_some()).then(|| Convert {
            resample: convert,
            channels: out_channels,
            finished: false,
            mixed: Vec::new(),
            resampled: Vec::new(),
            ints: Vec::new(),
        });
        let decoder = symphonia::default::get_codecs()
            .make(&p, &DecoderOptions { verify: false })
            .map_err(|e| super::malformed(file, e))?;
        Ok(Decoding {
            file: file.to_path_buf(),
            track: track.id,
            format,
            decoder,
            plan,
            dither: Dither::default(),
            frames: 0,
            check_gaps: codec == "FLAC",
            alac_frame_length: (codec == "ALAC")
                .then(|| super::alac_frame_length(&p))
                .flatten(),
            samples: None,
            convert,
        })
    }

    fn decode_err(&self, reason: impl std::fmt::Display) -> AudioError {
        AudioError::Decode {
            file: self.file.clone(),
            sample: self.frames,
            reason: reason.to_string(),
        }
    }

    /// Decodes the next packet and appends its CD bytes to `out`; `false` at the end.
    pub(crate) fn next_into(&mut self, out: &mut Vec<u8>) -> Result<bool, AudioError> {
        loop {
            let packet = match self.format.next_packet() {
                Ok(p) => p,
                Err(SymError::IoError(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    self.finish(out)?;
                    return Ok(false);
                }
                Err(SymError::ResetRequired) => return Err(self.decode_err("stream reset")),
                Err(e) => return Err(self.decode_err(e)),
            };
            if packet.track_id() != self.track {
                continue;
            }
            if let Some(n) = self.alac_frame_length {
                match alac_partial_frame_too_long(&packet.data, n) {
                    Some(u32::MAX) => {
                        return Err(self.decode_err("ALAC mid-side shift of 32 bits or more"))
                    }
                    Some(bad) => {
                        return Err(self.decode_err(format!(
                            "ALAC frame of {bad} samples, longer than the stream's {n}"
                        )))
                    }
                    None => {}
                }
            }
            if self.check_gaps && packet.ts() != self.frames {
                return Err(self.decode_err(format!(
                    "frame CRC error or missing frame: the next good frame starts at sample {}",
                    packet.ts()
                )));
            }
            let decoded = match self.decoder.decode(&packet) {
                Ok(d) => d,
                Err(e) => return Err(self.decode_err(e)),
            };
            let n = decoded.frames();
            if n == 0 {
                continue;
            }
            let spec = *decoded.spec();
            let buf = match &mut self.samples {
                Some(b) if b.capacity() >= n * spec.channels.count() => b,
                slot => slot.insert(SampleBuffer::new(decoded.capacity() as u64, spec)),
            };
            buf.copy_interleaved_ref(decoded);
            let channels = spec.channels.count();
            if channels != self.plan.channels {
                return Err(self.decode_err(format!(
                    "channel count changed from {} to {channels}",
                    self.plan.channels
                )));
            }
            let dither = self.plan.dither.then_some(&mut self.dither);
            match &mut self.convert {
                None => append_cd(buf.samples(), channels, dither, out),
                Some(c) => {
                    let input = match &self.plan.mix {
                        Some(g) => {
                            c.mixed.clear();
                            downmix(buf.samples(), g, &mut c.mixed);
                            &c.mixed[..]
                        }
                        None => {
                            c.mixed.clear();
                            c.mixed.extend(buf.samples().iter().map(|&x| f64::from(x)));
                            &c.mixed[..]
                        }
                    };
                    let ready = match &mut c.resample {
                        Some(r) => {
                            c.resampled.clear();
                            r.push(input, &mut c.resampled)
                                .map_err(|e| AudioError::Decode {
                                    file: self.file.clone(),
                                    sample: self.frames,
                                    reason: e,
                                })?;
                            &c.resampled[..]
                        }
                        None => input,
                    };
                    c.ints.clear();
                    c.ints.extend(ready.iter().map(|&x| to_i32(x)));
                    append_cd(&c.ints, c.channels, dither, out);
                }
            }
            self.frames += n as u64;
            return Ok(true);
        }
    }

    /// At the end of the file: the resampler's tail (once).
    fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), AudioError> {
        let Some(c) = &mut self.convert else {
            return Ok(());
        };
        if c.finished {
            return Ok(());
        }
        c.finished = true;
        if let Some(r) = &mut c.resample {
            c.resampled.clear();
            r.finish(&mut c.resampled).map_err(|e| AudioError::Decode {
                file: self.file.clone(),
                sample: self.frames,
                reason: e,
            })?;
            c.ints.clear();
            c.ints.extend(c.resampled.iter().map(|&x| to_i32(x)));
            let dither = self.plan.dither.then_some(&mut self.dither);
            append_cd(&c.ints, c.channels, dither, out);
        }
        Ok(())
    }
}

/// Decodes a whole file once and returns its frame count (for files that do not state it).
///
/// # Errors
/// The file cannot be opened or decoded.
pub fn count_frames(path: &Path, opts: &AudioOptions) -> Result<u64, AudioError> {
    let f = File::open(path).map_err(|source| AudioError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    count_frames_in(path, Box::new(f), opts)
}

/// The sample count of an ALAC packet's first audio element when it states one larger than
/// the stream's frame length (symphonia 0.5's ALAC decoder slices its buffers with it unchecked
/// and panics: found by fuzz/audio_file); `u32::MAX` when that element is a channel pair whose
/// mid-side shift is 32 or more (symphonia shifts an `i32` by it). `None` when the packet is
/// fine or not checkable here (the decoder reports malformed packets itself).
pub fn alac_partial_frame_too_long(packet: &[u8], frame_length: u32) -> Option<u32> {
    let mut r = Bits {
        data: packet,
        pos: 0,
    };
    loop {
        match r.read(3)? {
            // SCE, CPE, LFE: tag, 12 unused bits, partial-frame flag, shift, uncompressed flag,
            // [samples], then (compressed) the mid-side shift.
            kind @ (0 | 1 | 3) => {
                r.read(4)?;
                if r.read(12)? != 0 {
                    return None;
                }
                let partial = r.read(1)? == 1;
                r.read(2)?;
                let uncompressed = r.read(1)? == 1;
                if partial {
                    let n = r.read(16)? << 16 | r.read(16)?;
                    if n > frame_length {
                        return Some(n);
                    }
                }
                // A CPE's mid-side shift of 32 or more overflows symphonia's `>>` (a panic
                // where overflow checks are on): reported as a frame of u32::MAX samples.
                if kind == 1 && !uncompressed && r.read(8)? > 31 {
                    return Some(u32::MAX);
                }
                return None;
            }
            // DSE: tag, align flag, count (255 + one more byte), data.
            4 => {
                r.read(4)?;
                let align = r.read(1)? == 1;
                let mut count = r.read(8)?;
                if count == 255 {
                    count += r.read(8)?;
                }
                if align {
                    r.pos = r.pos.div_ceil(8) * 8;
                }
                r.skip(8 * count as usize)?;
            }
            // FIL: count (15 + one more byte − 1), data.
            6 => {
                let mut count = r.read(4)?;
                if count == 15 {
                    count += r.read(8)?.checked_sub(1)?;
                }
                r.skip(8 * count as usize)?;
            }
            _ => return None,
        }
    }
}

/// A most-significant-bit-first reader over bytes.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn read(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let b = self.data.get(self.pos / 8)? >> (7 - self.pos % 8) & 1;
            v = v << 1 | u32::from(b);
            self.pos += 1;
        }
        Some(v)
    }

    fn skip(&mut self, n: usize) -> Option<()> {
        self.pos = self.pos.checked_add(n)?;
        (self.pos <= self.data.len() * 8).then_some(())
    }
}

/// Files counted by [`count_frames_once`]: their identity when counted and the count.
struct Counted {
    path: PathBuf,
    len: u64,
    modified: Option<std::time::SystemTime>,
    frames: u64,
    /// Counting decodes of this path so far (the test hook [`counting_decodes`]).
    passes: u64,
}

/// Counted files kept (the oldest is forgotten first).
const COUNTED_KEEP: usize = 64;

static COUNTED: Mutex<Vec<Counted>> = Mutex::new(Vec::new());

/// [`count_frames`], decoding a file only once per process while it is unchanged: the count is
/// kept by path, size and modification time, so the pipeline's second look at a file that
/// states no length (the sheet is loaded, then the file is opened for streaming) reuses the
/// probe's count and a file rewritten in between is counted again.
///
/// # Errors
/// As [`count_frames`].
pub fn count_frames_once(path: &Path, opts: &AudioOptions) -> Result<u64, AudioError> {
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let meta = std::fs::metadata(path).map_err(|source| AudioError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    let (len, modified) = (meta.len(), meta.modified().ok());
    let lock = || COUNTED.lock().unwrap_or_else(|p| p.into_inner());
    let mut passes = 0;
    if let Some(c) = lock().iter().find(|c| c.path == key) {
        if c.len == len && c.modified == modified {
            return Ok(c.frames);
        }
        passes = c.passes;
    }
    let frames = count_frames(path, opts)?;
    let mut all = lock();
    all.retain(|c| c.path != key);
    if all.len() >= COUNTED_KEEP {
        all.remove(0);
    }
    all.push(Counted {
        path: key,
        len,
        modified,
        frames,
        passes: passes + 1,
    });
    Ok(frames)
}

/// How many times [`count_frames_once`] has decoded `path` to count it (a test hook: 1 after a
/// sheet naming a file without a stated length was loaded and streamed).
pub fn counting_decodes(path: &Path) -> u64 {
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    COUNTED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .find(|c| c.path == key)
        .map_or(0, |c| c.passes)
}

/// [`count_frames`] over any media source.
pub(crate) fn count_frames_in(
    path: &Path,
    source: Box<dyn MediaSource>,
    opts: &AudioOptions,
) -> Result<u64, AudioError> {
    let mut d = Decoding::open(path, source, opts.convert)?;
    let mut scratch = Vec::new();
    while d.next_into(&mut scratch)? {
        scratch.clear();
    }
    Ok(d.frames)
}

/// Decodes `source` completely into CD PCM bytes, checking the length against `info` (for tests,
/// fuzzing and small files).
///
/// # Errors
/// As the streaming decoder: a decode error, or [`AudioError::LengthMismatch`].
pub fn decode_all(
    info: &AudioInfo,
    source: Box<dyn MediaSource>,
    opts: &AudioOptions,
) -> Result<Vec<u8>, AudioError> {
    let mut d = Decoding::open(&info.path, source, opts.convert)?;
    let mut out = Vec::new();
    while d.next_into(&mut out)? {
        if d.frames > info.source_frames.saturating_add(1 << 24) {
            break;
        }
    }
    check_length(info, d.frames)?;
    Ok(out)
}

fn check_length(info: &AudioInfo, decoded: u64) -> Result<(), AudioError> {
    if decoded != info.source_frames {
        return Err(AudioError::LengthMismatch {
            file: info.path.clone(),
            announced: info.source_frames,
            decoded,
            from: info.length_from,
        });
    }
    Ok(())
}

type Chunk = Result<Vec<u8>, AudioError>;

/// The decoder thread: chunks of `CHUNK_BYTES` until the end, the last one only after the
/// length is verified.
fn run_decoder(info: AudioInfo, convert: bool, tx: Sender<Chunk>) {
    let r = (|| -> Result<(), AudioError> {
        let f = File::open(&info.path).map_err(|source| AudioError::Io {
            file: info.path.clone(),
            source,
        })?;
        let mut d = Decoding::open(&info.path, Box::new(f), convert)?;
        let mut buf = Vec::with_capacity(CHUNK_BYTES + 65_536);
        loop {
            let more = d.next_into(&mut buf)?;
            if d.frames > info.source_frames {
                // Count the rest for the message, without holding it.
                let mut scratch = Vec::new();
                while d.next_into(&mut scratch)? {
                    scratch.clear();
                }
                return check_length(&info, d.frames);
            }
            if !more {
                check_length(&info, d.frames)?;
                if !buf.is_empty() {
                    let _ = tx.send(Ok(std::mem::take(&mut buf)));
                }
                return Ok(());
            }
            if buf.len() >= CHUNK_BYTES && d.frames < info.source_frames {
                let next = Vec::with_capacity(CHUNK_BYTES + 65_536);
                if tx.send(Ok(std::mem::replace(&mut buf, next))).is_err() {
                    return Ok(()); // the reader went away (restart or end of stream)
                }
            }
        }
    })();
    if let Err(e) = r {
        let _ = tx.send(Err(e));
    }
}

struct Cursor {
    rx: Option<Receiver<Chunk>>,
    chunk: Vec<u8>,
    at: usize,
    /// Byte position in the file's PCM of `chunk[at]`.
    pos: u64,
    /// A decoder was started (by a read or ahead of it).
    started: bool,
    /// The stream has read from the file (the files after it may start).
    read: bool,
}

/// What a decoded file's clones share.
struct Shared {
    info: AudioInfo,
    convert: bool,
    depth: usize,
    cursor: Mutex<Cursor>,
}

/// The files of a [`DecodeSet`] in the order the plan uses them, to start the next ones.
struct Group {
    files: Mutex<Vec<Weak<Shared>>>,
    /// Files decoding at the same time: the one streaming and the `ahead - 1` after it.
    ahead: usize,
}

/// One decoded file shared by the tracks that use it: a decoder thread started on the first
/// read (or, in a [`DecodeSet`], when the file before it starts streaming), restarted when a
/// read goes backwards.
#[derive(Clone)]
pub struct DecodedFile {
    shared: Arc<Shared>,
    /// The set it belongs to and its place there.
    group: Option<(Arc<Group>, usize)>,
}

impl std::fmt::Debug for DecodedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DecodedFile({})", self.shared.info.path.display())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave a cursor half-updated in a way that matters:
    // a poisoned cursor is used as it is.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl DecodedFile {
    /// A decoded file (nothing is decoded until a segment is read), holding at most
    /// `opts.read_ahead_bytes` (whole chunks of one second, at least two) ahead of the stream.
    pub fn new(info: &AudioInfo, opts: &AudioOptions) -> DecodedFile {
        DecodedFile::with_depth(
            info,
            opts.convert,
            opts.read_ahead_bytes / CHUNK_BYTES,
            None,
        )
    }

    fn with_depth(
        info: &AudioInfo,
        convert: bool,
        depth: usize,
        group: Option<(Arc<Group>, usize)>,
    ) -> DecodedFile {
        DecodedFile {
            shared: Arc::new(Shared {
                info: info.clone(),
                convert,
                depth: depth.max(2),
                cursor: Mutex::new(Cursor {
                    rx: None,
                    chunk: Vec::new(),
                    at: 0,
                    pos: 0,
                    started: false,
                    read: false,
                }),
            }),
            group,
        }
    }

    /// True once a decoder was started for the file (by a read, or in a [`DecodeSet`] ahead
    /// of the stream).
    pub fn started(&self) -> bool {
        lock(&self.shared.cursor).started
    }

    /// A `Read` source over `len` bytes of the file's CD PCM from byte `offset`.
    pub fn segment(&self, offset: u64, len: u64) -> Source {
        Source::from_read_at(
            self.clone(),
            offset,
            len,
            &self.shared.info.path.display().to_string(),
        )
    }
}

impl ReadAt for DecodedFile {
    /// Reads into `out` from byte `offset` of the PCM; returns the bytes read (0 at the end).
    fn read_at(&self, offset: u64, out: &mut [u8]) -> io::Result<usize> {
        let mut c = lock(&self.shared.cursor);
        if c.rx.is_none() || offset < c.pos {
            self.shared.start(&mut c);
        }
        if !c.read {
            c.read = true;
            if let Some((g, i)) = &self.group {
                // Locks only files after this one: readers lock in file order, no deadlock.
                g.start_after(*i);
            }
        }
        loop {
            if c.at == c.chunk.len() {
                let next = match &c.rx {
                    Some(rx) => rx.recv().ok(),
                    None => None,
                };
                match next {
                    Some(Ok(chunk)) => {
                        c.chunk = chunk;
                        c.at = 0;
                    }
                    Some(Err(e)) => {
                        c.rx = None;
                        return Err(e.into_io());
                    }
                    None => return Ok(0),
                }
                continue;
            }
            let avail = (c.chunk.len() - c.at) as u64;
            if c.pos < offset {
                let skip = (offset - c.pos).min(avail);
                c.at += skip as usize;
                c.pos += skip;
                continue;
            }
            let n = (avail as usize).min(out.len());
            let at = c.at;
            out[..n].copy_from_slice(&c.chunk[at..at + n]);
            c.at += n;
            c.pos += n as u64;
            return Ok(n);
        }
    }
}

impl Shared {
    fn start(&self, c: &mut Cursor) {
        let (tx, rx) = bounded(self.depth);
        let info = self.info.clone();
        let convert = self.convert;
        // The thread ends when the file is done or when `rx` is dropped.
        std::thread::spawn(move || run_decoder(info, convert, tx));
        c.rx = Some(rx);
        c.started = true;
        c.chunk.clear();
        c.at = 0;
        c.pos = 0;
    }
}

impl Group {
    /// Starts the decoders of the `ahead - 1` files after file `i` that have not started.
    fn start_after(&self, i: usize) {
        let next: Vec<Arc<Shared>> = lock(&self.files)
            .iter()
            .skip(i + 1)
            .take(self.ahead.saturating_sub(1))
            .filter_map(Weak::upgrade)
            .collect();
        for f in next {
            let mut c = lock(&f.cursor);
            if !c.started {
                f.start(&mut c);
            }
        }
    }
}

/// How much the decode stage of a [`DecodeSet`] may run ahead of the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeBudget {
    /// Bytes of decoded PCM held ahead of the stream by all the files decoding at once.
    pub bytes: usize,
    /// Files decoding at once: the one streaming and the ones after it (at least 1).
    pub decoders: usize,
}

/// Most chunks (seconds) of read-ahead a file gets, whatever the budget.
pub const MAX_READ_AHEAD_CHUNKS: usize = 6;

impl DecodeBudget {
    /// `bytes` 0 means 4 MiB (a quarter of the pipeline's default 16 MiB buffer); `decoders`
    /// (the worker threads; 0: the machine's cores) is at least 2.
    pub fn new(bytes: usize, decoders: usize) -> DecodeBudget {
        let cores = || std::thread::available_parallelism().map_or(2, |n| n.get());
        DecodeBudget {
            bytes: if bytes == 0 { 4 << 20 } else { bytes },
            decoders: if decoders == 0 { cores() } else { decoders }.max(2),
        }
    }

    /// One-second chunks each file may hold ahead: the budget divided among the decoders, at
    /// least 2 and at most [`MAX_READ_AHEAD_CHUNKS`].
    pub fn depth(&self) -> usize {
        (self.bytes / self.decoders.max(1) / CHUNK_BYTES).clamp(2, MAX_READ_AHEAD_CHUNKS)
    }
}

impl Default for DecodeBudget {
    fn default() -> Self {
        DecodeBudget::new(0, 0)
    }
}

/// The decoded files of one disc, by path: when the stream starts reading a file, the next
/// `decoders - 1` files (in the order they were added: the plan's track order) start decoding
/// too, so that track k+1 decodes while track k streams; each holds at most
/// [`DecodeBudget::depth`] seconds of PCM ahead.
#[derive(Debug, Default)]
pub struct DecodeSet {
    files: std::collections::HashMap<PathBuf, DecodedFile>,
    group: Option<Arc<Group>>,
    budget: DecodeBudget,
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Group(ahead {})", self.ahead)
    }
}

impl DecodeSet {
    /// An empty set with this budget.
    pub fn new(budget: DecodeBudget) -> DecodeSet {
        DecodeSet {
            files: Default::default(),
            group: None,
            budget,
        }
    }

    /// The file at `path`, if added.
    pub fn get(&self, path: &Path) -> Option<&DecodedFile> {
        self.files.get(path)
    }

    /// Adds a file (probed with `convert` as given) after the ones added before.
    pub fn add(&mut self, info: &AudioInfo, convert: bool) -> &DecodedFile {
        if self.files.contains_key(&info.path) {
            return &self.files[&info.path];
        }
        let ahead = self.budget.decoders.max(1);
        let g = self
            .group
            .get_or_insert_with(|| {
                Arc::new(Group {
                    files: Mutex::new(Vec::new()),
                    ahead,
                })
            })
            .clone();
        let i = {
            let files = lock(&g.files);
            files.len()
        };
        let f = DecodedFile::with_depth(info, convert, self.budget.depth(), Some((g.clone(), i)));
        lock(&g.files).push(Arc::downgrade(&f.shared));
        self.files.entry(info.path.clone()).or_insert(f)
    }
}

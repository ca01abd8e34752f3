//! Encoding one batch of consecutive sectors: what a worker does. A batch is three passes over
//! its output slots, each a function a reader can find by name: [`encode_main_channel`] (the
//! 2352 bytes: user data, EDC/ECC, scrambling), [`write_pq`] (the P and Q channels) and
//! [`write_rw`] (the R–W channels). Outputs without subchannel run the first pass only.
#![forbid(unsafe_code)]

use crate::codec::engine::{Engine, Finish};
use crate::codec::subchannel::{linear_from_raw, pq16, raw_from_linear, read_pq, write_pw};
use crate::codec::{check_raw, start_sector_in_place, SECTOR_SIZE};
use crate::error::Error;
use crate::layout::reference::{encode_main_input, RwSector, RwState};
use crate::layout::{DiscMap, MainSource, PwOrder, SectorInfo};

use super::SectorForm;

/// A batch to encode: `count` sectors from `first`, with the bytes the scheduler read ahead.
#[derive(Debug, Clone, Default)]
pub struct BatchInput {
    /// First LBA.
    pub first: i32,
    /// Number of sectors.
    pub count: u32,
    /// Inputs of the sectors whose source is a `Read` (in order, the type's input size each).
    pub prefetched: Vec<u8>,
    /// Cooked R–W input of sectors `first − 2 .. first + count` (96 bytes each), when the map
    /// has an R–W stream.
    pub rw: Option<Vec<u8>>,
}

/// An I/O error on `src` while producing sector `lba` (`NAME: LBA n: why`; a message that
/// already starts with the source's name, as a decoder's does, is not given it twice).
pub(super) fn io_at(src: &crate::source::Source, lba: i32, e: std::io::Error) -> Error {
    let path = src.name();
    let why = e.to_string();
    let why = why
        .strip_prefix(path.as_str())
        .and_then(|w| w.strip_prefix(": "))
        .unwrap_or(&why);
    Error::Io {
        source: std::io::Error::new(e.kind(), format!("LBA {lba}: {why}")),
        path,
    }
}

/// A run of a mapped source that one batch reads: `count` sectors of type `ty` from LBA
/// `first`, their input from byte `from` of source `source`.
#[derive(Debug, Clone, Copy)]
struct MappedRange {
    source: usize,
    from: u64,
    first: i32,
    count: u32,
    ty: crate::codec::SectorType,
}

/// Encodes the batch into `out` (`count × form.sector_bytes()` bytes, any prior content; every
/// byte is written): main channel (scrambled if `scramble` and a data sector), then the
/// subchannel in `form`.
///
/// # Errors
/// A source read fails or is truncated, or raw input does not match its position.
pub fn encode_batch<E: Engine + ?Sized>(
    map: &DiscMap,
    engine: &E,
    form: SectorForm,
    scramble: bool,
    input: &BatchInput,
    out: &mut [u8],
) -> Result<(), Error> {
    let placed = place_inputs(map, form, input, &mapped_ranges(map, input)?, out)?;
    encode_main_channel(map, engine, form, scramble, input, &placed, out)?;
    if form != SectorForm::Main {
        write_pq(map, form, input, out);
        write_rw(map, engine, form, input, out);
        if map.has_pw_as_read() {
            write_pw_as_read(map, form, input, out)?;
        }
    }
    Ok(())
}

/// Reads each mapped run of the batch straight into its sectors' slots in `out` (the user data
/// at [`SectorType::input_offset`](crate::codec::SectorType::input_offset) of each slot), with
/// one vectored `pread` per run on the file handle the map holds; the sectors are then encoded
/// in place. Measured against encoding from the map with pages released behind the stream, on
/// an 80-minute ISO: the map took about 100,000 page faults and `MADV_DONTNEED` calls with their
/// TLB shootdowns, `pread` about 1,000 faults and 10–20 % less CPU time; reading into the slots
/// rather than a batch buffer saves the user-space copy (7 % of the samples of a raw96 image).
/// Nothing of the input stays mapped, so resident memory is flat without any release.
///
/// Returns, per sector of the batch, whether its input was placed.
fn place_inputs(
    map: &DiscMap,
    form: SectorForm,
    input: &BatchInput,
    ranges: &[MappedRange],
    out: &mut [u8],
) -> Result<Vec<bool>, Error> {
    let mut placed = vec![false; input.count as usize];
    if ranges.is_empty() {
        return Ok(placed);
    }
    let sb = form.sector_bytes();
    for r in ranges {
        let src = &map.sources()[r.source];
        let (n, at) = (r.ty.input_size(), r.ty.input_offset());
        let first = (r.first - input.first) as usize;
        // The last sector of an audio track may run past the end (padded with silence).
        let len = (r.count as u64 * n as u64).min(src.len().saturating_sub(r.from)) as usize;
        let mut slots: Vec<&mut [u8]> = Vec::with_capacity(r.count as usize);
        let mut left = len;
        for slot in out.chunks_exact_mut(sb).skip(first).take(r.count as usize) {
            let user = &mut slot[at..at + n];
            let (read, pad) = user.split_at_mut(left.min(n));
            pad.fill(0);
            left -= read.len();
            if !read.is_empty() {
                slots.push(read);
            }
        }
        if src
            .pread_scatter(r.from, &mut slots)
            .map_err(|e| io_at(src, r.first, e))?
        {
            placed[first..first + r.count as usize].fill(true);
        }
    }
    Ok(placed)
}

/// The mapped-source runs the batch reads, after checking (fstat) that each file still holds
/// them, so that touching the map cannot fault.
fn mapped_ranges(map: &DiscMap, input: &BatchInput) -> Result<Vec<MappedRange>, Error> {
    let end = input.first + input.count as i32;
    let mut ranges = Vec::new();
    let mut lba = input.first;
    while lba < end {
        let Some(ei) = map.extent_index(lba) else {
            break;
        };
        let e = *map.extent(ei);
        let stop = (e.start + e.len as i32).min(end);
        if let MainSource::Source { source, offset, .. } = e.main {
            let src = &map.sources()[source];
            if !src.is_reader() {
                let size = e.ty.input_size() as u64;
                let from = offset + (lba - e.start) as u64 * size;
                let len = (stop - lba) as u64 * size;
                src.check_available(from, len)
                    .map_err(|e| io_at(src, lba, e))?;
                ranges.push(MappedRange {
                    source,
                    from,
                    first: lba,
                    count: (stop - lba) as u32,
                    ty: e.ty,
                });
            }
        }
        lba = stop;
    }
    Ok(ranges)
}

/// Pass 1: the 2352-byte main channel of every sector of the batch, from its input (the runs
/// of mapped files read for the batch, in-memory bytes directly, or the scheduler's read-ahead
/// for `Read` sources),
/// scrambled where it is a data sector and `scramble` is set.
///
/// # Errors
/// A source read fails or is truncated, or raw input does not match its position.
fn encode_main_channel<E: Engine + ?Sized>(
    map: &DiscMap,
    engine: &E,
    form: SectorForm,
    scramble: bool,
    input: &BatchInput,
    placed: &[bool],
    out: &mut [u8],
) -> Result<(), Error> {
    let sb = form.sector_bytes();
    let mut prefetched = 0usize;
    let mut ei = map.extent_index(input.first).unwrap_or(0);
    let mut buf = [0u8; SECTOR_SIZE];
    // Runs of consecutive placed sectors that still need the same finish (EDC/ECC): finished
    // after this loop with one engine call per run.
    let mut runs = FinishRuns::default();
    for (i, slot) in out
        .chunks_exact_mut(sb)
        .take(input.count as usize)
        .enumerate()
    {
        let lba = input.first + i as i32;
        ei = extent_of(map, ei, lba);
        let info = map.main_in(ei, lba);
        let Some((main, _)) = slot.split_first_chunk_mut::<SECTOR_SIZE>() else {
            continue; // every form is at least 2352 bytes
        };
        if placed.get(i) == Some(&true) {
            match start_in_place(engine, &info, main)? {
                Some(finish) => runs.add(i, finish),
                None if scramble && info.is_data() => engine.scramble(main),
                None => {}
            }
            continue;
        }
        let input_bytes: &[u8] = match info.main {
            MainSource::Generated => &[],
            MainSource::Source { source, offset, .. } => {
                let src = &map.sources()[source];
                let n = info.ty.input_size();
                if src.is_reader() {
                    let p = input
                        .prefetched
                        .get(prefetched..prefetched + n)
                        .ok_or_else(|| {
                            io_at(
                                src,
                                lba,
                                std::io::Error::other("read-ahead shorter than the batch"),
                            )
                        })?;
                    prefetched += n;
                    p
                } else if let Some(b) = src.bytes() {
                    // In memory (or a mapped file whose run could not be read): encode straight
                    // from the source bytes. Bytes past the end (the padding of an audio
                    // track's last partial sector) go through `buf`.
                    let o = offset as usize;
                    match b.get(o..o + n) {
                        Some(slice) => slice,
                        None => {
                            src.read_at(offset, &mut buf[..n])
                                .map_err(|e| io_at(src, lba, e))?;
                            &buf[..n]
                        }
                    }
                } else {
                    src.read_at(offset, &mut buf[..n])
                        .map_err(|e| io_at(src, lba, e))?;
                    &buf[..n]
                }
            }
        };
        encode_main_input(engine, &info, input_bytes, main)?;
        if scramble && info.is_data() {
            engine.scramble(main);
        }
    }
    for (first, count, finish) in runs.0 {
        // Cooked sectors are data: scrambled in the drive stream.
        let bytes = &mut out[first * sb..(first + count - 1) * sb + SECTOR_SIZE];
        engine.encode_strided(bytes, sb, finish, scramble);
    }
    Ok(())
}

/// Runs of consecutive sectors of a batch (first index, count, finish) that need the same
/// finish.
#[derive(Default)]
struct FinishRuns(Vec<(usize, usize, Finish)>);

impl FinishRuns {
    fn add(&mut self, i: usize, finish: Finish) {
        match self.0.last_mut() {
            Some((first, count, f)) if *f == finish && *first + *count == i => *count += 1,
            _ => self.0.push((i, 1, finish)),
        }
    }
}

/// Starts the main channel of a sector whose input [`place_inputs`] read into `main`: the
/// sector is complete (`None`) or needs the returned finish.
///
/// # Errors
/// Raw input that does not match its position.
fn start_in_place<E: Engine + ?Sized>(
    engine: &E,
    info: &SectorInfo,
    main: &mut [u8; SECTOR_SIZE],
) -> Result<Option<Finish>, Error> {
    let lba = crate::units::Lba(info.lba);
    Ok(match info.main {
        MainSource::Source {
            unscrambled_raw: true,
            ..
        } => {
            check_raw(info.ty, lba, main)?;
            None
        }
        _ => start_sector_in_place(engine, info.ty, lba, main)?,
    })
}

/// The index of the extent holding `lba`, searching forward from `ei` (sectors of a batch
/// come in order, so each pass walks the extents once).
#[inline]
fn extent_of(map: &DiscMap, mut ei: usize, lba: i32) -> usize {
    while {
        let e = map.extent(ei);
        lba >= e.start + e.len as i32
    } {
        ei += 1;
    }
    ei
}

/// Pass 4, clone mode only: the sectors whose subchannel was given as read get those bytes
/// instead of the generated ones (linear or raw input; raw order for `Raw96`, linear for
/// `Linear96`, P and Q for `Pq16`). The build refused `Packed96`. Each run's bytes are read
/// with one `pread` on the file (not through the map: nothing stays resident), else from the
/// source's bytes.
fn write_pw_as_read(
    map: &DiscMap,
    form: SectorForm,
    input: &BatchInput,
    out: &mut [u8],
) -> Result<(), Error> {
    let sb = form.sector_bytes();
    let end = input.first + input.count as i32;
    for (lo, n, src, at, order) in map.pw_as_read_runs(input.first, end) {
        let mut buf = vec![0u8; n as usize * 96];
        if !src.pread(at, &mut buf).map_err(|e| io_at(src, lo, e))? {
            src.read_at(at, &mut buf).map_err(|e| io_at(src, lo, e))?;
        }
        for (k, pw) in buf.chunks_exact(96).enumerate() {
            let pw: &[u8; 96] = pw.try_into().unwrap_or(&[0; 96]);
            let raw = match order {
                PwOrder::Linear => raw_from_linear(pw),
                PwOrder::Raw => *pw,
            };
            let i = (lo - input.first) as usize + k;
            let sub = &mut out[i * sb + SECTOR_SIZE..(i + 1) * sb];
            match form {
                SectorForm::Linear96 => sub.copy_from_slice(&linear_from_raw(&raw)),
                SectorForm::Raw96 | SectorForm::Packed96 => sub.copy_from_slice(&raw),
                SectorForm::Pq16 => {
                    let (p, q) = read_pq(&raw);
                    sub.copy_from_slice(&pq16(p, &q));
                }
                SectorForm::Main => {}
            }
        }
    }
    Ok(())
}

/// Pass 2: P and Q of every sector. `Pq16` gets its whole 16 bytes; the 96-byte forms get P
/// in bit 7 and Q in bit 6 of every byte with the R–W bits clear, in raw order ([`write_rw`]
/// adds R–W and turns `Linear96` into linear order).
fn write_pq(map: &DiscMap, form: SectorForm, input: &BatchInput, out: &mut [u8]) {
    let sb = form.sector_bytes();
    let mut ei = map.extent_index(input.first).unwrap_or(0);
    for (i, slot) in out
        .chunks_exact_mut(sb)
        .take(input.count as usize)
        .enumerate()
    {
        let lba = input.first + i as i32;
        ei = extent_of(map, ei, lba);
        let info = map.sector_in(ei, lba);
        let sub = &mut slot[SECTOR_SIZE..];
        if let Ok(pq) = <&mut [u8; 16]>::try_from(&mut *sub) {
            *pq = pq16(info.p, &info.q);
        } else if let Ok(pw) = <&mut [u8; 96]>::try_from(sub) {
            write_pw(pw, info.p, &info.q, None);
        }
    }
}

/// Pass 3: the R–W symbols (bits 5..0) of the 96-byte forms: the caller's R–W stream through
/// the interleaver (raw) or with parity only (packed), CD-Text in the lead-in, else zero; then
/// `Linear96` is transposed into CloneCD order. Nothing for `Main` and `Pq16`.
fn write_rw<E: Engine + ?Sized>(
    map: &DiscMap,
    engine: &E,
    form: SectorForm,
    input: &BatchInput,
    out: &mut [u8],
) {
    if !matches!(
        form,
        SectorForm::Raw96 | SectorForm::Packed96 | SectorForm::Linear96
    ) {
        return;
    }
    let sb = form.sector_bytes();
    let mut rw_state = input.rw.as_ref().map(|rw| {
        let h = |i: usize, l: i32| {
            let mut b = [0u8; 96];
            if l >= -150 && !map.in_leadin(l) {
                b.copy_from_slice(&rw[96 * i..96 * i + 96]);
            }
            b
        };
        RwState::resume_from(&h(0, input.first - 2), &h(1, input.first - 1))
    });
    let cdtext = map.cdtext();
    for (i, slot) in out
        .chunks_exact_mut(sb)
        .take(input.count as usize)
        .enumerate()
    {
        let lba = input.first + i as i32;
        let Ok(pw) = <&mut [u8; 96]>::try_from(&mut slot[SECTOR_SIZE..]) else {
            continue;
        };
        let rw = match rw_state.as_mut() {
            Some(st) => {
                let rwb = input.rw.as_deref().unwrap_or(&[]);
                let mut cooked = [0u8; 96];
                if let Some(b) = rwb.get(96 * (i + 2)..96 * (i + 3)) {
                    cooked.copy_from_slice(b);
                }
                Some(st.next_with(map, engine, lba, &cooked))
            }
            None => match (lba < -150, cdtext) {
                (true, Some(ct)) => {
                    let plain = ct.rw_for_lba(lba);
                    Some(RwSector {
                        raw: plain,
                        packed: plain,
                    })
                }
                _ => None,
            },
        };
        if let Some(rw) = rw {
            let sym = if form == SectorForm::Packed96 {
                &rw.packed
            } else {
                &rw.raw
            };
            for (o, &s) in pw.iter_mut().zip(sym.iter()) {
                *o |= s & 0x3F;
            }
        }
        if form == SectorForm::Linear96 {
            *pw = linear_from_raw(pw);
        }
    }
}

//! Encoding one batch of consecutive sectors: what a worker does.
#![forbid(unsafe_code)]

use crate::codec::engine::Engine;
use crate::codec::subchannel::{linear_from_raw, pq16, write_pw};
use crate::codec::SECTOR_SIZE;
use crate::error::Error;
use crate::layout::reference::{encode_main_input, RwSector, RwState};
use crate::layout::{DiscMap, MainSource};

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

/// An I/O error on `src` while producing sector `lba`.
fn io_at(src: &crate::source::Source, lba: i32, e: std::io::Error) -> Error {
    Error::Io {
        path: src.name(),
        source: std::io::Error::new(e.kind(), format!("LBA {lba}: {e}")),
    }
}

/// Encodes the batch into `out` (`count × form.sector_bytes()` bytes): main channel (scrambled
/// if `scramble` and a data sector), then the subchannel in `form`.
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
    let sb = form.sector_bytes();
    let end = input.first + input.count as i32;
    // Mapped sources: check the file still holds the ranges this batch reads.
    let mut ranges: Vec<(usize, u64, u64)> = Vec::new();
    let mut lba = input.first;
    while lba < end {
        let Some(ei) = map.extent_index(lba) else {
            break;
        };
        let e = *map.extent(ei);
        let stop = (e.start + e.len as i32).min(end);
        if let MainSource::Source { source, offset, .. } = e.main {
            let size = e.ty.input_size() as u64;
            let from = offset + (lba - e.start) as u64 * size;
            let len = (stop - lba) as u64 * size;
            if !map.sources()[source].is_reader() {
                let src = &map.sources()[source];
                src.check_available(from, len)
                    .map_err(|e| io_at(src, lba, e))?;
                ranges.push((source, from, len));
            }
        }
        lba = stop;
    }
    let mut prefetched = 0usize;
    let mut rw_state = input.rw.as_ref().map(|rw| {
        let h = |i: usize, l: i32| {
            let mut b = [0u8; 96];
            if l >= -150 {
                b.copy_from_slice(&rw[96 * i..96 * i + 96]);
            }
            b
        };
        RwState::resume_from(&h(0, input.first - 2), &h(1, input.first - 1))
    });
    let mut ei = map.extent_index(input.first).unwrap_or(0);
    let mut buf = [0u8; SECTOR_SIZE];
    for (i, slot) in out
        .chunks_exact_mut(sb)
        .take(input.count as usize)
        .enumerate()
    {
        let lba = input.first + i as i32;
        while {
            let e = map.extent(ei);
            lba >= e.start + e.len as i32
        } {
            ei += 1;
        }
        let info = map.sector_in(ei, lba);
        let Some((main, sub)) = slot.split_first_chunk_mut::<SECTOR_SIZE>() else {
            continue; // every form is at least 2352 bytes
        };
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
                    // Mapped or in-memory: encode straight from the source bytes, so the user
                    // data is copied once, into its output slot. Bytes past the end (the
                    // padding of an audio track's last partial sector) go through `buf`.
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
        if form == SectorForm::Main {
            continue;
        }
        let rw = match rw_state.as_mut() {
            Some(st) => {
                let rwb = input.rw.as_deref().unwrap_or(&[]);
                let mut cooked = [0u8; 96];
                if let Some(b) = rwb.get(96 * (i + 2)..96 * (i + 3)) {
                    cooked.copy_from_slice(b);
                }
                st.next_with(map, engine, lba, &cooked)
            }
            None => match (lba < -150, map.cdtext()) {
                (true, Some(ct)) => {
                    let plain = ct.rw_for_lba(lba);
                    RwSector {
                        raw: plain,
                        packed: plain,
                    }
                }
                _ => RwSector {
                    raw: [0; 96],
                    packed: [0; 96],
                },
            },
        };
        match form {
            SectorForm::Main => {}
            SectorForm::Pq16 => sub.copy_from_slice(&pq16(info.p, &info.q)),
            SectorForm::Raw96 | SectorForm::Packed96 | SectorForm::Linear96 => {
                let mut pw = [0u8; 96];
                let sym = if form == SectorForm::Packed96 {
                    &rw.packed
                } else {
                    &rw.raw
                };
                write_pw(&mut pw, info.p, &info.q, Some(sym));
                if form == SectorForm::Linear96 {
                    pw = linear_from_raw(&pw);
                }
                sub.copy_from_slice(&pw);
            }
        }
    }
    for (source, from, len) in ranges {
        map.sources()[source].release(from, len);
    }
    Ok(())
}

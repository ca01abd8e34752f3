//! The sequential reference generator: every sector of the session in order, straight from the
//! disc map and the codec, single-threaded. It is the oracle the streaming pipeline is tested
//! against, so it stays simple. The per-sector pieces ([`encode_main`], [`RwState`],
//! [`write_subchannel`]) are shared with the pipeline's workers.
#![forbid(unsafe_code)]

use crate::codec::engine::Engine;
use crate::codec::rw::{RwDeinterleaver, RwInterleaver};
use crate::codec::subchannel::{pq16, write_pw_reference};
use crate::codec::{check_raw, encode_sector, generated_sector, SECTOR_SIZE};
use crate::error::Error;

use super::map::{DiscMap, MainSource, SectorInfo};
use super::{LayoutError, RwForm, SubchannelFormat};

/// Fills `out` with the unscrambled main channel of the sector `info` describes.
///
/// # Errors
/// A source read fails, or raw input does not match its position.
pub fn encode_main<E: Engine + ?Sized>(
    map: &DiscMap,
    engine: &E,
    info: &SectorInfo,
    out: &mut [u8; SECTOR_SIZE],
) -> Result<(), Error> {
    match info.main {
        MainSource::Generated => encode_main_input(engine, info, &[], out),
        MainSource::Source { source, offset, .. } => {
            let src = &map.sources()[source];
            let n = info.ty.input_size();
            let mut buf = [0u8; SECTOR_SIZE];
            src.read_at(offset, &mut buf[..n]).map_err(|e| Error::Io {
                path: src.name(),
                source: e,
            })?;
            encode_main_input(engine, info, &buf[..n], out)
        }
    }
}

/// Encodes the main channel of `info` from its input bytes (ignored for generated sectors).
///
/// # Errors
/// Raw input that does not match its position; a wrong input size.
pub fn encode_main_input<E: Engine + ?Sized>(
    engine: &E,
    info: &SectorInfo,
    input: &[u8],
    out: &mut [u8; SECTOR_SIZE],
) -> Result<(), Error> {
    let lba = crate::units::Lba(info.lba);
    match info.main {
        MainSource::Generated => generated_sector(engine, info.ty, lba, out)?,
        MainSource::Source {
            unscrambled_raw: true,
            ..
        } => {
            if input.len() != SECTOR_SIZE {
                return Err(crate::codec::CodecError::BufferSize {
                    expected: SECTOR_SIZE,
                    got: input.len(),
                }
                .into());
            }
            out.copy_from_slice(input);
            check_raw(info.ty, lba, out)?;
        }
        MainSource::Source { .. } => encode_sector(engine, info.ty, lba, input, out)?,
    }
    Ok(())
}

/// R–W of one sector in both forms.
#[derive(Debug, Clone, Copy)]
pub struct RwSector {
    /// Raw interleaved six-bit symbols (bits 5..0).
    pub raw: [u8; 96],
    /// Cooked symbols with parity (the packed form), same as `raw` in the lead-in.
    pub packed: [u8; 96],
}

/// The R–W source state of a stream: the caller's R–W stream, the CD-Text lead-in, and the
/// interleaver's delay line (which starts empty at LBA −150, D16).
#[derive(Debug, Clone, Default)]
pub struct RwState {
    interleaver: RwInterleaver,
}

impl RwState {
    /// A state for a stream that starts at or before LBA −150.
    pub fn new() -> RwState {
        RwState::default()
    }

    /// A state about to produce sector `lba` ≥ −150, rebuilt from the two preceding sectors'
    /// cooked input (for workers that start a batch in the middle of the stream).
    ///
    /// # Errors
    /// Reading the caller's R–W stream fails.
    pub fn resume(map: &DiscMap, lba: i32) -> Result<RwState, Error> {
        let prev2 = history(map, lba - 2)?;
        let prev1 = history(map, lba - 1)?;
        Ok(RwState::resume_from(&prev2, &prev1))
    }

    /// A state about to produce a sector, given the cooked input of the two sectors before it
    /// (zero for sectors before LBA −150).
    pub fn resume_from(prev2: &[u8; 96], prev1: &[u8; 96]) -> RwState {
        RwState {
            interleaver: RwInterleaver::resume(prev2, prev1),
        }
    }

    /// R–W of sector `lba`, reading the caller's stream. Sectors ≥ −150 must come in order.
    ///
    /// # Errors
    /// Reading the caller's R–W stream fails, or it has P/Q bits set.
    pub fn next<E: Engine + ?Sized>(
        &mut self,
        map: &DiscMap,
        engine: &E,
        lba: i32,
    ) -> Result<RwSector, Error> {
        let cooked = cooked_input(map, lba)?;
        Ok(self.next_with(map, engine, lba, &cooked))
    }

    /// R–W of sector `lba` from its cooked input (the caller's stream bytes for this sector).
    /// In the lead-in, CD-Text (if any) takes the place of the input, placed plainly (D17).
    pub fn next_with<E: Engine + ?Sized>(
        &mut self,
        map: &DiscMap,
        engine: &E,
        lba: i32,
        cooked: &[u8; 96],
    ) -> RwSector {
        if lba < -150 || map.in_leadin(lba) {
            // A lead-in: plain packs (D17). The delay line restarts empty after it, at the
            // session's first pre-gap sector, so that a session's own stream equals its cut
            // of the whole disc. CD-Text lives in session 1's lead-in.
            self.interleaver = RwInterleaver::new();
            let plain = match map.cdtext() {
                Some(ct) if lba < -150 => ct.rw_for_lba(lba),
                _ => *cooked,
            };
            return RwSector {
                raw: plain,
                packed: plain,
            };
        }
        let mut packed = [0u8; 96];
        for (dst, src) in packed.chunks_exact_mut(24).zip(cooked.chunks_exact(24)) {
            let mut p = [0u8; 24];
            for (d, s) in p.iter_mut().zip(src) {
                *d = s & 0x3F;
            }
            engine.rw_parity(&mut p);
            dst.copy_from_slice(&p);
        }
        let mut raw = [0u8; 96];
        self.interleaver.encode_sector(cooked, &mut raw);
        RwSector { raw, packed }
    }
}

/// The caller's cooked R–W input for sector `lba` (zero without a stream).
///
/// # Errors
/// A read fails or a byte has P/Q bits set.
pub fn cooked_input(map: &DiscMap, lba: i32) -> Result<[u8; 96], Error> {
    let mut b = [0u8; 96];
    cooked_inputs(map, lba, &mut b)?;
    Ok(b)
}

/// The caller's cooked R–W input of the sectors from `first` on, 96 bytes each, into `out`
/// (zero where there is none), with one read per stream: an image-wide stream and a track's
/// cooked stream as given (bits 7 and 6 must be zero), a track's stored subchannel with P and
/// Q dropped and raw R–W de-interleaved ([`RwForm`]). Stateless: any range gives the bytes the
/// same sectors get in a whole-disc run.
///
/// # Errors
/// A read fails or a byte of a cooked stream has P/Q bits set.
pub fn cooked_inputs(map: &DiscMap, first: i32, out: &mut [u8]) -> Result<(), Error> {
    out.fill(0);
    let end = first + (out.len() / 96) as i32;
    let io = |src: &crate::source::Source, e| Error::Io {
        path: src.name(),
        source: e,
    };
    let pq_bits = |bytes: &[u8], offset: u64| match bytes.iter().position(|&x| x & 0xC0 != 0) {
        Some(i) => Err(Error::Layout(LayoutError::RwPqBits {
            offset: offset + i as u64,
            value: bytes[i],
        })),
        None => Ok(()),
    };
    if let Some(src) = map.rw_source() {
        let (lo, hi) = (first.max(map.leadin_start()), end.min(map.end()));
        if lo < hi {
            let off = (lo - map.leadin_start()) as u64 * 96;
            let dst = &mut out[(lo - first) as usize * 96..(hi - first) as usize * 96];
            src.read_at(off, dst).map_err(|e| io(src, e))?;
            pq_bits(dst, off)?;
        }
        return Ok(());
    }
    let mut lba = first;
    while lba < end {
        let Some(r) = map.track_rw_at(lba) else {
            lba += 1;
            continue;
        };
        let k0 = (lba - r.start) as u64;
        let n = ((r.start + r.sectors as i32).min(end) - lba) as usize;
        let dst = &mut out[(lba - first) as usize * 96..][..n * 96];
        match r.layout {
            RwForm::Cooked => {
                r.source
                    .read_at(k0 * 96, dst)
                    .map_err(|e| io(&r.source, e))?;
                pq_bits(dst, k0 * 96)?;
            }
            RwForm::StoredPacked => {
                r.source
                    .read_at(k0 * 96, dst)
                    .map_err(|e| io(&r.source, e))?;
                for b in dst.iter_mut() {
                    *b &= 0x3F;
                }
            }
            RwForm::StoredRaw => {
                // Cooked sector k comes from raw sectors k .. k + 2 of the track (zero past its
                // end): the de-interleaver resumed from the run's first two raw sectors, then
                // fed one raw sector per cooked sector.
                let have = (n + 2).min((r.sectors as u64 - k0) as usize);
                let mut raw = vec![0u8; (n + 2) * 96];
                r.source
                    .read_at(k0 * 96, &mut raw[..have * 96])
                    .map_err(|e| io(&r.source, e))?;
                let sector = |j: usize| -> [u8; 96] {
                    let mut b = [0u8; 96];
                    b.copy_from_slice(&raw[j * 96..j * 96 + 96]);
                    b
                };
                let mut d = RwDeinterleaver::resume(&sector(0), &sector(1));
                for (j, cooked) in dst.chunks_exact_mut(96).enumerate() {
                    let mut c = [0u8; 96];
                    let _ = d.decode_sector(&sector(j + 2), &mut c);
                    for (o, v) in cooked.iter_mut().zip(c) {
                        *o = v & 0x3F;
                    }
                }
            }
        }
        lba += n as i32;
    }
    Ok(())
}

/// Cooked history for the interleaver: empty before LBA −150 (D16).
///
/// # Errors
/// As [`cooked_input`].
pub fn history(map: &DiscMap, lba: i32) -> Result<[u8; 96], Error> {
    if lba < -150 || map.in_leadin(lba) {
        Ok([0u8; 96])
    } else {
        cooked_input(map, lba)
    }
}

/// Writes the subchannel of one sector in `format` (0, 16 or 96 bytes) into `out`.
pub fn write_subchannel(
    format: SubchannelFormat,
    info: &SectorInfo,
    rw: &RwSector,
    out: &mut [u8],
) {
    match format {
        SubchannelFormat::None => {}
        SubchannelFormat::Pq16 => out[..16].copy_from_slice(&pq16(info.p, &info.q)),
        SubchannelFormat::Raw96 | SubchannelFormat::Packed96 => {
            let mut pw = [0u8; 96];
            let sym = if format == SubchannelFormat::Raw96 {
                &rw.raw
            } else {
                &rw.packed
            };
            // The oracle uses the plain bit-by-bit interleave; the pipeline the SWAR one.
            write_pw_reference(&mut pw, info.p, &info.q, Some(sym));
            out[..96].copy_from_slice(&pw);
        }
    }
}

/// One generated sector.
#[derive(Debug, Clone)]
pub struct Sector {
    /// Its LBA.
    pub lba: i32,
    /// What the map says about it.
    pub info: SectorInfo,
    /// Main channel (scrambled if the generator scrambles and it is a data sector).
    pub main: [u8; SECTOR_SIZE],
    /// R–W in both forms.
    pub rw: RwSector,
}

/// Iterates every sector of the session from the lead-in start, in order.
pub struct Generator<'a, E: Engine + ?Sized> {
    map: &'a DiscMap,
    engine: &'a E,
    scramble: bool,
    next: i32,
    rw: RwState,
}

impl<'a, E: Engine + ?Sized> Generator<'a, E> {
    /// A generator; `scramble` scrambles data sectors (the raw drive stream) or not (bin/img).
    pub fn new(map: &'a DiscMap, engine: &'a E, scramble: bool) -> Self {
        Generator {
            map,
            engine,
            scramble,
            next: map.leadin_start(),
            rw: RwState::new(),
        }
    }
}

impl<E: Engine + ?Sized> Iterator for Generator<'_, E> {
    type Item = Result<Sector, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let lba = self.next;
        let info = self.map.sector(lba)?;
        self.next += 1;
        let mut main = [0u8; SECTOR_SIZE];
        if let Err(e) = encode_main(self.map, self.engine, &info, &mut main) {
            self.next = self.map.end();
            return Some(Err(e));
        }
        if self.scramble && info.is_data() {
            self.engine.scramble(&mut main);
        }
        let rw = match self.rw.next(self.map, self.engine, lba) {
            Ok(rw) => rw,
            Err(e) => {
                self.next = self.map.end();
                return Some(Err(e));
            }
        };
        Some(Ok(Sector {
            lba,
            info,
            main,
            rw,
        }))
    }
}

/// The whole raw drive stream (what IMAPI `CreateResultImage` returns) in the map's format:
/// each sector's scrambled main channel followed by its subchannel.
///
/// # Errors
/// As [`encode_main`].
pub fn raw_stream<E: Engine + ?Sized>(map: &DiscMap, engine: &E) -> Result<Vec<u8>, Error> {
    let f = map.format();
    let mut out = Vec::with_capacity(map.sector_count() as usize * f.sector_bytes());
    let mut sub = [0u8; 96];
    for s in Generator::new(map, engine, true) {
        let s = s?;
        out.extend_from_slice(&s.main);
        write_subchannel(f, &s.info, &s.rw, &mut sub);
        out.extend_from_slice(&sub[..f.subchannel_bytes()]);
    }
    Ok(out)
}

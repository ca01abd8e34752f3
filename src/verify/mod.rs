//! Image checker built on [`crate::codec::verify_sector`]: bin/cue images, CloneCD sets and raw
//! drive streams.
//!
//! * `walk`: the image is visited in windows of whole sectors with pages released
//!   behind (bounded memory), the main-channel work of each window on all cores; `repair`
//!   walks the same way.
//! * `sectors`: sync, header address, mode, EDC and ECC of every data sector.
//! * `q`: the subchannel as a whole: Q CRC, absolute and relative time, track/index order and
//!   CTRL of every ADR 1 frame, MCN/ISRC frames, the lead-in TOC against the program area.
//!
//! What is invalid (a bad EDC/ECC or CRC, a broken address, a TOC that disagrees with the
//! program area) is a [`Problem`]; what real pressed discs merely do differently (P pulses one
//! sector late, pre-gaps counting down to 00:00:01, a stray frame with a valid CRC) is a note.
#![forbid(unsafe_code)]

pub(crate) mod q;
pub mod repair;
pub(crate) mod sectors;
pub(crate) mod walk;

use std::path::Path;

use crate::codec::verify::Scrambling;
use crate::codec::{QContent, SectorType, SECTOR_SIZE};
use crate::error::Error;
use crate::layout::{DiscMap, MainSource};
use crate::source::Source;

use q::{analyze, QRec};
use sectors::{check_region, check_window, Expect};
use walk::{linear_sub_records, pq_of, releaser, SubForm};

/// One problem: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// LBA of the sector.
    pub lba: i32,
    /// What is wrong.
    pub what: String,
}

/// What a check found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Sectors looked at.
    pub sectors: u64,
    /// Data sectors whose sync/header/EDC/ECC were checked.
    pub data_sectors: u64,
    /// Sectors whose Q frame was checked.
    pub q_sectors: u64,
    /// Problems, in LBA order.
    pub problems: Vec<Problem>,
    /// Facts found on the way (detected format, lead-in start, tracks seen) and what is
    /// unusual but valid (real pressed discs vary): never a failure.
    pub notes: Vec<String>,
}

impl Report {
    /// True when nothing is wrong.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

fn finish(mut r: Report) -> Report {
    r.problems.sort_by_key(|p| p.lba);
    r
}

pub(crate) fn io_err(path: &str, e: std::io::Error) -> Error {
    Error::Io {
        path: path.to_string(),
        source: e,
    }
}

/// Checks a disc laid out by a sheet (a `.cue` of rawcd's bin output, or any cue/toc with raw
/// 2352-byte data tracks) or an image: every stored 2352-byte data sector's sync, address,
/// mode, EDC, ECC; every stored 2336-byte Mode 2 sector (cue `MODE2/2336`, TOC
/// `MODE2_FORM_MIX`, Nero and Alcohol Mode 2 tracks: no sync or header stored) as Mode 2 by
/// its subheader, Form 1 EDC and ECC or Form 2 EDC. Mapped files are walked in windows with
/// their pages released behind.
///
/// # Errors
/// Reading a file fails.
pub fn verify_map_sources(map: &DiscMap) -> Result<Report, Error> {
    let mut r = Report {
        sectors: map.start_of_leadout().max(0) as u64,
        ..Default::default()
    };
    let Some(mut ei) = map.extent_index(0) else {
        return Ok(r);
    };
    let mut mode2 = Mode2Tally::default();
    while ei < map.extent_count() {
        let e = *map.extent(ei);
        ei += 1;
        if e.start >= map.start_of_leadout() {
            break;
        }
        let (source, offset) = match e.main {
            MainSource::Source {
                source,
                offset,
                unscrambled_raw: true,
            } => (source, offset),
            MainSource::Source {
                source,
                offset,
                unscrambled_raw: false,
            } if e.ty == SectorType::Mode2Form0 => {
                let src = &map.sources()[source];
                check_mode2_2336(src, offset, e.start, e.len, &mut r, &mut mode2)?;
                continue;
            }
            _ => continue,
        };
        let src = &map.sources()[source];
        let len = e.len as u64 * SECTOR_SIZE as u64;
        let avail = src.len().saturating_sub(offset).min(len);
        let mapped = src
            .bytes()
            .and_then(|b| b.get(offset as usize..(offset + avail) as usize));
        match mapped {
            Some(bytes) if avail == len => {
                let release = |o: u64, l: u64| src.release(offset + o, l);
                let (d, p) = check_region(
                    bytes,
                    SECTOR_SIZE,
                    e.start,
                    Scrambling::Plain,
                    Expect::Track(&|_| true),
                    &release,
                );
                r.data_sectors += d;
                r.problems.extend(p);
            }
            _ => {
                // A reader source (or a short file): sector by sector.
                let mut buf = vec![0u8; SECTOR_SIZE];
                for k in 0..e.len {
                    src.read_at(offset + k as u64 * SECTOR_SIZE as u64, &mut buf)
                        .map_err(|x| io_err(&src.name(), x))?;
                    let (d, p) = check_window(
                        &buf,
                        SECTOR_SIZE,
                        e.start + k as i32,
                        Scrambling::Plain,
                        Expect::Track(&|_| true),
                    );
                    r.data_sectors += d;
                    r.problems.extend(p);
                }
            }
        }
    }
    if mode2.sectors > 0 {
        r.notes.push(format!(
            "{} Mode 2 sectors are stored as 2336 bytes (no sync or header): checked by their \
             subheader, Form 1 EDC and ECC or Form 2 EDC, with the sync and header made from \
             their LBA",
            mode2.sectors
        ));
    }
    if mode2.formless > 0 {
        r.notes.push(format!(
            "{} of the 2336-byte Mode 2 sectors are formless (the two subheader copies differ): \
             they carry no EDC or ECC to check",
            mode2.formless
        ));
    }
    Ok(finish(r))
}

/// Counts of the stored 2336-byte Mode 2 sectors [`verify_map_sources`] checked.
#[derive(Default)]
struct Mode2Tally {
    sectors: u64,
    formless: u64,
}

/// Checks `count` stored 2336-byte Mode 2 sectors (bytes 16..2351 of each) from byte
/// `offset` of `src`, the first at `first_lba`: each gets the sync and the Mode 2 header of its
/// LBA and is checked as a whole sector, window by window.
fn check_mode2_2336(
    src: &Source,
    offset: u64,
    first_lba: i32,
    count: u32,
    r: &mut Report,
    tally: &mut Mode2Tally,
) -> Result<(), Error> {
    const STORED: usize = SECTOR_SIZE - 16;
    let per = walk::WINDOW.min(count as usize);
    let mut stored = vec![0u8; per * STORED];
    let mut whole = vec![0u8; per * SECTOR_SIZE];
    let mut done = 0usize;
    while done < count as usize {
        let n = per.min(count as usize - done);
        let at = offset + (done * STORED) as u64;
        src.read_at(at, &mut stored[..n * STORED])
            .map_err(|x| io_err(&src.name(), x))?;
        src.release(at, (n * STORED) as u64);
        for (k, (s, w)) in stored[..n * STORED]
            .chunks_exact(STORED)
            .zip(whole.chunks_exact_mut(SECTOR_SIZE))
            .enumerate()
        {
            let lba = first_lba + (done + k) as i32;
            w[..12].copy_from_slice(&crate::codec::sector::SYNC);
            // A header for an LBA outside the disc's range cannot be made: the check then
            // reports the address.
            let h =
                crate::codec::sector::header_bytes(crate::units::Lba(lba), 2).unwrap_or_default();
            w[12..16].copy_from_slice(&h);
            w[16..].copy_from_slice(s);
            if !sectors::is_xa(w) {
                tally.formless += 1;
            }
        }
        let (d, p) = check_window(
            &whole[..n * SECTOR_SIZE],
            SECTOR_SIZE,
            first_lba + done as i32,
            Scrambling::Plain,
            Expect::Track(&|_| true),
        );
        r.data_sectors += d;
        r.problems.extend(p);
        tally.sectors += n as u64;
        done += n;
    }
    Ok(())
}

/// Checks a CloneCD set: `.img` data sectors (tracks whose `MODE` is 1 or 2, from each track's
/// first index) and the `.sub` (linear P–W): Q CRC, times, order, CTRL, P; the `.ccd`'s track
/// starts against the `.sub`.
///
/// # Errors
/// Reading a file fails, or the `.ccd` cannot be parsed.
pub fn verify_clonecd(ccd: &Path) -> Result<Report, Error> {
    let text = std::fs::read_to_string(ccd).map_err(|e| io_err(&ccd.display().to_string(), e))?;
    let sheet = crate::formats::ccd::parse_ccd(&text, ccd).map_err(|e| {
        io_err(
            &ccd.display().to_string(),
            std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()),
        )
    })?;
    let img = open(&ccd.with_extension("img"))?;
    let imgb = img.bytes().cloned().unwrap_or_default();
    let mut r = Report::default();
    let n = imgb.len() / SECTOR_SIZE;
    r.sectors = n as u64;
    // A track's sectors start at its first index (its pre-gap belongs to it, not to the track
    // before).
    let mut starts: Vec<(i32, u8)> = sheet
        .tracks
        .iter()
        .map(|t| {
            let first = t.indexes.iter().map(|&(_, l)| l).min().unwrap_or(0);
            (first, t.mode)
        })
        .collect();
    starts.sort_by_key(|&(s, _)| s);
    let expect = move |lba: i32| {
        starts
            .iter()
            .rev()
            .find(|(s, _)| *s <= lba)
            .is_some_and(|(_, m)| *m != 0)
    };
    // A multi-session set leaves the gaps between sessions out (D27): the .sub's Q says where
    // each later session lies on the disc, and its data sectors are checked at those LBAs.
    let mut shifts: Vec<(i32, i32)> = Vec::new();
    let subp = ccd.with_extension("sub");
    if subp.exists() {
        let sub = open(&subp)?;
        let len = sub.bytes().map_or(0, |b| b.len());
        if len != n * 96 {
            r.problems.push(Problem {
                lba: 0,
                what: format!(".sub has {len} bytes, the .img {n} sectors"),
            });
        }
        let recs = linear_sub_records(&sub)?;
        let facts = analyze(&recs, false, &mut r.problems, &mut r.notes);
        r.q_sectors = facts.checked;
        shifts.clone_from(&facts.shifts);
        // The .ccd's track starts against the .sub.
        for t in &sheet.tracks {
            if let (Some(i1), Some(&seen)) = (t.index(1), facts.anchors.get(&t.number)) {
                if i1 != seen {
                    r.problems.push(Problem {
                        lba: seen,
                        what: format!(
                            ".ccd puts track {} INDEX 1 at {i1}, the .sub at {seen}",
                            t.number
                        ),
                    });
                }
            }
            if let (Some(i0), Some(&seen)) = (t.index(0), facts.pregaps.get(&t.number)) {
                if i0 != seen {
                    r.notes.push(format!(
                        ".ccd puts track {} INDEX 0 at {i0}, the .sub's first index-00 frame is at {seen}",
                        t.number
                    ));
                }
            }
        }
        r.notes.push(facts.layout_note());
    }
    let mut bounds = vec![(0, 0)];
    bounds.extend(shifts);
    bounds.push((n as i32, 0));
    for w in bounds.windows(2) {
        let ((from, delta), (to, _)) = (w[0], w[1]);
        let (from, to) = (
            from.clamp(0, n as i32) as usize,
            to.clamp(0, n as i32) as usize,
        );
        if to <= from {
            continue;
        }
        let base = from * SECTOR_SIZE;
        let release = |o: u64, l: u64| img.release(base as u64 + o, l);
        let (d, p) = check_region(
            &imgb[base..to * SECTOR_SIZE],
            SECTOR_SIZE,
            from as i32 + delta,
            Scrambling::Plain,
            Expect::Track(&expect),
            &release,
        );
        r.data_sectors += d;
        // Problems name disc LBAs, as the .ccd and the Q problems do.
        r.problems.extend(p);
    }
    Ok(finish(r))
}

fn open(p: &Path) -> Result<Source, Error> {
    Source::open(p).map_err(|e| io_err(&p.display().to_string(), e))
}

/// Per-sector size of a raw stream's subchannel part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawSub {
    /// 2352.
    None,
    /// 2368.
    Pq16,
    /// 2448 (raw or packed: P and Q read the same).
    Pw96,
}

impl RawSub {
    /// Bytes per sector.
    pub fn stride(self) -> usize {
        match self {
            RawSub::None => 2352,
            RawSub::Pq16 => 2368,
            RawSub::Pw96 => 2448,
        }
    }

    pub(crate) fn form(self) -> Option<SubForm> {
        match self {
            RawSub::None => None,
            RawSub::Pq16 => Some(SubForm::Pq16),
            RawSub::Pw96 => Some(SubForm::Raw96),
        }
    }
}

fn pq_at(sub: RawSub, s: &[u8]) -> Option<(bool, crate::codec::QFrame)> {
    pq_of(sub.form()?, s.get(SECTOR_SIZE..)?)
}

/// Detects a raw stream's subchannel form from its size and first sector's Q CRC.
pub fn detect_raw_sub(bytes: &[u8]) -> Option<RawSub> {
    for sub in [RawSub::Pw96, RawSub::Pq16, RawSub::None] {
        let st = sub.stride();
        if bytes.is_empty() || bytes.len() % st != 0 {
            continue;
        }
        match pq_at(sub, &bytes[..st]) {
            Some((_, q)) if !q.crc_ok() => continue,
            _ => return Some(sub),
        }
    }
    None
}

/// The LBA of a raw stream's first sector, from its Q (TOC running time or absolute time).
pub fn detect_raw_start(bytes: &[u8], sub: RawSub) -> Option<i32> {
    let (_, q) = pq_at(sub, bytes.get(..sub.stride())?)?;
    match q.parse() {
        QContent::Toc { running, .. } => running.map(|m| m.to_lba()),
        QContent::Position { abs, .. } => abs.map(|m| m.frames() - 150),
        _ => None,
    }
}

/// Checks a raw drive stream held in memory: every data sector (scrambled), and with a
/// subchannel the Q channel as a whole, the lead-in TOC against the program area, and the
/// lead-out. See [`verify_raw_source`] for a mapped file.
///
/// # Errors
/// The form or start cannot be detected.
pub fn verify_raw(bytes: &[u8], sub: Option<RawSub>, start: Option<i32>) -> Result<Report, Error> {
    verify_raw_impl(bytes, &|_, _| {}, sub, start)
}

/// [`verify_raw`] over a source (a mapped file is walked in windows, its pages released
/// behind, so memory stays bounded).
///
/// # Errors
/// The form or start cannot be detected; the source is not in memory or mapped.
pub fn verify_raw_source(
    src: &Source,
    sub: Option<RawSub>,
    start: Option<i32>,
) -> Result<Report, Error> {
    let Some(bytes) = src.bytes() else {
        return Err(io_err(
            &src.name(),
            std::io::Error::other("a raw stream to verify must be a file"),
        ));
    };
    verify_raw_impl(bytes, &releaser(src), sub, start)
}

/// The form, start LBA and sector count of a raw stream.
pub(crate) fn raw_geometry(
    bytes: &[u8],
    sub: Option<RawSub>,
    start: Option<i32>,
) -> Result<(RawSub, i32, usize), Error> {
    let bad = |m: String| io_err("", std::io::Error::new(std::io::ErrorKind::InvalidData, m));
    let sub = match sub.or_else(|| detect_raw_sub(bytes)) {
        Some(s) => s,
        None => {
            return Err(bad(
                "cannot tell the sector size (2352, 2368 or 2448) from the length".into(),
            ))
        }
    };
    let start = match start.or_else(|| detect_raw_start(bytes, sub)) {
        Some(s) => s,
        None if sub == RawSub::None => -22_650,
        None => return Err(bad("cannot tell the first sector's LBA from its Q".into())),
    };
    // The stream must lie where LBAs have an MSF: lead-in 90:00:00 (−45150) up to 404849.
    let n = bytes.len() / sub.stride();
    if start < -45_150 || start as i64 + n as i64 > 404_850 {
        return Err(bad(format!(
            "a stream of {n} sectors from LBA {start} does not fit LBAs -45150..=404849"
        )));
    }
    Ok((sub, start, n))
}

fn verify_raw_impl(
    bytes: &[u8],
    release: &(dyn Fn(u64, u64) + Sync),
    sub: Option<RawSub>,
    start: Option<i32>,
) -> Result<Report, Error> {
    let (sub, start, n) = raw_geometry(bytes, sub, start)?;
    let st = sub.stride();
    let mut r = Report {
        notes: vec![format!("{st} bytes per sector, first LBA {start}")],
        sectors: n as u64,
        ..Default::default()
    };
    let mut recs = Vec::new();
    let mut data_problems = Vec::new();
    let form = sub.form();
    {
        // Per window on all cores: P and Q, then the data sectors (by the Q CTRL data bit when
        // there is a subchannel, by sync otherwise).
        let e = crate::codec::engine::Auto::detect();
        let f = |from: usize, chunk: &[u8]| {
            let mut out = (0u64, Vec::new(), Vec::new());
            for (k, s) in chunk.chunks_exact(st).enumerate() {
                let lba = start + (from + k) as i32;
                let mut data = false;
                if let Some((p, q)) = form.and_then(|fm| pq_of(fm, &s[SECTOR_SIZE..])) {
                    data = q.crc_ok() && q.ctrl() & 4 != 0;
                    out.2.push(QRec { lba, p, q });
                }
                let expect = |_: i32| data;
                if let Some(p) =
                    sectors::check_sector(&e, s, lba, Scrambling::Scrambled, Expect::Track(&expect))
                {
                    out.0 += 1;
                    out.1
                        .extend(p.into_iter().map(|what| Problem { lba, what }));
                }
            }
            out
        };
        for (d, p, q) in walk::par_windows(bytes, st, release, &f) {
            r.data_sectors += d;
            data_problems.extend(p);
            recs.extend(q);
        }
    }
    if sub != RawSub::None {
        let facts = analyze(&recs, start < -150, &mut r.problems, &mut r.notes);
        r.q_sectors = facts.checked;
        // A later session whose Q times say it lies elsewhere than its place in the stream (a
        // gap of the wrong size, already reported once): its data sectors are checked at the
        // LBAs their Q says, not reported sector by sector.
        let end = start + n as i32;
        let mut bounds: Vec<(i32, i32)> = facts.shifts.clone();
        bounds.push((end, 0));
        for w in bounds.windows(2) {
            let ((from, delta), (to, _)) = (w[0], w[1]);
            if delta == 0 {
                continue;
            }
            data_problems.retain(|p| p.lba < from || p.lba >= to);
            let e = crate::codec::engine::Auto::detect();
            let range = &bytes[(from - start) as usize * st..(to - start) as usize * st];
            for (k, s) in range.chunks_exact(st).enumerate() {
                let lba = from + k as i32;
                let data = pq_at(sub, s).is_some_and(|(_, q)| q.crc_ok() && q.ctrl() & 4 != 0);
                let expect = |_: i32| data;
                if let Some(p) = sectors::check_sector(
                    &e,
                    s,
                    lba + delta,
                    Scrambling::Scrambled,
                    Expect::Track(&expect),
                ) {
                    data_problems.extend(p.into_iter().map(|what| Problem { lba, what }));
                }
            }
        }
        r.notes.push(facts.layout_note());
    }
    r.problems.extend(data_problems);
    Ok(finish(r))
}

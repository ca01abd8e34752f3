//! Image checker built on [`crate::codec::verify_sector`]: bin/cue images, CloneCD sets and raw
//! drive streams. Main-channel checks run on all cores; the subchannel checks (Q CRC, Q
//! positions, lead-in TOC against the program area, lead-out) run in one pass.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::path::Path;

use crate::codec::engine::Auto;
use crate::codec::subchannel::{from_pq16, raw_from_linear, read_pq};
use crate::codec::verify::Scrambling;
use crate::codec::{verify_sector, QContent, QFrame, SECTOR_SIZE};
use crate::error::Error;
use crate::layout::{DiscMap, MainSource};
use crate::source::Source;
use crate::units::{from_bcd, Msf};

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
    /// Facts found on the way (detected format, lead-in start, tracks seen).
    pub notes: Vec<String>,
}

impl Report {
    /// True when nothing is wrong.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Whether a Mode 2 sector carries an XA subheader (both copies equal), so that its Form bit
/// says which EDC/ECC it has; formless Mode 2 data has neither.
fn is_xa(sector: &[u8]) -> bool {
    sector.len() >= 24 && sector[16..20] == sector[20..24]
}

/// Checks data sectors in `bytes` (`stride` bytes per sector, main channel first), sector i at
/// `first_lba + i`, on all cores. `expect_data(lba)` says whether the sector must be data;
/// sectors with a sync pattern are checked in any case.
fn check_main(
    bytes: &[u8],
    stride: usize,
    first_lba: i32,
    scrambling: Scrambling,
    expect_data: &(dyn Fn(i32) -> bool + Sync),
) -> (u64, Vec<Problem>) {
    let n = bytes.len() / stride;
    let threads = std::thread::available_parallelism().map_or(2, |t| t.get());
    let per = n.div_ceil(threads).max(1);
    let results: Vec<(u64, Vec<Problem>)> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..n)
            .step_by(per)
            .map(|start| {
                s.spawn(move || {
                    let e = Auto::detect();
                    let mut probs = Vec::new();
                    let mut data = 0;
                    for i in start..(start + per).min(n) {
                        let sec = &bytes[i * stride..i * stride + SECTOR_SIZE];
                        let lba = first_lba + i as i32;
                        let synced = sec[..12] == crate::codec::sector::SYNC;
                        if !synced && !expect_data(lba) {
                            continue;
                        }
                        if !synced && sec.iter().all(|&b| b == 0) {
                            // Digital silence in a data track's transition area.
                            continue;
                        }
                        data += 1;
                        let r = verify_sector(&e, sec, Some(crate::units::Lba(lba)), scrambling);
                        let mut p = r.problems();
                        if r.mode == 2 && r.sync && r.address_matches == Some(true) {
                            let mut d = [0u8; SECTOR_SIZE];
                            d.copy_from_slice(sec);
                            if r.scrambled {
                                crate::codec::Engine::scramble(&e, &mut d);
                            }
                            if !is_xa(&d) {
                                p.retain(|x| x != "EDC mismatch" && x != "ECC mismatch");
                            }
                        }
                        for what in p {
                            probs.push(Problem { lba, what });
                        }
                    }
                    (data, probs)
                })
            })
            .collect();
        hs.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let mut data = 0;
    let mut probs = Vec::new();
    for (d, p) in results {
        data += d;
        probs.extend(p);
    }
    (data, probs)
}

/// Subchannel state collected across a stream.
#[derive(Default)]
struct QCheck {
    toc: BTreeMap<u8, [u8; 3]>,
    track_starts: BTreeMap<u8, i32>,
    leadout: Option<i32>,
    leadout_sectors: u64,
    last_pos: Option<(u8, u8)>,
    problems: Vec<Problem>,
    checked: u64,
}

impl QCheck {
    fn sector(&mut self, lba: i32, p: bool, q: &QFrame) {
        self.checked += 1;
        let mut bad = |what: String| self.problems.push(Problem { lba, what });
        if !q.crc_ok() {
            bad("Q CRC mismatch".into());
            return;
        }
        match q.parse() {
            QContent::Toc {
                point,
                running,
                p: pm,
            } => {
                if lba >= -150 {
                    bad(format!(
                        "lead-in TOC frame (point {point:02x}) outside the lead-in"
                    ));
                }
                if running.map(|m| m.to_lba()) != Some(lba) {
                    bad(format!(
                        "lead-in Q running time {} is not this sector's MSF",
                        running.map_or("invalid".into(), |m| m.to_string())
                    ));
                }
                if p {
                    bad("P = 1 in the lead-in".into());
                }
                if let Some(prev) = self.toc.insert(point, pm) {
                    if prev != pm {
                        bad(format!("lead-in TOC entry {point:02x} changes"));
                    }
                }
            }
            QContent::Position {
                tno,
                index,
                rel,
                abs,
            } => {
                let want = Msf::from_frames(lba + 150);
                if abs != want || want.is_none() {
                    bad(format!(
                        "Q absolute time {} (expected {})",
                        abs.map_or("invalid".into(), |m| m.to_string()),
                        want.map_or("none".into(), |m| m.to_string())
                    ));
                }
                let (Some(t), Some(i)) = (tno, index) else {
                    bad("Q track/index not BCD".into());
                    return;
                };
                if rel.is_none() {
                    bad("Q relative time not BCD".into());
                }
                if t == 0xAA {
                    self.leadout_sectors += 1;
                    if self.leadout.is_none() {
                        self.leadout = Some(lba);
                    }
                    if let (Some(lo), Some(r)) = (self.leadout, rel) {
                        if r.frames() != lba - lo {
                            bad(format!(
                                "lead-out relative time {r} (expected {})",
                                lba - lo
                            ));
                        }
                    }
                } else {
                    if i == 1 {
                        self.track_starts.entry(t).or_insert(lba);
                    }
                    if let Some((lt, li)) = self.last_pos {
                        if (t, i) < (lt, li) && lt != 0xAA {
                            bad(format!(
                                "Q goes back from track {lt} index {li} to track {t} index {i}"
                            ));
                        }
                    }
                    if (i == 0) != p {
                        bad(format!("P = {} in track {t} index {i}", p as u8));
                    }
                    self.last_pos = Some((t, i));
                }
            }
            QContent::Mcn { mcn, .. } => {
                if mcn.is_none() {
                    bad("MCN frame with non-decimal digits".into());
                }
            }
            QContent::Isrc { isrc, .. } => {
                if isrc.is_none() {
                    bad("ISRC frame with invalid characters".into());
                }
            }
            QContent::Other { adr } => bad(format!("Q frame with ADR {adr}")),
        }
    }

    /// The lead-in TOC against the program area and the lead-out.
    fn finish(&mut self, report: &mut Report, have_leadin: bool) {
        if have_leadin {
            for (&point, pm) in &self.toc {
                let lba = Msf::from_bcd(*pm).map(|m| m.to_lba());
                match point {
                    0xA0 | 0xA1 => {
                        let n = from_bcd(pm[0]);
                        let seen = if point == 0xA0 {
                            self.track_starts.keys().next().copied()
                        } else {
                            self.track_starts.keys().last().copied()
                        };
                        if n != seen && !self.track_starts.is_empty() {
                            self.problems.push(Problem {
                                lba: -151,
                                what: format!("lead-in {point:02X} names track {n:?}, the program area {seen:?}"),
                            });
                        }
                    }
                    0xA2 => {
                        if self.leadout.is_some() && lba != self.leadout {
                            self.problems.push(Problem {
                                lba: -151,
                                what: format!(
                                    "lead-in A2 says the lead-out starts at {lba:?}, Q shows {:?}",
                                    self.leadout
                                ),
                            });
                        }
                    }
                    _ => {
                        let t = from_bcd(point).unwrap_or(0);
                        let seen = self.track_starts.get(&t).copied();
                        if seen.is_some() && seen != lba {
                            self.problems.push(Problem {
                                lba: -151,
                                what: format!("lead-in TOC puts track {t} at {lba:?}, Q INDEX 01 starts at {seen:?}"),
                            });
                        }
                    }
                }
            }
            for t in self.track_starts.keys() {
                if !self.toc.contains_key(&crate::units::to_bcd(*t)) {
                    self.problems.push(Problem {
                        lba: -151,
                        what: format!("track {t} is missing from the lead-in TOC"),
                    });
                }
            }
        }
        report.q_sectors = self.checked;
        report.notes.push(format!(
            "tracks seen in Q: {:?}; lead-out {:?} ({} sectors)",
            self.track_starts, self.leadout, self.leadout_sectors
        ));
        report.problems.append(&mut self.problems);
    }
}

fn finish(mut r: Report) -> Report {
    r.problems.sort_by_key(|p| p.lba);
    r
}

/// Checks a disc laid out by a sheet (a `.cue` of rawcd's bin output, or any cue/toc with raw
/// 2352-byte data tracks): every stored 2352-byte data sector's sync, address, mode, EDC, ECC.
///
/// # Errors
/// Reading a file fails.
pub fn verify_map_sources(map: &DiscMap) -> Result<Report, Error> {
    let mut r = Report::default();
    let e = Auto::detect();
    for lba in 0..map.start_of_leadout() {
        let Some(info) = map.sector(lba) else {
            continue;
        };
        r.sectors += 1;
        if let MainSource::Source {
            source,
            offset,
            unscrambled_raw: true,
        } = info.main
        {
            let src = &map.sources()[source];
            let mut buf = [0u8; SECTOR_SIZE];
            src.read_at(offset, &mut buf).map_err(|e| Error::Io {
                path: src.name(),
                source: e,
            })?;
            r.data_sectors += 1;
            let v = verify_sector(&e, &buf, Some(crate::units::Lba(lba)), Scrambling::Plain);
            let mut p = v.problems();
            if v.mode == 2 && !is_xa(&buf) {
                p.retain(|x| x != "EDC mismatch" && x != "ECC mismatch");
            }
            r.problems
                .extend(p.into_iter().map(|what| Problem { lba, what }));
        }
    }
    Ok(finish(r))
}

/// Checks a CloneCD set: `.img` data sectors (tracks whose `MODE` is 1 or 2) and the `.sub`
/// (linear P–W): Q CRC, positions, P.
///
/// # Errors
/// Reading a file fails, or the `.ccd` cannot be parsed.
pub fn verify_clonecd(ccd: &Path) -> Result<Report, Error> {
    let text = std::fs::read_to_string(ccd).map_err(|e| Error::Io {
        path: ccd.display().to_string(),
        source: e,
    })?;
    let sheet = crate::formats::ccd::parse_ccd(&text, ccd).map_err(|e| Error::Io {
        path: ccd.display().to_string(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()),
    })?;
    let img = open(&ccd.with_extension("img"))?;
    let imgb = img.bytes().cloned().unwrap_or_default();
    let mut r = Report::default();
    let n = imgb.len() / SECTOR_SIZE;
    r.sectors = n as u64;
    let starts: Vec<(i32, u8)> = sheet
        .tracks
        .iter()
        .map(|t| (t.index(1).unwrap_or(0), t.mode))
        .collect();
    let expect = move |lba: i32| {
        starts
            .iter()
            .rev()
            .find(|(s, _)| *s <= lba)
            .is_some_and(|(_, m)| *m != 0)
    };
    let (d, p) = check_main(&imgb, SECTOR_SIZE, 0, Scrambling::Plain, &expect);
    r.data_sectors = d;
    r.problems = p;
    let subp = ccd.with_extension("sub");
    if subp.exists() {
        let sub = open(&subp)?;
        let subb = sub.bytes().cloned().unwrap_or_default();
        if subb.len() != n * 96 {
            r.problems.push(Problem {
                lba: 0,
                what: format!(".sub has {} bytes, the .img {} sectors", subb.len(), n),
            });
        }
        let mut q = QCheck::default();
        for (i, s) in subb.chunks_exact(96).enumerate() {
            let mut lin = [0u8; 96];
            lin.copy_from_slice(s);
            let (p, qf) = read_pq(&raw_from_linear(&lin));
            q.sector(i as i32, p, &qf);
        }
        // The .ccd's track starts against the .sub.
        for t in &sheet.tracks {
            if let (Some(i1), Some(&seen)) = (t.index(1), q.track_starts.get(&t.number)) {
                if i1 != seen {
                    q.problems.push(Problem {
                        lba: seen,
                        what: format!(
                            ".ccd puts track {} INDEX 1 at {i1}, the .sub at {seen}",
                            t.number
                        ),
                    });
                }
            }
        }
        q.finish(&mut r, false);
    }
    Ok(finish(r))
}

fn open(p: &Path) -> Result<Source, Error> {
    Source::open(p).map_err(|e| Error::Io {
        path: p.display().to_string(),
        source: e,
    })
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
    fn stride(self) -> usize {
        match self {
            RawSub::None => 2352,
            RawSub::Pq16 => 2368,
            RawSub::Pw96 => 2448,
        }
    }
}

fn pq_of(sub: RawSub, s: &[u8]) -> Option<(bool, QFrame)> {
    match sub {
        RawSub::None => None,
        RawSub::Pq16 => {
            let mut b = [0u8; 16];
            b.copy_from_slice(&s[2352..2368]);
            Some(from_pq16(&b))
        }
        RawSub::Pw96 => {
            let mut b = [0u8; 96];
            b.copy_from_slice(&s[2352..2448]);
            Some(read_pq(&b))
        }
    }
}

/// Detects a raw stream's subchannel form from its size and first sector's Q CRC.
pub fn detect_raw_sub(bytes: &[u8]) -> Option<RawSub> {
    for sub in [RawSub::Pw96, RawSub::Pq16, RawSub::None] {
        let st = sub.stride();
        if bytes.is_empty() || bytes.len() % st != 0 {
            continue;
        }
        match pq_of(sub, &bytes[..st]) {
            Some((_, q)) if !q.crc_ok() => continue,
            _ => return Some(sub),
        }
    }
    None
}

/// The LBA of a raw stream's first sector, from its Q (TOC running time or absolute time).
pub fn detect_raw_start(bytes: &[u8], sub: RawSub) -> Option<i32> {
    let (_, q) = pq_of(sub, bytes.get(..sub.stride())?)?;
    match q.parse() {
        QContent::Toc { running, .. } => running.map(|m| m.to_lba()),
        QContent::Position { abs, .. } => abs.map(|m| m.frames() - 150),
        _ => None,
    }
}

/// Checks a raw drive stream: every data sector (scrambled), and with a subchannel the Q CRC,
/// positions, P, the lead-in TOC against the program area, and the lead-out.
///
/// # Errors
/// The form or start cannot be detected.
pub fn verify_raw(bytes: &[u8], sub: Option<RawSub>, start: Option<i32>) -> Result<Report, Error> {
    let bad = |m: String| Error::Io {
        path: String::new(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, m),
    };
    let sub = match sub.or_else(|| detect_raw_sub(bytes)) {
        Some(s) => s,
        None => {
            return Err(bad(
                "cannot tell the sector size (2352, 2368 or 2448) from the length".into(),
            ))
        }
    };
    let st = sub.stride();
    let start = match start.or_else(|| detect_raw_start(bytes, sub)) {
        Some(s) => s,
        None if sub == RawSub::None => -22_650,
        None => return Err(bad("cannot tell the first sector's LBA from its Q".into())),
    };
    // The stream must lie where LBAs have an MSF: lead-in 90:00:00 (−45150) up to 404849.
    let n = bytes.len() / st;
    if start < -45_150 || start as i64 + n as i64 > 404_850 {
        return Err(bad(format!(
            "a stream of {n} sectors from LBA {start} does not fit LBAs -45150..=404849"
        )));
    }
    let mut r = Report {
        notes: vec![format!("{st} bytes per sector, first LBA {start}")],
        ..Default::default()
    };
    r.sectors = n as u64;
    // Data sectors: by the Q CTRL data bit when there is a subchannel, by sync otherwise.
    let ctrl_data: Vec<bool> = (0..n)
        .map(|i| {
            pq_of(sub, &bytes[i * st..(i + 1) * st])
                .is_some_and(|(_, q)| q.crc_ok() && q.ctrl() & 4 != 0 && q.adr() == 1)
        })
        .collect();
    let expect = |lba: i32| {
        ctrl_data
            .get((lba - start) as usize)
            .copied()
            .unwrap_or(false)
    };
    let (d, p) = check_main(bytes, st, start, Scrambling::Scrambled, &expect);
    r.data_sectors = d;
    r.problems = p;
    if sub != RawSub::None {
        let mut q = QCheck::default();
        for i in 0..n {
            if let Some((p, qf)) = pq_of(sub, &bytes[i * st..(i + 1) * st]) {
                q.sector(start + i as i32, p, &qf);
            }
        }
        q.finish(&mut r, start < -150);
    }
    Ok(finish(r))
}

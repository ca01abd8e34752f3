//! `rawcd repair`: a corrected copy of a `.cue`/`.ccd`/`.raw` image, walked like `verify`.
//!
//! * Data sectors that fail their checks get their sync and header rebuilt from their position
//!   when those are wrong, and their bytes corrected with the ECC
//!   ([`crate::codec::correct`]); a sector counts as repaired only if it then passes every check
//!   (EDC included), otherwise it is copied unchanged and reported uncorrectable.
//! * Q frames with a bad CRC are regenerated when their neighbours make them certain: the
//!   nearest valid ADR 1 frames before and after (within 5 sectors) have the same track, index
//!   and CTRL and times that run straight through the damaged sector.
//! * Audio is never touched (nothing to check it with). Outputs are written atomically; the
//!   input is only read.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::codec::correct::{correct_sector, Correction, EccLayout};
use crate::codec::engine::{Auto, Engine};
use crate::codec::sector::{header_bytes, SYNC};
use crate::codec::verify::Scrambling;
use crate::codec::{verify_sector, QContent, QFrame, SECTOR_SIZE};
use crate::error::Error;
use crate::formats::plan::{Segment, TrackMode};
use crate::formats::{load_cue, plan_to_creator, ConvertOptions};
use crate::sink::AtomicFile;
use crate::source::Source;
use crate::units::{Lba, Msf};

use super::q::QRec;
use super::sectors::{check_sector, Expect};
use super::walk::{linear_sub_records, par_chunks, pq_of, put_q, releaser, windows, SubForm};
use super::{io_err, raw_geometry, RawSub};

/// What a repair did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepairReport {
    /// Data sectors looked at.
    pub data_sectors: u64,
    /// Data sectors that failed a check and pass every check now.
    pub corrected: u64,
    /// Of those, sectors whose sync or header was rebuilt from their position.
    pub headers_rebuilt: u64,
    /// Bytes changed in data sectors.
    pub bytes_changed: u64,
    /// LBAs of data sectors that could not be repaired (copied unchanged).
    pub uncorrectable: Vec<i32>,
    /// Q frames with a bad CRC regenerated from their neighbours.
    pub q_regenerated: u64,
    /// LBAs of Q frames with a bad CRC that could not be regenerated with certainty.
    pub q_unrepaired: Vec<i32>,
    /// The files written.
    pub outputs: Vec<PathBuf>,
}

impl RepairReport {
    /// True when nothing that was wrong remains wrong.
    pub fn all_fixed(&self) -> bool {
        self.uncorrectable.is_empty() && self.q_unrepaired.is_empty()
    }
}

/// The outcome for one data sector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fix {
    Clean,
    Fixed { header: bool, bytes: u32 },
    Failed,
}

/// Repairs one **unscrambled** data sector at `lba` in place. `mode`: the mode the track says
/// (used when the header's own mode byte is unusable).
fn repair_sector<E: Engine + ?Sized>(
    e: &E,
    s: &mut [u8; SECTOR_SIZE],
    lba: i32,
    mode: Option<u8>,
) -> Fix {
    let valid = |s: &[u8; SECTOR_SIZE]| check_sector_plain(e, s, lba).is_some_and(|p| p.is_empty());
    let original = *s;
    if s[15] == 2 && s[16..20] != s[20..24] {
        // Unequal subheader copies read as formless Mode 2 (no EDC/ECC to check), but a
        // damaged Form 1 sector looks just the same: if the ECC brings back a sector whose EDC
        // passes, that is what it was.
        let mut c = original;
        if let Correction::Corrected { bytes } = correct_sector(e, &mut c, EccLayout::Form1) {
            if valid(&c) {
                *s = c;
                return Fix::Fixed {
                    header: false,
                    bytes,
                };
            }
        }
    }
    if valid(s) {
        return Fix::Clean;
    }
    let header_mode = s[15];
    let modes: Vec<u8> = [Some(header_mode), mode]
        .into_iter()
        .flatten()
        .filter(|m| *m <= 2)
        .fold(Vec::new(), |mut v, m| {
            if !v.contains(&m) {
                v.push(m);
            }
            v
        });
    for m in modes {
        for rebuild in [false, true] {
            let mut c = original;
            if rebuild {
                let Ok(h) = header_bytes(Lba(lba), m) else {
                    continue;
                };
                c[..12].copy_from_slice(&SYNC);
                c[12..16].copy_from_slice(&h);
            }
            match m {
                1 => {
                    let _ = correct_sector(e, &mut c, EccLayout::Mode1);
                }
                2 if c[16..20] == c[20..24] && c[18] & 0x20 == 0 => {
                    let _ = correct_sector(e, &mut c, EccLayout::Form1);
                }
                _ => {}
            }
            if valid(&c) {
                let bytes = c
                    .iter()
                    .zip(original.iter())
                    .filter(|(a, b)| a != b)
                    .count();
                let header = c[..16] != original[..16];
                *s = c;
                return Fix::Fixed {
                    header,
                    bytes: bytes as u32,
                };
            }
        }
    }
    Fix::Failed
}

/// The problems of an unscrambled data sector (as `verify` sees them).
fn check_sector_plain<E: Engine + ?Sized>(
    e: &E,
    s: &[u8; SECTOR_SIZE],
    lba: i32,
) -> Option<Vec<String>> {
    let r = verify_sector(e, s, Some(Lba(lba)), Scrambling::Plain);
    let mut p = r.problems();
    if r.mode == 2 && r.sync && r.address_matches == Some(true) && s[16..20] != s[20..24] {
        p.retain(|x| x != "EDC mismatch" && x != "ECC mismatch");
    }
    Some(p)
}

/// `select(lba, sector)`: `None` when the sector is not a data sector to look at, else the
/// mode its track says it has (if the caller knows).
type Select<'a> = dyn Fn(i32, &[u8]) -> Option<Option<u8>> + Sync + 'a;

/// Repairs the data sectors of a window in place, on all cores; `select(lba, sector)` says
/// whether a sector is a data sector to look at and which mode its track has.
fn repair_window(
    window: &mut [u8],
    stride: usize,
    first_lba: i32,
    scrambled: bool,
    select: &Select<'_>,
    report: &mut RepairReport,
) {
    let e = Auto::detect();
    // Work on a copy per chunk (the window is shared read-only by the workers), then write the
    // fixed sectors back.
    let results = par_chunks(window, stride, &|start: usize, chunk: &[u8]| {
        let mut out: Vec<(usize, Fix, Option<[u8; SECTOR_SIZE]>)> = Vec::new();
        for (i, sec) in chunk.chunks_exact(stride).enumerate() {
            let lba = first_lba + (start + i) as i32;
            let Some(mode) = select(lba, sec) else {
                continue;
            };
            let mut s = [0u8; SECTOR_SIZE];
            s.copy_from_slice(&sec[..SECTOR_SIZE]);
            if scrambled {
                e.scramble(&mut s);
            }
            let fix = repair_sector(&e, &mut s, lba, mode);
            if let Fix::Fixed { .. } = fix {
                if scrambled {
                    e.scramble(&mut s);
                }
                out.push((start + i, fix, Some(s)));
            } else {
                out.push((start + i, fix, None));
            }
        }
        out
    });
    for (k, fix, bytes) in results.into_iter().flatten() {
        report.data_sectors += 1;
        match fix {
            Fix::Clean => {}
            Fix::Failed => report.uncorrectable.push(first_lba + k as i32),
            Fix::Fixed { header, bytes: n } => {
                report.corrected += 1;
                report.headers_rebuilt += u64::from(header);
                report.bytes_changed += u64::from(n);
                if let Some(b) = bytes {
                    window[k * stride..k * stride + SECTOR_SIZE].copy_from_slice(&b);
                }
            }
        }
    }
}

/// Q frames to regenerate (LBA → frame) and the LBAs of bad-CRC frames left as they are.
pub(crate) fn q_fixes(recs: &[QRec]) -> (BTreeMap<i32, QFrame>, Vec<i32>) {
    // Valid ADR 1 position frames: (lba, track, index, rel, ctrl, absolute frame).
    let pos: Vec<(i32, u8, u8, i32, u8, i32)> = recs
        .iter()
        .filter(|r| r.q.crc_ok())
        .filter_map(|r| match r.q.parse() {
            QContent::Position {
                tno: Some(t),
                index: Some(i),
                rel: Some(rel),
                abs: Some(abs),
            } => Some((r.lba, t, i, rel.frames(), r.q.ctrl(), abs.frames())),
            _ => None,
        })
        .collect();
    let mut fixes = BTreeMap::new();
    let mut left = Vec::new();
    for r in recs.iter().filter(|r| !r.q.crc_ok()) {
        let l = r.lba;
        let k = pos.partition_point(|p| p.0 < l);
        let frame = (|| {
            let a = *pos.get(k.checked_sub(1)?)?;
            let b = *pos.get(k)?;
            // The absolute time runs straight too (a form without the gaps between sessions
            // places a later session's frames elsewhere than their LBA, D27).
            if l - a.0 > 5
                || b.0 - l > 5
                || (a.1, a.2, a.4) != (b.1, b.2, b.4)
                || b.5 - a.5 != b.0 - a.0
            {
                return None;
            }
            let up = a.2 >= 1 || a.1 == 0xAA;
            let step = if up { 1 } else { -1 };
            if a.3 + step * (b.0 - a.0) != b.3 {
                return None;
            }
            let rel = a.3 + step * (l - a.0);
            Some(QFrame::position(
                a.4,
                a.1,
                a.2,
                Msf::from_frames(rel)?,
                Msf::from_frames(a.5 + (l - a.0))?,
            ))
        })();
        match frame {
            Some(f) => {
                fixes.insert(l, f);
            }
            None => left.push(l),
        }
    }
    (fixes, left)
}

fn bad_input(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string())
}

fn write_err(path: &Path, e: std::io::Error) -> Error {
    io_err(&path.display().to_string(), e)
}

fn open(p: &Path) -> Result<Source, Error> {
    Source::open(p).map_err(|e| write_err(p, e))
}

/// A data file a sheet names, as the sheet means it: the decoded content of an ECM file
/// (`FILE "x.bin"` found as `x.bin.ecm`), else the file itself.
fn open_data(p: &Path) -> Result<Source, Error> {
    // Container errors and reads of a decoded source already name the file.
    match crate::formats::image::open_content(p).map_err(|e| io_err("", e.into_io()))? {
        Some(c) => Ok(c.segment(0, c.len())),
        None => open(p),
    }
}

/// The name a data file has in its sheet: `x.bin` for an `x.bin.ecm` read decoded.
fn sheet_name(p: &Path) -> PathBuf {
    match crate::formats::image::sniff_path(p) {
        Some(_) => p.with_extension(""),
        None => p.to_path_buf(),
    }
}

/// `out` with its extension replaced by `ext`.
fn with_ext(out: &Path, ext: &str) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

/// Writes a corrected copy of the image at `input` (`.cue`, CloneCD, or a raw stream) under the
/// prefix `out` (`OUT.cue` + its data files, `OUT.ccd/.img/.sub`, `OUT.raw`). Nothing is
/// written when an error occurs.
///
/// # Errors
/// Reading the input or writing an output fails; the image cannot be parsed.
pub fn repair_image(input: &Path, out: &Path) -> Result<RepairReport, Error> {
    let ext = input
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    // A CloneCD control file is recognised by its content too (interface §4), whatever its
    // name ends in.
    let clonecd = || {
        matches!(
            crate::formats::image::detect(input),
            Ok(Some(crate::formats::image::ImageFormat::CloneCd))
        )
    };
    match ext.as_str() {
        "cue" => repair_cue(input, out),
        "ccd" => repair_ccd(input, out),
        _ if clonecd() => repair_ccd(input, out),
        _ => repair_raw(input, out, None, None),
    }
}

/// Repairs a raw stream (form and start LBA detected unless given) into `OUT.raw`.
///
/// # Errors
/// As [`repair_image`]; the stream's form or start cannot be detected.
pub fn repair_raw(
    input: &Path,
    out: &Path,
    sub: Option<RawSub>,
    start: Option<i32>,
) -> Result<RepairReport, Error> {
    let src = open(input)?;
    let Some(bytes) = src.bytes() else {
        return Err(write_err(input, std::io::Error::other("not a file")));
    };
    let (sub, start, _) =
        raw_geometry(bytes, sub, start).map_err(|e| write_err(input, bad_input(e)))?;
    let st = sub.stride();
    let mut report = RepairReport::default();
    let form = sub.form();
    // Pass 1: the Q frames.
    let mut recs = Vec::new();
    if let Some(form) = form {
        windows(bytes, st, &releaser(&src), |i, w| {
            for (k, s) in w.chunks_exact(st).enumerate() {
                if let Some((p, q)) = pq_of(form, &s[SECTOR_SIZE..]) {
                    recs.push(QRec {
                        lba: start + (i + k) as i32,
                        p,
                        q,
                    });
                }
            }
            Ok::<(), Error>(())
        })?;
    }
    let (fixes, left) = q_fixes(&recs);
    drop(recs);
    report.q_unrepaired = left;
    // Pass 2: data sectors and Q, into the output.
    let path = with_ext(out, "raw");
    let mut f = AtomicFile::create(&path)?;
    let mut buf = Vec::new();
    windows(bytes, st, &releaser(&src), |i, w| {
        buf.clear();
        buf.extend_from_slice(w);
        let first = start + i as i32;
        let n = w.len() / st;
        let data: Vec<bool> = (0..n)
            .map(|k| {
                form.and_then(|fm| pq_of(fm, &w[k * st + SECTOR_SIZE..(k + 1) * st]))
                    .is_some_and(|(_, q)| q.crc_ok() && q.ctrl() & 4 != 0)
            })
            .collect();
        let expect = |lba: i32| data.get((lba - first) as usize).copied().unwrap_or(false);
        let e = Auto::detect();
        let select = |lba: i32, sec: &[u8]| {
            check_sector(&e, sec, lba, Scrambling::Scrambled, Expect::Track(&expect)).map(|_| None)
        };
        repair_window(&mut buf, st, first, true, &select, &mut report);
        if let Some(form) = form {
            for (k, s) in buf.chunks_exact_mut(st).enumerate() {
                if let Some(q) = fixes.get(&(first + k as i32)) {
                    put_q(form, &mut s[SECTOR_SIZE..], q);
                    report.q_regenerated += 1;
                }
            }
        }
        f.write_all(&buf).map_err(|e| write_err(&path, e))
    })?;
    f.commit()?;
    report.outputs.push(path);
    Ok(report)
}

/// Repairs a CloneCD set into `OUT.img`, `OUT.sub` and `OUT.ccd`.
///
/// # Errors
/// As [`repair_image`].
pub fn repair_ccd(ccd: &Path, out: &Path) -> Result<RepairReport, Error> {
    let text = std::fs::read_to_string(ccd).map_err(|e| write_err(ccd, e))?;
    let sheet = crate::formats::ccd::parse_ccd(&text, ccd).map_err(|e| {
        write_err(
            ccd,
            std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()),
        )
    })?;
    let mut starts: Vec<(i32, u8)> = sheet
        .tracks
        .iter()
        .map(|t| (t.indexes.iter().map(|&(_, l)| l).min().unwrap_or(0), t.mode))
        .collect();
    starts.sort_by_key(|&(s, _)| s);
    let mode_at = move |lba: i32| {
        starts
            .iter()
            .rev()
            .find(|(s, _)| *s <= lba)
            .map_or(0, |&(_, m)| m)
    };
    let mut report = RepairReport::default();
    let img = open(&ccd.with_extension("img"))?;
    let imgb = img.bytes().cloned().unwrap_or_default();
    let subp = ccd.with_extension("sub");
    let sub = if subp.exists() {
        Some(open(&subp)?)
    } else {
        None
    };
    let (img_out, sub_out, ccd_out) = (
        with_ext(out, "img"),
        with_ext(out, "sub"),
        with_ext(out, "ccd"),
    );
    // The .sub's Q frames, first: in a multi-session set (D27) they say at which disc LBA
    // each later session's sectors lie, which the .img (the gaps left out) does not.
    let recs = match &sub {
        Some(sub) => linear_sub_records(sub)?,
        None => Vec::new(),
    };
    let shifts = super::q::analyze(&recs, false, &mut Vec::new(), &mut Vec::new()).shifts;
    let mut fi = AtomicFile::create(&img_out)?;
    let mut buf = Vec::new();
    windows(&imgb, SECTOR_SIZE, &releaser(&img), |i, w| {
        buf.clear();
        buf.extend_from_slice(w);
        let e = Auto::detect();
        let expect = |lba: i32| mode_at(lba) != 0;
        let select = |lba: i32, sec: &[u8]| {
            check_sector(&e, sec, lba, Scrambling::Plain, Expect::Track(&expect)).map(|_| {
                match mode_at(lba) {
                    0 => None,
                    m => Some(m),
                }
            })
        };
        // Runs of the window with one shift from .img place to disc LBA.
        let n = buf.len() / SECTOR_SIZE;
        let mut k = 0;
        while k < n {
            let at = (i + k) as i32;
            let delta = shifts.iter().rev().find(|s| s.0 <= at).map_or(0, |s| s.1);
            let next = shifts
                .iter()
                .map(|s| s.0)
                .find(|&b| b > at)
                .map_or(n, |b| ((b - i as i32) as usize).min(n));
            let run = &mut buf[k * SECTOR_SIZE..next * SECTOR_SIZE];
            repair_window(run, SECTOR_SIZE, at + delta, false, &select, &mut report);
            k = next;
        }
        fi.write_all(&buf).map_err(|e| write_err(&img_out, e))
    })?;
    let mut fs = None;
    if let Some(sub) = &sub {
        let subb = sub.bytes().cloned().unwrap_or_default();
        let (fixes, left) = q_fixes(&recs);
        drop(recs);
        report.q_unrepaired = left;
        let mut f = AtomicFile::create(&sub_out)?;
        windows(&subb, 96, &releaser(sub), |i, w| {
            buf.clear();
            buf.extend_from_slice(w);
            for (k, s) in buf.chunks_exact_mut(96).enumerate() {
                if let Some(q) = fixes.get(&((i + k) as i32)) {
                    put_q(SubForm::Linear96, s, q);
                    report.q_regenerated += 1;
                }
            }
            f.write_all(&buf).map_err(|e| write_err(&sub_out, e))
        })?;
        fs = Some(f);
    }
    let mut fc = AtomicFile::create(&ccd_out)?;
    fc.write_all(text.as_bytes())
        .map_err(|e| write_err(&ccd_out, e))?;
    // Everything is written: put the files in place.
    fi.commit()?;
    report.outputs.push(img_out);
    if let Some(f) = fs {
        f.commit()?;
        report.outputs.push(sub_out);
    }
    fc.commit()?;
    report.outputs.push(ccd_out);
    Ok(report)
}

/// The quoted or bare name of a cue `FILE` line, if `line` is one.
fn cue_file_name(line: &str) -> Option<(usize, usize)> {
    let t = line.trim_start();
    if t.len() < 5 || !t[..5].eq_ignore_ascii_case("FILE ") {
        return None;
    }
    let base = line.len() - t.len() + 5;
    let rest = &line[base..];
    let lead = rest.len() - rest.trim_start().len();
    let rest = rest.trim_start();
    if let Some(r) = rest.strip_prefix('"') {
        let end = r.find('"')?;
        Some((base + lead + 1, base + lead + 1 + end))
    } else {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        Some((base + lead, base + lead + end))
    }
}

/// Repairs a cue image: every data file is copied with its raw 2352-byte data sectors
/// repaired, as `OUT.<ext>` (one file) or `OUT-<n>.<ext>` (several), and the sheet is written
/// as `OUT.cue` naming them. A `FILE "x.bin"` found as `x.bin.ecm` is read decoded and written
/// as a plain `OUT.bin`.
///
/// # Errors
/// As [`repair_image`].
pub fn repair_cue(cue: &Path, out: &Path) -> Result<RepairReport, Error> {
    let text = std::fs::read_to_string(cue).map_err(|e| write_err(cue, e))?;
    let plan = load_cue(cue).map_err(|e| write_err(cue, bad_input(e)))?;
    let opts = ConvertOptions {
        relaxed: true,
        regenerate_edc: false,
        examine: true,
        ..Default::default()
    };
    let map = plan_to_creator(&plan, &opts)
        .and_then(|c| {
            c.build()
                .map_err(|source| crate::formats::ConvertError::Layout {
                    sheet: plan.sheet.clone(),
                    source,
                })
        })
        .map_err(|e| write_err(cue, bad_input(e)))?;
    // Per file: (first byte, sectors, first LBA, mode) of its raw 2352-byte data runs.
    let mut runs: BTreeMap<PathBuf, Vec<(u64, u64, i32, u8)>> = BTreeMap::new();
    let mut order: Vec<PathBuf> = Vec::new();
    for (ti, t) in plan.tracks.iter().enumerate() {
        let first = map.tracks()[ti].index01 - t.index1 as i32;
        let sb = u64::from(t.sector_bytes());
        let raw =
            matches!(t.mode, TrackMode::Mode1Raw | TrackMode::Mode2Raw) && sb == SECTOR_SIZE as u64;
        let mode = if t.mode == TrackMode::Mode1Raw { 1 } else { 2 };
        let mut cum = 0u64;
        for seg in &t.segments {
            if let Segment::File {
                path,
                byte_offset,
                byte_len,
                ..
            } = seg
            {
                if !order.contains(path) {
                    order.push(path.clone());
                }
                if raw && cum % sb == 0 {
                    runs.entry(path.clone()).or_default().push((
                        *byte_offset,
                        byte_len / sb,
                        first + (cum / sb) as i32,
                        mode,
                    ));
                }
            }
            cum += seg.byte_len();
        }
    }
    let names: Vec<PathBuf> = order
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let ext = sheet_name(p)
                .extension()
                .map(|e| e.to_string_lossy().to_string())
                .unwrap_or_else(|| "bin".into());
            if order.len() == 1 {
                with_ext(out, &ext)
            } else {
                with_ext(&PathBuf::from(format!("{}-{}", out.display(), k + 1)), &ext)
            }
        })
        .collect();
    let mut report = RepairReport::default();
    let mut pending = Vec::new();
    let mut buf = Vec::new();
    for (p, dst) in order.iter().zip(&names) {
        let src = open_data(p)?;
        let total = src.len() as usize;
        let mut f = AtomicFile::create(dst)?;
        let file_runs = runs.get(p).cloned().unwrap_or_default();
        // Copy in windows of whole 2352-byte units, front to back (an ECM file decodes as it
        // is read); data runs are repaired on the way.
        let mut at = 0usize;
        let chunk = super::walk::WINDOW * SECTOR_SIZE;
        while at < total {
            let end = (at + chunk).min(total);
            buf.clear();
            buf.resize(end - at, 0);
            src.read_at(at as u64, &mut buf).map_err(|e| {
                if src.is_reader() {
                    io_err("", e)
                } else {
                    write_err(p, e)
                }
            })?;
            for &(off, n, lba0, mode) in &file_runs {
                // The part of this run inside the window, in whole sectors.
                let rs = off.max(at as u64);
                let re = (off + n * SECTOR_SIZE as u64).min(end as u64);
                if re <= rs {
                    continue;
                }
                let skip = (rs - off).div_ceil(SECTOR_SIZE as u64);
                let s0 = off + skip * SECTOR_SIZE as u64;
                let count = re.saturating_sub(s0) / SECTOR_SIZE as u64;
                if count == 0 {
                    continue;
                }
                let lo = (s0 - at as u64) as usize;
                let hi = lo + count as usize * SECTOR_SIZE;
                let e = Auto::detect();
                let data = |_: i32| true;
                let select = |lba: i32, sec: &[u8]| {
                    check_sector(&e, sec, lba, Scrambling::Plain, Expect::Track(&data))
                        .map(|_| Some(mode))
                };
                repair_window(
                    &mut buf[lo..hi],
                    SECTOR_SIZE,
                    lba0 + skip as i32,
                    false,
                    &select,
                    &mut report,
                );
            }
            f.write_all(&buf).map_err(|e| write_err(dst, e))?;
            src.release(at as u64, (end - at) as u64);
            at = end;
        }
        pending.push((f, dst.clone()));
    }
    // The sheet, naming the new files (FILE lines in order of first appearance).
    let mut sheet = String::with_capacity(text.len());
    let mut seen: Vec<String> = Vec::new();
    for line in text.split_inclusive('\n') {
        match cue_file_name(line) {
            Some((a, b)) => {
                let name = line[a..b].to_string();
                let k = match seen.iter().position(|n| *n == name) {
                    Some(k) => k,
                    None => {
                        seen.push(name);
                        seen.len() - 1
                    }
                };
                let new = names
                    .get(k)
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or(line[a..b].to_string());
                sheet.push_str(&line[..a]);
                sheet.push_str(&new);
                sheet.push_str(&line[b..]);
            }
            None => sheet.push_str(line),
        }
    }
    let cue_out = with_ext(out, "cue");
    let mut fc = AtomicFile::create(&cue_out)?;
    fc.write_all(sheet.as_bytes())
        .map_err(|e| write_err(&cue_out, e))?;
    for (f, dst) in pending {
        f.commit()?;
        report.outputs.push(dst);
    }
    fc.commit()?;
    report.outputs.push(cue_out);
    Ok(report)
}

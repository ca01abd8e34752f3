//! The subchannel checks: every Q frame of an image, collected in order, then judged as a
//! whole. Positions are derived from the relative and absolute times of the ADR 1 frames
//! around them (never from the first frame seen), so an MCN frame on a track's first sector or
//! a P pulse one sector late is not a problem. What breaks a rule of the format is a
//! [`Problem`]; what real pressed discs merely do differently is a note.
#![forbid(unsafe_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::codec::{QContent, QFrame};
use crate::units::{from_bcd, Msf};

use super::Problem;

/// One sector's P and Q as stored.
#[derive(Debug, Clone, Copy)]
pub(crate) struct QRec {
    /// The sector's LBA (from its place in the file).
    pub(crate) lba: i32,
    /// P flag (majority of its bits).
    pub(crate) p: bool,
    /// The Q frame.
    pub(crate) q: QFrame,
}

/// An ADR 1 position frame that passed the CRC and BCD checks.
#[derive(Debug, Clone, Copy)]
struct Pos {
    lba: i32,
    /// Track (0xAA: lead-out).
    t: u8,
    i: u8,
    rel: i32,
    ctrl: u8,
}

impl Pos {
    fn key(&self) -> (u8, u8) {
        (self.t, self.i)
    }
}

/// What the Q channel says about the layout.
#[derive(Debug, Clone, Default)]
pub(crate) struct QFacts {
    /// Track → LBA of INDEX 01 (from the relative time of its index ≥ 01 frames).
    pub(crate) anchors: BTreeMap<u8, i32>,
    /// Track → first LBA of its index-00 frames.
    pub(crate) pregaps: BTreeMap<u8, i32>,
    /// Track → CTRL of its index ≥ 01 frames (copy bit masked out).
    pub(crate) ctrl: BTreeMap<u8, u8>,
    /// Lead-out start (from its relative time).
    pub(crate) leadout: Option<i32>,
    /// Lead-in TOC entries: POINT → (CTRL, PMIN/PSEC/PFRAME).
    pub(crate) toc: BTreeMap<u8, (u8, [u8; 3])>,
    /// Index-00 relative-time convention per track: true = 00:00:01 on the last pre-gap sector.
    pub(crate) pregap_ends_at_one: BTreeMap<u8, bool>,
    /// Frames checked.
    pub(crate) checked: u64,
    /// Lead-in ADR 5 items: POINT → (LBA of the first frame, MIN SEC FRAME, ZERO, PMIN PSEC
    /// PFRAME), raw bytes.
    pub(crate) adr5: BTreeMap<u8, (i32, [u8; 3], u8, [u8; 3])>,
    /// Sessions after the first: (the image LBA of its first record, LBA shift): a later
    /// session's place in the image plus the shift is the LBA its Q times say (non-zero where
    /// a form leaves the gap out, or a raw stream holds a gap of the wrong size).
    pub(crate) shifts: Vec<(i32, i32)>,
}

/// The most common value (the smallest among equals).
fn mode(values: impl Iterator<Item = i32>) -> Option<i32> {
    let mut counts: HashMap<i32, u32> = HashMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(v, c)| (c, std::cmp::Reverse(v)))
        .map(|(v, _)| v)
}

/// Items joined with commas, for messages (`1, 2, 3`).
fn list<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    items
        .into_iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// An LBA that may be missing (a time that is not valid BCD), in words.
fn lba_text(lba: Option<i32>) -> String {
    lba.map_or("a time that is not valid BCD".to_string(), |l| {
        format!("LBA {l}")
    })
}

impl QFacts {
    /// The layout the Q channel shows, in words: each track's INDEX 01 LBA and the lead-out.
    pub(crate) fn layout_note(&self) -> String {
        let tracks = if self.anchors.is_empty() {
            "none".to_string()
        } else {
            list(
                self.anchors
                    .iter()
                    .map(|(t, l)| format!("track {t} at LBA {l}")),
            )
        };
        let leadout = match self.leadout {
            Some(l) => format!("lead-out at LBA {l}"),
            None => "no lead-out seen".to_string(),
        };
        format!("tracks in Q (INDEX 01 by relative time): {tracks}; {leadout}")
    }
}

fn msf_text(frames: i32) -> String {
    Msf::from_frames(frames).map_or(format!("{frames} frames"), |m| m.to_string())
}

/// Track number as printed.
fn tname(t: u8) -> String {
    if t == 0xAA {
        "lead-out".to_string()
    } else {
        format!("track {t}")
    }
}

/// Whether a frame is a lead-in frame (a TOC item: ADR 1 with TNO 0, or ADR 5), CRC checked.
fn leadin_frame(q: &QFrame) -> bool {
    q.crc_ok() && q.0[1] == 0 && (q.adr() == 1 || q.adr() == 5)
}

/// The LBA a position frame's absolute time says, if it is one.
fn abs_lba(q: &QFrame) -> Option<i32> {
    if !q.crc_ok() || q.adr() != 1 || q.0[1] == 0 {
        return None;
    }
    Msf::from_bcd([q.0[7], q.0[8], q.0[9]]).map(|m| m.frames() - 150)
}

/// The program-area distance from a session's lead-out to the next session's first INDEX 01
/// (D24): 11 400 after session 1, 6900 later.
fn session_gap(k: usize) -> i32 {
    if k == 0 {
        11_400
    } else {
        6900
    }
}

/// Where the sessions of an image begin (indexes into `recs`; the first is 0), and whether
/// each later one begins with a lead-in. A session begins at a lead-in frame that follows a
/// program-area frame (a raw stream, gaps stored), or, in forms that leave the gap out (a
/// CloneCD `.sub`), where the absolute time jumps forward by exactly the gap of D24.
fn session_starts(recs: &[QRec]) -> Vec<(usize, bool)> {
    let mut starts = vec![(0, false)];
    let mut seen_program = false;
    let mut last_delta: Option<i32> = None;
    for (i, r) in recs.iter().enumerate() {
        if leadin_frame(&r.q) {
            if seen_program {
                starts.push((i, true));
                seen_program = false;
            }
            continue;
        }
        if let Some(a) = abs_lba(&r.q) {
            let d = a - r.lba;
            if let Some(prev) = last_delta {
                if seen_program && d - prev == session_gap(starts.len() - 1) {
                    starts.push((i, false));
                }
            }
            last_delta = Some(d);
            seen_program = true;
        }
    }
    starts
}

/// One session of an image as [`analyze`] saw it.
struct Session {
    /// Its facts (LBAs by Q).
    f: QFacts,
    /// Its first lead-in frame's LBA, if the image holds its lead-in.
    leadin_at: Option<i32>,
    /// Its first program-area frame's LBA.
    program_at: Option<i32>,
    /// Q LBA − place in the image.
    delta: i32,
    /// Whether its lead-in is judged.
    has_leadin: bool,
}

/// Judges the Q frames of an image (in LBA order), session by session (cd-format §10.7).
/// `have_leadin`: the image holds session 1's lead-in, so its TOC must agree with the program
/// area; a later session's lead-in is judged when the image holds it.
pub(crate) fn analyze(
    recs: &[QRec],
    have_leadin: bool,
    problems: &mut Vec<Problem>,
    notes: &mut Vec<String>,
) -> QFacts {
    let starts = session_starts(recs);
    // The stream of one later session (`rawcd image --session N`) starts with its lead-in in
    // the program area's LBAs.
    let later_first = recs
        .first()
        .is_some_and(|r| r.lba >= -150 && leadin_frame(&r.q));
    let toc_lba_of = |chunk: &[QRec]| {
        chunk
            .iter()
            .find(|r| abs_lba(&r.q).is_some())
            .map_or(-151, |r| r.lba - 1)
    };
    if starts.len() == 1 {
        if later_first {
            notes.push("the stream of a later session (its lead-in after LBA -150)".into());
            return analyze_session(recs, true, false, toc_lba_of(recs), problems, notes);
        }
        return analyze_session(recs, have_leadin, true, -151, problems, notes);
    }
    let mut all = QFacts::default();
    // Per session: its facts, its first lead-in LBA and its first program-area LBA (both by
    // Q), its shift, and whether its lead-in is there.
    let mut per: Vec<Session> = Vec::new();
    for (k, &(from, with_leadin)) in starts.iter().enumerate() {
        let to = starts.get(k + 1).map_or(recs.len(), |s| s.0);
        let chunk = &recs[from..to];
        let delta = if k == 0 {
            0
        } else {
            mode(
                chunk
                    .iter()
                    .filter_map(|r| abs_lba(&r.q).map(|a| a - r.lba)),
            )
            .unwrap_or(0)
        };
        let shifted: Vec<QRec> = chunk
            .iter()
            .map(|r| QRec {
                lba: r.lba + delta,
                ..*r
            })
            .collect();
        let leadin_at = shifted
            .iter()
            .find(|r| leadin_frame(&r.q))
            .map(|r| r.lba)
            .filter(|_| k == 0 || with_leadin);
        let program_at = shifted
            .iter()
            .find(|r| abs_lba(&r.q).is_some())
            .map(|r| r.lba);
        let first = k == 0 && !later_first;
        let has_leadin = if k == 0 {
            have_leadin || later_first
        } else {
            with_leadin
        };
        let toc_lba = if first { -151 } else { toc_lba_of(&shifted) };
        let f = analyze_session(&shifted, has_leadin, first, toc_lba, problems, notes);
        if k > 0 {
            all.shifts.push((recs[from].lba, delta));
        }
        per.push(Session {
            f,
            leadin_at,
            program_at,
            delta,
            has_leadin,
        });
    }
    let mut bad = |lba: i32, what: String| problems.push(Problem { lba, what });
    let n = per.len();
    let outer_leadout = per[n - 1].f.leadout;
    for k in 0..n {
        let Session {
            f,
            delta,
            has_leadin,
            ..
        } = &per[k];
        if k + 1 < n {
            let Session {
                f: g,
                leadin_at: next_leadin,
                program_at: next_program,
                delta: next_delta,
                has_leadin: next_has_leadin,
            } = &per[k + 1];
            let next_first = g.anchors.keys().next().copied();
            let next_anchor = next_first.and_then(|t| g.anchors.get(&t).copied());
            // The gap as the stream holds it (a raw stream stores it whole).
            if *next_has_leadin && next_delta != delta {
                if let (Some(lo), Some(a)) = (f.leadout, next_anchor) {
                    let stored = (a - next_delta) - (lo - delta);
                    bad(
                        next_leadin.map_or(a, |l| l - next_delta),
                        format!(
                            "session {} is {:+} sectors off its place: the stream holds {stored} sectors from session {}'s lead-out (LBA {lo}) to track {}'s INDEX 01, D24 asks for {}",
                            k + 2,
                            delta - next_delta,
                            k + 1,
                            next_first.unwrap_or(0),
                            session_gap(k)
                        ),
                    );
                }
            }
            // The gap as the Q times say it: lead-out, lead-in, pre-gap (D24).
            if let (Some(lo), Some(li), Some(pg)) = (f.leadout, next_leadin, next_program) {
                let want_lo = if k == 0 { 6750 } else { 2250 };
                if li - lo != want_lo {
                    bad(
                        *li,
                        format!(
                            "session {}'s lead-out (from LBA {lo}) lasts {} sectors up to session {}'s lead-in; D24 asks for {want_lo}",
                            k + 1,
                            li - lo,
                            k + 2
                        ),
                    );
                }
                if pg - li != 4500 {
                    bad(
                        *pg,
                        format!(
                            "session {}'s lead-in (from LBA {li}) lasts {} sectors; D24 asks for 4500",
                            k + 2,
                            pg - li
                        ),
                    );
                }
            }
            if let (true, Some(pg), Some(a)) = (*next_has_leadin, next_program, next_anchor) {
                if a - pg != 150 {
                    bad(
                        *pg,
                        format!(
                            "track {}'s pre-gap (the first of session {}) has {} sectors; D24 asks for 150",
                            next_first.unwrap_or(0),
                            k + 2,
                            a - pg
                        ),
                    );
                }
            }
            // B0: in every session but the last (D25).
            if *has_leadin {
                match f.adr5.get(&0xB0) {
                    None => bad(
                        per[k].leadin_at.unwrap_or(-151),
                        format!(
                            "session {}'s lead-in has no B0 item, but session {} follows",
                            k + 1,
                            k + 2
                        ),
                    ),
                    Some(&(at, msf, zero, pm)) => {
                        let to = Msf::from_bcd(msf).map(|m| m.frames() - 150);
                        if to != *next_program {
                            bad(
                                at,
                                format!(
                                    "B0 of session {} points at LBA {}, session {}'s program area starts at LBA {}",
                                    k + 1,
                                    to.map_or("(not BCD)".into(), |x| x.to_string()),
                                    k + 2,
                                    next_program.map_or("?".into(), |x| x.to_string())
                                ),
                            );
                        }
                        let last = Msf::from_bcd(pm).map(|m| m.frames() - 150);
                        if outer_leadout.is_some() && last != outer_leadout {
                            bad(
                                at,
                                format!(
                                    "B0 of session {} puts the last lead-out at LBA {}, Q shows {}",
                                    k + 1,
                                    last.map_or("(not BCD)".into(), |x| x.to_string()),
                                    outer_leadout.map_or("?".into(), |x| x.to_string())
                                ),
                            );
                        }
                        let want_zero = if k == 0 { 2 } else { 1 };
                        if zero != want_zero {
                            notes.push(format!(
                                "B0 of session {} counts {zero} ADR 5 pointers (rawcd writes {want_zero})",
                                k + 1
                            ));
                        }
                    }
                }
            }
        } else if *has_leadin && f.adr5.contains_key(&0xB0) {
            notes.push(format!(
                "the last session ({}) carries B0: the disc is open for another session",
                k + 1
            ));
        }
    }
    if per[0].has_leadin && !later_first && !per[0].f.adr5.contains_key(&0xC0) {
        bad(
            -151,
            format!("session 1's lead-in has no C0 item, but the disc has {n} sessions (D25)"),
        );
    }
    for (k, Session { f, .. }) in per.into_iter().enumerate() {
        all.anchors.extend(f.anchors);
        all.pregaps.extend(f.pregaps);
        all.ctrl.extend(f.ctrl);
        all.pregap_ends_at_one.extend(f.pregap_ends_at_one);
        all.checked += f.checked;
        all.leadout = f.leadout.or(all.leadout);
        if k == 0 {
            all.toc = f.toc;
            all.adr5 = f.adr5;
        }
    }
    notes.push(format!("{n} sessions"));
    all
}

/// Judges the Q frames of one session (in LBA order). `first`: session 1, whose lead-in lies
/// before LBA −150; `toc_lba` is the LBA named by problems of its lead-in TOC.
fn analyze_session(
    recs: &[QRec],
    have_leadin: bool,
    first: bool,
    toc_lba: i32,
    problems: &mut Vec<Problem>,
    notes: &mut Vec<String>,
) -> QFacts {
    let mut facts = QFacts {
        checked: recs.len() as u64,
        ..Default::default()
    };
    let mut bad = |lba: i32, what: String| problems.push(Problem { lba, what });
    let mut pos: Vec<Pos> = Vec::with_capacity(recs.len());
    let mut leadin_base: Option<i32> = None;
    let mut leadin_off_run = false;
    let mut p_in_leadin = 0u64;
    let mut mcns: BTreeSet<String> = BTreeSet::new();
    let mut aframe_off = 0u64;
    let mut other_adr: BTreeMap<u8, u64> = BTreeMap::new();
    for r in recs {
        if !r.q.crc_ok() {
            bad(r.lba, "Q CRC mismatch".into());
            continue;
        }
        let aframe_want = (r.lba + 150).rem_euclid(75) as u8;
        match r.q.parse() {
            QContent::Toc {
                point,
                running,
                p: pm,
            } => {
                if first && r.lba >= -150 {
                    bad(
                        r.lba,
                        format!("lead-in TOC frame (point {point:02x}) outside the lead-in"),
                    );
                    continue;
                }
                match running {
                    None => bad(r.lba, "lead-in Q running time is not BCD".into()),
                    Some(m) => {
                        // The running time must count on with the sector; its origin is the
                        // writer's choice (D6: rawcd uses the sector's MSF, cdrdao 00:00:00).
                        let off = m.to_lba() - r.lba;
                        match leadin_base {
                            None => leadin_base = Some(off),
                            Some(b) if b != off => {
                                if !leadin_off_run {
                                    bad(
                                        r.lba,
                                        format!(
                                            "lead-in Q running time {m} breaks the count (expected {})",
                                            Msf::from_lba(r.lba + b).map_or("none".into(), |x| x.to_string())
                                        ),
                                    );
                                }
                                leadin_off_run = true;
                                continue;
                            }
                            Some(_) => {}
                        }
                        leadin_off_run = false;
                    }
                }
                if r.p {
                    p_in_leadin += 1;
                }
                let ctrl = r.q.ctrl();
                if let Some(prev) = facts.toc.insert(point, (ctrl, pm)) {
                    if prev != (ctrl, pm) {
                        bad(r.lba, format!("lead-in TOC entry {point:02x} changes"));
                    }
                }
            }
            QContent::Position {
                tno,
                index,
                rel,
                abs,
            } => {
                let want = Msf::from_frames(r.lba + 150);
                if abs != want || want.is_none() {
                    bad(
                        r.lba,
                        format!(
                            "Q absolute time {} (expected {})",
                            abs.map_or("invalid".into(), |m| m.to_string()),
                            want.map_or("none".into(), |m| m.to_string())
                        ),
                    );
                    continue;
                }
                let (Some(t), Some(i)) = (tno, index) else {
                    bad(r.lba, "Q track/index not BCD".into());
                    continue;
                };
                let Some(rel) = rel else {
                    bad(r.lba, "Q relative time not BCD".into());
                    continue;
                };
                pos.push(Pos {
                    lba: r.lba,
                    t,
                    i,
                    rel: rel.frames(),
                    ctrl: r.q.ctrl(),
                });
            }
            QContent::Mcn { mcn, aframe } => match mcn {
                None => bad(r.lba, "MCN frame with non-decimal digits".into()),
                Some(m) => {
                    mcns.insert(m.to_string());
                    if aframe != Some(aframe_want) {
                        aframe_off += 1;
                    }
                }
            },
            QContent::Isrc { isrc, aframe } => match isrc {
                None => bad(r.lba, "ISRC frame with invalid characters".into()),
                Some(_) => {
                    if aframe != Some(aframe_want) {
                        aframe_off += 1;
                    }
                }
            },
            QContent::Other { adr: 5 } if r.q.0[1] == 0 => {
                let b = &r.q.0;
                let item = ([b[3], b[4], b[5]], b[6], [b[7], b[8], b[9]]);
                match facts.adr5.get(&b[2]) {
                    None => {
                        facts.adr5.insert(b[2], (r.lba, item.0, item.1, item.2));
                    }
                    Some(&(_, m, z, p)) if (m, z, p) != item => {
                        bad(r.lba, format!("lead-in ADR 5 item {:02X} changes", b[2]));
                    }
                    Some(_) => {}
                }
            }
            QContent::Other { adr } => *other_adr.entry(adr).or_default() += 1,
        }
    }
    if p_in_leadin > 0 {
        notes.push(format!("P = 1 on {p_in_leadin} lead-in sectors"));
    }
    if mcns.len() > 1 {
        notes.push(format!(
            "MCN frames carry different numbers: {}",
            list(mcns.iter())
        ));
    }
    if aframe_off > 0 {
        notes.push(format!(
            "{aframe_off} MCN/ISRC frames with an AFRAME other than their sector's"
        ));
    }
    for (adr, n) in &other_adr {
        notes.push(format!("{n} Q frames with ADR {adr}"));
    }
    if let Some(b) = leadin_base {
        if b != 0 {
            notes.push(format!(
                "lead-in running time counts from another origin ({b:+} sectors from the sector's own MSF)"
            ));
        }
    }

    // Stray frames: a valid frame whose track/index differs from both neighbours, which agree
    // (a mastering oddity seen on pressed discs). Noted and left out of the checks below.
    let n = pos.len();
    let mut keep = vec![true; n];
    let mut strays = Vec::new();
    for k in 1..n.saturating_sub(1) {
        let (a, b, c) = (&pos[k - 1], &pos[k], &pos[k + 1]);
        if a.key() == c.key() && b.key() != a.key() && c.lba - a.lba <= 10 {
            keep[k] = false;
            strays.push(format!(
                "LBA {}: {} index {} inside {} index {}",
                b.lba,
                tname(b.t),
                b.i,
                tname(a.t),
                a.i
            ));
        }
    }
    if !strays.is_empty() {
        notes.push(format!(
            "{} stray Q frames (valid CRC, track/index unlike both neighbours): {}",
            strays.len(),
            strays
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }

    // Order: (track, index) never goes back; the first frame of a backward run is the problem.
    let mut hi: Option<(u8, u8)> = None;
    let mut back = false;
    let mut skips = Vec::new();
    for k in 0..n {
        if !keep[k] {
            continue;
        }
        let p = pos[k];
        if let Some(h) = hi {
            if p.key() < h {
                if !back {
                    bad(
                        p.lba,
                        format!(
                            "Q goes back from {} index {} to {} index {}",
                            tname(h.0),
                            h.1,
                            tname(p.t),
                            p.i
                        ),
                    );
                }
                back = true;
                keep[k] = false;
                continue;
            }
            if p.t != h.0 && p.t != 0xAA && p.t > h.0 + 1 {
                skips.push(format!("LBA {}: track {} to {}", p.lba, h.0, p.t));
            }
        }
        back = false;
        hi = Some(p.key());
    }
    if !skips.is_empty() {
        notes.push(format!("Q track numbers skip: {}", skips.join("; ")));
    }
    let kept: Vec<Pos> = (0..n).filter(|&k| keep[k]).map(|k| pos[k]).collect();

    // INDEX 01 of every track (and the lead-out start) from the relative times.
    let mut by_track: BTreeMap<u8, Vec<Pos>> = BTreeMap::new();
    for p in &kept {
        by_track.entry(p.t).or_default().push(*p);
    }
    for (&t, frames) in &by_track {
        let up = frames.iter().filter(|p| p.i >= 1 || t == 0xAA);
        if let Some(a) = mode(up.map(|p| p.lba - p.rel)) {
            if t == 0xAA {
                facts.leadout = Some(a);
            } else {
                facts.anchors.insert(t, a);
            }
        }
        if let Some(first0) = frames.iter().find(|p| p.i == 0 && t != 0xAA) {
            facts.pregaps.insert(t, first0.lba);
        }
    }
    // Pre-gap-only tracks (no index ≥ 01 frame): INDEX 01 from the countdown (D1 rule).
    for (&t, frames) in &by_track {
        if t != 0xAA && !facts.anchors.contains_key(&t) {
            if let Some(a) = mode(frames.iter().map(|p| p.lba + p.rel + 1)) {
                facts.anchors.insert(t, a);
            }
        }
    }

    // Relative time and CTRL of every kept frame.
    for (&t, frames) in &by_track {
        let anchor = if t == 0xAA {
            facts.leadout
        } else {
            facts.anchors.get(&t).copied()
        };
        let Some(anchor) = anchor else { continue };
        // Index 00: counting down to 00:00:00 (D1) or 00:00:01 (cdrdao style) on the last
        // pre-gap sector; each track is judged by the convention most of its frames follow.
        let zero: Vec<&Pos> = frames.iter().filter(|p| p.i == 0 && t != 0xAA).collect();
        let a_ok = zero.iter().filter(|p| p.rel == anchor - 1 - p.lba).count();
        let b_ok = zero.iter().filter(|p| p.rel == anchor - p.lba).count();
        let at_one = b_ok > a_ok;
        if !zero.is_empty() {
            facts.pregap_ends_at_one.insert(t, at_one);
        }
        let mut wrong_run = false;
        for p in frames {
            let want = if p.i == 0 && t != 0xAA {
                anchor - p.lba - if at_one { 0 } else { 1 }
            } else {
                p.lba - anchor
            };
            if p.rel != want {
                if !wrong_run {
                    bad(
                        p.lba,
                        format!(
                            "Q relative time {} in {} index {} (expected {})",
                            msf_text(p.rel),
                            tname(t),
                            p.i,
                            if want < 0 {
                                format!("the track to start by LBA {}", p.lba)
                            } else {
                                msf_text(want)
                            }
                        ),
                    );
                }
                wrong_run = true;
            } else {
                wrong_run = false;
            }
        }
        // CTRL: constant over the track's index ≥ 01 frames, the copy bit aside (SCMS).
        if t != 0xAA {
            let main: Vec<&Pos> = frames.iter().filter(|p| p.i >= 1).collect();
            if let Some(c) = mode(main.iter().map(|p| i32::from(p.ctrl & !2))) {
                let c = c as u8;
                facts.ctrl.insert(t, c);
                let mut run = false;
                for p in &main {
                    if p.ctrl & !2 != c {
                        if !run {
                            bad(
                                p.lba,
                                format!(
                                    "Q CTRL {:x} in track {t} (its other frames have {c:x})",
                                    p.ctrl
                                ),
                            );
                        }
                        run = true;
                    } else {
                        run = false;
                    }
                }
                let odd = zero.iter().filter(|p| p.ctrl & !2 != c).count();
                if odd > 0 {
                    notes.push(format!(
                        "track {t}: {odd} index-00 frames with a CTRL other than the track's"
                    ));
                }
            }
        }
    }
    let ends_at_one: Vec<u8> = facts
        .pregap_ends_at_one
        .iter()
        .filter(|(_, &v)| v)
        .map(|(&t, _)| t)
        .collect();
    if !ends_at_one.is_empty() {
        notes.push(format!(
            "pre-gaps counting down to 00:00:01 (not 00:00:00, D1) in tracks {}",
            list(&ends_at_one)
        ));
    }

    // Each INDEX 01 must lie after the last frame of what precedes the track and no later than
    // its first index ≥ 01 frame.
    let mut first_up: BTreeSet<u8> = BTreeSet::new();
    for (k, p) in kept.iter().enumerate() {
        let up = p.i >= 1 || p.t == 0xAA;
        if !up || !first_up.insert(p.t) {
            continue;
        }
        let anchor = if p.t == 0xAA {
            facts.leadout
        } else {
            facts.anchors.get(&p.t).copied()
        };
        let prev = k.checked_sub(1).map(|j| kept[j].lba);
        if let Some(a) = anchor {
            if a > p.lba || prev.is_some_and(|l| a <= l) {
                bad(
                    p.lba,
                    format!(
                        "{} starts at LBA {a} by its relative time, but its first index-01 frame is at LBA {}{}",
                        tname(p.t),
                        p.lba,
                        prev.map_or(String::new(), |l| format!(" after a frame of another index at LBA {l}"))
                    ),
                );
            }
        }
    }

    // P (D2, §5): for each track, from min(first index-00 sector, INDEX 01 − 149) through
    // INDEX 01. Pressed discs vary (a sector late, 150 sectors only, short pulses), so a
    // difference is a note.
    let runs: Vec<(i32, i32)> = facts
        .anchors
        .iter()
        .map(|(t, &a)| {
            let first = facts.pregaps.get(t).copied().unwrap_or(a);
            (first.min(a - 149).max(-150), a)
        })
        .collect();
    let end = facts.leadout.unwrap_or(i32::MAX);
    let p_from = if first {
        -150
    } else {
        kept.first().map_or(i32::MAX, |p| p.lba)
    };
    let mut p_diff = 0u64;
    let mut p_first = None;
    for r in recs {
        if r.lba < p_from || r.lba >= end {
            continue;
        }
        let want = runs.iter().any(|&(a, b)| r.lba >= a && r.lba <= b);
        if want != r.p {
            p_diff += 1;
            p_first.get_or_insert(r.lba);
        }
    }
    if let Some(f) = p_first {
        notes.push(format!(
            "P differs from rawcd's rule (D2) on {p_diff} sectors, first at LBA {f}"
        ));
    }

    if have_leadin {
        check_toc(&facts, toc_lba, &mut bad);
    }
    facts
}

/// The lead-in TOC against the program area and the lead-out; problems name `at`.
fn check_toc(facts: &QFacts, at: i32, bad: &mut impl FnMut(i32, String)) {
    for (&point, &(ctrl, pm)) in &facts.toc {
        let lba = Msf::from_bcd(pm).map(|m| m.to_lba());
        match point {
            0xA0 | 0xA1 => {
                let n = from_bcd(pm[0]);
                let seen = if point == 0xA0 {
                    facts.anchors.keys().next().copied()
                } else {
                    facts.anchors.keys().last().copied()
                };
                if n != seen && !facts.anchors.is_empty() {
                    bad(
                        at,
                        format!(
                            "lead-in {point:02X} names track {}, the program area {}",
                            n.map_or(format!("{:02X} (not BCD)", pm[0]), |n| n.to_string()),
                            seen.map_or("(none)".to_string(), |n| format!("track {n}"))
                        ),
                    );
                }
            }
            0xA2 => {
                if facts.leadout.is_some() && lba != facts.leadout {
                    bad(
                        at,
                        format!(
                            "lead-in A2 says the lead-out starts at {}, Q shows {}",
                            lba_text(lba),
                            lba_text(facts.leadout)
                        ),
                    );
                }
            }
            0xB0..=0xFF => {}
            _ => {
                let t = from_bcd(point).unwrap_or(0);
                let seen = facts.anchors.get(&t).copied();
                if seen.is_some() && seen != lba {
                    bad(
                        at,
                        format!(
                            "lead-in TOC puts track {t} at {}, Q INDEX 01 starts at {}",
                            lba_text(lba),
                            lba_text(seen)
                        ),
                    );
                }
                if let Some(&c) = facts.ctrl.get(&t) {
                    if ctrl & !2 != c {
                        bad(
                            at,
                            format!(
                                "lead-in TOC gives track {t} CTRL {ctrl:x}, its Q frames {c:x}"
                            ),
                        );
                    }
                }
            }
        }
    }
    for t in facts.anchors.keys() {
        if !facts.toc.contains_key(&crate::units::to_bcd(*t)) {
            bad(at, format!("track {t} is missing from the lead-in TOC"));
        }
    }
}

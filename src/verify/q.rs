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

/// Judges the Q frames of an image (in LBA order). `have_leadin`: the image holds the lead-in,
/// so its TOC must agree with the program area.
pub(crate) fn analyze(
    recs: &[QRec],
    have_leadin: bool,
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
                if r.lba >= -150 {
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
    let mut p_diff = 0u64;
    let mut p_first = None;
    for r in recs {
        if r.lba < -150 || r.lba >= end {
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
        check_toc(&facts, &mut bad);
    }
    facts
}

/// The lead-in TOC against the program area and the lead-out.
fn check_toc(facts: &QFacts, bad: &mut impl FnMut(i32, String)) {
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
                        -151,
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
                        -151,
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
                        -151,
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
                            -151,
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
            bad(-151, format!("track {t} is missing from the lead-in TOC"));
        }
    }
}

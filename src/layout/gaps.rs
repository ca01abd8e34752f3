//! The gap rules: where each track of a disc lies. Turns the tracks as added (automatic gaps,
//! cd-format §10, D13, D14; or a sheet's explicit layout) into [`Segment`]s and
//! [`PlannedTrack`]s from LBA −150 to the lead-out, and warns where a sheet breaks the Red
//! Book's gap minimums. Works on plain data ([`TrackSpec`]); the creator calls it.
#![forbid(unsafe_code)]

use crate::codec::SectorType;

use super::plan::{
    Plan, PlannedSession, PlannedTrack, SegKind, Segment, TrackSpec, LATER_LEADIN, LATER_LEADOUT,
};
use super::LayoutError;

/// Lays out `tracks` (numbered from `starting_track_number`) into segments, then LBAs.
/// `special_pregap` is the length in sectors of hidden track one audio, if any.
/// `session_starts` are the indexes of the first tracks of sessions 2, 3, … (ascending, each
/// in 1..n); `first_leadout` is session 1's lead-out length. Between sessions lie the lead-out,
/// a 4500-sector lead-in and the next session's 150-sector pre-gap in its own mode (D24).
pub(super) fn plan(
    tracks: &[TrackSpec],
    starting_track_number: u8,
    disable_gapless_audio: bool,
    special_pregap: Option<u32>,
    session_starts: &[usize],
    first_leadout: u32,
) -> Result<Plan, LayoutError> {
    let n = tracks.len();
    if n == 0 {
        return Err(LayoutError::NoTracks);
    }
    // A session with no track: `new_session` twice, or at the end.
    let mut prev = 0;
    for (k, &s) in session_starts.iter().enumerate() {
        if s <= prev || s >= n {
            return Err(LayoutError::EmptySession {
                session: k as u32 + if s <= prev { 1 } else { 2 },
            });
        }
        prev = s;
    }
    let session_start = |i: usize| session_starts.contains(&i);
    let mut warnings = Vec::new();
    let content: Vec<u32> = tracks.iter().map(TrackSpec::content_sectors).collect();
    // Per track: (pre-gap segments, stolen-from-previous count, post-gap segments).
    let mut pre: Vec<Vec<Segment>> = vec![Vec::new(); n];
    let mut post: Vec<Vec<Segment>> = vec![Vec::new(); n];
    let mut stolen_by_next = vec![0u32; n];
    let gen = |track: usize, ty: SectorType, len: u32| Segment {
        track,
        index0: true,
        len,
        kind: SegKind::Generated(ty),
    };
    for i in 0..n {
        let t = &tracks[i];
        if session_start(i) {
            // A later session's first track: 150 sectors of pre-gap in its own mode (D24),
            // then whatever a sheet adds; no transition rule crosses a session boundary.
            let extra = t.explicit.map_or(0, |l| l.pregap_generated);
            pre[i].push(gen(i, t.ty, extra.saturating_add(150)));
            if let Some(l) = t.explicit {
                if l.postgap_generated > 0 {
                    post[i].push(Segment {
                        track: i,
                        index0: false,
                        len: l.postgap_generated,
                        kind: SegKind::Generated(t.ty),
                    });
                }
            }
            continue;
        }
        if let Some(l) = t.explicit {
            if i == 0 && special_pregap.is_none() {
                // Sheets (cue and cdrdao TOC alike) describe the disc from LBA 0: the 150
                // implicit pre-gap sectors of track 1 are never in the file, and whatever the
                // sheet puts before track 1's INDEX 01 (PREGAP, a stored INDEX 00 / START, e.g.
                // hidden track one audio) comes after them. `cdrdao show-toc` agrees.
                pre[0].push(gen(0, t.ty, l.pregap_generated.saturating_add(150)));
            } else if l.pregap_generated > 0 {
                pre[i].push(gen(i, t.ty, l.pregap_generated));
            }
            if l.postgap_generated > 0 {
                post[i].push(Segment {
                    track: i,
                    index0: false,
                    len: l.postgap_generated,
                    kind: SegKind::Generated(t.ty),
                });
            }
            if i > 0 && !session_start(i) {
                check_sheet_gap(tracks, starting_track_number, i, &mut warnings);
            }
            continue;
        }
        if i == 0 {
            if special_pregap.is_none() {
                pre[0].push(gen(0, t.ty, 150));
            }
            continue;
        }
        let prev = tracks[i - 1].ty;
        let cur = t.ty;
        match (prev.is_audio(), cur.is_audio()) {
            (true, true) => {
                if disable_gapless_audio {
                    // Gapless (D13 with TRUE): the last 150 sectors of the previous track's
                    // data become this track's index 00 (all of it if shorter: such a
                    // track is then refused as too short, or warned about when relaxed).
                    stolen_by_next[i - 1] = content[i - 1].min(150);
                } else {
                    pre[i].push(gen(i, SectorType::Audio, 150));
                }
            }
            (false, false) if prev.mode() == cur.mode() => pre[i].push(gen(i, cur, 150)),
            (_, false) => {
                pre[i].push(gen(i, prev, 75));
                pre[i].push(gen(i, cur, 150));
            }
            (false, true) => {
                post[i - 1].push(Segment {
                    track: i - 1,
                    index0: false,
                    len: 150,
                    kind: SegKind::Generated(prev),
                });
                pre[i].push(gen(i, SectorType::Audio, 150));
            }
        }
    }
    let mut segs = Vec::new();
    for i in 0..n {
        let t = &tracks[i];
        if session_start(i) {
            let leadout = if i == session_starts[0] {
                first_leadout
            } else {
                LATER_LEADOUT
            };
            segs.push(Segment {
                track: i,
                index0: true,
                len: leadout + LATER_LEADIN,
                kind: SegKind::SessionGap { leadout },
            });
        }
        if i > 0 && stolen_by_next[i - 1] > 0 {
            let s = stolen_by_next[i - 1];
            segs.push(Segment {
                track: i,
                index0: true,
                len: s,
                kind: SegKind::Content {
                    track: i - 1,
                    offset: content[i - 1] - s,
                },
            });
        }
        segs.extend(pre[i].iter().copied());
        let stored = t.explicit.map_or(0, |l| l.pregap_stored).min(content[i]);
        let usable = content[i].saturating_sub(stolen_by_next[i]);
        if stored > 0 {
            segs.push(Segment {
                track: i,
                index0: true,
                len: stored,
                kind: SegKind::Content {
                    track: i,
                    offset: 0,
                },
            });
        }
        if usable > stored {
            segs.push(Segment {
                track: i,
                index0: false,
                len: usable - stored,
                kind: SegKind::Content {
                    track: i,
                    offset: stored,
                },
            });
        }
        segs.extend(post[i].iter().copied());
    }
    // Assign LBAs.
    let mut lba: i64 = -150;
    let mut planned: Vec<PlannedTrack> = (0..n)
        .map(|i| PlannedTrack {
            number: starting_track_number + i as u8,
            first_lba: 0,
            index01: 0,
            end: 0,
            sector_count: 0,
        })
        .collect();
    let mut seen_first = vec![false; n];
    let mut seen_01 = vec![false; n];
    let mut sessions = vec![PlannedSession {
        first: 0,
        last: n - 1,
        leadin_start: None,
        first_lba: -150,
        leadout: 0,
        leadout_len: first_leadout,
    }];
    // Hidden track one audio occupies LBA −150.. as track 1's index 00.
    if let Some(hn) = special_pregap {
        seen_first[0] = true;
        planned[0].first_lba = -150;
        lba += hn as i64;
    }
    for s in &segs {
        let t = s.track;
        if let SegKind::SessionGap { leadout } = s.kind {
            let prev = sessions.len() - 1;
            sessions[prev].last = t - 1;
            sessions[prev].leadout = lba as i32;
            sessions[prev].leadout_len = leadout;
            sessions.push(PlannedSession {
                first: t,
                last: n - 1,
                leadin_start: Some((lba + leadout as i64) as i32),
                first_lba: (lba + s.len as i64) as i32,
                leadout: 0,
                leadout_len: LATER_LEADOUT,
            });
            lba += s.len as i64;
            continue;
        }
        if !seen_first[t] {
            seen_first[t] = true;
            planned[t].first_lba = lba as i32;
        }
        if !s.index0 && !seen_01[t] {
            seen_01[t] = true;
            planned[t].index01 = lba as i32;
        }
        lba += s.len as i64;
        if lba > 404_849 {
            return Err(LayoutError::DiscTooLong { end: lba });
        }
    }
    let leadout = lba as i32;
    if let Some(last) = sessions.last_mut() {
        last.leadout = leadout;
    }
    for i in 0..n {
        // The first LBA after track i: the next track's first sector, or its session's
        // lead-out.
        let end = if i + 1 < n && !session_start(i + 1) {
            planned[i + 1].first_lba
        } else {
            sessions
                .iter()
                .find(|s| s.last == i)
                .map_or(leadout, |s| s.leadout)
        };
        if !seen_01[i] {
            // A track with no content after its pre-gap: INDEX 01 at its end.
            planned[i].index01 = end;
        }
        planned[i].end = end;
        let stored = tracks[i]
            .explicit
            .map_or(0, |l| l.pregap_stored)
            .min(content[i]);
        planned[i].sector_count = content[i]
            .saturating_sub(stolen_by_next[i])
            .saturating_sub(stored);
    }
    Ok(Plan {
        segments: segs,
        tracks: planned,
        sessions,
        warnings,
    })
}

/// Warns where the sheet's gaps between tracks `i − 1` and `i` are below the Red Book minimums.
fn check_sheet_gap(
    tracks: &[TrackSpec],
    starting_track_number: u8,
    i: usize,
    warnings: &mut Vec<String>,
) {
    let (prev, cur) = (&tracks[i - 1], &tracks[i]);
    let num = starting_track_number as usize + i;
    let pregap = cur
        .explicit
        .map_or(0, |l| l.pregap_generated.saturating_add(l.pregap_stored));
    let postgap = prev.explicit.map_or(0, |l| l.postgap_generated);
    let (need_pre, need_post) = match (prev.ty.is_audio(), cur.ty.is_audio()) {
        (true, true) => (0, 0),
        (false, false) if prev.ty.mode() == cur.ty.mode() => (150, 0),
        (_, false) => (225, 0),
        (false, true) => (150, 150),
    };
    if pregap < need_pre {
        warnings.push(format!(
            "track {num}: pre-gap of {pregap} sectors; the Red Book asks for {need_pre} where {}",
            transition(prev.ty, cur.ty)
        ));
    }
    if postgap < need_post {
        warnings.push(format!(
            "track {}: post-gap of {postgap} sectors; the Red Book asks for {need_post} after a data track that audio follows",
            num - 1
        ));
    }
}

/// The kind of track change, in words, for gap warnings.
fn transition(prev: SectorType, cur: SectorType) -> &'static str {
    match (prev.is_audio(), cur.is_audio()) {
        (true, false) => "a data track follows audio",
        (false, true) => "audio follows a data track",
        (false, false) if prev.mode() == cur.mode() => "a data track follows one of the same mode",
        (false, false) => "a data track follows one of another mode",
        (true, true) => "audio follows audio",
    }
}

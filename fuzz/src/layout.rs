//! The disc model: arbitrary `ImageCreator` calls.

use rawcd::codec::SectorType;

use crate::ops::Ops;

/// A source of `len` bytes that is never read: the layout only needs lengths.
fn sized(len: u64) -> rawcd::source::Source {
    rawcd::source::Source::from_reader(std::io::empty(), len, "fuzz")
}

/// Arbitrary `ImageCreator` calls (tracks of every type and size, explicit layouts, hidden track
/// one, indexes, MCN/ISRC text, track numbering, lead-in and lead-out settings), then `build`:
/// no call panics, and a built map is self-consistent (every LBA from the lead-in start to the
/// end answers, the creator and the map agree on the lead-out and the last used user sector).
pub fn disc_layout(data: &[u8]) {
    use rawcd::layout::{ImageCreator, LeadIn, TrackLayout, TrackPiece};
    use rawcd::units::Msf;
    let mut ops = Ops(data);
    let mut c = ImageCreator::new();
    while let Some(op) = ops.u8() {
        let ty = SectorType::ALL[(op >> 4) as usize % 10];
        let r = match op & 0x0f {
            0..=3 => {
                let Some(n) = ops.sectors() else { break };
                let extra = u64::from(op & 1) * 7; // sometimes not whole sectors
                c.add_track(ty, sized(n as u64 * ty.input_size() as u64 + extra))
                    .map(drop)
            }
            4 => {
                let (Some(a), Some(b), Some(p), Some(s), Some(q)) = (
                    ops.sectors(),
                    ops.sectors(),
                    ops.sectors(),
                    ops.sectors(),
                    ops.sectors(),
                ) else {
                    break;
                };
                let pieces = vec![
                    TrackPiece::Zero(a),
                    TrackPiece::Source(sized(b as u64 * ty.input_size() as u64)),
                ];
                let layout = TrackLayout {
                    pregap_generated: p,
                    pregap_stored: s,
                    postgap_generated: q,
                };
                c.add_track_explicit(ty, pieces, layout, op & 0x80 != 0)
                    .map(drop)
            }
            5 => {
                let Some(n) = ops.sectors() else { break };
                c.add_special_pregap(sized(n as u64 * 2352))
            }
            6 => {
                let (Some(t), Some(off)) = (ops.u8(), ops.sectors()) else {
                    break;
                };
                let t = t as u32 % 101;
                c.track_info_mut(t)
                    .and_then(|s| s.add_track_index(t as u8, off))
            }
            7 => {
                let Some(n) = ops.u8() else { break };
                c.set_starting_track_number(n as u32)
            }
            8 => {
                let Some(n) = ops.u8() else { break };
                c.set_number_of_existing_tracks(n as u32);
                Ok(())
            }
            9 => {
                let Some(v) = ops.u32() else { break };
                c.set_start_of_leadout_limit(v as i32)
            }
            10 => {
                let (Some(m), Some(s), Some(f)) = (ops.u8(), ops.u8(), ops.u8()) else {
                    break;
                };
                c.set_leadin(match m % 4 {
                    0 => LeadIn::Imapi,
                    1 => LeadIn::None,
                    _ => match Msf::new(m % 100, s % 60, f % 75) {
                        Some(msf) => LeadIn::At(msf),
                        None => LeadIn::None,
                    },
                });
                Ok(())
            }
            11 => c.set_disable_gapless_audio(op & 0x10 != 0),
            12 => {
                let n = (op >> 4) as usize;
                let text: Vec<u8> = (0..n).filter_map(|_| ops.u8()).collect();
                c.set_media_catalog_number(&String::from_utf8_lossy(&text))
            }
            13 => {
                let Some(t) = ops.u8() else { break };
                let text: Vec<u8> = (0..12).filter_map(|_| ops.u8()).collect();
                c.set_isrc(t as u32 % 101, &String::from_utf8_lossy(&text))
            }
            14 => {
                let Some(t) = ops.u8() else { break };
                c.track_info_mut(t as u32 % 101).map(|s| {
                    s.preemphasis = op & 0x10 != 0;
                    s.four_channel = op & 0x20 != 0;
                })
            }
            _ if op & 0x40 != 0 => c.new_session(),
            _ => {
                c.set_relaxed(op & 0x10 != 0);
                c.set_cdi(op & 0x20 != 0);
                Ok(())
            }
        };
        let _ = r;
    }
    let built = c.build();
    let (leadout, luus, toc) = (
        c.start_of_leadout(),
        c.last_used_user_sector(),
        c.expected_toc(),
    );
    let Ok(map) = built else {
        return;
    };
    assert_eq!(leadout.ok(), Some(map.start_of_leadout()));
    assert_eq!(luus.ok(), Some(map.last_used_user_sector()));
    assert_eq!(toc.ok(), Some(map.expected_toc()));
    assert!(map.last_used_user_sector() < map.start_of_leadout());
    assert_eq!(
        map.sector_count(),
        (map.end() as i64 - map.leadin_start() as i64) as u64
    );
    let _ = map.toc_entries();
    for i in 0..c.track_count() {
        let _ = c.track_info(i as u32 + c.starting_track_number() as u32);
    }
    // Every area boundary and a spread of LBAs answer; the ends do not.
    let (a, b) = (map.leadin_start(), map.end());
    assert!(map.sector(a - 1).is_none() && map.sector(b).is_none());
    let step = ((b - a) / 97).max(1);
    let mut lba = a;
    while lba < b {
        assert!(map.sector(lba).is_some(), "lba {lba}");
        lba += step;
    }
    for t in map.tracks() {
        assert!(t.first_lba <= t.index01 && t.index01 < t.end);
        for lba in [t.first_lba, t.index01, t.end - 1] {
            assert!(map.sector(lba).is_some(), "track {} lba {lba}", t.number);
        }
    }
    assert!(map.sector(b - 1).is_some());
    assert!(map.sector(map.start_of_leadout()).is_some());
    // Sessions (issue 20): in order, covering every track once, with D24's gaps, every
    // lead-in frame sealed, the ranges back to back with the gaps inside them.
    let sessions = map.sessions();
    assert_eq!(sessions.len(), c.session_count());
    assert_eq!(sessions[0].first_track, map.tracks()[0].number);
    assert_eq!(sessions[sessions.len() - 1].end(), map.end());
    assert_eq!(
        sessions[sessions.len() - 1].leadout_lba,
        map.start_of_leadout()
    );
    for (k, s) in sessions.iter().enumerate() {
        assert_eq!(map.session_of(s.leadout_lba), Some(s.number));
        assert_eq!(map.session_of(s.end() - 1), Some(s.number));
        assert!(map
            .session_toc(u32::from(s.number))
            .iter()
            .all(|e| e.q(Msf::default()).crc_ok()));
        if let Some(n) = sessions.get(k + 1) {
            assert_eq!(n.first_track, s.last_track + 1);
            assert_eq!(n.leadin_lba, s.end());
            assert_eq!(n.first_lba, n.leadin_lba + 4500);
            assert_eq!(s.next_session_start, Some(n.first_lba));
            assert_eq!(map.session_of(n.leadin_lba), Some(n.number));
            assert!(map.in_leadin(n.leadin_lba) && !map.in_leadin(n.first_lba));
            assert!(map.sector(n.first_lba).is_some_and(|x| x.p && x.index == 0));
        } else {
            assert_eq!(s.next_session_start, None);
        }
    }
}

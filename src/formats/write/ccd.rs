//! CloneCD control files (`.ccd`, cd-format.md §11.3): the writer of rawcd's `clonecd` output
//! (the parser is `formats::image::ccd`).
//!
//! Conventions (as real CloneCD files and libmirage's reader have them): CRLF line endings;
//! `[Entry n]` in lead-in TOC order A0, A1, A2, then the tracks; `Point`, `ADR`, `Control` in
//! hex, everything else decimal and binary (not BCD), except A0's `PSec`, which is the disc
//! type byte (0, 16 = CD-i, 32 = XA); `AMin/ASec/AFrame` 0 and `ALBA=-150` (the lead-in
//! position a TOC entry was read at is not recorded); `PLBA` = (PMin·60 + PSec)·75 + PFrame
//! − 150 for every entry, A0/A1 included (**unverified** which values CloneCD itself writes for
//! A0/A1).
#![forbid(unsafe_code)]

use crate::codec::cdtext::{Pack, PACK_SIZE};
use crate::formats::image::ccd::CcdEntry;
use crate::layout::DiscMap;
use crate::units::from_bcd;

fn ccd_mode(t: &crate::layout::TrackEntry) -> u8 {
    if t.ty.is_audio() {
        0
    } else if t.ty.is_mode2() {
        2
    } else {
        1
    }
}

/// Writes the `.ccd` of a CloneCD set whose `.img`/`.sub` hold LBA 0 .. lead-out − 1 of `map`.
/// `cdtext` are the lead-in CD-Text packs, if any (`[CDText]`, 18 bytes per entry).
pub fn write_ccd(map: &DiscMap, cdtext: Option<&[Pack]>) -> String {
    let entries = map.toc_entries();
    let mut ordered: Vec<_> = entries.iter().filter(|e| e.1 >= 0xA0).collect();
    ordered.extend(entries.iter().filter(|e| e.1 < 0xA0));
    let packs = cdtext.unwrap_or(&[]);
    let mut s = String::new();
    let mut line = |text: String| {
        s.push_str(&text);
        s.push_str("\r\n");
    };
    line("[CloneCD]".into());
    line("Version=3".into());
    line("[Disc]".into());
    line(format!("TocEntries={}", ordered.len()));
    line("Sessions=1".into());
    line("DataTracksScrambled=0".into());
    line(format!("CDTextLength={}", packs.len() * PACK_SIZE));
    if let Some(m) = map.mcn() {
        line(format!("CATALOG={m}"));
    }
    if !packs.is_empty() {
        line("[CDText]".into());
        line(format!("Entries={}", packs.len()));
        for (i, p) in packs.iter().enumerate() {
            let hex: Vec<String> = p.0.iter().map(|b| format!("{b:02x}")).collect();
            line(format!("Entry {i}={}", hex.join(" ")));
        }
    }
    let first = &map.tracks()[0];
    line("[Session 1]".into());
    line(format!("PreGapMode={}", ccd_mode(first)));
    line("PreGapSubC=0".into());
    for (i, &&(ctrl, point, p)) in ordered.iter().enumerate() {
        let bin = |b: u8| from_bcd(b).unwrap_or(b);
        let (point, pm) = if point >= 0xA0 {
            // A0: first track, disc type (raw), 0; A1: last track; A2: lead-out MSF.
            let psec = if point == 0xA0 { p[1] } else { bin(p[1]) };
            (point, [bin(p[0]), psec, bin(p[2])])
        } else {
            (bin(point), [bin(p[0]), bin(p[1]), bin(p[2])])
        };
        let e = CcdEntry {
            p: pm,
            ..Default::default()
        };
        line(format!("[Entry {i}]"));
        line("Session=1".into());
        line(format!("Point={point:#04x}"));
        line("ADR=0x01".into());
        line(format!("Control={ctrl:#04x}"));
        line("TrackNo=0".into());
        line("AMin=0".into());
        line("ASec=0".into());
        line("AFrame=0".into());
        line("ALBA=-150".into());
        line("Zero=0".into());
        line(format!("PMin={}", pm[0]));
        line(format!("PSec={}", pm[1]));
        line(format!("PFrame={}", pm[2]));
        line(format!("PLBA={}", e.p_lba()));
    }
    for t in map.tracks() {
        line(format!("[TRACK {}]", t.number));
        line(format!("MODE={}", ccd_mode(t)));
        if let Some(i) = &t.isrc {
            line(format!("ISRC={}", i.as_str()));
        }
        let pregap = t.first_lba.max(0);
        if pregap < t.index01 {
            line(format!("INDEX 0={pregap}"));
        }
        line(format!("INDEX 1={}", t.index01));
        for (k, lba) in t.indexes.iter().enumerate() {
            line(format!("INDEX {}={lba}", k + 2));
        }
    }
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::codec::cdtext::{Block, CdText, Charset};
    use crate::codec::SectorType;
    use crate::formats::image::ccd::parse_ccd;
    use crate::layout::{CopySetting, ImageCreator};
    use crate::source::Source;
    use std::path::Path;

    fn src(ty: SectorType, sectors: usize) -> Source {
        Source::from_bytes(vec![0u8; ty.input_size() * sectors])
    }

    fn disc() -> DiscMap {
        let mut c = ImageCreator::new();
        c.set_relaxed(true);
        c.set_media_catalog_number("1234567890128").unwrap();
        c.add_track(SectorType::Mode1, src(SectorType::Mode1, 331))
            .unwrap();
        c.add_track(SectorType::Audio, src(SectorType::Audio, 225))
            .unwrap();
        c.add_track(SectorType::Audio, src(SectorType::Audio, 338))
            .unwrap();
        c.set_isrc(2, "USABC2400001").unwrap();
        let s = c.track_info_mut(3).unwrap();
        s.copy = CopySetting::Permitted;
        s.preemphasis = true;
        s.indexes = vec![100];
        c.build().unwrap()
    }

    #[test]
    fn write_then_parse_round_trips() {
        let map = disc();
        let mut b = Block::new(9, Charset::Iso8859_1, 1, 3);
        b.disc.title = b"Album".to_vec();
        let packs = CdText { blocks: vec![b] }
            .encode(&Default::default())
            .unwrap();
        let text = write_ccd(&map, Some(&packs));
        assert!(text.starts_with(
            "[CloneCD]\r\nVersion=3\r\n[Disc]\r\nTocEntries=6\r\nSessions=1\r\nDataTracksScrambled=0\r\n"
        ));
        assert!(!text.replace("\r\n", "").contains('\n'), "CRLF only");
        assert!(text.contains("[Entry 0]\r\nSession=1\r\nPoint=0xa0\r\nADR=0x01\r\nControl=0x04\r\nTrackNo=0\r\nAMin=0\r\nASec=0\r\nAFrame=0\r\nALBA=-150\r\nZero=0\r\nPMin=1\r\nPSec=0\r\nPFrame=0\r\nPLBA=4350\r\n"), "{text}");
        let sheet = parse_ccd(&text, Path::new("OUT.ccd")).unwrap();
        assert_eq!(sheet.version, 3);
        assert_eq!(sheet.sessions, 1);
        assert!(!sheet.data_tracks_scrambled);
        assert_eq!(sheet.catalog.as_deref(), Some("1234567890128"));
        assert_eq!(sheet.cdtext, packs);
        assert_eq!(sheet.cdtext_length as usize, packs.len() * 18);
        assert_eq!(sheet.pregap_modes, vec![1]);
        let points: Vec<u8> = sheet.entries.iter().map(|e| e.point).collect();
        assert_eq!(points, vec![0xA0, 0xA1, 0xA2, 1, 2, 3]);
        assert_eq!(sheet.leadout_lba(), Some(map.start_of_leadout()));
        // The entries are the map's TOC, in binary.
        for e in &sheet.entries {
            let (ctrl, _, p) = map
                .toc_entries()
                .into_iter()
                .find(|x| from_bcd(x.1).unwrap_or(x.1) == e.point)
                .unwrap();
            assert_eq!(e.control, ctrl);
            assert_eq!(e.plba, e.p_lba());
            if e.point != 0xA0 {
                assert_eq!(e.p.map(crate::units::to_bcd), p, "point {:#x}", e.point);
            }
        }
        for (t, ct) in map.tracks().iter().zip(sheet.track_entries()) {
            assert_eq!(ct.plba, t.index01);
            assert_eq!(ct.control, t.ctrl);
        }
        assert_eq!(sheet.tracks.len(), 3);
        for (t, ct) in map.tracks().iter().zip(&sheet.tracks) {
            assert_eq!(ct.number, t.number);
            assert_eq!(ct.mode, if t.ty.is_audio() { 0 } else { 1 });
            assert_eq!(ct.index(1), Some(t.index01));
            let idx0 = (t.first_lba >= 0).then_some(t.first_lba);
            assert_eq!(ct.index(0), idx0);
            let more: Vec<i32> = ct
                .indexes
                .iter()
                .filter(|(n, _)| *n >= 2)
                .map(|&(_, l)| l)
                .collect();
            assert_eq!(more, t.indexes);
            assert_eq!(ct.isrc.as_deref(), t.isrc.as_ref().map(|i| i.as_str()));
        }
        // D14: 150 post-gap after the data track, 150 pre-gap before each audio track.
        let starts: Vec<i32> = sheet.tracks.iter().map(|t| t.index(1).unwrap()).collect();
        assert_eq!(starts, vec![0, 631, 1006]);
        assert_eq!(sheet.tracks[1].index(0), Some(481));
        assert_eq!(sheet.leadout_lba(), Some(1344));
    }
}

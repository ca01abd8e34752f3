//! The cue sheet of rawcd's `bin` output (interface.md §2, cd-format.md §11.1): one
//! `FILE "OUT.bin" BINARY` holding LBA 0 .. lead-out − 1 as 2352-byte sectors, so that file
//! position = LBA and every INDEX time is absolute within the file.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use crate::codec::cdtext::{CdText, Charset};
use crate::layout::{CopySetting, DiscMap, TrackEntry};

use crate::formats::sheet::lex::format_msf;

/// The cue `TRACK` mode of a track stored as 2352-byte raw sectors: `AUDIO`, `MODE1/2352`
/// (Mode 1, and Mode 0, which CDRWIN sheets cannot name), `MODE2/2352` (all Mode 2 types).
pub fn cue_mode(t: &TrackEntry) -> &'static str {
    if t.ty.is_audio() {
        "AUDIO"
    } else if t.ty.is_mode2() {
        "MODE2/2352"
    } else {
        "MODE1/2352"
    }
}

/// The cue `FLAGS` words of a track (`DCP`, `4CH`, `PRE`, `SCMS`), empty when none applies.
pub fn cue_flags(t: &TrackEntry) -> Vec<&'static str> {
    let mut f = Vec::new();
    if t.copy == CopySetting::Permitted {
        f.push("DCP");
    }
    if t.four_channel {
        f.push("4CH");
    }
    if t.preemphasis {
        f.push("PRE");
    }
    if t.copy == CopySetting::Scms {
        f.push("SCMS");
    }
    f
}

/// A string for a quoted cue value: Latin-1 bytes as characters, `"` replaced by `'`, control
/// characters dropped.
fn quoted(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| if b == b'"' { '\'' } else { char::from(b) })
        .filter(|c| !c.is_control())
        .collect()
}

/// Writes the cue sheet for a bin image of `map` named `bin_name` (the name as it should
/// appear in `FILE`; libcdio ignores it and opens `<cue basename>.bin`, so name them alike).
///
/// * `CATALOG` from the MCN; disc and track `TITLE`/`PERFORMER` from the first single-byte
///   block of `text`;
/// * per track `TRACK nn AUDIO|MODE1/2352|MODE2/2352`, `FLAGS`, `ISRC`, then `INDEX 00` where
///   the track's pre-gap lies in the file (tracks 2..n; for track 1 only the part after LBA 0,
///   e.g. hidden track one audio: `INDEX 00 00:00:00`), `INDEX 01`, `INDEX 02..`;
/// * generated pre- and post-gaps are in the file, so no `PREGAP`/`POSTGAP` is written.
///
/// Lines end in LF. Checked with `cdrdao show-toc` 1.2.4 on a Mode 1 + 2 audio disc (START,
/// PREGAP, END, ISRC, COPY/PRE-EMPHASIS, CATALOG all as the map says), except that cdrdao
/// 1.2.4 reads `INDEX 02+` relative to INDEX 01 (interface.md §2) and so rejects a track's
/// absolute INDEX 02 as "Index beyond track end"; rawcd keeps the standard absolute form.
pub fn write_cue(map: &DiscMap, bin_name: &str, text: Option<&CdText>) -> String {
    let block = text.and_then(|t| t.blocks.iter().find(|b| b.charset != Charset::MsJis));
    let mut s = String::new();
    if let Some(m) = map.mcn() {
        let _ = writeln!(s, "CATALOG {m}");
    }
    if let Some(b) = block {
        if !b.disc.performer.is_empty() {
            let _ = writeln!(s, "PERFORMER \"{}\"", quoted(&b.disc.performer));
        }
        if !b.disc.title.is_empty() {
            let _ = writeln!(s, "TITLE \"{}\"", quoted(&b.disc.title));
        }
    }
    let _ = writeln!(s, "FILE \"{}\" BINARY", bin_name.replace('"', "'"));
    for t in map.tracks() {
        let _ = writeln!(s, "  TRACK {:02} {}", t.number, cue_mode(t));
        if let Some(tt) = block.and_then(|b| {
            let i = usize::from(t.number.checked_sub(b.first_track)?);
            b.tracks.get(i)
        }) {
            if !tt.texts.title.is_empty() {
                let _ = writeln!(s, "    TITLE \"{}\"", quoted(&tt.texts.title));
            }
            if !tt.texts.performer.is_empty() {
                let _ = writeln!(s, "    PERFORMER \"{}\"", quoted(&tt.texts.performer));
            }
        }
        let flags = cue_flags(t);
        if !flags.is_empty() {
            let _ = writeln!(s, "    FLAGS {}", flags.join(" "));
        }
        if let Some(i) = &t.isrc {
            let _ = writeln!(s, "    ISRC {}", i.as_str());
        }
        let pregap_start = t.first_lba.max(0);
        if pregap_start < t.index01 {
            let _ = writeln!(s, "    INDEX 00 {}", format_msf(pregap_start as u32));
        }
        let _ = writeln!(s, "    INDEX 01 {}", format_msf(t.index01.max(0) as u32));
        for (k, &lba) in t.indexes.iter().enumerate() {
            let _ = writeln!(
                s,
                "    INDEX {:02} {}",
                k + 2,
                format_msf(lba.max(0) as u32)
            );
        }
    }
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::codec::cdtext::{Block, Charset};
    use crate::codec::SectorType;
    use crate::formats::cue::{parse_cue, resolve};
    use crate::formats::{FileInfo, FileKind, ParseErrorKind, TrackMode};
    use crate::layout::{ImageCreator, TrackLayout, TrackPiece};
    use crate::source::Source;

    fn src(ty: SectorType, sectors: usize) -> Source {
        Source::from_bytes(vec![0u8; ty.input_size() * sectors])
    }

    /// Parses `cue` back against a bin of `sectors` sectors.
    fn reparse(cue: &str, sectors: i32) -> crate::formats::DiscPlan {
        let sheet = parse_cue(cue, Path::new("OUT.cue")).unwrap();
        let mut stat = |p: &Path, _k: FileKind| -> Result<FileInfo, ParseErrorKind> {
            assert_eq!(p.file_name().unwrap(), "OUT.bin");
            Ok(FileInfo {
                path: p.to_path_buf(),
                data_offset: 0,
                data_len: sectors as u64 * 2352,
                warnings: vec![],
            })
        };
        resolve(&sheet, Path::new("."), &mut stat).unwrap()
    }

    #[test]
    fn mixed_disc_round_trips_through_parse_cue() {
        let mut c = ImageCreator::new();
        c.set_media_catalog_number("1234567890128").unwrap();
        c.add_track(SectorType::Mode1, src(SectorType::Mode1, 400))
            .unwrap();
        c.add_track(SectorType::Audio, src(SectorType::Audio, 500))
            .unwrap();
        c.add_track_explicit(
            SectorType::Audio,
            vec![TrackPiece::Source(src(SectorType::Audio, 400))],
            TrackLayout {
                pregap_generated: 10,
                pregap_stored: 20,
                postgap_generated: 5,
            },
            false,
        )
        .unwrap();
        c.add_track(SectorType::Mode2Form1, src(SectorType::Mode2Form1, 300))
            .unwrap();
        {
            let s = c.track_info_mut(2).unwrap();
            s.copy = CopySetting::Permitted;
            s.preemphasis = true;
            s.isrc = Some(crate::codec::Isrc::parse("USABC2400001").unwrap());
            s.indexes = vec![100, 250];
        }
        c.track_info_mut(3).unwrap().copy = CopySetting::Scms;
        c.track_info_mut(3).unwrap().four_channel = true;
        let map = c.build().unwrap();
        let mut b = Block::new(9, Charset::Iso8859_1, 1, 4);
        b.disc.title = b"Album \"X\"".to_vec();
        b.disc.performer = b"Band".to_vec();
        b.tracks[1].texts.title = b"Caf\xe9".to_vec();
        let text = CdText { blocks: vec![b] };
        let cue = write_cue(&map, "OUT.bin", Some(&text));
        assert!(cue.starts_with("CATALOG 1234567890128\nPERFORMER \"Band\"\nTITLE \"Album 'X'\"\nFILE \"OUT.bin\" BINARY\n"), "{cue}");
        assert!(cue.contains("    TITLE \"Café\"\n    FLAGS DCP PRE\n    ISRC USABC2400001\n"));
        assert!(cue.contains("FLAGS 4CH SCMS"));
        let plan = reparse(&cue, map.start_of_leadout());
        assert_eq!(plan.catalog.as_ref().unwrap().to_string(), "1234567890128");
        assert_eq!(plan.text.title.as_deref(), Some("Album 'X'"));
        let lbas = plan.index1_lbas();
        assert_eq!(*lbas.last().unwrap(), i64::from(map.start_of_leadout()));
        for ((t, p), &l) in map.tracks().iter().zip(&plan.tracks).zip(&lbas) {
            assert_eq!(l, i64::from(t.index01), "track {}", t.number);
            assert_eq!(p.number, t.number);
            let first = t.first_lba.max(0);
            assert_eq!(
                p.index1 as i32,
                t.index01 - first,
                "stored pre-gap {}",
                t.number
            );
            assert_eq!(p.pregap_generated, 0);
            assert_eq!(p.control(), t.ctrl, "ctrl of track {}", t.number);
            assert_eq!(p.isrc, t.isrc);
            let idx: Vec<i32> = p.indexes.iter().map(|&i| first + i as i32).collect();
            assert_eq!(idx, t.indexes);
            assert_eq!(p.scms, t.copy == CopySetting::Scms);
        }
        assert_eq!(plan.tracks[0].mode, TrackMode::Mode1Raw);
        assert_eq!(plan.tracks[1].mode, TrackMode::Audio);
        assert_eq!(plan.tracks[3].mode, TrackMode::Mode2Raw);
        // D14 gaps are in the file: data → audio puts 150 post-gap + 150 pre-gap sectors.
        assert_eq!(map.tracks()[1].index01 - map.tracks()[1].first_lba, 150);
        assert_eq!(plan.tracks[1].index1, 150);
    }

    #[test]
    fn hidden_track_one_audio_starts_at_index_00() {
        let mut c = ImageCreator::new();
        c.add_special_pregap(src(SectorType::Audio, 400)).unwrap();
        c.add_track(SectorType::Audio, src(SectorType::Audio, 300))
            .unwrap();
        let map = c.build().unwrap();
        let cue = write_cue(&map, "OUT.bin", None);
        assert!(
            cue.contains("INDEX 00 00:00:00\n    INDEX 01 00:03:25\n"),
            "{cue}"
        );
        let plan = reparse(&cue, map.start_of_leadout());
        assert_eq!(plan.index1_lbas(), vec![250, 550]);
    }
}

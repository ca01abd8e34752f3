//! The cdrdao TOC file of rawcd's `cdrdao` output (cd-format.md §11.2): `OUT.bin` holds LBA
//! 0 .. lead-out − 1 as 2352-byte sectors (the same file as the `bin` output), and `OUT.toc`
//! describes it so that `cdrdao write OUT.toc` burns rawcd's layout: session type, `CATALOG`,
//! CD-Text, and per track its mode, flags, `ISRC`, CD-Text, the byte range of the file,
//! `START` (the stored pre-gap) and `INDEX` marks.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

use crate::codec::cdtext::{Block, CdText, Charset, TextKind, Texts};
use crate::layout::{CopySetting, DiscMap, TrackEntry};

use crate::formats::sheet::lex::format_msf;

/// The cdrdao track mode of a track stored as 2352-byte sectors.
fn toc_mode(t: &TrackEntry) -> &'static str {
    if t.ty.is_audio() {
        "AUDIO"
    } else if t.ty.is_mode2() {
        "MODE2_RAW"
    } else {
        "MODE1_RAW"
    }
}

/// A TOC string: Latin-1 bytes as characters; `"` and `\` escaped as cdrdao reads them.
fn quoted(bytes: &[u8]) -> String {
    let mut s = String::from("\"");
    for &b in bytes {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            c if c < 0x20 || c == 0x7F => {}
            c => s.push(char::from(c)),
        }
    }
    s.push('"');
    s
}

const KEYS: [(TextKind, &str); 6] = [
    (TextKind::Title, "TITLE"),
    (TextKind::Performer, "PERFORMER"),
    (TextKind::Songwriter, "SONGWRITER"),
    (TextKind::Composer, "COMPOSER"),
    (TextKind::Arranger, "ARRANGER"),
    (TextKind::Message, "MESSAGE"),
];

fn text_fields(s: &mut String, t: &Texts, indent: &str) {
    for (k, word) in KEYS {
        let v = t.get(k);
        if !v.is_empty() {
            let _ = writeln!(s, "{indent}{word} {}", quoted(v));
        }
    }
}

fn has_text(t: &Texts) -> bool {
    KEYS.iter().any(|(k, _)| !t.get(*k).is_empty())
}

/// The blocks cdrdao can take as text (single-byte character sets), at most 8.
fn blocks(text: Option<&CdText>) -> Vec<&Block> {
    text.map(|t| {
        t.blocks
            .iter()
            .filter(|b| b.charset != Charset::MsJis)
            .take(8)
            .collect()
    })
    .unwrap_or_default()
}

/// Writes the TOC file for a bin image of `map` named `bin_name` (as it should appear in the
/// `FILE`/`DATAFILE` statements, relative to the TOC file).
///
/// * `CD_DA` (all audio), `CD_ROM_XA` (any Mode 2 track) or `CD_ROM`;
/// * `CATALOG`, and a `CD_TEXT` section with a `LANGUAGE_MAP` and one `LANGUAGE` block per
///   single-byte CD-Text block (title, performer, songwriter, composer, arranger, message);
/// * per track: `TRACK AUDIO|MODE1_RAW|MODE2_RAW`, `COPY`, `PRE_EMPHASIS`,
///   `FOUR_CHANNEL_AUDIO`, `ISRC`, its `CD_TEXT`, then the track's sectors in the bin
///   (`FILE "OUT.bin" SWAP #offset 0 length` for audio, whose samples are little-endian in the
///   bin while cdrdao reads raw audio big-endian without `SWAP`; `DATAFILE "OUT.bin" #offset
///   length` for data), `START` where INDEX 01 lies after the track's first sector in the
///   file, and `INDEX` for indexes 02.. relative to INDEX 01 (as cdrdao counts them).
///
/// Track 1's 150-sector pre-gap before LBA 0 is implied by the format, as in a cue sheet;
/// hidden track one audio (INDEX 01 after LBA 0) is written as a `START` of track 1.
pub fn write_toc(map: &DiscMap, bin_name: &str, text: Option<&CdText>) -> String {
    let tracks = map.tracks();
    let mut s = String::new();
    let kind = if tracks.iter().all(|t| t.ty.is_audio()) {
        "CD_DA"
    } else if tracks.iter().any(|t| t.ty.is_mode2()) {
        "CD_ROM_XA"
    } else {
        "CD_ROM"
    };
    let _ = writeln!(s, "{kind}");
    if let Some(m) = map.mcn() {
        let _ = writeln!(s, "CATALOG \"{m}\"");
    }
    let blocks = blocks(text);
    if !blocks.is_empty() {
        let _ = writeln!(s, "CD_TEXT {{\n  LANGUAGE_MAP {{");
        for (i, b) in blocks.iter().enumerate() {
            let lang = match b.language {
                0x09 => "EN".to_string(),
                n => n.to_string(),
            };
            let _ = writeln!(s, "    {i} : {lang}");
        }
        let _ = writeln!(s, "  }}");
        for (i, b) in blocks.iter().enumerate() {
            let _ = writeln!(s, "  LANGUAGE {i} {{");
            text_fields(&mut s, &b.disc, "    ");
            let _ = writeln!(s, "  }}");
        }
        let _ = writeln!(s, "}}");
    }
    let file = quoted(bin_name.as_bytes());
    for t in tracks {
        let _ = writeln!(s, "\n// Track {}\nTRACK {}", t.number, toc_mode(t));
        if t.copy == CopySetting::Permitted || t.copy == CopySetting::Scms {
            let _ = writeln!(s, "COPY");
        }
        if t.preemphasis {
            let _ = writeln!(s, "PRE_EMPHASIS");
        }
        if t.four_channel {
            let _ = writeln!(s, "FOUR_CHANNEL_AUDIO");
        }
        if let Some(i) = &t.isrc {
            let _ = writeln!(s, "ISRC \"{}\"", i.as_str());
        }
        let texts: Vec<(usize, &Texts)> = blocks
            .iter()
            .enumerate()
            .filter_map(|(i, b)| {
                let k = usize::from(t.number.checked_sub(b.first_track)?);
                b.tracks.get(k).map(|tt| (i, &tt.texts))
            })
            .filter(|(_, tt)| has_text(tt))
            .collect();
        if !texts.is_empty() {
            let _ = writeln!(s, "CD_TEXT {{");
            for (i, tt) in texts {
                let _ = writeln!(s, "  LANGUAGE {i} {{");
                text_fields(&mut s, tt, "    ");
                let _ = writeln!(s, "  }}");
            }
            let _ = writeln!(s, "}}");
        }
        let first = t.first_lba.max(0);
        let sectors = (t.end - first).max(0) as u32;
        let offset = first as u64 * 2352;
        if t.ty.is_audio() {
            let _ = writeln!(s, "FILE {file} SWAP #{offset} 0 {}", format_msf(sectors));
        } else {
            let _ = writeln!(s, "DATAFILE {file} #{offset} {}", format_msf(sectors));
        }
        if t.index01 > first {
            let _ = writeln!(s, "START {}", format_msf((t.index01 - first) as u32));
        }
        for &lba in &t.indexes {
            let _ = writeln!(s, "INDEX {}", format_msf((lba - t.index01) as u32));
        }
    }
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::codec::SectorType;
    use crate::formats::toc::{parse_toc, resolve};
    use crate::formats::{FileInfo, FileKind, ParseErrorKind, Segment};
    use crate::layout::ImageCreator;
    use crate::source::Source;

    #[test]
    fn written_toc_reads_back_to_the_same_layout() {
        let mut c = ImageCreator::new();
        c.add_track(SectorType::Mode1, Source::from_bytes(vec![0u8; 2048 * 400]))
            .unwrap();
        c.add_track(SectorType::Audio, Source::from_bytes(vec![0u8; 2352 * 500]))
            .unwrap();
        c.add_track(SectorType::Audio, Source::from_bytes(vec![0u8; 2352 * 320]))
            .unwrap();
        c.set_isrc(2, "USRC17607839").unwrap();
        c.track_info_mut(2)
            .unwrap()
            .add_track_index(2, 100)
            .unwrap();
        c.set_media_catalog_number("0724385356926").unwrap();
        let map = c.build().unwrap();
        let toc = write_toc(&map, "OUT.bin", None);
        let sheet = parse_toc(&toc, Path::new("OUT.toc")).unwrap();
        let len = map.start_of_leadout() as u64 * 2352;
        let mut stat = |p: &Path, _k: FileKind| -> Result<FileInfo, ParseErrorKind> {
            assert_eq!(p.file_name().unwrap(), "OUT.bin");
            Ok(FileInfo {
                path: p.to_path_buf(),
                data_offset: 0,
                data_len: len,
                warnings: vec![],
            })
        };
        let plan = resolve(&sheet, Path::new("."), &mut stat).unwrap();
        let lbas = plan.index1_lbas();
        let want: Vec<i64> = map
            .tracks()
            .iter()
            .map(|t| i64::from(t.index01))
            .chain([i64::from(map.start_of_leadout())])
            .collect();
        assert_eq!(lbas, want);
        assert_eq!(plan.catalog.unwrap().to_string(), "0724385356926");
        assert_eq!(
            plan.tracks[1].isrc.as_ref().unwrap().as_str(),
            "USRC17607839"
        );
        assert_eq!(plan.tracks[1].indexes, vec![plan.tracks[1].index1 + 100]);
        // Audio is read with SWAP (little-endian bin), data as whole raw sectors.
        assert!(matches!(
            plan.tracks[1].segments[0],
            Segment::File { swap: false, .. }
        ));
    }
}

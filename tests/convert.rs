//! Sheets to ImageCreator: layouts against `cdrdao show-toc`, bytes of every conversion
//! (swap, Form 2, joined partial sectors), flags, MCN, ISRC and CD-Text.
#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

mod common;

use std::path::{Path, PathBuf};

use rawcd::codec::cdtext::{CdText, Pack};
use rawcd::formats::convert::{plan_cdtext_packs, plan_to_creator, ConvertError, ConvertOptions};
use rawcd::formats::cue::{parse_cue, resolve as resolve_cue};
use rawcd::formats::{load_cue, load_toc, DiscPlan, FileKind};
use rawcd::layout::{CopySetting, DiscMap, MainSource};

fn relaxed() -> ConvertOptions {
    ConvertOptions {
        relaxed: true,
        ..Default::default()
    }
}

fn build(plan: &DiscPlan, opts: &ConvertOptions) -> DiscMap {
    plan_to_creator(plan, opts).unwrap().build().unwrap()
}

/// (first_lba, index01, end, ctrl) per track.
fn layout(map: &DiscMap) -> Vec<(i32, i32, i32, u8)> {
    map.tracks()
        .iter()
        .map(|t| (t.first_lba, t.index01, t.end, t.ctrl))
        .collect()
}

/// The 2352 (or input-size) bytes a sector's main channel is made from.
fn input_of(map: &DiscMap, lba: i32) -> Vec<u8> {
    let s = map.sector(lba).unwrap();
    match s.main {
        MainSource::Source { source, offset, .. } => {
            let mut b = vec![0u8; s.ty.input_size()];
            map.sources()[source].read_at(offset, &mut b).unwrap();
            b
        }
        MainSource::Generated => panic!("LBA {lba} is generated"),
    }
}

fn real(name: &str) -> PathBuf {
    Path::new("../shared/testdata/real/libcdio").join(name)
}

/// A fresh directory under the system temp dir.
fn temp_dir(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "rawcd-convert-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn pattern(n: usize, seed: u32) -> Vec<u8> {
    (0..n as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(seed) >> 13) as u8)
        .collect()
}

#[test]
#[ignore = "needs ../shared/testdata"]
fn real_sheets_match_cdrdao_show_toc() {
    // cdda.cue: T1 AUDIO COPY PERMITTED START 0 END 302, CATALOG 0000010271955.
    let p = load_cue(&real("cdda.cue")).unwrap();
    let map = build(&p, &ConvertOptions::default());
    assert_eq!(layout(&map), vec![(-150, 0, 302, 0x2)]);
    assert_eq!(map.start_of_leadout(), 302);
    assert_eq!(map.mcn().unwrap().to_string(), "0000010271955");
    assert_eq!(map.tracks()[0].copy, CopySetting::Permitted);
    assert!(map.cdtext().is_some(), "TITLE/PERFORMER become CD-Text");
    let text = CdText::decode(&plan_cdtext_packs(&p).unwrap().unwrap()).unwrap();
    assert_eq!(
        text.blocks[0].disc.title,
        b"Join us now we have the software"
    );
    assert_eq!(text.blocks[0].tracks[0].texts.performer, b"Richard S");
    assert_eq!(
        input_of(&map, 7),
        std::fs::read(real("cdda.bin")).unwrap()[7 * 2352..8 * 2352]
    );

    // cdda_4_5.cue: tracks 04, 05: START 0, START 150, END 302 (150 sectors: relaxed).
    let p = load_cue(&real("cdda_4_5.cue")).unwrap();
    assert!(plan_to_creator(&p, &ConvertOptions::default())
        .unwrap()
        .build()
        .is_err());
    let map = build(&p, &relaxed());
    assert_eq!(
        layout(&map),
        vec![(-150, 0, 150, 0x2), (150, 150, 302, 0x2)]
    );
    assert_eq!(map.tracks()[0].number, 4);
    assert_eq!(map.tracks()[1].number, 5);
    assert!(map.mcn().is_none());

    // isofs-m1.cue: MODE1/2352, COPY NOT PERMITTED, CATALOG 0000012101954, START 0 END 302.
    let p = load_cue(&real("isofs-m1.cue")).unwrap();
    let map = build(&p, &ConvertOptions::default());
    assert_eq!(layout(&map), vec![(-150, 0, 302, 0x4)]);
    assert_eq!(map.mcn().unwrap().to_string(), "0000012101954");
    assert_eq!(map.tracks()[0].type_name(), "mode1");
    match map.sector(16).unwrap().main {
        MainSource::Source {
            offset,
            unscrambled_raw,
            ..
        } => assert_eq!((offset, unscrambled_raw), (16 * 2352, true)),
        MainSource::Generated => panic!(),
    }

    // p1.cue (BOING.BIN is p1.bin here): cdrdao T1 PREGAP 75 START 75, T2 PREGAP 75 START 225,
    // END 302, all COPY. The file starts at LBA 0 (track 1's 150 implicit pre-gap sectors are
    // not in it), so rawcd's LBAs are cdrdao's addresses.
    let text = std::fs::read_to_string(real("p1.cue")).unwrap();
    let sheet = parse_cue(&text, &real("p1.cue")).unwrap();
    let mut stat =
        |p: &Path, k: FileKind| rawcd::formats::stat_file(&p.with_file_name("p1.bin"), k);
    let p = resolve_cue(&sheet, &real(""), &mut stat).unwrap();
    let map = build(&p, &relaxed());
    assert_eq!(
        layout(&map),
        vec![(-150, 75, 150, 0x2), (150, 225, 302, 0x2)]
    );
    assert_eq!(
        input_of(&map, 0),
        std::fs::read(real("p1.bin")).unwrap()[..2352]
    );
    assert_eq!(map.sector(-1).unwrap().main, MainSource::Generated);

    // cdda.toc: CD_DA, T1 AUDIO COPY START 0 END 25, DATAFILE "cdda.bin" #200 00:00:25.
    let p = load_toc(&real("cdda.toc")).unwrap();
    let map = build(&p, &relaxed());
    assert_eq!(layout(&map), vec![(-150, 0, 25, 0x2)]);
    assert_eq!(
        input_of(&map, 0),
        std::fs::read(real("cdda.bin")).unwrap()[200..200 + 2352]
    );
}

#[test]
fn multi_file_wave_with_partial_sector_is_joined_in_memory() {
    let d = temp_dir("wave");
    // a.wav: 400 sectors + 250 samples; b.wav: 350 sectors.
    let a = pattern(400 * 2352 + 1000, 1);
    let b = pattern(350 * 2352, 2);
    std::fs::write(d.join("a.wav"), common::cd_wav(&a)).unwrap();
    std::fs::write(d.join("b.wav"), common::cd_wav(&b)).unwrap();
    let cue = "FILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    ISRC USABC2400001\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    FLAGS PRE 4CH SCMS\n    INDEX 00 00:04:00\nFILE \"b.wav\" WAVE\n    INDEX 01 00:00:00\n";
    std::fs::write(d.join("d.cue"), cue).unwrap();
    let p = load_cue(&d.join("d.cue")).unwrap();
    let map = build(&p, &ConvertOptions::default());
    // Track 2: 100 sectors + 1000 bytes of a.wav as index 00, then b.wav; the partial sector
    // is not padded, so b.wav's samples follow a.wav's without silence between them.
    assert_eq!(layout(&map)[0], (-150, 0, 300, 0));
    assert_eq!(map.tracks()[1].first_lba, 300);
    assert_eq!(map.tracks()[1].ctrl, 0x9);
    assert_eq!(map.tracks()[1].copy, CopySetting::Scms);
    assert_eq!(
        map.tracks()[0].isrc.as_ref().unwrap().as_str(),
        "USABC2400001"
    );
    let total = 400 * 2352 + 1000 + 350 * 2352;
    assert_eq!(map.start_of_leadout(), (total as u32).div_ceil(2352) as i32);
    // The sector holding a.wav's last 1000 bytes continues with b.wav's first bytes.
    let s = input_of(&map, 400);
    assert_eq!(s[..1000], a[400 * 2352..]);
    assert_eq!(s[1000..], b[..1352]);
    // Whole sectors before the join are zero-copy slices of the file.
    assert_eq!(input_of(&map, 5), a[5 * 2352..6 * 2352]);
    // The last sector is padded with silence.
    let last = input_of(&map, map.start_of_leadout() - 1);
    let used = total % 2352;
    assert_eq!(last[..used], b[b.len() - used..]);
    assert!(last[used..].iter().all(|&x| x == 0));
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn pregap_index00_and_postgap() {
    let d = temp_dir("gaps");
    std::fs::write(d.join("t.bin"), pattern(1000 * 2352, 3)).unwrap();
    let cue = "FILE \"t.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    PREGAP 00:01:00\n    INDEX 01 00:05:00\n  TRACK 03 AUDIO\n    INDEX 00 00:10:00\n    INDEX 01 00:10:50\n    INDEX 02 00:12:00\n    POSTGAP 00:02:00\n";
    std::fs::write(d.join("d.cue"), cue).unwrap();
    let p = load_cue(&d.join("d.cue")).unwrap();
    let map = build(&p, &ConvertOptions::default());
    // T1: file 0..375. T2: 75 generated, INDEX 01 = file 375 → LBA 450, to file 750.
    // T3: INDEX 00 file 750 → LBA 825, INDEX 01 file 800 → 875, INDEX 02 file 900 → 975,
    // content to file 1000 → 1075, then 150 generated post-gap → lead-out 1225.
    assert_eq!(
        layout(&map),
        vec![(-150, 0, 375, 0), (375, 450, 825, 0), (825, 875, 1225, 0)]
    );
    assert_eq!(map.tracks()[2].indexes, vec![975]);
    assert_eq!(map.sector(400).unwrap().main, MainSource::Generated);
    assert_eq!(map.sector(400).unwrap().index, 0);
    assert_eq!(map.sector(1100).unwrap().main, MainSource::Generated);
    assert_eq!(map.sector(1100).unwrap().index, 2);
    assert_eq!(map.sector(850).unwrap().index, 0);
    let file = std::fs::read(d.join("t.bin")).unwrap();
    assert_eq!(input_of(&map, 850), file[775 * 2352..776 * 2352]);
    assert_eq!(input_of(&map, 450), file[375 * 2352..376 * 2352]);
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn motorola_audio_is_byte_swapped() {
    let d = temp_dir("motorola");
    let be = pattern(300 * 2352, 4);
    std::fs::write(d.join("m.bin"), &be).unwrap();
    std::fs::write(
        d.join("d.cue"),
        "FILE \"m.bin\" MOTOROLA\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    let map = build(&load_cue(&d.join("d.cue")).unwrap(), &Default::default());
    let s = input_of(&map, 299);
    let src = &be[299 * 2352..];
    for i in (0..2352).step_by(2) {
        assert_eq!([s[i], s[i + 1]], [src[i + 1], src[i]]);
    }
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn toc_silence_start_index_and_raw_audio_swap() {
    let d = temp_dir("toc");
    let be = pattern(400 * 2352, 5);
    std::fs::write(d.join("a.raw"), &be).unwrap();
    std::fs::write(d.join("l.raw"), &be).unwrap();
    let toc = "CD_DA\nCATALOG \"1234567890128\"\nTRACK AUDIO\nCOPY\nPRE_EMPHASIS\nISRC \"USABC2400002\"\nSILENCE 00:01:00\nFILE \"a.raw\" 0 00:05:00\nSTART 00:01:00\nINDEX 00:03:00\nTRACK AUDIO\nFILE \"l.raw\" SWAP 0 00:05:00\n";
    std::fs::write(d.join("d.toc"), toc).unwrap();
    let p = load_toc(&d.join("d.toc")).unwrap();
    let map = build(&p, &ConvertOptions::default());
    // Track 1: the 150 implicit pre-gap sectors (LBA −150..−1, never in a sheet), then the
    // 75 silence sectors of the stored pre-gap at LBA 0..74, INDEX 01 at 75, INDEX 02 three
    // seconds later; track 2 gapless after it. `cdrdao show-toc d.toc` prints the same:
    // T1 PREGAP 75 START 75 INDEX 2 300 END 450; T2 START 450 END 825.
    assert_eq!(layout(&map), vec![(-150, 75, 450, 0x3), (450, 450, 825, 0)]);
    assert_eq!(map.tracks()[0].indexes, vec![300]);
    assert_eq!(map.mcn().unwrap().to_string(), "1234567890128");
    assert_eq!(
        map.tracks()[0].isrc.as_ref().unwrap().as_str(),
        "USABC2400002"
    );
    assert_eq!(map.sector(-10).unwrap().main, MainSource::Generated);
    // Raw audio in a TOC file is big-endian: swapped; with SWAP it is taken as is.
    assert_eq!(map.sector(10).unwrap().main, MainSource::Generated);
    let s = input_of(&map, 75);
    assert_eq!([s[0], s[1]], [be[1], be[0]]);
    assert_eq!(input_of(&map, 450), be[..2352]);
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn toc_mode2_form2_gets_subheader_and_edc() {
    let d = temp_dir("form2");
    let data = pattern(300 * 2324, 6);
    std::fs::write(d.join("f2.bin"), &data).unwrap();
    std::fs::write(
        d.join("d.toc"),
        "CD_ROM_XA\nTRACK MODE2_FORM2\nDATAFILE \"f2.bin\"\n",
    )
    .unwrap();
    let map = build(&load_toc(&d.join("d.toc")).unwrap(), &Default::default());
    assert_eq!(map.tracks()[0].type_name(), "mode2form2");
    assert_eq!(map.start_of_leadout(), 300);
    let s = input_of(&map, 7);
    assert_eq!(s.len(), 2336);
    assert_eq!(s[..8], [0, 0, 0x20, 0, 0, 0, 0x20, 0]);
    assert_eq!(s[8..2332], data[7 * 2324..8 * 2324]);
    let edc = rawcd::codec::edc::edc_reference(&s[..2332]);
    assert_eq!(s[2332..], edc.to_le_bytes());
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn mode2_2336_is_mode2mixed_and_edc_can_be_regenerated() {
    let d = temp_dir("xa");
    let mut data = pattern(300 * 2336, 7);
    for (i, s) in data.chunks_exact_mut(2336).enumerate() {
        let sub = if i % 2 == 0 { 0x08 } else { 0x20 };
        s[..8].copy_from_slice(&[0, 0, sub, 0, 0, 0, sub, 0]);
    }
    std::fs::write(d.join("x.bin"), &data).unwrap();
    std::fs::write(
        d.join("d.cue"),
        "FILE \"x.bin\" BINARY\n  TRACK 01 MODE2/2336\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    let p = load_cue(&d.join("d.cue")).unwrap();
    let map = build(&p, &ConvertOptions::default());
    assert_eq!(map.tracks()[0].type_name(), "mode2mixed");
    assert_eq!(input_of(&map, 0), data[..2336], "passed through unchanged");
    let opts = ConvertOptions {
        regenerate_edc: true,
        ..Default::default()
    };
    let map = build(&p, &opts);
    let f1 = input_of(&map, 0);
    assert_eq!(f1[..2056], data[..2056]);
    let edc = rawcd::codec::edc::edc_reference(&f1[..2056]);
    assert_eq!(f1[2056..2060], edc.to_le_bytes());
    let f2 = input_of(&map, 1);
    assert_eq!(f2[..2332], data[2336..2336 + 2332]);
    let edc = rawcd::codec::edc::edc_reference(&f2[..2332]);
    assert_eq!(f2[2332..], edc.to_le_bytes());
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn cue_text_fields_become_one_cdtext_block() {
    let d = temp_dir("text");
    std::fs::write(d.join("t.bin"), vec![0u8; 700 * 2352]).unwrap();
    let cue = "TITLE \"Album\"\nPERFORMER \"Band\"\nFILE \"t.bin\" BINARY\n  TRACK 01 AUDIO\n    TITLE \"One\"\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    TITLE \"Caf\u{e9}\"\n    SONGWRITER \"Writer\"\n    MESSAGE \"Hi\"\n    INDEX 01 00:05:00\n";
    std::fs::write(d.join("d.cue"), cue).unwrap();
    let p = load_cue(&d.join("d.cue")).unwrap();
    let map = build(&p, &ConvertOptions::default());
    assert!(map.cdtext().is_some());
    let text = CdText::decode(&plan_cdtext_packs(&p).unwrap().unwrap()).unwrap();
    assert_eq!(text.blocks.len(), 1);
    let b = &text.blocks[0];
    assert_eq!((b.language, b.first_track, b.tracks.len()), (9, 1, 2));
    assert_eq!(b.disc.title, b"Album");
    assert_eq!(b.disc.performer, b"Band");
    assert_eq!(b.tracks[0].texts.title, b"One");
    assert_eq!(b.tracks[1].texts.title, b"Caf\xe9", "Latin-1 bytes");
    assert_eq!(b.tracks[1].texts.songwriter, b"Writer");
    assert!(b.tracks[0].texts.songwriter.is_empty());
    assert!(b.disc.songwriter.is_empty());
    assert_eq!(b.tracks[1].texts.message, b"Hi");
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn toc_cd_text_blocks_and_cdtextfile() {
    let d = temp_dir("toctext");
    std::fs::write(d.join("a.raw"), vec![0u8; 300 * 2352]).unwrap();
    let toc = "CD_DA\nCD_TEXT {\n  LANGUAGE_MAP { 0 : EN 1 : 8 }\n  LANGUAGE 0 { TITLE \"Disc\" DISC_ID \"XY1\" }\n  LANGUAGE 1 { TITLE \"Scheibe\" }\n}\nTRACK AUDIO\nCD_TEXT {\n  LANGUAGE 0 { TITLE \"Song\" PERFORMER \"Me\" }\n  LANGUAGE 1 { TITLE \"Lied\" }\n}\nFILE \"a.raw\" 0 00:04:00\n";
    std::fs::write(d.join("d.toc"), toc).unwrap();
    let p = load_toc(&d.join("d.toc")).unwrap();
    let packs = plan_cdtext_packs(&p).unwrap().unwrap();
    let text = CdText::decode(&packs).unwrap();
    assert_eq!(text.blocks.len(), 2);
    assert_eq!(text.blocks[0].language, 0x09);
    assert_eq!(text.blocks[1].language, 0x08);
    assert_eq!(text.blocks[0].disc.title, b"Disc");
    assert_eq!(text.blocks[0].disc_id, b"XY1");
    assert_eq!(text.blocks[0].tracks[0].texts.performer, b"Me");
    assert_eq!(text.blocks[1].tracks[0].texts.title, b"Lied");
    build(&p, &ConvertOptions::default());

    // A cue CDTEXTFILE is read relative to the sheet and wins over TITLE lines.
    std::fs::write(
        d.join("x.cdt"),
        rawcd::formats::cdt::write_cdt(&packs, false),
    )
    .unwrap();
    std::fs::write(
        d.join("d.cue"),
        "CDTEXTFILE \"x.cdt\"\nTITLE \"Other\"\nFILE \"a.raw\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    let p = load_cue(&d.join("d.cue")).unwrap();
    assert_eq!(plan_cdtext_packs(&p).unwrap().unwrap(), packs);
    assert!(build(&p, &Default::default()).cdtext().is_some());
    std::fs::write(d.join("x.cdt"), [0x80u8; 5]).unwrap();
    let e = plan_to_creator(&p, &Default::default()).unwrap_err();
    assert!(matches!(e, ConvertError::Cdt { .. }));
    assert!(e.to_string().contains("x.cdt"), "{e}");
    let _: Option<Pack> = None;
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn errors_name_the_file() {
    let d = temp_dir("errors");
    std::fs::write(d.join("g.bin"), vec![0u8; 300 * 2448]).unwrap();
    std::fs::write(
        d.join("g.cue"),
        "FILE \"g.bin\" BINARY\n  TRACK 01 CDG\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    // CD+G tracks are supported: the 96 extra bytes become the track's own R–W stream.
    let p = load_cue(&d.join("g.cue")).unwrap();
    let map = plan_to_creator(&p, &Default::default())
        .unwrap()
        .build()
        .unwrap();
    assert!(map.has_rw_input());
    // A file that disappeared after resolving.
    std::fs::write(d.join("s.bin"), vec![0u8; 100 * 2352]).unwrap();
    std::fs::write(
        d.join("s.cue"),
        "FILE \"s.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    let p = load_cue(&d.join("s.cue")).unwrap();
    let e = plan_to_creator(&p, &Default::default())
        .unwrap()
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("track 1"), "{e}");
    let msg = match plan_to_creator(&p, &Default::default()).and_then(|c| {
        c.build().map_err(|source| ConvertError::Layout {
            sheet: p.sheet.clone(),
            source,
        })
    }) {
        Err(e) => e.to_string(),
        Ok(_) => panic!(),
    };
    assert!(
        msg.starts_with(&d.join("s.cue").display().to_string()),
        "{msg}"
    );
    std::fs::remove_file(d.join("s.bin")).unwrap();
    let e = plan_to_creator(&p, &Default::default()).unwrap_err();
    assert!(matches!(e, ConvertError::Io { .. }));
    assert!(e.is_bad_input());
    assert!(e.to_string().contains("s.bin"), "{e}");
    let _ = std::fs::remove_dir_all(d);
}

//! R–W in the stream: CD+G tracks through parity and interleave, CD-Text in the lead-in.

#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

mod common;

use std::io::Read;

use rawcd::codec::cdtext::{symbols_to_pack, Block, CdText, Charset, Pack, TextKind};
use rawcd::codec::rw::{parity_reference, PackStatus, RwDeinterleaver};
use rawcd::codec::SectorType;
use rawcd::layout::{DiscMap, ImageCreator, LeadIn, SubchannelFormat};
use rawcd::pipeline::{PipelineOptions, ResultImage};
use rawcd::source::Source;

fn raw96(map: &DiscMap) -> Vec<u8> {
    let mut img = ResultImage::new(map, PipelineOptions::default()).unwrap();
    let mut v = Vec::new();
    img.read_to_end(&mut v).unwrap();
    v
}

/// A creator without lead-in: one silent audio track of `sectors` sectors with `cooked` as its
/// R–W.
fn silent_track_with_rw(sectors: usize, cooked: &[u8]) -> ImageCreator {
    let mut c = ImageCreator::new();
    c.set_leadin(LeadIn::None);
    c.add_track(
        SectorType::Audio,
        Source::from_bytes(vec![0u8; sectors * 2352]),
    )
    .unwrap();
    c.set_track_rw(1, Source::from_bytes(cooked.to_vec()))
        .unwrap();
    c
}

/// The 96 R–W symbols of sector i of a raw96 stream.
fn rw_of(stream: &[u8], i: usize) -> [u8; 96] {
    let mut s = [0u8; 96];
    for (d, b) in s.iter_mut().zip(&stream[i * 2448 + 2352..(i + 1) * 2448]) {
        *d = b & 0x3F;
    }
    s
}

/// Cooked packs with parity, as the encoder must put them on disc.
fn with_parity(cooked: &[u8]) -> Vec<u8> {
    let mut out = cooked.to_vec();
    for p in out.chunks_exact_mut(24) {
        let mut a = [0u8; 24];
        a.copy_from_slice(p);
        parity_reference(&mut a);
        p.copy_from_slice(&a);
    }
    out
}

fn decode_track(stream: &[u8], first: usize, sectors: usize) -> (Vec<u8>, usize) {
    let mut d = RwDeinterleaver::new();
    let mut out = Vec::new();
    let mut bad = 0;
    for k in 0..sectors + 2 {
        let mut c = [0u8; 96];
        let st = d.decode_sector(&rw_of(stream, first + k), &mut c);
        if k >= 2 {
            out.extend_from_slice(&c);
            bad += st.iter().filter(|s| !matches!(s, PackStatus::Ok)).count();
        }
    }
    (out, bad)
}

#[test]
fn track_rw_goes_through_parity_and_interleave_and_decodes_back() {
    let sectors = 400;
    let mut cooked = common::SplitMix::new(9).take(sectors * 96);
    for b in &mut cooked {
        *b &= 0x3F;
    }
    let mut c = silent_track_with_rw(sectors, &cooked);
    let map = c.build().unwrap();
    let stream = raw96(&map);
    // Track 1 content starts at LBA 0 = stream sector 150.
    let (back, bad) = decode_track(&stream, 150, sectors);
    assert_eq!(bad, 0);
    assert_eq!(back, with_parity(&cooked));
    // The packed form carries the cooked packs with parity, not interleaved.
    c.set_result_type(SubchannelFormat::Packed96);
    let stream = raw96(&c.build().unwrap());
    let packed: Vec<u8> = (0..sectors).flat_map(|i| rw_of(&stream, 150 + i)).collect();
    assert_eq!(packed, with_parity(&cooked));
}

#[test]
fn cue_cdg_track_regenerates_the_same_raw_rw() {
    // Make a CDG track (2352 audio + 96 raw P–W) from our own raw stream, then read it back
    // through a cue sheet: the regenerated R–W must be the same bits.
    let sectors = 320;
    let mut cooked = common::SplitMix::new(3).take(sectors * 96);
    for b in &mut cooked {
        *b &= 0x3F;
    }
    let audio = common::SplitMix::new(4).take(sectors * 2352);
    let mut c = ImageCreator::new();
    c.set_leadin(LeadIn::None);
    c.add_track(SectorType::Audio, Source::from_bytes(audio.clone()))
        .unwrap();
    c.set_track_rw(1, Source::from_bytes(cooked)).unwrap();
    let want = raw96(&c.build().unwrap());
    let dir = std::env::temp_dir().join(format!("rawcd-cdg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut file = Vec::new();
    for i in 0..sectors {
        file.extend_from_slice(&audio[i * 2352..(i + 1) * 2352]);
        file.extend_from_slice(&want[(150 + i) * 2448 + 2352..(151 + i) * 2448]);
    }
    std::fs::write(dir.join("k.bin"), &file).unwrap();
    std::fs::write(
        dir.join("k.cue"),
        "FILE \"k.bin\" BINARY\n  TRACK 01 CDG\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    let plan = rawcd::formats::load_cue(&dir.join("k.cue")).unwrap();
    let c2 = rawcd::formats::plan_to_creator(&plan, &Default::default()).unwrap();
    let mut c2 = c2;
    c2.set_leadin(LeadIn::None);
    let got = raw96(&c2.build().unwrap());
    assert_eq!(got.len(), want.len());
    let diff: Vec<usize> = (0..got.len() / 2448)
        .filter(|&i| got[i * 2448..(i + 1) * 2448] != want[i * 2448..(i + 1) * 2448])
        .collect();
    // A CDG file holds the track's sectors only: symbols the interleaver delayed past the
    // track's end (into the lead-out) are not in it, so the last two packs of the track decode
    // incomplete and get fresh parity. Only the last track sector and the two after it differ.
    let last = 150 + sectors - 1;
    assert!(
        diff.iter().all(|&i| (last..last + 3).contains(&i)),
        "sectors differ: {diff:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cdtext_in_the_leadin_decodes_back_and_cycles() {
    let mut b = Block::new(0x09, Charset::Iso8859_1, 1, 2);
    *b.disc.get_mut(TextKind::Title) = b"Lead-in test".to_vec();
    *b.disc.get_mut(TextKind::Performer) = b"rawcd".to_vec();
    *b.tracks[0].texts.get_mut(TextKind::Title) = b"One".to_vec();
    *b.tracks[1].texts.get_mut(TextKind::Title) = b"Two".to_vec();
    let text = CdText { blocks: vec![b] };
    let packs = text.encode(&Default::default()).unwrap();
    let mut c = ImageCreator::new();
    c.set_cdtext(&text).unwrap();
    for _ in 0..2 {
        c.add_track(SectorType::Audio, Source::from_bytes(vec![0u8; 300 * 2352]))
            .unwrap();
    }
    let map = c.build().unwrap();
    let stream = raw96(&map);
    // Sector k of the lead-in (from −22650) holds packs 4k..4k+3 of the padded list, wrapping.
    let n = packs.len();
    let padded: Vec<Pack> = match n % 4 {
        0 => packs.clone(),
        2 => [packs.clone(), packs.clone()].concat(),
        _ => [packs.clone(), packs.clone(), packs.clone(), packs.clone()].concat(),
    };
    let cycle = padded.len() / 4;
    let mut seen = Vec::new();
    for k in 0..cycle * 2 + 3 {
        let rw = rw_of(&stream, k);
        for q in 0..4 {
            let mut sym = [0u8; 24];
            sym.copy_from_slice(&rw[24 * q..24 * q + 24]);
            let p = Pack(symbols_to_pack(&sym));
            assert!(p.crc_ok(), "sector {k} pack {q}");
            assert_eq!(p, padded[(4 * k + q) % padded.len()], "sector {k} pack {q}");
            if k < cycle {
                seen.push(p);
            }
        }
    }
    assert_eq!(CdText::decode(&seen).unwrap(), text);
    // The program area's R–W stays zero without a caller stream.
    assert!(rw_of(&stream, 22650 + 10).iter().all(|&b| b == 0));
}

#[test]
#[ignore = "needs ../shared/testdata"]
fn brother_john_cdg_as_a_track_rw_stream() {
    let cdg = common::testdata("gst-plugins-rs/BrotherJohn.cdg");
    let sectors = cdg.len() / 96;
    assert_eq!(sectors, 6075);
    let cooked: Vec<u8> = cdg.iter().map(|b| b & 0x3F).collect();
    let c = silent_track_with_rw(sectors, &cooked);
    let stream = raw96(&c.build().unwrap());
    let (back, bad) = decode_track(&stream, 150, sectors);
    assert_eq!(bad, 0);
    // The file's packs already carry correct parity (4763/4763), so they come back unchanged.
    assert_eq!(back, cooked);
}

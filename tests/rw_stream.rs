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

/// The cooked R–W a decoder gets from a track's stored raw P–W: bits 7 and 6 dropped, the
/// de-interleaver run over the track from an empty delay line (lag 2 sectors, zero past the
/// end), single symbol errors corrected. The oracle of `RwForm::StoredRaw`.
fn cooked_of_stored_raw(raw: &[u8]) -> Vec<u8> {
    let n = raw.len() / 96;
    let mut d = RwDeinterleaver::new();
    let mut out = Vec::new();
    for k in 0..n + 2 {
        let mut r = [0u8; 96];
        if k < n {
            for (x, b) in r.iter_mut().zip(&raw[k * 96..k * 96 + 96]) {
                *x = b & 0x3F;
            }
        }
        let mut c = [0u8; 96];
        let _ = d.decode_sector(&r, &mut c);
        if k >= 2 {
            out.extend(c.iter().map(|b| b & 0x3F));
        }
    }
    out
}

fn stream_with(map: &DiscMap, batch: usize) -> Vec<u8> {
    let opts = PipelineOptions {
        batch_sectors: batch,
        threads: 2,
        ..Default::default()
    };
    let mut img = ResultImage::new(map, opts).unwrap();
    let mut v = Vec::new();
    img.read_to_end(&mut v).unwrap();
    v
}

#[test]
fn stored_subchannel_forms_give_the_stream_of_their_cooked_packs() {
    use rawcd::layout::RwForm;
    // A track stored as 2352 audio + 96 subchannel bytes per sector (random P and Q bits too):
    // read as strided views of that one buffer, the stored raw R–W must give exactly the
    // stream of the cooked packs a sequential decoder gets from them, in every batch size (a
    // batch decodes its sectors without state), and so must the sequential reference.
    let sectors = 333;
    let records = common::SplitMix::new(96).take(sectors * 2448);
    let whole = Source::from_bytes(records.clone());
    let main = whole.strided(0, 2352, 2448, sectors as u64).unwrap();
    let sub = whole.strided(2352, 96, 2448, sectors as u64).unwrap();
    let raw: Vec<u8> = records
        .chunks_exact(2448)
        .flat_map(|r| r[2352..].to_vec())
        .collect();
    let audio: Vec<u8> = records
        .chunks_exact(2448)
        .flat_map(|r| r[..2352].to_vec())
        .collect();
    for (form, cooked) in [
        (RwForm::StoredRaw, cooked_of_stored_raw(&raw)),
        (
            RwForm::StoredPacked,
            raw.iter().map(|b| b & 0x3F).collect::<Vec<u8>>(),
        ),
    ] {
        let mut want = ImageCreator::new();
        want.set_leadin(LeadIn::None);
        want.add_track(SectorType::Audio, Source::from_bytes(audio.clone()))
            .unwrap();
        want.set_track_rw(1, Source::from_bytes(cooked)).unwrap();
        let want = raw96(&want.build().unwrap());
        let mut c = ImageCreator::new();
        c.set_leadin(LeadIn::None);
        c.add_track(SectorType::Audio, main.clone()).unwrap();
        c.set_track_rw_as(1, sub.clone(), form).unwrap();
        let map = c.build().unwrap();
        for batch in [1, 2, 3, 7, 64] {
            assert!(stream_with(&map, batch) == want, "{form:?}, batch {batch}");
        }
        let reference = rawcd::layout::reference::raw_stream(&map, &rawcd::codec::engine::Table);
        assert!(reference.unwrap() == want, "{form:?}: reference");
    }
}

#[test]
fn a_track_subchannel_as_read_is_carried_byte_for_byte() {
    use rawcd::codec::subchannel::linear_from_raw;
    use rawcd::pipeline::SectorForm;
    // Clone mode for one stored track: its sectors carry the 96 bytes as given in every
    // subchannel form; the other track and the gaps keep the generated subchannel.
    let sectors = 320;
    let pw = common::SplitMix::new(97).take(sectors * 96);
    let build = |as_read: bool| {
        let mut c = ImageCreator::new();
        c.set_leadin(LeadIn::None);
        c.add_track(SectorType::Audio, Source::from_bytes(vec![1u8; 300 * 2352]))
            .unwrap();
        c.add_track(
            SectorType::Audio,
            Source::from_bytes(vec![2u8; sectors * 2352]),
        )
        .unwrap();
        if as_read {
            c.set_track_subchannel_as_read(2, Source::from_bytes(pw.clone()))
                .unwrap();
        }
        c.build().unwrap()
    };
    let (plain, clone) = (build(false), build(true));
    let start = clone.tracks()[1].index01;
    assert_eq!(start, plain.tracks()[1].index01);
    for (form, size) in [(SectorForm::Raw96, 2448usize), (SectorForm::Linear96, 2448)] {
        let opts = |batch| PipelineOptions {
            form: Some(form),
            batch_sectors: batch,
            ..Default::default()
        };
        let mut a = Vec::new();
        ResultImage::new(&plain, opts(64))
            .unwrap()
            .read_to_end(&mut a)
            .unwrap();
        for batch in [5, 64] {
            let mut b = Vec::new();
            ResultImage::new(&clone, opts(batch))
                .unwrap()
                .read_to_end(&mut b)
                .unwrap();
            assert_eq!(a.len(), b.len());
            for i in 0..a.len() / size {
                let lba = i as i32 - 150;
                let (x, y) = (&a[i * size..(i + 1) * size], &b[i * size..(i + 1) * size]);
                assert!(x[..2352] == y[..2352], "main channel of LBA {lba}");
                let k = lba - start;
                if (0..sectors as i32).contains(&k) {
                    let given: &[u8; 96] = pw[k as usize * 96..][..96].try_into().unwrap();
                    let want = match form {
                        SectorForm::Linear96 => linear_from_raw(given),
                        _ => *given,
                    };
                    assert!(y[2352..] == want[..], "{form:?} LBA {lba}");
                } else {
                    assert!(x[2352..] == y[2352..], "{form:?} LBA {lba} (generated)");
                }
            }
        }
    }
    // packed96 cannot carry it.
    let mut c = ImageCreator::new();
    c.add_track(SectorType::Audio, Source::from_bytes(vec![0u8; 300 * 2352]))
        .unwrap();
    c.set_track_subchannel_as_read(1, Source::from_bytes(vec![0u8; 96 * 300]))
        .unwrap();
    c.set_result_type(SubchannelFormat::Packed96);
    assert!(c.build().is_err());
}

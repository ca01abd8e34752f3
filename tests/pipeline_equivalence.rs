//! Every code path, one answer: the pipeline's bytes equal the sequential reference
//! generator's, for every output form, on randomized discs and pipeline settings.

#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

mod common;

use std::io::Read;

use proptest::prelude::*;
use rawcd::codec::cdtext::{Block, CdText, Charset, TextKind};
use rawcd::codec::engine::Auto;
use rawcd::codec::subchannel::{deinterleave_reference, pq16, write_pw_reference as write_pw};
use rawcd::codec::{encode_sector, SectorType, SECTOR_SIZE};
use rawcd::layout::reference::Generator;
use rawcd::layout::{DiscMap, ImageCreator, LeadIn};
use rawcd::pipeline::{PipelineOptions, ResultImage, SectorForm};
use rawcd::source::Source;
use rawcd::units::{Lba, Msf};

/// A reader that returns one byte per `read` call.
struct OneByte(std::io::Cursor<Vec<u8>>);
impl Read for OneByte {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(1);
        self.0.read(&mut buf[..n])
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Bytes,
    Reader,
    File,
}

fn source(data: Vec<u8>, kind: Kind, tag: &str) -> Source {
    match kind {
        Kind::Bytes => Source::from_bytes(data),
        Kind::Reader => {
            let len = data.len() as u64;
            Source::from_reader(OneByte(std::io::Cursor::new(data)), len, tag)
        }
        Kind::File => {
            let p = std::env::temp_dir().join(format!(
                "rawcd-eq-{}-{tag}-{}",
                std::process::id(),
                rand_suffix()
            ));
            std::fs::write(&p, &data).unwrap();
            let s = Source::open(&p).unwrap();
            let _ = std::fs::remove_file(&p); // the map keeps the bytes alive
            s
        }
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn fill(seed: u64, n: usize) -> Vec<u8> {
    common::SplitMix::new(seed).take(n)
}

#[derive(Debug, Clone)]
struct DiscSpec {
    tracks: Vec<(SectorType, u32)>,
    gapless: bool,
    mcn: bool,
    isrc: bool,
    index2: Option<u32>,
    leadin: u8,
    rw: bool,
    cdtext: bool,
    seed: u64,
}

fn disc_spec() -> impl Strategy<Value = DiscSpec> {
    let ty = prop::sample::select(common::disc_track_types());
    (
        prop::collection::vec((ty, 300u32..330), 1..4),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::option::of(1u32..299),
        0u8..3,
        any::<bool>(),
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(
            |(tracks, gapless, mcn, isrc, index2, leadin, rw, cdtext, seed)| DiscSpec {
                tracks,
                gapless,
                mcn,
                isrc,
                index2,
                leadin,
                rw,
                cdtext,
                seed,
            },
        )
}

fn build(spec: &DiscSpec, kind: Kind) -> DiscMap {
    let e = Auto::detect();
    let mut c = ImageCreator::new();
    c.set_disable_gapless_audio(spec.gapless).unwrap();
    c.set_leadin(match spec.leadin {
        0 => LeadIn::None,
        1 => LeadIn::At(Msf::new(99, 58, 0).unwrap()),
        _ => LeadIn::At(Msf::new(99, 59, 70).unwrap()),
    });
    let mut lba_guess = 0;
    for (i, &(ty, n)) in spec.tracks.iter().enumerate() {
        let n = n + if spec.gapless { 150 } else { 0 };
        let data = if ty.is_raw() {
            // Raw input must carry valid scrambled headers for where it will land: build
            // after layout is known; use a placeholder now.
            Vec::new()
        } else {
            let mut d = fill(spec.seed ^ i as u64, n as usize * ty.input_size());
            if ty == SectorType::Mode0 {
                d.fill(0);
            }
            d
        };
        let _ = lba_guess;
        if ty.is_raw() {
            c.add_track(ty, Source::from_bytes(vec![0u8; n as usize * 2352]))
                .unwrap();
        } else {
            c.add_track(ty, source(data, kind, &format!("t{i}")))
                .unwrap();
        }
        lba_guess += n;
    }
    // Now that the layout is known, rebuild raw tracks with correct scrambled sectors.
    let raw: Vec<usize> = spec
        .tracks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.0.is_raw())
        .map(|(i, _)| i)
        .collect();
    if !raw.is_empty() {
        let mut c2 = ImageCreator::new();
        c2.set_disable_gapless_audio(spec.gapless).unwrap();
        c2.set_leadin(match spec.leadin {
            0 => LeadIn::None,
            1 => LeadIn::At(Msf::new(99, 58, 0).unwrap()),
            _ => LeadIn::At(Msf::new(99, 59, 70).unwrap()),
        });
        let map0 = c.build().unwrap();
        for (i, &(ty, n)) in spec.tracks.iter().enumerate() {
            let n = n + if spec.gapless { 150 } else { 0 };
            let t = &map0.tracks()[i];
            let data = if ty.is_raw() {
                let mut v = Vec::with_capacity(n as usize * 2352);
                let user = fill(spec.seed ^ i as u64, 2048);
                for k in 0..n as i32 {
                    let mut s = [0u8; SECTOR_SIZE];
                    let cooked = ty.cooked();
                    encode_sector(&e, cooked, Lba(t.index01 + k), &user, &mut s).unwrap();
                    rawcd::codec::Engine::scramble(&e, &mut s);
                    v.extend_from_slice(&s);
                }
                v
            } else {
                let mut d = fill(spec.seed ^ i as u64, n as usize * ty.input_size());
                if ty == SectorType::Mode0 {
                    d.fill(0);
                }
                d
            };
            c2.add_track(ty, source(data, kind, &format!("r{i}")))
                .unwrap();
        }
        c = c2;
    }
    if spec.mcn {
        c.set_media_catalog_number("0724385356926").unwrap();
    }
    if spec.isrc && spec.tracks[0].0.is_audio() {
        c.set_isrc(1, "USRC17607839").unwrap();
    }
    if let Some(x) = spec.index2 {
        c.track_info_mut(1).unwrap().add_track_index(1, x).unwrap();
    }
    if spec.cdtext {
        let mut b = Block::new(0x09, Charset::Iso8859_1, 1, spec.tracks.len());
        *b.disc.get_mut(TextKind::Title) = b"Equivalence".to_vec();
        for (i, t) in b.tracks.iter_mut().enumerate() {
            *t.texts.get_mut(TextKind::Title) = format!("Track {i}").into_bytes();
        }
        c.set_cdtext(&CdText { blocks: vec![b] }).unwrap();
    }
    if spec.rw {
        let map = c.build().unwrap();
        let n = map.sector_count() as usize;
        let mut rw = fill(spec.seed.wrapping_add(7), n * 96);
        for b in &mut rw {
            *b &= 0x3F;
        }
        c.add_subcode_rw(source(rw, kind, "rw"));
    }
    c.build().unwrap()
}

fn expected(map: &DiscMap, form: SectorForm, scramble: bool) -> Vec<u8> {
    let e = Auto::detect();
    let mut out = Vec::new();
    for s in Generator::new(map, &e, scramble) {
        let s = s.unwrap();
        out.extend_from_slice(&s.main);
        let mut pw = [0u8; 96];
        match form {
            SectorForm::Main => {}
            SectorForm::Pq16 => out.extend_from_slice(&pq16(s.info.p, &s.info.q)),
            SectorForm::Raw96 => {
                write_pw(&mut pw, s.info.p, &s.info.q, Some(&s.rw.raw));
                out.extend_from_slice(&pw);
            }
            SectorForm::Packed96 => {
                write_pw(&mut pw, s.info.p, &s.info.q, Some(&s.rw.packed));
                out.extend_from_slice(&pw);
            }
            SectorForm::Linear96 => {
                write_pw(&mut pw, s.info.p, &s.info.q, Some(&s.rw.raw));
                // The plain bit-by-bit deinterleave: the pipeline's SWAR transpose must equal it.
                for chan in deinterleave_reference(&pw) {
                    out.extend_from_slice(&chan);
                }
            }
        }
    }
    out
}

fn run(map: &DiscMap, opts: PipelineOptions) -> Vec<u8> {
    let mut img = ResultImage::new(map, opts).unwrap();
    let mut v = Vec::new();
    img.read_to_end(&mut v).unwrap();
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn pipeline_equals_reference(spec in disc_spec(),
                                 form in prop::sample::select(vec![SectorForm::Main, SectorForm::Pq16, SectorForm::Packed96, SectorForm::Raw96, SectorForm::Linear96]),
                                 scramble in any::<bool>(),
                                 threads in 1usize..4, batch in prop::sample::select(vec![1usize, 7, 64]),
                                 cap in prop::sample::select(vec![Some(1usize), None]),
                                 kind in prop::sample::select(vec![0u8, 1, 2])) {
        let kind = [Kind::Bytes, Kind::Reader, Kind::File][kind as usize];
        // Reader sources are consumed once, so build the map twice.
        let want = expected(&build(&spec, if matches!(kind, Kind::Reader) { Kind::Bytes } else { kind }), form, scramble);
        let map = build(&spec, kind);
        let got = run(&map, PipelineOptions {
            threads, batch_sectors: batch, form: Some(form), scramble, channel_capacity: cap,
            buffer_bytes: 1 << 20, ..Default::default()
        });
        prop_assert_eq!(got.len(), want.len());
        if got != want {
            let sb = form.sector_bytes();
            let i = got.iter().zip(&want).position(|(a, b)| a != b).unwrap();
            prop_assert!(false, "first difference at byte {} (sector {} from the start, offset {})", i, i / sb, i % sb);
        }
    }
}

#[test]
fn labelled_configurations() {
    let spec = DiscSpec {
        tracks: vec![
            (SectorType::Mode1, 310),
            (SectorType::Audio, 305),
            (SectorType::Audio, 300),
        ],
        gapless: false,
        mcn: true,
        isrc: false,
        index2: Some(100),
        leadin: 1,
        rw: true,
        cdtext: true,
        seed: 42,
    };
    let want = expected(&build(&spec, Kind::Bytes), SectorForm::Raw96, true);
    let filter = std::env::var("RAWCD_CONFIG").ok();
    for (label, threads, batch, cap, kind) in [
        ("workers-1", 1, 64, None, Kind::Bytes),
        ("workers-2", 2, 64, None, Kind::Bytes),
        ("workers-8", 8, 64, None, Kind::Bytes),
        ("batch-1", 2, 1, None, Kind::Bytes),
        ("batch-7", 2, 7, None, Kind::Bytes),
        ("channel-1", 2, 7, Some(1), Kind::Bytes),
        ("mapped-file", 2, 64, None, Kind::File),
        ("one-byte-reader", 2, 64, None, Kind::Reader),
    ] {
        if filter.as_deref().is_some_and(|f| f != label) {
            continue;
        }
        let map = build(&spec, kind);
        let got = run(
            &map,
            PipelineOptions {
                threads,
                batch_sectors: batch,
                channel_capacity: cap,
                ..Default::default()
            },
        );
        assert!(got == want, "{label}");
    }
}

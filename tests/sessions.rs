//! Multi-session discs (Enhanced CD / CD-Extra, cd-format §10.7, D24–D27): the disc model's
//! answer for every area of the gaps, every session's lead-in with its ADR 5 items, and the
//! streams of the whole disc and of each session.

#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

mod common;

use std::io::Read;

use rawcd::codec::engine::Auto;
use rawcd::codec::{QFrame, SectorType};
use rawcd::layout::reference::raw_stream;
use rawcd::layout::{
    Area, DiscMap, ImageCreator, LayoutError, LeadIn, SubchannelFormat, TrackLayout, TrackPiece,
};
use rawcd::pipeline::{PipelineOptions, ResultImage};
use rawcd::source::Source;

/// The pressed CD-Extra of cd-format §10.7: three audio tracks with 150-sector pauses whose
/// session ends at LBA 32 807, then a Mode 2 Form 1 track whose session's lead-out is at
/// 69 803 (the B0 example's PMSF 15:32:53). Generated content, so nothing is held in memory.
fn cd_extra() -> ImageCreator {
    let mut c = ImageCreator::new();
    let audio = |pregap: u32, n: u32| {
        (
            vec![TrackPiece::Zero(n)],
            TrackLayout {
                pregap_generated: pregap,
                ..Default::default()
            },
        )
    };
    for (pregap, n) in [(0, 10_000), (150, 10_000), (150, 12_507)] {
        let (pieces, layout) = audio(pregap, n);
        c.add_track_explicit(SectorType::Audio, pieces, layout, false)
            .unwrap();
    }
    c.new_session().unwrap();
    c.add_track_explicit(
        SectorType::Mode2Form1,
        vec![TrackPiece::Zero(69_803 - 44_207)],
        TrackLayout::default(),
        false,
    )
    .unwrap();
    c
}

fn q(map: &DiscMap, lba: i32) -> [u8; 12] {
    map.sector(lba).unwrap().q.0
}

/// Every lead-in frame of `range` with POINT `point`, as its first 10 bytes.
fn leadin_items(map: &DiscMap, range: std::ops::Range<i32>, point: u8) -> Vec<[u8; 10]> {
    let mut v: Vec<[u8; 10]> = range
        .map(|l| q(map, l))
        .filter(|f| f[2] == point && f[1] == 0)
        .map(|f| f[..10].try_into().unwrap())
        .collect();
    v.dedup();
    v
}

#[test]
fn cd_extra_layout_has_the_numbers_of_the_pressed_disc() {
    let map = cd_extra().build().unwrap();
    let s = map.sessions();
    assert_eq!(s.len(), 2);
    assert_eq!((s[0].number, s[0].first_track, s[0].last_track), (1, 1, 3));
    assert_eq!((s[0].leadin_lba, s[0].leadin_sectors), (-22_650, 22_500));
    assert_eq!((s[0].leadout_lba, s[0].leadout_sectors), (32_807, 6750));
    assert_eq!(s[0].next_session_start, Some(44_057));
    assert_eq!(s[0].disc_type_name(), "cdda");
    assert_eq!((s[1].number, s[1].first_track, s[1].last_track), (2, 4, 4));
    assert_eq!((s[1].leadin_lba, s[1].leadin_sectors), (39_557, 4500));
    assert_eq!(s[1].first_lba, 44_057);
    assert_eq!((s[1].leadout_lba, s[1].leadout_sectors), (69_803, 2250));
    assert_eq!(s[1].next_session_start, None);
    assert_eq!((s[1].disc_type, s[1].disc_type_name()), (0x20, "cdromxa"));
    assert_eq!(s[1].range(), (39_557, 72_053));
    // The disc's IMAPI quantities are the last session's; each session has its own.
    assert_eq!(map.start_of_leadout(), 69_803);
    assert_eq!(map.last_used_user_sector(), 69_802);
    assert_eq!(s[0].last_used_user_sector(), 32_806);
    assert_eq!(map.end(), 72_053);
    let t4 = &map.tracks()[3];
    assert_eq!((t4.number, t4.session), (4, 2));
    assert_eq!((t4.first_lba, t4.index01, t4.end), (44_057, 44_207, 69_803));
    assert_eq!(map.tracks()[2].end, 32_807);
    assert_eq!(map.tracks()[2].session, 1);
    // READ TOC format 0: every track of every session, the outermost lead-out.
    let toc = map.expected_toc();
    assert_eq!(&toc[2..4], &[1, 4]);
    assert_eq!(
        &toc[toc.len() - 8..],
        &[0, 0x14, 0xAA, 0, 0, 0x01, 0x10, 0xAB]
    );
}

#[test]
fn the_gap_answers_lead_out_then_lead_in_then_pregap() {
    let map = cd_extra().build().unwrap();
    // Session 1's lead-out: TNO AA, relative time from its start, audio CTRL, D3's P.
    let lo = map.sector(32_807).unwrap();
    assert_eq!(
        (lo.area, lo.tno, lo.index, lo.ty),
        (Area::LeadOut, 0xAA, 1, SectorType::Audio)
    );
    assert_eq!(
        &lo.q.0[..10],
        &[0x01, 0xAA, 0x01, 0, 0, 0, 0, 0x07, 0x19, 0x32]
    );
    assert!(!lo.p);
    assert!(map.sector(32_807 + 150).unwrap().p);
    assert!(!map.sector(32_807 + 150 + 19).unwrap().p);
    let last = map.sector(39_556).unwrap();
    assert_eq!((last.area, last.tno), (Area::LeadOut, 0xAA));
    assert_eq!(&last.q.0[3..6], &[0x01, 0x29, 0x74]); // relative 6749 = 01:29:74
    assert_eq!(map.session_of(39_556), Some(1));
    // Session 2's lead-in: its TOC, in its first track's mode, P = 0.
    for lba in [39_557, 40_000, 44_056] {
        let li = map.sector(lba).unwrap();
        assert_eq!(li.area, Area::LeadIn);
        assert_eq!((li.tno, li.index, li.p), (0, 0, false));
        assert_eq!(li.ty, SectorType::Mode2Form1);
        assert_eq!(li.q.0[1], 0);
        assert!(li.q.crc_ok());
        assert_eq!(map.session_of(lba), Some(2));
        assert!(map.in_leadin(lba));
    }
    // The cycle starts at the lead-in's first sector: track 4 three times, then A0.
    assert_eq!(q(&map, 39_557)[2], 0x04);
    assert_eq!(q(&map, 39_559)[2], 0x04);
    assert_eq!(q(&map, 39_560)[2], 0xA0);
    // The running time is the sector's own MSF (D6): 39557 + 150 = 08:49:32.
    assert_eq!(&q(&map, 39_557)[3..6], &[0x08, 0x49, 0x32]);
    // The pre-gap: 150 sectors, INDEX 00 counting down, P = 1, Mode 2 Form 1.
    for lba in 44_057..44_207 {
        let s = map.sector(lba).unwrap();
        assert_eq!(
            (s.area, s.tno, s.index),
            (Area::Track(4), 4, 0),
            "LBA {lba}"
        );
        assert!(s.p, "LBA {lba}");
        assert_eq!(s.ty, SectorType::Mode2Form1);
    }
    assert_eq!(
        &q(&map, 44_057)[..10],
        &[0x41, 0x04, 0x00, 0x00, 0x01, 0x74, 0, 0x09, 0x49, 0x32]
    );
    assert_eq!(
        &q(&map, 44_206)[..10],
        &[0x41, 0x04, 0x00, 0x00, 0x00, 0x00, 0, 0x09, 0x51, 0x31]
    );
    let s = map.sector(44_207).unwrap();
    assert_eq!((s.tno, s.index, s.p), (4, 1, true));
    assert_eq!(
        &s.q.0[..10],
        &[0x41, 0x04, 0x01, 0, 0, 0, 0, 0x09, 0x51, 0x32]
    );
    assert!(!map.sector(44_208).unwrap().p);
    // Session 2's lead-out: TNO AA, data CTRL, Form 1 sectors.
    let lo2 = map.sector(69_803).unwrap();
    assert_eq!((lo2.area, lo2.ty), (Area::LeadOut, SectorType::Mode2Form1));
    assert_eq!(&lo2.q.0[..3], &[0x41, 0xAA, 0x01]);
    assert!(map.sector(72_052).is_some());
    assert!(map.sector(72_053).is_none());
    // Running last used user sector: none in the gap, the pre-gap counts.
    assert_eq!(map.last_user_sector_upto(39_000), Some(32_806));
    assert_eq!(map.last_user_sector_upto(44_056), Some(32_806));
    assert_eq!(map.last_user_sector_upto(44_057), Some(44_057));
    assert_eq!(map.last_user_sector_upto(70_000), Some(69_802));
}

#[test]
fn lead_ins_carry_b0_and_c0_per_d25_and_a0_per_d26() {
    let map = cd_extra().build().unwrap();
    let with_crc = |b: [u8; 10]| {
        let mut f = [0u8; 12];
        f[..10].copy_from_slice(&b);
        QFrame::with_crc(f).0
    };
    // Session 1: B0 and C0, 3 frames each, after A2.
    let b0 = leadin_items(&map, -22_650..-150, 0xB0);
    assert_eq!(
        b0,
        vec![[0x05, 0x00, 0xB0, 0x09, 0x49, 0x32, 0x02, 0x15, 0x32, 0x53]]
    );
    let c0 = leadin_items(&map, -22_650..-150, 0xC0);
    assert_eq!(
        c0,
        vec![[0x05, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x95, 0x00, 0x00]]
    );
    let cycle: Vec<u8> = (-22_650..-22_650 + 3 * 8).map(|l| q(&map, l)[2]).collect();
    let mut want = Vec::new();
    for p in [1u8, 2, 3, 0xA0, 0xA1, 0xA2, 0xB0, 0xC0] {
        want.extend([p; 3]);
    }
    assert_eq!(cycle, want);
    assert_eq!(
        q(&map, -22_650 + 18),
        with_crc([0x05, 0x00, 0xB0, 0x09, 0x49, 0x32, 0x02, 0x15, 0x32, 0x53])
    );
    assert_eq!(
        q(&map, -22_650 + 21),
        with_crc([0x05, 0x00, 0xC0, 0, 0, 0, 0, 0x95, 0, 0])
    );
    // A0 PSEC: 00 in session 1 (audio), 20 in session 2 (Mode 2).
    let a0_1 = leadin_items(&map, -22_650..-150, 0xA0);
    let a0_2 = leadin_items(&map, 39_557..44_057, 0xA0);
    assert!(
        a0_1.iter().all(|f| f[7] == 0x01 && f[8] == 0x00),
        "{a0_1:02x?}"
    );
    assert!(
        a0_2.iter()
            .all(|f| f[7] == 0x04 && f[8] == 0x20 && f[0] == 0x41),
        "{a0_2:02x?}"
    );
    // Session 2 (the last of a closed disc) carries neither B0 nor C0; its A1 is track 4 and
    // its A2 its own lead-out 15:32:53.
    assert!(leadin_items(&map, 39_557..44_057, 0xB0).is_empty());
    assert!(leadin_items(&map, 39_557..44_057, 0xC0).is_empty());
    assert!(leadin_items(&map, 39_557..44_057, 0x01).is_empty());
    let a2 = leadin_items(&map, 39_557..44_057, 0xA2);
    assert!(a2.iter().all(|f| f[7..10] == [0x15, 0x32, 0x53]));
    let a2_1 = leadin_items(&map, -22_650..-150, 0xA2);
    assert!(a2_1.iter().all(|f| f[7..10] == [0x07, 0x19, 0x32]));
    assert_eq!(map.session_toc(2).len(), 4);
    assert_eq!(map.session_toc(1).len(), 8);
}

/// A three-session disc (audio; Mode 2 Form 1; Mode 1) of small tracks with content.
fn three_sessions(leadin: LeadIn, format: SubchannelFormat) -> ImageCreator {
    let mut rng = common::SplitMix::new(20);
    let mut c = ImageCreator::new();
    c.set_leadin(leadin);
    c.set_result_type(format);
    c.set_media_catalog_number("0123456789012").unwrap();
    c.add_track(SectorType::Audio, Source::from_bytes(rng.take(2352 * 300)))
        .unwrap();
    c.add_track(SectorType::Audio, Source::from_bytes(rng.take(2352 * 310)))
        .unwrap();
    c.new_session().unwrap();
    c.add_track(
        SectorType::Mode2Form1,
        Source::from_bytes(rng.take(2048 * 320)),
    )
    .unwrap();
    c.new_session().unwrap();
    c.add_track(SectorType::Mode1, Source::from_bytes(rng.take(2048 * 330)))
        .unwrap();
    c
}

#[test]
fn a_three_session_disc_has_gaps_of_11400_then_6900() {
    let map = three_sessions(LeadIn::Imapi, SubchannelFormat::Raw96)
        .build()
        .unwrap();
    let s = map.sessions();
    assert_eq!(s.len(), 3);
    let t = map.tracks();
    assert_eq!(
        t.iter().map(|t| t.session).collect::<Vec<_>>(),
        vec![1, 1, 2, 3]
    );
    assert_eq!(t[2].index01 - s[0].leadout_lba, 11_400);
    assert_eq!(t[3].index01 - s[1].leadout_lba, 6900);
    assert_eq!(s[1].leadout_sectors, 2250);
    assert_eq!(s[2].leadin_lba, s[1].leadout_lba + 2250);
    assert_eq!(s[1].next_session_start, Some(t[3].first_lba));
    assert_eq!(s[2].disc_type_name(), "cdrom");
    // B0 in sessions 1 and 2 (ZERO 2, then 1), both pointing at the outermost lead-out.
    let lead_in = |k: usize| s[k].leadin_lba..s[k].leadin_lba + s[k].leadin_sectors as i32;
    let b0_1 = leadin_items(&map, lead_in(0), 0xB0);
    let b0_2 = leadin_items(&map, lead_in(1), 0xB0);
    assert_eq!((b0_1.len(), b0_2.len()), (1, 1));
    assert_eq!(b0_1[0][6], 2);
    assert_eq!(b0_2[0][6], 1);
    assert_eq!(b0_1[0][7..10], b0_2[0][7..10]);
    let abs = |lba: i32| rawcd::units::Msf::from_lba(lba).unwrap().to_bcd();
    assert_eq!(b0_1[0][3..6], abs(t[2].first_lba));
    assert_eq!(b0_2[0][3..6], abs(t[3].first_lba));
    assert_eq!(b0_2[0][7..10], abs(s[2].leadout_lba));
    assert!(leadin_items(&map, lead_in(1), 0xC0).is_empty());
    assert!(leadin_items(&map, lead_in(2), 0xB0).is_empty());
    // The Mode 1 session's lead-in and pre-gap are Mode 1 sectors.
    assert_eq!(map.sector(s[2].leadin_lba).unwrap().ty, SectorType::Mode1);
    assert_eq!(map.sector(t[3].first_lba).unwrap().ty, SectorType::Mode1);
}

#[test]
fn an_empty_session_is_refused() {
    let mut c = ImageCreator::new();
    assert_eq!(
        c.new_session(),
        Err(LayoutError::EmptySession { session: 1 })
    );
    c.add_track(SectorType::Mode1, Source::from_bytes(vec![0; 2048 * 300]))
        .unwrap();
    c.new_session().unwrap();
    assert_eq!(
        c.new_session(),
        Err(LayoutError::EmptySession { session: 2 })
    );
    assert!(matches!(
        c.build(),
        Err(LayoutError::EmptySession { session: 2 })
    ));
    let map = {
        c.add_track(SectorType::Mode1, Source::from_bytes(vec![0; 2048 * 300]))
            .unwrap();
        c.build().unwrap()
    };
    assert!(matches!(
        map.session(3),
        Err(LayoutError::NoSuchSession {
            session: 3,
            sessions: 2
        })
    ));
}

fn pipeline_bytes(map: &DiscMap, session: Option<u32>) -> Vec<u8> {
    let opts = PipelineOptions {
        threads: 2,
        batch_sectors: 37,
        ..Default::default()
    };
    let mut img = match session {
        Some(n) => ResultImage::new_session(map, n, opts).unwrap(),
        None => ResultImage::new(map, opts).unwrap(),
    };
    let mut v = Vec::new();
    img.read_to_end(&mut v).unwrap();
    v
}

#[test]
fn the_whole_disc_cut_at_each_session_is_that_sessions_stream() {
    for format in [
        SubchannelFormat::Raw96,
        SubchannelFormat::Packed96,
        SubchannelFormat::Pq16,
        SubchannelFormat::None,
    ] {
        let mut c = three_sessions(LeadIn::None, format);
        if format != SubchannelFormat::Pq16 {
            // An image-wide R–W stream: the interleaver restarts after every lead-in.
            let sectors = c.build().unwrap().sector_count() as usize;
            let mut rw = common::SplitMix::new(96).take(sectors * 96);
            rw.iter_mut().for_each(|b| *b &= 0x3F);
            c.add_subcode_rw(Source::from_bytes(rw));
        }
        let map = c.build().unwrap();
        let whole = pipeline_bytes(&map, None);
        let sb = format.sector_bytes();
        assert_eq!(whole.len() as u64, map.sector_count() * sb as u64);
        // The pipeline equals the sequential oracle.
        let oracle = raw_stream(&map, &Auto::detect()).unwrap();
        assert!(
            whole == oracle,
            "{format:?}: pipeline differs from the oracle"
        );
        for s in map.sessions() {
            let (a, b) = s.range();
            let from = (a - map.leadin_start()) as usize * sb;
            let to = (b - map.leadin_start()) as usize * sb;
            let own = pipeline_bytes(&map, Some(u32::from(s.number)));
            assert_eq!(own.len(), to - from);
            assert!(
                own == whole[from..to],
                "{format:?}: session {} differs",
                s.number
            );
        }
    }
}

#[test]
fn a_session_stream_reports_its_running_last_used_user_sector() {
    let c = three_sessions(LeadIn::None, SubchannelFormat::None);
    let map = c.build().unwrap();
    let mut img = c.create_session_image(2).unwrap();
    let p = img.progress();
    let mut v = Vec::new();
    img.read_to_end(&mut v).unwrap();
    assert_eq!(
        p.last_used_user_sector(),
        Some(map.sessions()[1].last_used_user_sector())
    );
    assert!(c.create_session_image(4).is_err());
}

#[test]
fn a_single_session_disc_lists_one_session() {
    let mut c = ImageCreator::new();
    c.add_track(SectorType::Mode1, Source::from_bytes(vec![0; 2048 * 300]))
        .unwrap();
    let map = c.build().unwrap();
    let s = map.sessions();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].range(), (map.leadin_start(), map.end()));
    assert_eq!(s[0].next_session_start, None);
    assert_eq!(s[0].disc_type_name(), "cdrom");
    assert!(map.session_toc(1).iter().all(|e| e.adr == 1));
}

// ---- verify: a raw stream's every lead-in, the gaps, and planted faults ----

/// The Q frame carried in bit 6 of a raw P–W subchannel.
fn q_of(sub: &[u8]) -> [u8; 12] {
    let mut q = [0u8; 12];
    for (i, b) in sub[..96].iter().enumerate() {
        q[i / 8] |= ((b >> 6) & 1) << (7 - i % 8);
    }
    q
}

/// Writes `q` (its CRC recomputed) into bit 6 of a raw P–W subchannel.
fn put_q(sub: &mut [u8], q: [u8; 12]) {
    let q = QFrame::with_crc(q).0;
    for (i, b) in sub[..96].iter_mut().enumerate() {
        let bit = (q[i / 8] >> (7 - i % 8)) & 1;
        *b = (*b & !0x40) | (bit << 6);
    }
}

/// A three-session disc's raw96 stream whose session 1 lead-in is 4500 sectors (99:00:00), to
/// keep the test's memory small; and its map.
fn raw_three_sessions() -> (DiscMap, Vec<u8>) {
    let c = three_sessions(
        LeadIn::At(rawcd::units::Msf::new(99, 0, 0).unwrap()),
        SubchannelFormat::Raw96,
    );
    let map = c.build().unwrap();
    let bytes = raw_stream(&map, &Auto::detect()).unwrap();
    (map, bytes)
}

/// Rewrites every Q frame of the stream for which `f` returns a new frame.
fn patch_q(
    map: &DiscMap,
    bytes: &mut [u8],
    mut f: impl FnMut(i32, [u8; 12]) -> Option<[u8; 12]>,
) -> usize {
    let mut n = 0;
    for (k, s) in bytes.chunks_exact_mut(2448).enumerate() {
        let lba = map.leadin_start() + k as i32;
        if let Some(q) = f(lba, q_of(&s[2352..])) {
            put_q(&mut s[2352..], q);
            n += 1;
        }
    }
    n
}

/// A BCD MSF one sector later.
fn bump(bcd: [u8; 3]) -> [u8; 3] {
    let m = rawcd::units::Msf::from_bcd(bcd).unwrap();
    rawcd::units::Msf::from_frames(m.frames() + 1)
        .unwrap()
        .to_bcd()
}

fn verify(bytes: &[u8]) -> rawcd::verify::Report {
    rawcd::verify::verify_raw(bytes, None, None).unwrap()
}

fn has_problem(r: &rawcd::verify::Report, lba: i32, needle: &str) -> bool {
    r.problems
        .iter()
        .any(|p| p.lba == lba && p.what.contains(needle))
}

#[test]
fn verify_accepts_a_multi_session_raw_stream_and_names_each_planted_fault() {
    let (map, good) = raw_three_sessions();
    let r = verify(&good);
    assert!(r.ok(), "{:#?}", r.problems);
    assert!(r.notes.iter().any(|n| n == "3 sessions"), "{:?}", r.notes);
    let s = map.sessions().to_vec();

    // B0 of session 1 pointing one sector off.
    let mut b = good.clone();
    let mut first_b0 = None;
    let n = patch_q(&map, &mut b, |lba, mut q| {
        if lba < -150 && q[0] == 0x05 && q[2] == 0xB0 {
            first_b0.get_or_insert(lba);
            let v = bump([q[3], q[4], q[5]]);
            q[3..6].copy_from_slice(&v);
            return Some(q);
        }
        None
    });
    assert!(n > 0);
    let r = verify(&b);
    assert!(
        has_problem(&r, first_b0.unwrap(), "B0 of session 1 points at LBA"),
        "{:#?}",
        r.problems
    );
    assert!(r.problems.len() <= 2, "{:#?}", r.problems);

    // A missing C0: its frames carry B0 instead.
    let mut b = good.clone();
    let b0 = map
        .session_toc(1)
        .iter()
        .find(|e| e.point == 0xB0)
        .copied()
        .unwrap();
    let b0q = b0.q(rawcd::units::Msf::default()).0;
    patch_q(&map, &mut b, |lba, q| {
        (lba < -150 && q[0] == 0x05 && q[2] == 0xC0).then_some(b0q)
    });
    let r = verify(&b);
    assert!(has_problem(&r, -151, "no C0"), "{:#?}", r.problems);
    assert_eq!(r.problems.len(), 1, "{:#?}", r.problems);

    // Session 2's A2 one sector off.
    let mut b = good.clone();
    let (li, pg) = (s[1].leadin_lba, s[1].first_lba);
    patch_q(&map, &mut b, |lba, mut q| {
        if lba >= li && lba < pg && q[2] == 0xA2 {
            let v = bump([q[7], q[8], q[9]]);
            q[7..10].copy_from_slice(&v);
            return Some(q);
        }
        None
    });
    let r = verify(&b);
    assert!(has_problem(&r, pg - 1, "lead-in A2"), "{:#?}", r.problems);
    assert_eq!(r.problems.len(), 1, "{:#?}", r.problems);

    // A gap of 11 399: the stream lacks session 1's last lead-out sector.
    let mut b = good.clone();
    let cut = (s[1].leadin_lba - 1 - map.leadin_start()) as usize * 2448;
    b.drain(cut..cut + 2448);
    let r = verify(&b);
    assert!(
        has_problem(&r, s[1].leadin_lba - 1, "holds 11399 sectors"),
        "{:#?}",
        r.problems
    );
    assert_eq!(r.problems.len(), 1, "{:#?}", r.problems);
}

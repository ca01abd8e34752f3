//! The disc model's rules, with expected Q frames written out from cd-format.md (not computed by
//! the code under test).

#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

mod common;

use common::{hex, sha256_hex};
use rawcd::codec::engine::Auto;
use rawcd::codec::subchannel::write_pw;
use rawcd::codec::SectorType;
use rawcd::layout::reference::Generator;
use rawcd::layout::TrackPiece;
use rawcd::layout::{
    Area, CopySetting, ImageCreator, LayoutError, LeadIn, SubchannelFormat, TrackLayout,
};
use rawcd::source::Source;

fn zeros(ty: SectorType, sectors: usize) -> Source {
    Source::from_bytes(vec![0u8; ty.input_size() * sectors])
}

fn q(map: &rawcd::layout::DiscMap, lba: i32) -> Vec<u8> {
    map.sector(lba).unwrap().q.0.to_vec()
}

/// Seals 10 bytes with the Q CRC (CRC-16/GSM, inverted, big-endian): used for frames whose CRC
/// the document does not list.
fn frame(body: &str) -> Vec<u8> {
    let mut b = hex(body);
    let crc = rawcd::codec::q::crc16(&b);
    b.extend_from_slice(&crc.to_be_bytes());
    b
}

#[test]
fn one_data_track() {
    let mut c = ImageCreator::new();
    c.add_track(SectorType::Mode1, zeros(SectorType::Mode1, 300))
        .unwrap();
    let map = c.build().unwrap();
    assert_eq!(map.leadin_start(), -22650);
    assert_eq!(map.start_of_leadout(), 300);
    assert_eq!(map.last_used_user_sector(), 299);
    assert_eq!(map.end(), 300 + 6750);
    let t = c.track_info(1).unwrap();
    assert_eq!(
        (t.starting_lba, t.sector_count, t.track_number),
        (0, 300, 1)
    );
    // §12.2: track 1, index 01, LBA 0, data track.
    assert_eq!(q(&map, 0), hex("41 01 01 00 00 00 00 00 02 00 28 32"));
    // Pre-gap countdown (D1): LBA −150 is 00:01:74, LBA −1 is 00:00:00; P = 1 there and on
    // the first INDEX 01 sector (D2 revised), 0 from LBA 1 and in the lead-in.
    assert_eq!(q(&map, -150), frame("41 01 00 00 01 74 00 00 00 00"));
    assert_eq!(q(&map, -1), frame("41 01 00 00 00 00 00 00 01 74"));
    assert!((-150..=0).all(|l| map.sector(l).unwrap().p));
    assert!(!map.sector(1).unwrap().p && !map.sector(-151).unwrap().p);
    assert_eq!(map.sector(-151).unwrap().area, Area::LeadIn);
    // Lead-in TOC (§6.7): entries 01, A0, A1, A2, each 3 sectors, cycle anchored at −22650,
    // running time = the sector's own MSF (D6). Track 1 at 00:02:00; lead-out at 00:06:00.
    assert_eq!(q(&map, -22650), frame("41 00 01 95 00 00 00 00 02 00"));
    assert_eq!(q(&map, -22648), frame("41 00 01 95 00 02 00 00 02 00"));
    assert_eq!(q(&map, -22647), frame("41 00 a0 95 00 03 00 01 00 00"));
    assert_eq!(q(&map, -22644), frame("41 00 a1 95 00 06 00 01 00 00"));
    assert_eq!(q(&map, -22641), frame("41 00 a2 95 00 09 00 00 06 00"));
    assert_eq!(q(&map, -22638), frame("41 00 01 95 00 12 00 00 02 00"));
    // Last lead-in sector, LBA −151 = 99:59:74: (−151 + 22650) mod 12 = 11 → entry 3 (A2).
    assert_eq!(q(&map, -151), frame("41 00 a2 99 59 74 00 00 06 00"));
    // Lead-out: TNO AA, relative from 0, CTRL of the last track; P rule (D3).
    assert_eq!(q(&map, 300), frame("41 aa 01 00 00 00 00 00 06 00"));
    let p: Vec<bool> = (300..300 + 150 + 40)
        .map(|l| map.sector(l).unwrap().p)
        .collect();
    assert!(p[..150].iter().all(|&x| !x));
    assert!(p[150..169].iter().all(|&x| x));
    assert!(p[169..188].iter().all(|&x| !x));
    assert!(p[188]);
    assert_eq!(map.sector(300 + 6750), None);
}

#[test]
fn audio_with_gaps_and_data_audio_transitions() {
    // audio → audio: 150 silent sectors (D13 default).
    let mut c = ImageCreator::new();
    c.add_track(SectorType::Audio, zeros(SectorType::Audio, 300))
        .unwrap();
    c.add_track(SectorType::Audio, zeros(SectorType::Audio, 300))
        .unwrap();
    let map = c.build().unwrap();
    assert_eq!(map.tracks()[1].first_lba, 300);
    assert_eq!(map.tracks()[1].index01, 450);
    assert_eq!(map.last_used_user_sector(), 749);
    // Pre-gap of track 2: countdown from 00:01:74 to 00:00:00, P = 1.
    assert_eq!(q(&map, 300), frame("01 02 00 00 01 74 00 00 06 00"));
    assert_eq!(q(&map, 449), frame("01 02 00 00 00 00 00 00 07 74"));
    assert_eq!(q(&map, 450), frame("01 02 01 00 00 00 00 00 08 00"));
    assert!((300..=450).all(|l| map.sector(l).unwrap().p));
    assert!(!map.sector(299).unwrap().p && !map.sector(451).unwrap().p);
    // data → audio (D14): 150 post-gap on the data track, 150 pre-gap on the audio track.
    let mut c = ImageCreator::new();
    c.add_track(SectorType::Mode1, zeros(SectorType::Mode1, 300))
        .unwrap();
    c.add_track(SectorType::Audio, zeros(SectorType::Audio, 300))
        .unwrap();
    let map = c.build().unwrap();
    let (t1, t2) = (&map.tracks()[0], &map.tracks()[1]);
    assert_eq!((t1.end, t2.first_lba, t2.index01), (450, 450, 600));
    let post = map.sector(449).unwrap();
    assert_eq!(
        (post.tno, post.index, post.ty, post.p),
        (1, 1, SectorType::Mode1, false)
    );
    assert_eq!(post.q.0.to_vec(), frame("41 01 01 00 05 74 00 00 07 74"));
    // audio → data: 225 sectors = 75 audio + 150 in the new mode, all TNO 2 with CTRL 4.
    let mut c = ImageCreator::new();
    c.add_track(SectorType::Audio, zeros(SectorType::Audio, 300))
        .unwrap();
    c.add_track(SectorType::Mode1, zeros(SectorType::Mode1, 300))
        .unwrap();
    let map = c.build().unwrap();
    assert_eq!(map.tracks()[1].index01, 525);
    let s = map.sector(300).unwrap();
    assert_eq!((s.tno, s.index, s.ty), (2, 0, SectorType::Audio));
    assert_eq!(s.q.0[0], 0x41);
    assert_eq!(map.sector(375).unwrap().ty, SectorType::Mode1);
    // Mode 1 → Mode 2: 225; Mode 1 → Mode 1: 150.
    let mut c = ImageCreator::new();
    c.add_track(SectorType::Mode1, zeros(SectorType::Mode1, 300))
        .unwrap();
    c.add_track(SectorType::Mode2Form1, zeros(SectorType::Mode2Form1, 300))
        .unwrap();
    c.add_track(SectorType::Mode2Form2, zeros(SectorType::Mode2Form2, 300))
        .unwrap();
    let map = c.build().unwrap();
    assert_eq!(map.tracks()[1].index01, 525);
    assert_eq!(map.tracks()[2].index01, 525 + 300 + 150);
}

#[test]
fn hidden_track_one_audio() {
    let mut c = ImageCreator::new();
    c.add_special_pregap(zeros(SectorType::Audio, 200)).unwrap();
    c.add_track(SectorType::Audio, zeros(SectorType::Audio, 300))
        .unwrap();
    let map = c.build().unwrap();
    let t = &map.tracks()[0];
    assert_eq!((t.first_lba, t.index01), (-150, 50));
    assert_eq!(map.last_used_user_sector(), 349);
    // HTOA is index 00 of track 1, P = 1, counting down to 00:00:00 at LBA 49.
    assert_eq!(q(&map, -150), frame("01 01 00 00 02 49 00 00 00 00"));
    assert_eq!(q(&map, 49), frame("01 01 00 00 00 00 00 00 02 49"));
    assert!(map.sector(10).unwrap().p);
    assert_eq!(
        c.add_special_pregap(zeros(SectorType::Audio, 200)),
        Err(LayoutError::SpecialPregapAfterTracks)
    );
    let mut c = ImageCreator::new();
    assert_eq!(
        c.add_special_pregap(zeros(SectorType::Audio, 149)),
        Err(LayoutError::SpecialPregapTooShort { sectors: 149 })
    );
}

#[test]
fn gapless_audio() {
    let mut c = ImageCreator::new();
    c.set_disable_gapless_audio(true).unwrap();
    c.add_track(SectorType::Audio, zeros(SectorType::Audio, 450))
        .unwrap();
    c.add_track(SectorType::Audio, zeros(SectorType::Audio, 300))
        .unwrap();
    let map = c.build().unwrap();
    let (t1, t2) = (c.track_info(1).unwrap(), c.track_info(2).unwrap());
    assert_eq!((t1.starting_lba, t1.sector_count), (0, 300));
    assert_eq!((t2.starting_lba, t2.sector_count), (450, 300));
    assert_eq!(map.tracks()[1].first_lba, 300);
    assert_eq!(map.last_used_user_sector(), 749);
    // The previous track's last 150 sectors carry TNO 2, index 00, P = 1.
    let s = map.sector(300).unwrap();
    assert_eq!((s.tno, s.index, s.p), (2, 0, true));
    // ... and come from track 1's source at byte 300 · 2352.
    assert_eq!(
        s.main,
        rawcd::layout::MainSource::Source {
            source: 0,
            offset: 300 * 2352,
            unscrambled_raw: false
        }
    );
    // Too short after the steal.
    let mut c = ImageCreator::new();
    c.set_disable_gapless_audio(true).unwrap();
    c.add_track(SectorType::Audio, zeros(SectorType::Audio, 400))
        .unwrap();
    c.add_track(SectorType::Audio, zeros(SectorType::Audio, 300))
        .unwrap();
    assert_eq!(
        c.build().unwrap_err(),
        LayoutError::TrackTooShort {
            track: 1,
            sectors: 250
        }
    );
}

#[test]
fn trailing_postgap_counts_as_user_data() {
    let mut c = ImageCreator::new();
    c.add_track_explicit(
        SectorType::Mode1,
        vec![TrackPiece::Source(zeros(SectorType::Mode1, 300))],
        TrackLayout {
            postgap_generated: 150,
            ..Default::default()
        },
        false,
    )
    .unwrap();
    let map = c.build().unwrap();
    assert_eq!(map.start_of_leadout(), 450);
    assert_eq!(map.last_used_user_sector(), 449);
    assert_eq!(c.track_info(1).unwrap().sector_count, 300);
    let s = map.sector(449).unwrap();
    assert_eq!((s.tno, s.index, s.p), (1, 1, false));
}

#[test]
fn indexes_and_mcn_isrc_placement() {
    let mut c = ImageCreator::new();
    c.set_media_catalog_number("1234567890123").unwrap();
    assert_eq!(c.warnings().len(), 1, "bad check digit warned (D15)");
    c.add_track(SectorType::Audio, zeros(SectorType::Audio, 1000))
        .unwrap();
    c.set_isrc(1, "USRC17607839").unwrap();
    c.track_info_mut(1).unwrap().add_track_index(1, 87).unwrap();
    let map = c.build().unwrap();
    // a = 37 → LBA −113: unblocked → MCN with AFRAME 37.
    assert_eq!(q(&map, -113), frame("02 12 34 56 78 90 12 30 00 37"));
    // a = 87 → LBA −63: index 00, no ISRC there → ADR 1.
    assert_eq!(map.sector(-63).unwrap().q.adr(), 1);
    // a = 187 → LBA 37: ISRC with AFRAME 37 (187 mod 75 = 37).
    assert_eq!(q(&map, 37), frame("03 96 38 93 04 76 07 83 90 37"));
    // a = 237 → LBA 87 is the INDEX 02 start (blocked), 86 the last of index 01: MCN → 88.
    assert_eq!(q(&map, 87), frame("01 01 02 00 01 12 00 00 03 12"));
    assert_eq!(q(&map, 88), frame("02 12 34 56 78 90 12 30 00 13"));
    // Index 02 runs on with the relative time counting from INDEX 01.
    assert_eq!(q(&map, 500), frame("01 01 02 00 06 50 00 00 08 50"));
    // Lead-out: no ISRC; MCN blocked in its first 150 sectors; then continues.
    let lo = map.start_of_leadout(); // 1000
    assert_eq!(lo, 1000);
    assert_eq!(map.sector(1037).unwrap().q.adr(), 1); // a = 1187 → residue 87, no ISRC
    assert_eq!(map.sector(987).unwrap().q.adr(), 2); // a = 1137 → MCN
    assert_eq!(map.sector(1087).unwrap().q.adr(), 1); // a = 1237: in the first 150 → dropped
    assert_eq!(map.sector(1187).unwrap().q.adr(), 2); // a = 1337: MCN again
                                                      // Exactly one MCN in each 100 sectors away from moves.
    let mcns = (0..900)
        .filter(|&l| map.sector(l).unwrap().q.adr() == 2)
        .count();
    assert_eq!(mcns, 9);
}

#[test]
fn scms_toggles_the_copy_bit_in_q_only() {
    let mut c = ImageCreator::new();
    c.add_track(SectorType::Audio, zeros(SectorType::Audio, 300))
        .unwrap();
    c.track_info_mut(1).unwrap().copy = CopySetting::Scms;
    let map = c.build().unwrap();
    // a mod 8 < 4 → bit clear; else set (D21). LBA 0: a = 150, 150 mod 8 = 6 → set.
    assert_eq!(map.sector(0).unwrap().q.ctrl(), 2);
    assert_eq!(map.sector(2).unwrap().q.ctrl(), 0); // a = 152, mod 8 = 0
    assert_eq!(map.tracks()[0].ctrl, 0);
}

#[test]
fn expected_toc_of_a_mixed_disc() {
    let mut c = ImageCreator::new();
    let lay = TrackLayout::default();
    c.add_track_explicit(
        SectorType::Mode1,
        vec![TrackPiece::Source(zeros(SectorType::Mode1, 331))],
        lay,
        false,
    )
    .unwrap();
    c.add_track_explicit(
        SectorType::Audio,
        vec![TrackPiece::Source(zeros(SectorType::Audio, 225))],
        TrackLayout {
            pregap_generated: 150,
            ..lay
        },
        false,
    )
    .unwrap();
    c.add_track_explicit(
        SectorType::Audio,
        vec![TrackPiece::Source(zeros(SectorType::Audio, 188))],
        lay,
        false,
    )
    .unwrap();
    c.set_relaxed(true); // track 3 is 188 sectors, as in cd-format's example
    {
        let t3 = c.track_info_mut(3).unwrap();
        t3.copy = CopySetting::Permitted;
        t3.preemphasis = true;
    }
    let toc = c.expected_toc().unwrap();
    // Field by field (SCSI READ TOC format 0): length, first, last.
    assert_eq!(&toc[0..4], &[0x00, 0x22, 0x01, 0x03]);
    assert_eq!(toc.len(), 2 + 0x22);
    let d = |i: usize| &toc[4 + 8 * i..12 + 8 * i];
    // reserved, ADR<<4 | CONTROL, track, reserved, LBA big-endian.
    assert_eq!(d(0), &hex("00 14 01 00 00 00 00 00")[..]);
    assert_eq!(d(1), &hex("00 10 02 00 00 00 01 E1")[..]);
    assert_eq!(d(2), &hex("00 13 03 00 00 00 02 C2")[..]);
    assert_eq!(d(3), &hex("00 13 AA 00 00 00 03 7E")[..]);
    // Lead-out Q at LBA 894 = 00:13:69 (§12.2, with CTRL 3 of the last track here).
    let map = c.build().unwrap();
    assert_eq!(q(&map, 894), frame("31 aa 01 00 00 00 00 00 13 69"));
}

#[test]
fn errors_are_typed() {
    let mut c = ImageCreator::new();
    c.add_track(SectorType::Audio, zeros(SectorType::Audio, 299))
        .unwrap();
    assert_eq!(
        c.build().unwrap_err(),
        LayoutError::TrackTooShort {
            track: 1,
            sectors: 299
        }
    );
    let mut c = ImageCreator::new();
    for _ in 0..99 {
        c.add_track(SectorType::Audio, zeros(SectorType::Audio, 1))
            .unwrap();
    }
    assert_eq!(
        c.add_track(SectorType::Audio, zeros(SectorType::Audio, 1)),
        Err(LayoutError::TooManyTracks { track: 100 })
    );
    let mut c = ImageCreator::new();
    c.add_track(SectorType::Mode1, zeros(SectorType::Mode1, 300))
        .unwrap();
    assert_eq!(
        c.set_isrc(1, "USRC17607839"),
        Err(LayoutError::IsrcOnDataTrack { track: 1 })
    );
    assert!(matches!(
        c.set_media_catalog_number("12345678901234"),
        Err(LayoutError::Codec(_))
    ));
    assert!(matches!(
        c.add_track(SectorType::Mode1, Source::from_bytes(vec![0u8; 2049])),
        Err(LayoutError::PartialSector {
            track: 2,
            bytes: 2049,
            sector_size: 2048,
            ..
        })
    ));
    c.track_info_mut(1)
        .unwrap()
        .add_track_index(1, 300)
        .unwrap();
    assert_eq!(
        c.build().unwrap_err(),
        LayoutError::IndexOutOfRange {
            track: 1,
            offset: 300,
            sectors: 300
        }
    );
    assert!(c.track_info_mut(1).unwrap().clear_track_index(300));
    assert!(c.track_info_mut(1).unwrap().add_track_index(1, 0).is_err());
    c.set_start_of_leadout_limit(299).unwrap();
    assert_eq!(
        c.build().unwrap_err(),
        LayoutError::LeadoutPastLimit {
            leadout: 300,
            limit: 299
        }
    );
    assert!(c.set_start_of_leadout_limit(398_100).is_err());
    // R–W stream with P/Q bits, and with the wrong length.
    let mut c = ImageCreator::new();
    c.set_leadin(LeadIn::None);
    c.add_track(SectorType::Audio, zeros(SectorType::Audio, 300))
        .unwrap();
    let sectors = 150 + 300 + 6750;
    let mut rw = vec![0u8; sectors * 96];
    rw[1000] = 0x40;
    c.add_subcode_rw(Source::from_bytes(rw));
    assert_eq!(
        c.build().unwrap_err(),
        LayoutError::RwPqBits {
            offset: 1000,
            value: 0x40
        }
    );
    c.add_subcode_rw(Source::from_bytes(vec![0u8; 96]));
    assert!(matches!(
        c.build().unwrap_err(),
        LayoutError::RwLength { .. }
    ));
    c.add_subcode_rw(Source::from_bytes(vec![0u8; sectors * 96]));
    c.set_result_type(SubchannelFormat::Pq16);
    assert_eq!(c.build().unwrap_err(), LayoutError::RwWithPqOnly);
    // A data track with a starting track number other than 1.
    let mut c = ImageCreator::new();
    c.set_starting_track_number(4).unwrap();
    assert_eq!(
        c.add_track(SectorType::Mode1, zeros(SectorType::Mode1, 300)),
        Err(LayoutError::StartingTrackNotAudio { track: 4 })
    );
    assert!(ImageCreator::new().build().is_err());
}

#[test]
fn later_session_uses_short_leadin_and_leadout() {
    let mut c = ImageCreator::new();
    c.set_number_of_existing_tracks(1);
    c.set_starting_track_number(2).unwrap();
    c.add_track(SectorType::Audio, zeros(SectorType::Audio, 300))
        .unwrap();
    let map = c.build().unwrap();
    assert_eq!(map.leadin_start(), -4650);
    assert_eq!(map.end() - map.start_of_leadout(), 2250);
    assert_eq!(map.tracks()[0].number, 2);
}

/// An audio disc from sheet-style tracks: track 1 of 1000 sectors, then tracks with the given
/// stored pre-gaps (0 = gapless), 1000 sectors from INDEX 01 each.
fn audio_disc(pregaps: &[u32]) -> rawcd::layout::DiscMap {
    let mut c = ImageCreator::new();
    c.set_leadin(LeadIn::None);
    let audio = SectorType::Audio;
    c.add_track_explicit(
        audio,
        vec![TrackPiece::Source(zeros(audio, 1000))],
        TrackLayout::default(),
        false,
    )
    .unwrap();
    for &g in pregaps {
        c.add_track_explicit(
            audio,
            vec![TrackPiece::Source(zeros(audio, 1000 + g as usize))],
            TrackLayout {
                pregap_stored: g,
                ..Default::default()
            },
            false,
        )
        .unwrap();
    }
    c.build().unwrap()
}

/// The P bytes of the reference generator's raw P–W for `lbas` (one `FF`/`00` per sector,
/// every one of the 96 P bits checked equal).
fn p_of(map: &rawcd::layout::DiscMap, lbas: std::ops::RangeInclusive<i32>) -> Vec<u8> {
    let e = Auto::detect();
    let from = map.leadin_start();
    Generator::new(map, &e, true)
        .skip((*lbas.start() - from) as usize)
        .take(lbas.count())
        .map(|s| {
            let s = s.unwrap();
            let mut pw = [0u8; 96];
            write_pw(&mut pw, s.info.p, &s.info.q, Some(&s.rw.raw));
            let p = pw[0] & 0x80;
            assert!(pw.iter().all(|&b| b & 0x80 == p), "LBA {}", s.lba);
            if p != 0 {
                0xFF
            } else {
                0
            }
        })
        .collect()
}

/// D2 as revised, frame by frame from cd-format.md §5: for every track with first INDEX 01
/// sector s, P = 1 from min(first index-00 sector, s − 149) through s, 0 elsewhere.
#[test]
fn p_channel_d2_revised_frames() {
    // Track 1: LBA −150..0 all 1, LBA 1 is 0.
    let map = audio_disc(&[150]);
    let mut want = vec![0xFF; 151];
    want.push(0);
    assert_eq!(p_of(&map, -150..=1), want);
    // A 150-sector pre-gap (track 2 index 00 at 1000..1149, INDEX 01 at 1150): P = 1 on
    // 1000..=1150; 999 and 1151 are 0.
    assert_eq!(map.tracks()[1].index01, 1150);
    let mut want = vec![0u8];
    want.extend(vec![0xFF; 151]);
    want.push(0);
    assert_eq!(p_of(&map, 999..=1151), want);
    // A 149-sector pre-gap: exactly the 149 sectors and s; the sector before the pause stays 0.
    let map = audio_disc(&[149]);
    let s = map.tracks()[1].index01;
    assert_eq!((map.tracks()[1].first_lba, s), (1000, 1149));
    let mut want = vec![0u8];
    want.extend(vec![0xFF; 150]);
    want.push(0);
    assert_eq!(p_of(&map, 999..=1150), want);
    // Gapless: s = 1000; P = 1 on 851..=1000 (150 sectors, 149 of them borrowed from track 1).
    let map = audio_disc(&[0]);
    assert_eq!(map.tracks()[1].index01, 1000);
    let mut want = vec![0u8];
    want.extend(vec![0xFF; 150]);
    want.push(0);
    assert_eq!(p_of(&map, 850..=1001), want);
    assert_eq!(
        map.sector(999).unwrap().tno,
        1,
        "borrowed sectors keep track 1's Q"
    );
    // A 75-sector pre-gap at 1000..1074, s = 1075: P from s − 149 = 926, i.e. 74 sectors of
    // track 1 (926..=999), the 75 pre-gap sectors and s.
    let map = audio_disc(&[75]);
    assert_eq!(map.tracks()[1].index01, 1075);
    let mut want = vec![0u8];
    want.extend(vec![0xFF; 150]);
    want.push(0);
    assert_eq!(p_of(&map, 925..=1076), want);
    assert_eq!(map.p_runs(), &[(-150, 0), (926, 1075)]);
}

/// The reference generator's P–W for LBA −150..10 equals golden.md's raw96 rows.
#[test]
fn reference_generator_matches_golden_pw() {
    for (ty, want) in [
        (
            SectorType::Audio,
            "63ab97a132bdc1921c834d378359f4f965c58eaed97588226fd4fd23e34d020f",
        ),
        (
            SectorType::Mode1,
            "2668ac1a2abc5b8a1f216ad2a7a4487c5c1f14e1f3f1c0e39139a4364519f56d",
        ),
    ] {
        let mut c = ImageCreator::new();
        c.set_leadin(LeadIn::None);
        c.add_track(ty, zeros(ty, 300)).unwrap();
        let map = c.build().unwrap();
        let e = Auto::detect();
        let mut pw_all = Vec::new();
        for s in Generator::new(&map, &e, true).take(161) {
            let s = s.unwrap();
            let mut pw = [0u8; 96];
            write_pw(&mut pw, s.info.p, &s.info.q, Some(&s.rw.raw));
            pw_all.extend_from_slice(&pw);
        }
        assert_eq!(sha256_hex(&pw_all), want, "{ty:?}");
    }
}

/// Scrambled data sectors in the raw stream (lead-in and pre-gap of a Mode 1 disc) equal the
/// golden Mode 0-style hashes where they coincide: the Mode 1 lead-in sector at −22650.
#[test]
fn reference_generator_main_channel() {
    let mut c = ImageCreator::new();
    c.add_track(SectorType::Mode1, zeros(SectorType::Mode1, 300))
        .unwrap();
    let map = c.build().unwrap();
    let e = Auto::detect();
    let first = Generator::new(&map, &e, false).next().unwrap().unwrap();
    assert_eq!(first.lba, -22650);
    assert_eq!(
        sha256_hex(&first.main),
        "15c32d7c75fedab43fb93091f688bcbac5b55d8d6f110cdfe20bcc99fc33575c"
    );
    let n = Generator::new(&map, &e, true).count();
    assert_eq!(n as u64, map.sector_count());
}

/// `set_leadin_toc_as_read`: the ADR 1 items must agree with the layout and give it their
/// CTRL and disc type; ADR 5 items are exactly the given ones; items the list lacks are
/// generated; a list that contradicts the layout is a typed error naming the item.
#[test]
fn leadin_toc_as_read_is_checked_against_the_layout() {
    use rawcd::layout::TocEntry;
    let adr1 = |ctrl: u8, point: u8, p: [u8; 3]| TocEntry {
        adr: 1,
        ctrl,
        point,
        msf: [0; 3],
        zero: 0,
        p,
    };
    let c0 = TocEntry {
        adr: 5,
        ctrl: 0,
        point: 0xC0,
        msf: [0xA2, 0x40, 0x03],
        zero: 0,
        p: [0x95, 0, 0],
    };
    let creator = |given: Vec<TocEntry>| {
        let mut c = ImageCreator::new();
        c.add_track(SectorType::Audio, zeros(SectorType::Audio, 300))
            .unwrap();
        c.add_track(SectorType::Audio, zeros(SectorType::Audio, 300))
            .unwrap();
        c.set_leadin_toc_as_read(1, given);
        c
    };
    // Track 2 starts at LBA 450 (300 + the 150-sector gap): 00:08:00 absolute.
    let good = vec![
        adr1(0x02, 0xA0, [0x01, 0x20, 0x00]), // copy permitted, disc type XA, as read
        adr1(0x00, 0x01, [0x00, 0x02, 0x00]),
        adr1(0x00, 0x02, [0x00, 0x08, 0x00]),
        c0,
    ];
    let map = creator(good.clone()).build().unwrap();
    let toc = map.session_toc(1);
    let points: Vec<u8> = toc.iter().map(|e| e.point).collect();
    assert_eq!(points, [0x01, 0x02, 0xA0, 0xA1, 0xA2, 0xC0]);
    assert_eq!(toc[2], adr1(0x02, 0xA0, [0x01, 0x20, 0x00]));
    assert_eq!(toc[5], c0);
    assert_eq!(map.sessions()[0].disc_type, 0x20);
    // A1 and A2 were not given: generated (A2 at 750 + 150 = 00:12:00).
    assert_eq!(toc[4], adr1(0x00, 0xA2, [0x00, 0x12, 0x00]));
    // The lead-in carries C0 as given: ADR 5, its raw MIN SEC FRAME.
    let leadin: Vec<Vec<u8>> = (-22_650..-22_650 + 18).map(|l| q(&map, l)).collect();
    assert!(
        leadin
            .iter()
            .any(|f| f[..10] == [0x05, 0x00, 0xC0, 0xA2, 0x40, 0x03, 0x00, 0x95, 0x00, 0x00]),
        "{leadin:02x?}"
    );
    // Contradictions.
    for (mut bad, needle) in [
        (
            vec![adr1(0, 0x02, [0x00, 0x09, 0x00])],
            "POINT 02 gives the INDEX 01 as 00:09:00",
        ),
        (
            vec![adr1(0, 0xA1, [0x03, 0, 0])],
            "POINT a1 gives the last track as 03",
        ),
        (vec![adr1(0, 0xA2, [0x00, 0x12, 0x01])], "lead-out"),
        (
            vec![adr1(0, 0x03, [0x00, 0x20, 0x00])],
            "POINT 03 is not a track",
        ),
    ] {
        bad.push(c0);
        let e = creator(bad).build().unwrap_err();
        assert!(
            matches!(e, LayoutError::TocAsRead { session: 1, .. }),
            "{e}"
        );
        assert!(e.to_string().contains(needle), "{needle}: {e}");
    }
    let mut c = creator(good);
    c.set_leadin_toc_as_read(2, vec![c0]);
    let e = c.build().unwrap_err();
    assert!(e.to_string().contains("the disc has 1 session"), "{e}");
}

/// interface §1: `TrackInfo` answers to IMAPI's property names too (snake case), read through
/// `track_info` and set through `track_info_mut`.
#[test]
fn track_info_has_the_imapi_property_names() {
    let mut c = ImageCreator::new();
    c.add_track(SectorType::Audio, zeros(SectorType::Audio, 600))
        .unwrap();
    let s = c.track_info_mut(1).unwrap();
    s.set_digital_audio_copy_setting(CopySetting::Permitted);
    s.set_audio_has_preemphasis(true);
    s.add_track_index(1, 300).unwrap();
    assert_eq!(s.digital_audio_copy_setting(), CopySetting::Permitted);
    assert!(s.audio_has_preemphasis());
    assert_eq!(s.track_indexes(), [300]);
    let t = c.track_info(1).unwrap();
    assert_eq!(t.digital_audio_copy_setting(), CopySetting::Permitted);
    assert!(t.audio_has_preemphasis());
    assert_eq!(t.track_indexes(), [300]);
    assert_eq!(
        (t.starting_lba, t.sector_count, t.track_number),
        (0, 600, 1)
    );
    // And the Q CTRL of the built disc says so: copy permitted, pre-emphasis.
    assert_eq!(c.build().unwrap().tracks()[0].ctrl, 0x03);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Any list of items as read builds a disc or is refused with `TocAsRead`, never a panic;
    /// a built disc's lead-in keeps the layout's positions for every ADR 1 item and sends the
    /// ADR 5 items exactly as given.
    #[test]
    fn any_leadin_toc_as_read_builds_or_is_refused(
        items in proptest::collection::vec(
            (0u8..8, proptest::prelude::any::<u8>(), proptest::prelude::any::<[u8; 3]>(),
             proptest::prelude::any::<u8>(), proptest::prelude::any::<[u8; 3]>(),
             proptest::prelude::any::<u8>()),
            0..12,
        ),
        keep_layout in proptest::prelude::any::<bool>(),
    ) {
        use rawcd::layout::TocEntry;
        let mut c = ImageCreator::new();
        c.add_track(SectorType::Mode1, zeros(SectorType::Mode1, 300)).unwrap();
        c.add_track(SectorType::Audio, zeros(SectorType::Audio, 300)).unwrap();
        let plain = c.build().unwrap();
        let mut given: Vec<TocEntry> = items
            .iter()
            .map(|&(adr, point, msf, zero, p, ctrl)| TocEntry { adr, ctrl, point, msf, zero, p })
            .collect();
        if keep_layout {
            // The layout's own ADR 1 items with other CTRL bytes, among the random ones.
            given.retain(|e| e.adr != 1);
            given.extend(plain.session_toc(1).iter().map(|e| TocEntry { ctrl: e.ctrl ^ 2, ..*e }));
        }
        c.set_leadin_toc_as_read(1, given.clone());
        match c.build() {
            Ok(map) => {
                let toc = map.session_toc(1);
                let ours: Vec<_> = plain.session_toc(1).iter().filter(|e| e.adr == 1).collect();
                let adr1: Vec<_> = toc.iter().filter(|e| e.adr == 1).collect();
                proptest::prop_assert_eq!(adr1.len(), ours.len());
                for (a, b) in adr1.iter().zip(&ours) {
                    proptest::prop_assert_eq!(a.point, b.point);
                    proptest::prop_assert_eq!(a.p[0], b.p[0]);
                    if a.point != 0xA0 && a.point != 0xA1 {
                        proptest::prop_assert_eq!(a.p, b.p);
                    }
                }
                let adr5: Vec<_> = toc.iter().filter(|e| e.adr == 5).map(|e| (e.point, e.msf, e.zero, e.p)).collect();
                let want: Vec<_> = given.iter().filter(|e| e.adr == 5).map(|e| (e.point, e.msf, e.zero, e.p)).collect();
                proptest::prop_assert_eq!(adr5, want);
                if keep_layout && given.iter().all(|e| e.adr == 1 || e.adr == 5) {
                    proptest::prop_assert!(adr1.iter().zip(&ours).all(|(a, b)| a.ctrl == b.ctrl ^ 2));
                }
                // The lead-in streams: every sector of it has a Q frame.
                let _ = map.sector(map.leadin_start()).unwrap();
            }
            Err(e) => proptest::prop_assert!(matches!(e, LayoutError::TocAsRead { session: 1, .. }), "{e}"),
        }
    }
}

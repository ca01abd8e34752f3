//! Crashes and wrong answers found by fuzzing, each with its input inline.

#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

use rawcd::codec::cdtext::{Block, CdText, CdTextError, Charset, TextKind};

/// fuzz/cdtext_build: a track title that is exactly TAB (0x09) was written as is and read
/// back as "same as the previous track". It is now refused with a typed error.
#[test]
fn cdtext_track_string_of_only_tab_is_refused() {
    let mut b = Block::new(9, Charset::Iso8859_1, 1, 4);
    *b.disc.get_mut(TextKind::Performer) = vec![26];
    *b.tracks[1].texts.get_mut(TextKind::Title) = vec![9];
    let text = CdText { blocks: vec![b] };
    assert!(matches!(
        text.encode(&Default::default()),
        Err(CdTextError::TabString { track: 2, .. })
    ));
    // A TAB inside longer text is ordinary text.
    let mut b = Block::new(9, Charset::Iso8859_1, 1, 2);
    *b.tracks[1].texts.get_mut(TextKind::Title) = b"a\tb".to_vec();
    let text = CdText { blocks: vec![b] };
    let packs = text.encode(&Default::default()).unwrap();
    assert_eq!(CdText::decode(&packs).unwrap(), text);
}

/// fuzz/toc_file: SILENCE lengths near u64::MAX samples summed past u64::MAX in a track's byte
/// count (an add-overflow panic in debug builds). The count now saturates and the track is
/// refused as too large, with the sheet's name and line.
#[test]
fn toc_silence_lengths_that_overflow_are_a_typed_error() {
    use rawcd::formats::toc::{parse_toc, resolve};
    use std::path::Path;
    let text = "CD_DA\nTRACK AUDIO\nSILENCE 8000000000000000000\nSILENCE 8000000000000000000\n\
                SILENCE 8000000000000000000\n";
    let sheet = parse_toc(text, Path::new("big.toc")).unwrap();
    let err = resolve(&sheet, Path::new("."), &mut |_, _| {
        unreachable!("no files in this sheet")
    })
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("big.toc:"), "{msg}");
    assert!(msg.contains("too large"), "{msg}");
}

mod layout {
    use rawcd::codec::SectorType;
    use rawcd::layout::{ImageCreator, LayoutError, TrackLayout, TrackPiece};
    use rawcd::source::Source;

    fn sized(sectors: u64) -> Source {
        Source::from_reader(std::io::empty(), sectors * 2352, "test")
    }

    /// fuzz/disc_layout: relaxed mode (used to display sheets) accepted a track with no sector
    /// from INDEX 01, giving a track with no Q frame of its own. Empty tracks are now refused in
    /// every mode; short ones stay warnings when relaxed.
    #[test]
    fn relaxed_mode_refuses_an_empty_track() {
        let mut c = ImageCreator::new();
        c.set_relaxed(true);
        c.add_track(SectorType::Audio, sized(0)).unwrap();
        assert!(matches!(
            c.build(),
            Err(LayoutError::TrackTooShort { sectors: 0, .. })
        ));
        let mut c = ImageCreator::new();
        c.set_relaxed(true);
        c.add_track(SectorType::Audio, sized(10)).unwrap();
        let map = c.build().unwrap();
        assert_eq!(map.warnings().len(), 1, "{:?}", map.warnings());
    }

    /// fuzz/disc_layout: gapless audio took 150 sectors from a previous track shorter than that
    /// (a subtract-overflow panic). It now takes what there is and the track is refused.
    #[test]
    fn gapless_after_a_track_shorter_than_150_sectors_is_an_error() {
        let mut c = ImageCreator::new();
        c.set_disable_gapless_audio(true).unwrap();
        c.add_track(SectorType::Audio, sized(0)).unwrap();
        c.add_track(SectorType::Audio, sized(400)).unwrap();
        assert!(matches!(
            c.build(),
            Err(LayoutError::TrackTooShort { track: 1, .. })
        ));
    }

    /// fuzz/disc_layout: an explicit layout whose stored and generated pre-gaps summed past
    /// u32::MAX (an add-overflow panic). The sum saturates and the disc is refused as too long.
    #[test]
    fn explicit_pregaps_that_overflow_are_an_error() {
        let mut c = ImageCreator::new();
        let layout = TrackLayout {
            pregap_generated: u32::MAX,
            pregap_stored: 10,
            postgap_generated: 0,
        };
        c.add_track_explicit(
            SectorType::Audio,
            vec![TrackPiece::Source(sized(400))],
            layout,
            false,
        )
        .unwrap();
        assert!(matches!(c.build(), Err(LayoutError::DiscTooLong { .. })));
    }
}

/// fuzz/raw_verify: a `.raw` stream shorter than one sector, with its subchannel form given,
/// panicked while detecting its start LBA. Now a typed error; so is a start LBA outside the
/// range that has MSF times.
#[test]
fn raw_verify_short_stream_and_bad_start_are_errors() {
    use rawcd::verify::{verify_raw, RawSub};
    assert!(verify_raw(&[0u8; 425], Some(RawSub::Pw96), None).is_err());
    assert!(verify_raw(&[0u8; 2448], Some(RawSub::Pw96), Some(i32::MAX)).is_err());
    assert!(verify_raw(&[0u8; 2448], Some(RawSub::Pw96), Some(-50_000)).is_err());
    // An empty stream with everything given is an empty report, not a panic.
    let r = verify_raw(&[], Some(RawSub::None), Some(-150)).unwrap();
    assert_eq!(r.sectors, 0);
}

/// fuzz/audio_file: a FLAC whose metadata holds a second, short STREAMINFO block panicked
/// (index past the block). A repeated STREAMINFO is now ignored; the first one counts.
#[cfg(feature = "audio")]
#[test]
fn flac_second_short_streaminfo_is_not_a_panic() {
    use rawcd::formats::audio::flac_meta::parse_flac_meta;
    let mut f = b"fLaC\x00\x00\x00\x22".to_vec();
    f.extend_from_slice(&[0x10, 0x00, 0x10, 0x00, 0, 0, 0, 0, 0, 0]);
    f.extend_from_slice(&[0x0A, 0xC4, 0x42, 0xF0, 0, 0, 0x02, 0x4C]);
    f.extend_from_slice(&[0u8; 16]);
    f.extend_from_slice(b"\x80\x00\x00\x04abcd");
    let m = parse_flac_meta(&f).unwrap();
    assert_eq!(
        (m.sample_rate, m.channels, m.bits, m.total_samples),
        (44_100, 2, 16, 588)
    );
}

/// An MP4 box: 32-bit size, kind, body (the fuzz finds below are built from these).
#[cfg(feature = "audio")]
fn boxed(kind: &[u8], body: &[u8]) -> Vec<u8> {
    let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(body);
    v
}

/// An `.m4a` of an `ftyp` box and `moov` is refused as malformed when probed.
#[cfg(feature = "audio")]
fn assert_m4a_refused(moov: &[u8]) {
    use rawcd::formats::audio::{probe_bytes, AudioError, AudioOptions};
    let mut file = boxed(b"ftyp", b"M4A \0\0\0\0");
    file.extend_from_slice(moov);
    let r = probe_bytes(
        std::path::Path::new("x.m4a"),
        file,
        &AudioOptions::default(),
    );
    assert!(matches!(r, Err(AudioError::Malformed { .. })), "{r:?}");
}

/// fuzz/audio_file: an MP4 whose `stsz` box claims billions of entries made symphonia allocate
/// them all (11 GB) and abort. rawcd now checks every sample table fits in its box first.
#[cfg(feature = "audio")]
#[test]
fn mp4_sample_table_longer_than_its_box_is_refused() {
    use rawcd::formats::audio::check_mp4_tables;
    let stsz = boxed(b"stsz", &[0, 0, 0, 0, 0, 0, 0, 0, 0xA9, 0x4D, 0x37, 0x00]);
    let moov = boxed(
        b"moov",
        &boxed(
            b"trak",
            &boxed(b"mdia", &boxed(b"minf", &boxed(b"stbl", &stsz))),
        ),
    );
    let e = check_mp4_tables(&moov).unwrap_err();
    assert!(
        e.contains("stsz claims 2840409856 entries in 12 bytes"),
        "{e}"
    );
    assert_m4a_refused(&moov);
}

/// fuzz/audio_file: an AIFF whose 80-bit COMM sample rate is below 1 Hz made symphonia 0.5
/// panic ("TimeBase cannot have 0 numerator or denominator"); so would a WAV `fmt ` rate of 0.
#[cfg(feature = "audio")]
#[test]
fn riff_sample_rate_zero_is_refused_not_a_panic() {
    use rawcd::formats::audio::{probe_bytes, AudioError, AudioOptions};
    let aiff: &[u8] = &[
        0x46, 0x4F, 0x52, 0x4D, 0x00, 0x00, 0x67, 0x8A, 0x41, 0x49, 0x46, 0x46, 0x43, 0x4F, 0x4D,
        0x4D, 0x00, 0x00, 0x00, 0x12, 0x00, 0x02, 0x00, 0x00, 0x19, 0xD7, 0x00, 0x10, 0xFF, 0xF6,
        0x40, 0x0E, 0xAC, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x53, 0x53, 0x4E, 0x44, 0x00,
        0x00, 0x67, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x52, 0x49, 0x46, 0x46, 0xA2,
        0x67, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x35, 0x04, 0x02, 0x08, 0x3B, 0x07,
        0xFE, 0x0F, 0x85, 0x0B, 0xED, 0x0E, 0x3D, 0x0F, 0xC9, 0x10, 0xB0, 0x13, 0x8D, 0x17, 0x34,
        0x57, 0x41, 0x56, 0x45, 0x66, 0x6D, 0x74, 0x20, 0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02,
        0x00, 0x44, 0xAC, 0x00, 0x00, 0x4F, 0x67, 0x02, 0x00, 0x04, 0x00, 0x10, 0x17, 0x32, 0x17,
        0x84, 0x1A, 0x00,
    ];
    let opts = AudioOptions {
        convert: true,
        ..Default::default()
    };
    let r = probe_bytes(std::path::Path::new("x.aiff"), aiff.to_vec(), &opts);
    assert!(
        matches!(&r, Err(AudioError::Malformed { reason, .. }) if reason.contains("sample rate of 0")),
        "{r:?}"
    );
    // A WAV with rate 0.
    let mut wav = b"RIFF\0\0\0\0WAVEfmt ".to_vec();
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&[1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 16, 0]);
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&8u32.to_le_bytes());
    wav.extend_from_slice(&[0; 8]);
    let n = (wav.len() - 8) as u32;
    wav[4..8].copy_from_slice(&n.to_le_bytes());
    let r = probe_bytes(std::path::Path::new("x.wav"), wav, &opts);
    assert!(
        matches!(&r, Err(AudioError::Malformed { reason, .. }) if reason.contains("sample rate of 0")),
        "{r:?}"
    );
}

/// fuzz/audio_file: an ALAC packet whose element states a partial frame of 1,247,703 samples in
/// a stream of 4096-sample frames made symphonia 0.5's ALAC decoder panic (an unchecked slice).
/// The fuzzer's file, reduced: its `ftyp`/`free`/`mdat` header, the bad packet's first bytes in
/// place of the first packet, zeros, its `moov`.
#[cfg(feature = "audio")]
#[test]
fn alac_partial_frame_longer_than_the_stream_frame_is_an_error() {
    use rawcd::formats::audio::stream::{alac_partial_frame_too_long, decode_all};
    use rawcd::formats::audio::{probe_bytes, AudioOptions};
    let head: &[u8] = &[
        0x00, 0x00, 0x00, 0x1C, 0x66, 0x74, 0x79, 0x70, 0x4D, 0x34, 0x41, 0x20, 0x00, 0x00, 0x02,
        0x00, 0x4D, 0x34, 0x41, 0x20, 0x69, 0x73, 0x6F, 0x6D, 0x69, 0x73, 0x6F, 0x32, 0x00, 0x00,
        0x00, 0x08, 0x66, 0x72, 0x65, 0x65, 0x00, 0x00, 0x36, 0x25, 0x6D, 0x64, 0x61, 0x74,
    ];
    let packet: &[u8] = &[
        0x20, 0x00, 0x10, 0x00, 0x26, 0x13, 0xAE, 0x00, 0x00, 0x11, 0x0C, 0x01, 0x56, 0x00, 0xD2,
        0x00,
    ];
    let moov: &[u8] = &[
        0x00, 0x00, 0x02, 0xBB, 0x6D, 0x6F, 0x6F, 0x76, 0x00, 0x00, 0x00, 0x6C, 0x6D, 0x76, 0x68,
        0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x03, 0xE8, 0x00, 0x00, 0x00, 0x96, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01, 0xE5,
        0x74, 0x72, 0x61, 0x6B, 0x00, 0x00, 0x00, 0x5C, 0x74, 0x6B, 0x68, 0x64, 0x00, 0x00, 0x00,
        0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x96, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x24, 0x65, 0x64, 0x74, 0x73, 0x00,
        0x00, 0x00, 0x1C, 0x65, 0x6C, 0x73, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x96, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01,
        0x5D, 0x6D, 0x64, 0x69, 0x61, 0x00, 0x00, 0x00, 0x20, 0x6D, 0x64, 0x68, 0x64, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xAC, 0x44, 0x00,
        0x00, 0x19, 0xD7, 0x55, 0xC4, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2D, 0x68, 0x64, 0x6C, 0x72,
        0x00, 0x00, 0x00, 0x00, 0xA1, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x53, 0x6F, 0x75, 0x6E, 0x64, 0x48,
        0x61, 0x6E, 0x64, 0x6C, 0x65, 0x72, 0x00, 0x00, 0x00, 0x01, 0x08, 0x6D, 0x69, 0x6E, 0x66,
        0x00, 0x00, 0x00, 0x10, 0x73, 0x6D, 0x68, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x24, 0x64, 0x69, 0x6E, 0x66, 0x00, 0x00, 0x00, 0x1C, 0x64, 0x72,
        0x65, 0x66, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0C, 0x75,
        0x72, 0x6C, 0x20, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xCC, 0x73, 0x74, 0x62, 0x6C,
        0x00, 0x00, 0x00, 0x58, 0x73, 0x74, 0x73, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x00, 0x00, 0x48, 0x61, 0x6C, 0x61, 0x63, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x10, 0x00,
        0x00, 0x00, 0x00, 0xAC, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x24, 0x61, 0x6C, 0x61, 0x63,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x10, 0x28, 0x0A, 0x0E, 0x02, 0x00,
        0x00, 0x00, 0x00, 0x40, 0x04, 0x00, 0x15, 0x88, 0x80, 0x00, 0x00, 0xAC, 0x44, 0x00, 0x00,
        0x00, 0x20, 0x73, 0x74, 0x74, 0x73, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
        0x00, 0x00, 0x01, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x09, 0xD7,
        0x00, 0x00, 0x00, 0x1C, 0x73, 0x74, 0x73, 0x63, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
        0x00, 0x1C, 0x73, 0x74, 0x73, 0x7A, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x02, 0x00, 0x00, 0x20, 0x94, 0x00, 0x00, 0x15, 0x89, 0x00, 0x00, 0x00, 0x14,
        0x73, 0x74, 0x63, 0x6F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x2C, 0x00, 0x00, 0x00, 0x62, 0x75, 0x64, 0x74, 0x61, 0x00, 0x00, 0x00, 0x5A, 0x6D, 0x65,
        0x74, 0x61, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x68, 0x64, 0x6C, 0x72, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x6D, 0x64, 0x69, 0x72, 0x61, 0x70, 0x70, 0x6C,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2D, 0x69, 0x6C,
        0x73, 0x74, 0x00, 0x00, 0x00, 0x25, 0xA9, 0x74, 0x6F, 0x6F, 0x00, 0x00, 0x00, 0x1D, 0x64,
        0x61, 0x74, 0x61, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x4C, 0x61, 0x76, 0x66,
        0x35, 0x39, 0x2E, 0x32, 0x37, 0x2E, 0x31, 0x30, 0x30,
    ];
    let mut m4a = vec![0u8; 14596];
    m4a[..44].copy_from_slice(head);
    m4a[44..60].copy_from_slice(packet);
    m4a[13897..].copy_from_slice(moov);
    let opts = AudioOptions {
        convert: true,
        ..Default::default()
    };
    let info = probe_bytes(std::path::Path::new("x.m4a"), m4a.clone(), &opts).unwrap();
    let r = decode_all(&info, Box::new(std::io::Cursor::new(m4a)), &opts);
    let e = r.unwrap_err().to_string();
    assert!(
        e.contains("decoding failed at sample 0: ALAC frame of 1247703 samples"),
        "{e}"
    );
    // The element walk: FIL (2 bytes of fill), then a CPE with a partial frame of 5000.
    let mut bits = String::new();
    bits += "110"; // FIL
    bits += "0010"; // count 2
    bits += &"0".repeat(16);
    bits += "001"; // CPE
    bits += "0000"; // tag
    bits += &"0".repeat(12);
    bits += "1"; // partial
    bits += "000"; // shift, uncompressed
    bits += &format!("{:032b}", 5000);
    while bits.len() % 8 != 0 {
        bits.push('0');
    }
    let packet: Vec<u8> = (0..bits.len() / 8)
        .map(|i| u8::from_str_radix(&bits[8 * i..8 * i + 8], 2).unwrap())
        .collect();
    assert_eq!(alac_partial_frame_too_long(&packet, 4096), Some(5000));
    // With a compressed CPE the mid-side shift follows; 8 bits of 0 here (fine), then 40.
    assert_eq!(alac_partial_frame_too_long(&packet, 5000), None);
    let mut shifted = bits.clone();
    shifted.truncate(3 + 4 + 16 + 3 + 4 + 12 + 1 + 3 + 32);
    shifted += &format!("{:08b}", 40);
    while shifted.len() % 8 != 0 {
        shifted.push('0');
    }
    let p2: Vec<u8> = (0..shifted.len() / 8)
        .map(|i| u8::from_str_radix(&shifted[8 * i..8 * i + 8], 2).unwrap())
        .collect();
    assert_eq!(alac_partial_frame_too_long(&p2, 5000), Some(u32::MAX));
}

/// fuzz/audio_file: an MP4 tag (`moov/udta/meta/ilst/©too/data`) whose `data` box claims
/// 2.2 GB made symphonia 0.5 allocate it (out of memory); it runs past its parent, so it is
/// refused before symphonia reads the file.
#[cfg(feature = "audio")]
#[test]
fn mp4_tag_box_longer_than_its_parent_is_refused() {
    use rawcd::formats::audio::check_mp4_tables;
    let mut data = 0x8500_001Du32.to_be_bytes().to_vec();
    data.extend_from_slice(b"data\0\0\0\x01\0\0\0\0Lavf");
    let mut meta = vec![0u8; 4];
    meta.extend(boxed(b"ilst", &boxed(b"\xA9too", &data)));
    let moov = boxed(b"moov", &boxed(b"udta", &boxed(b"meta", &meta)));
    let e = check_mp4_tables(&moov).unwrap_err();
    assert!(
        e.contains("box data of 2231369757 bytes runs past its parent"),
        "{e}"
    );
    // A well-formed tag passes.
    let mut ok = 24u32.to_be_bytes().to_vec();
    ok.extend_from_slice(b"data\0\0\0\x01\0\0\0\0LavfLavf");
    let mut meta = vec![0u8; 4];
    meta.extend(boxed(b"ilst", &boxed(b"\xA9too", &ok)));
    check_mp4_tables(&boxed(b"moov", &boxed(b"udta", &boxed(b"meta", &meta)))).unwrap();
    assert_m4a_refused(&moov);
}

/// fuzz/audio_file: an `stsz` entry of 4 GB made symphonia 0.5 allocate the sample (out of
/// memory); samples above `MAX_MP4_SAMPLE` are refused before symphonia reads the file.
#[cfg(feature = "audio")]
#[test]
fn mp4_sample_larger_than_the_limit_is_refused() {
    use rawcd::formats::audio::check_mp4_tables;
    let stbl = |stsz: &[u8]| boxed(b"moov", &boxed(b"stbl", &boxed(b"stsz", stsz)));
    // Two entries, the second 0xFF000000 bytes.
    let mut t = vec![0u8; 8];
    t.extend_from_slice(&2u32.to_be_bytes());
    t.extend_from_slice(&8340u32.to_be_bytes());
    t.extend_from_slice(&0xFF00_0000u32.to_be_bytes());
    let e = check_mp4_tables(&stbl(&t)).unwrap_err();
    assert!(e.contains("a sample of 4278190080 bytes"), "{e}");
    // The same as one fixed size.
    let mut f = vec![0u8; 4];
    f.extend_from_slice(&0xFF00_0000u32.to_be_bytes());
    f.extend_from_slice(&7u32.to_be_bytes());
    assert!(check_mp4_tables(&stbl(&f)).is_err());
    // Real sizes pass.
    t[16..20].copy_from_slice(&5513u32.to_be_bytes());
    check_mp4_tables(&stbl(&t)).unwrap();
}

/// fuzz/audio_file: a WAVE_FORMAT_EXTENSIBLE `fmt ` whose speaker mask reaches bit 31 with
/// more channels than mask bits made symphonia 0.5 overflow a shift (a panic with overflow
/// checks on); masks past the 18 WAVE speakers, or more than 18 channels, are refused first.
#[cfg(feature = "audio")]
#[test]
fn wav_speaker_mask_past_the_wave_speakers_is_refused() {
    use rawcd::formats::audio::{probe_bytes, AudioError, AudioOptions};
    let wav = |channels: u16, mask: u32| {
        let mut fmt = vec![0xFE, 0xFF];
        fmt.extend_from_slice(&channels.to_le_bytes());
        fmt.extend_from_slice(&44_100u32.to_le_bytes());
        fmt.extend_from_slice(&(44_100 * 2 * u32::from(channels)).to_le_bytes());
        fmt.extend_from_slice(&(2 * channels).to_le_bytes());
        fmt.extend_from_slice(&16u16.to_le_bytes());
        fmt.extend_from_slice(&22u16.to_le_bytes());
        fmt.extend_from_slice(&16u16.to_le_bytes());
        fmt.extend_from_slice(&mask.to_le_bytes());
        fmt.extend_from_slice(&[
            1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71,
        ]);
        let mut v = b"RIFF\0\0\0\0WAVEfmt ".to_vec();
        v.extend_from_slice(&(fmt.len() as u32).to_le_bytes());
        v.extend(fmt);
        v.extend_from_slice(b"data");
        v.extend_from_slice(&(4 * u32::from(channels)).to_le_bytes());
        v.extend(vec![0u8; 4 * usize::from(channels)]);
        let n = (v.len() - 8) as u32;
        v[4..8].copy_from_slice(&n.to_le_bytes());
        v
    };
    let opts = AudioOptions {
        convert: true,
        ..Default::default()
    };
    let r = probe_bytes(std::path::Path::new("x.wav"), wav(3, 0x8000_0001), &opts);
    assert!(
        matches!(&r, Err(AudioError::Malformed { reason, .. }) if reason.contains("speaker mask 0x80000001")),
        "{r:?}"
    );
    let r = probe_bytes(std::path::Path::new("x.wav"), wav(40, 0x3), &opts);
    assert!(matches!(&r, Err(AudioError::Malformed { .. })), "{r:?}");
    // 5.1 with its mask is fine.
    probe_bytes(std::path::Path::new("x.wav"), wav(6, 0x3F), &opts).unwrap();
}

/// fuzz/audio_file (the lead's 10-minute run after the merge): an MP4 whose second top-level box
/// has a 64-bit size of 2⁶⁴ − 1 made the `moov` search add past `u64::MAX` (a panic with
/// overflow checks on), then symphonia's box walk the same; a top-level box running past the end of
/// the file is now refused first, with one line.
#[cfg(feature = "audio")]
#[test]
fn mp4_box_with_a_64_bit_size_near_the_limit_is_not_a_panic() {
    use rawcd::formats::audio::{probe_bytes, AudioOptions};
    let file: [u8; 49] = [
        0x00, 0x00, 0x00, 0x10, b'f', b't', b'y', b'p', 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff,
        0xff, 0x00, 0x00, 0x00, 0x01, 0x10, 0x7a, 0x83, 0x83, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf1, 0xff, 0xff, 0xfc, 0x00, 0x85, 0xf5, 0x2d, 0x35,
        0x00, 0x00, 0x85, 0xd3,
    ];
    let opts = AudioOptions {
        convert: true,
        ..Default::default()
    };
    let r = std::panic::catch_unwind(|| {
        probe_bytes(std::path::Path::new("fuzz.m4a"), file.to_vec(), &opts).map(|_| ())
    });
    let e = r.expect("probing panicked").unwrap_err().to_string();
    assert!(e.contains("runs past the end of the file"), "{e}");
}

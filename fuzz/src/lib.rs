//! Helpers shared by the fuzz targets: each target stays a few lines and asserts an oracle.

use rawcd::codec::engine::{testing::available, Engine, Reference};
use rawcd::codec::verify::{looks_like_data, Scrambling};
use rawcd::codec::{encode_sector, verify_sector, SectorType, SECTOR_SIZE};
use rawcd::units::Lba;

/// Arbitrary bytes through decode/verify (must not panic), then arbitrary (type, LBA, payload)
/// through encode: every engine must agree with the reference, and a successful encode must
/// verify as valid (scrambled and not).
pub fn sector_codec(data: &[u8]) {
    for e in available() {
        let _ = verify_sector(&e, data, None, Scrambling::Auto);
    }
    let _ = looks_like_data(data, Some(Lba(0)));
    if data.len() < 5 {
        return;
    }
    let ty = SectorType::ALL[data[0] as usize % 10];
    let lba = i32::from_le_bytes([data[1], data[2], data[3], data[4]]) % 460_000;
    let payload = &data[5..];
    let mut input = vec![0u8; ty.input_size()];
    let n = payload.len().min(input.len());
    input[..n].copy_from_slice(&payload[..n]);
    if data[0] & 0x80 != 0 {
        // Exercise the size checks too.
        input.truncate(n);
    }
    let mut want = [0u8; SECTOR_SIZE];
    let r = encode_sector(&Reference, ty, Lba(lba), &input, &mut want);
    for e in available() {
        let mut got = [0u8; SECTOR_SIZE];
        let g = encode_sector(&e, ty, Lba(lba), &input, &mut got);
        assert_eq!(g, r);
        if r.is_ok() {
            assert_eq!(got, want);
            let checked = ty.is_data() && ty.cooked() != SectorType::Mode2Form0 && !ty.is_raw();
            if checked {
                assert!(verify_sector(&e, &got, Some(Lba(lba)), Scrambling::Plain).is_valid());
                e.scramble(&mut got);
                assert!(verify_sector(&e, &got, Some(Lba(lba)), Scrambling::Auto).is_valid());
            }
        }
    }
}

use std::path::Path;

use rawcd::formats::plan::{FileInfo, FileKind};

/// A fake `stat` for resolving fuzzed sheets: every file exists with a length derived from
/// its name, WAV files have a 44-byte header.
fn fake_stat(p: &Path, kind: FileKind) -> Result<FileInfo, rawcd::formats::ParseErrorKind> {
    let len = 2352 * 400 + p.as_os_str().len() as u64 * 7;
    Ok(FileInfo {
        path: p.to_path_buf(),
        data_offset: if matches!(kind, FileKind::Wave) { 44 } else { 0 },
        data_len: len,
        warnings: Vec::new(),
    })
}

/// Arbitrary text through the cue parser and resolver; a resolved plan must convert to a
/// disc model without panicking (errors are fine).
pub fn cue_sheet(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(sheet) = rawcd::formats::cue::parse_cue(&text, Path::new("fuzz.cue")) {
        let _ = rawcd::formats::cue::resolve(&sheet, Path::new("/nonexistent"), &mut fake_stat);
    }
}

/// Arbitrary text through the TOC parser and resolver.
pub fn toc_file(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(sheet) = rawcd::formats::toc::parse_toc(&text, Path::new("fuzz.toc")) {
        let _ = rawcd::formats::toc::resolve(&sheet, Path::new("/nonexistent"), &mut fake_stat);
    }
}

/// Arbitrary bytes as a WAV header: a found data range must lie inside the input.
pub fn wav_header(data: &[u8]) {
    if let Ok(w) = rawcd::formats::parse_wav(data) {
        assert!(w.data_offset + w.data_len <= data.len() as u64);
    }
}

/// Arbitrary text as a CloneCD `.ccd`.
pub fn ccd_sheet(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = rawcd::formats::ccd::parse_ccd(&text, Path::new("fuzz.ccd"));
}

/// Arbitrary packs through the CD-Text decoder; what decodes must re-encode and decode to the
/// same text.
pub fn cdtext_packs(data: &[u8]) {
    use rawcd::codec::cdtext::{CdText, EncodeOptions};
    if let Ok(packs) = rawcd::formats::cdt::read_cdt(data) {
        if let Ok(text) = CdText::decode(&packs) {
            if let Ok(again) = text.encode(&EncodeOptions::default()) {
                let back = CdText::decode(&again).expect("re-encoded packs decode");
                assert_eq!(back, text);
            }
        }
    }
}

/// Arbitrary raw R–W symbols through the de-interleaver and parity check: never panics, and a
/// stream the encoder made decodes back to its input with every pack Ok.
pub fn rw_decode(data: &[u8]) {
    use rawcd::codec::rw::{PackStatus, RwDeinterleaver, RwInterleaver};
    let mut d = RwDeinterleaver::new();
    for chunk in data.chunks_exact(96) {
        let mut raw = [0u8; 96];
        raw.copy_from_slice(chunk);
        let mut out = [0u8; 96];
        let _ = d.decode_sector(&raw, &mut out);
    }
    // Round trip: the fuzz bytes as cooked input.
    let sectors = data.len() / 96;
    let mut enc = RwInterleaver::new();
    let mut dec = RwDeinterleaver::new();
    let mut back = Vec::new();
    for k in 0..sectors + 2 {
        let mut cooked = [0u8; 96];
        if k < sectors {
            for (c, b) in cooked.iter_mut().zip(&data[96 * k..96 * k + 96]) {
                *c = b & 0x3F;
            }
        }
        let mut raw = [0u8; 96];
        enc.encode_sector(&cooked, &mut raw);
        let mut out = [0u8; 96];
        let st = dec.decode_sector(&raw, &mut out);
        if k >= 2 {
            assert!(st.iter().all(|s| matches!(s, PackStatus::Ok)));
            back.extend_from_slice(&out);
        }
    }
    // Data symbols (4..19 of each pack) and the mode/instruction symbols come back.
    for (k, pack) in back.chunks_exact(24).enumerate() {
        let src = &data[24 * k..24 * k + 24];
        for i in [0usize, 1].into_iter().chain(4..20) {
            assert_eq!(pack[i], src[i] & 0x3F);
        }
    }
}

/// Arbitrary metadata through the CD-Text pack builder: errors for oversized text, otherwise
/// packs with valid CRCs that decode to the same text.
pub fn cdtext_build(data: &[u8]) {
    use rawcd::codec::cdtext::{Block, CdText, Charset, EncodeOptions, TextKind};
    if data.len() < 3 {
        return;
    }
    let tracks = (data[0] % 99) as usize + 1;
    let blocks = (data[1] % 3) as usize + 1;
    let mut text = CdText { blocks: Vec::new() };
    let mut strings = data[3..].split(|&b| b == 0);
    for bl in 0..blocks {
        let mut b = Block::new(9 - bl as u8, Charset::Iso8859_1, 1, tracks);
        let mut next = || strings.next().unwrap_or(&[]).to_vec();
        *b.disc.get_mut(TextKind::Title) = next();
        *b.disc.get_mut(TextKind::Performer) = next();
        for t in b.tracks.iter_mut() {
            *t.texts.get_mut(TextKind::Title) = next();
            if data[2] & 1 != 0 {
                *t.texts.get_mut(TextKind::Songwriter) = next();
            }
        }
        text.blocks.push(b);
    }
    let opts = EncodeOptions {
        tab_shortcut: data[2] & 2 != 0,
    };
    if let Ok(packs) = text.encode(&opts) {
        assert!(packs.iter().all(|p| p.crc_ok()));
        let back = CdText::decode(&packs).expect("built packs decode");
        assert_eq!(back, text);
    }
}

/// Reads the fuzz input as a little program of `ImageCreator` calls.
struct Ops<'a>(&'a [u8]);

impl Ops<'_> {
    fn u8(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes([self.u8()?, self.u8()?, self.u8()?, self.u8()?]))
    }
    /// A size biased towards the interesting range (a few sectors to past the disc's end).
    fn sectors(&mut self) -> Option<u32> {
        let v = self.u32()?;
        Some(match v >> 30 {
            0 => v & 0x3ff,
            1 => v & 0x7ffff,
            _ => v,
        })
    }
}

/// A source of `len` bytes that is never read: the layout only needs lengths.
fn sized(len: u64) -> rawcd::source::Source {
    rawcd::source::Source::from_reader(std::io::empty(), len, "fuzz")
}

/// Arbitrary `ImageCreator` calls (tracks of every type and size, explicit layouts, hidden track
/// one, indexes, MCN/ISRC text, track numbering, lead-in and lead-out settings), then `build`:
/// no call panics, and a built map is self-consistent (every LBA from the lead-in start to the
/// end answers, the creator and the map agree on the lead-out and the last used user sector).
pub fn disc_layout(data: &[u8]) {
    use rawcd::layout::{ImageCreator, LeadIn, TrackLayout, TrackPiece};
    use rawcd::units::Msf;
    let mut ops = Ops(data);
    let mut c = ImageCreator::new();
    while let Some(op) = ops.u8() {
        let ty = SectorType::ALL[(op >> 4) as usize % 10];
        let r = match op & 0x0f {
            0..=3 => {
                let Some(n) = ops.sectors() else { break };
                let extra = u64::from(op & 1) * 7; // sometimes not whole sectors
                c.add_track(ty, sized(n as u64 * ty.input_size() as u64 + extra))
                    .map(drop)
            }
            4 => {
                let (Some(a), Some(b), Some(p), Some(s), Some(q)) = (
                    ops.sectors(),
                    ops.sectors(),
                    ops.sectors(),
                    ops.sectors(),
                    ops.sectors(),
                ) else {
                    break;
                };
                let pieces = vec![
                    TrackPiece::Zero(a),
                    TrackPiece::Source(sized(b as u64 * ty.input_size() as u64)),
                ];
                let layout = TrackLayout {
                    pregap_generated: p,
                    pregap_stored: s,
                    postgap_generated: q,
                };
                c.add_track_explicit(ty, pieces, layout, op & 0x80 != 0)
                    .map(drop)
            }
            5 => {
                let Some(n) = ops.sectors() else { break };
                c.add_special_pregap(sized(n as u64 * 2352))
            }
            6 => {
                let (Some(t), Some(off)) = (ops.u8(), ops.sectors()) else {
                    break;
                };
                let t = t as u32 % 101;
                c.track_info_mut(t)
                    .and_then(|s| s.add_track_index(t as u8, off))
            }
            7 => {
                let Some(n) = ops.u8() else { break };
                c.set_starting_track_number(n as u32)
            }
            8 => {
                let Some(n) = ops.u8() else { break };
                c.set_number_of_existing_tracks(n as u32);
                Ok(())
            }
            9 => {
                let Some(v) = ops.u32() else { break };
                c.set_start_of_leadout_limit(v as i32)
            }
            10 => {
                let (Some(m), Some(s), Some(f)) = (ops.u8(), ops.u8(), ops.u8()) else {
                    break;
                };
                c.set_leadin(match m % 4 {
                    0 => LeadIn::Imapi,
                    1 => LeadIn::None,
                    _ => match Msf::new(m % 100, s % 60, f % 75) {
                        Some(msf) => LeadIn::At(msf),
                        None => LeadIn::None,
                    },
                });
                Ok(())
            }
            11 => c.set_disable_gapless_audio(op & 0x10 != 0),
            12 => {
                let n = (op >> 4) as usize;
                let text: Vec<u8> = (0..n).filter_map(|_| ops.u8()).collect();
                c.set_media_catalog_number(&String::from_utf8_lossy(&text))
            }
            13 => {
                let Some(t) = ops.u8() else { break };
                let text: Vec<u8> = (0..12).filter_map(|_| ops.u8()).collect();
                c.set_isrc(t as u32 % 101, &String::from_utf8_lossy(&text))
            }
            14 => {
                let Some(t) = ops.u8() else { break };
                c.track_info_mut(t as u32 % 101).map(|s| {
                    s.preemphasis = op & 0x10 != 0;
                    s.four_channel = op & 0x20 != 0;
                })
            }
            _ => {
                c.set_relaxed(op & 0x10 != 0);
                c.set_cdi(op & 0x20 != 0);
                Ok(())
            }
        };
        let _ = r;
    }
    let built = c.build();
    let (leadout, luus, toc) = (
        c.start_of_leadout(),
        c.last_used_user_sector(),
        c.expected_toc(),
    );
    let Ok(map) = built else {
        return;
    };
    assert_eq!(leadout.ok(), Some(map.start_of_leadout()));
    assert_eq!(luus.ok(), Some(map.last_used_user_sector()));
    assert_eq!(toc.ok(), Some(map.expected_toc()));
    assert!(map.last_used_user_sector() < map.start_of_leadout());
    assert_eq!(
        map.sector_count(),
        (map.end() as i64 - map.leadin_start() as i64) as u64
    );
    let _ = map.toc_entries();
    for i in 0..c.track_count() {
        let _ = c.track_info(i as u32 + c.starting_track_number() as u32);
    }
    // Every area boundary and a spread of LBAs answer; the ends do not.
    let (a, b) = (map.leadin_start(), map.end());
    assert!(map.sector(a - 1).is_none() && map.sector(b).is_none());
    let step = ((b - a) / 97).max(1);
    let mut lba = a;
    while lba < b {
        assert!(map.sector(lba).is_some(), "lba {lba}");
        lba += step;
    }
    for t in map.tracks() {
        assert!(t.first_lba <= t.index01 && t.index01 < t.end);
        for lba in [t.first_lba, t.index01, t.end - 1] {
            assert!(map.sector(lba).is_some(), "track {} lba {lba}", t.number);
        }
    }
    assert!(map.sector(b - 1).is_some());
    assert!(map.sector(map.start_of_leadout()).is_some());
}

/// A small valid raw96 stream (no lead-in: a Mode 1 and an audio track, then the lead-out),
/// made once through the pipeline.
fn base_stream() -> &'static [u8] {
    use rawcd::layout::{ImageCreator, LeadIn};
    use rawcd::pipeline::{PipelineOptions, ResultImage};
    use std::io::Read;
    static BASE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let mut c = ImageCreator::new();
        c.set_leadin(LeadIn::None);
        c.set_media_catalog_number("0724385356926").unwrap();
        let data: Vec<u8> = (0..300 * 2048).map(|i| (i * 7 >> 3) as u8).collect();
        c.add_track(SectorType::Mode1, rawcd::source::Source::from_bytes(data))
            .unwrap();
        c.add_track(
            SectorType::Audio,
            rawcd::source::Source::from_bytes(vec![3u8; 300 * 2352]),
        )
        .unwrap();
        let map = c.build().unwrap();
        let mut img = ResultImage::new(&map, PipelineOptions::default()).unwrap();
        let mut v = Vec::new();
        img.read_to_end(&mut v).unwrap();
        v
    })
}

/// A valid raw stream, cut to a length and corrupted at arbitrary places, through the `.raw`
/// verifier with the subchannel form and start given or detected: it must never panic, and the
/// uncut, unpatched stream must verify clean.
pub fn raw_verify(data: &[u8]) {
    use rawcd::verify::{verify_raw, RawSub};
    let base = base_stream();
    let mut ops = Ops(data);
    let (Some(sel), Some(cut)) = (ops.u8(), ops.u32()) else {
        let r = verify_raw(base, Some(RawSub::Pw96), Some(-150)).unwrap();
        assert!(r.ok());
        return;
    };
    let len = if sel & 0x80 != 0 {
        base.len()
    } else {
        cut as usize % (base.len() + 1)
    };
    let mut bytes = base[..len].to_vec();
    while let (Some(off), Some(x)) = (ops.u32(), ops.u8()) {
        if !bytes.is_empty() {
            let i = off as usize % bytes.len();
            bytes[i] ^= x;
        }
    }
    let sub = match sel & 3 {
        0 => None,
        1 => Some(RawSub::None),
        2 => Some(RawSub::Pq16),
        _ => Some(RawSub::Pw96),
    };
    let start = match (sel >> 2) & 3 {
        0 => None,
        1 => Some(-150),
        2 => Some(-22_650),
        _ => Some(i32::from(sel as i8) * 1000),
    };
    let _ = verify_raw(&bytes, sub, start);
}

/// Arbitrary bytes as an audio file (feature `audio`): length detection (`probe_bytes`) then a
/// full decode. Oracle: a decode that succeeds gives exactly the announced length in CD PCM
/// bytes (anything else must be a typed error, never a panic); the FLAC metadata parser and
/// the container sniffer never panic on the same bytes.
pub fn audio_file(data: &[u8]) {
    use rawcd::formats::audio::{flac_meta, probe_bytes, sniff, stream::decode_all, AudioOptions};
    let _ = sniff(data);
    let _ = flac_meta::parse_flac_meta(data);
    let opts = AudioOptions {
        convert: true,
        ..Default::default()
    };
    let name = Path::new("fuzz.audio");
    if let Ok(info) = probe_bytes(name, data.to_vec(), &opts) {
        let src = Box::new(std::io::Cursor::new(data.to_vec()));
        if let Ok(pcm) = decode_all(&info, src, &opts) {
            assert_eq!(pcm.len() as u64, info.pcm_bytes());
        }
    }
}

//! Helpers shared by the fuzz targets: each target stays a few lines and asserts an oracle.

use rawcd::codec::engine::{testing::available, Engine, Finish, Reference};
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
            // The batch encoder re-finishes an encoded sector to itself, and scrambles it as
            // the reference does.
            let finish = match ty {
                SectorType::Mode1 => Some(Finish::Mode1),
                SectorType::Mode2Form1 => Some(Finish::Mode2Form1),
                SectorType::Mode2Form2 => Some(Finish::Mode2Form2),
                _ => None,
            };
            if let Some(f) = finish {
                let mut batch = [want, want];
                e.encode_batch(&mut batch[..1], f, false);
                e.encode_batch(&mut batch[1..], f, true);
                let mut scrambled = want;
                Reference.scramble(&mut scrambled);
                assert_eq!(batch, [want, scrambled]);
                // Strided, as in a raw96 batch: the 96 bytes after the sector stay as they are.
                let mut slots = [[0xA5u8; SECTOR_SIZE + 96]; 2];
                for s in &mut slots {
                    s[..SECTOR_SIZE].copy_from_slice(&want);
                }
                e.encode_strided(slots.as_flattened_mut(), SECTOR_SIZE + 96, f, true);
                for s in &slots {
                    assert_eq!(s[..SECTOR_SIZE], scrambled);
                    assert!(s[SECTOR_SIZE..].iter().all(|&b| b == 0xA5));
                }
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
        data_offset: if matches!(kind, FileKind::Wave) {
            44
        } else {
            0
        },
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
        Some(u32::from_le_bytes([
            self.u8()?,
            self.u8()?,
            self.u8()?,
            self.u8()?,
        ]))
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

/// Corrupted sectors through the ECC corrector: it never panics, never returns a "corrected"
/// sector whose EDC or ECC fails (checked with the reference engine), leaves an uncorrectable
/// sector unchanged, and restores a valid sector exactly when every P vector holds at most one
/// error. With bit 0x40 of the first byte the input itself is the sector (arbitrary bytes).
pub fn sector_correct(data: &[u8]) {
    use rawcd::codec::correct::{correct_sector, Correction, EccLayout};
    use rawcd::codec::engine::Auto;
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let layout = if flags & 1 != 0 {
        EccLayout::Form1
    } else {
        EccLayout::Mode1
    };
    let e = Auto::detect();
    let mut s = [0u8; SECTOR_SIZE];
    let mut good = None;
    let ops: &[u8] = if flags & 0x40 != 0 {
        let n = rest.len().min(SECTOR_SIZE);
        s[..n].copy_from_slice(&rest[..n]);
        &[]
    } else {
        if rest.len() < 5 {
            return;
        }
        let lba = i32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]).rem_euclid(400_000);
        let seed = rest[4];
        let ty = if layout == EccLayout::Form1 {
            SectorType::Mode2Form1
        } else {
            SectorType::Mode1
        };
        let input: Vec<u8> = (0..2048u32)
            .map(|i| {
                (i as u8)
                    .wrapping_mul(seed | 1)
                    .wrapping_add(seed.rotate_left(3))
            })
            .collect();
        encode_sector(&Reference, ty, Lba(lba), &input, &mut s).unwrap();
        good = Some(s);
        &rest[5..]
    };
    // (offset, xor) triples; count how many land in each P vector's area.
    let mut per_p = [0u8; 86];
    let mut outside = false;
    for op in ops.chunks_exact(3) {
        let off = usize::from(u16::from_le_bytes([op[0], op[1]])) % SECTOR_SIZE;
        if op[2] == 0 {
            continue;
        }
        s[off] ^= op[2];
        if (12..2248).contains(&off) && !(layout == EccLayout::Form1 && off < 16) {
            per_p[(off - 12) % 86] += 1;
        } else {
            outside = true;
        }
    }
    let before = s;
    let r = correct_sector(&e, &mut s, layout);
    let zero_header = layout == EccLayout::Form1;
    match r {
        Correction::Uncorrectable => assert_eq!(s, before),
        Correction::Clean | Correction::Corrected { .. } => {
            let (range, at) = if zero_header {
                (16..2072, 2072)
            } else {
                (0..2064, 2064)
            };
            let stored = u32::from_le_bytes([s[at], s[at + 1], s[at + 2], s[at + 3]]);
            assert_eq!(
                Reference.edc(&s[range]),
                stored,
                "corrected sector fails its EDC"
            );
            let mut c = s;
            Reference.ecc(&mut c, zero_header);
            assert_eq!(c, s, "corrected sector fails its ECC");
        }
    }
    if let Some(g) = good {
        if !outside && per_p.iter().all(|&c| c <= 1) {
            assert_eq!(s, g, "one error per P vector must be corrected");
        }
    }
}

/// Callback state of a fuzzed `rawcd_creator_add_track_callback` track.
struct FuzzReader {
    given: u64,
    /// Return −1 once this many bytes were given.
    fail_at: Option<u64>,
    /// Return 0 (end) once this many bytes were given.
    end_at: Option<u64>,
}

static RELEASED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

unsafe extern "C" fn fuzz_read(user: *mut std::ffi::c_void, buf: *mut u8, len: usize) -> isize {
    // SAFETY: `user` is the `FuzzReader` this file boxed; rawcd calls `read` from one thread at
    // a time; `buf` holds `len` writable bytes.
    let (r, out) = unsafe {
        (
            &mut *user.cast::<FuzzReader>(),
            std::slice::from_raw_parts_mut(buf, len),
        )
    };
    if r.fail_at.is_some_and(|f| r.given >= f) {
        return -1;
    }
    if r.end_at.is_some_and(|e| r.given >= e) {
        return 0;
    }
    let n = len.min(3000);
    for (i, b) in out[..n].iter_mut().enumerate() {
        *b = (r.given as usize + i) as u8;
    }
    r.given += n as u64;
    n as isize
}

unsafe extern "C" fn fuzz_release(user: *mut std::ffi::c_void) {
    // SAFETY: `user` came from `Box::into_raw` in `capi_calls`; release is called once.
    drop(unsafe { Box::from_raw(user.cast::<FuzzReader>()) });
    RELEASED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

/// Arbitrary sequences of C ABI calls (creators, discs and streams in a few slots; every
/// setter with arbitrary values; callbacks that fail or end early; reads of any length;
/// cancel; handles used after free or as the wrong kind; NULL arguments): no call panics or
/// crashes, every status is one of the seven, every failure leaves a message, reads never
/// claim more than asked, the running last used user sector never decreases, and every
/// callback's `user` is released exactly once when everything is freed (LeakSanitizer checks
/// the rest).
pub fn capi_calls(data: &[u8]) {
    use rawcd::capi::*;
    use std::ffi::{c_char, CStr, CString};
    use std::ptr::null_mut;
    use std::sync::atomic::Ordering;

    fn check(st: rawcd_status) -> bool {
        // The enum is repr(C): rawcd only returns its seven values.
        if st != rawcd_status::RAWCD_OK {
            // SAFETY: rawcd_last_error returns a valid NUL-terminated string.
            let m = unsafe { CStr::from_ptr(rawcd_last_error()) };
            assert!(!m.to_bytes().is_empty(), "{st:?} without a message");
        }
        st == rawcd_status::RAWCD_OK
    }

    let released_before = RELEASED.load(Ordering::SeqCst);
    let mut added = 0u64;
    let mut ops = Ops(data);
    let mut creators: [*mut rawcd_creator; 2] = [null_mut(); 2];
    let mut discs: [*mut rawcd_disc; 2] = [null_mut(); 2];
    let mut streams: [*mut rawcd_stream; 2] = [null_mut(); 2];
    let mut luus = [-151i32; 2];
    let mut budget: usize = 4 << 20; // bytes read per input at most
    let mut buf = vec![0u8; 1 << 17];
    let text = |ops: &mut Ops, n: usize| -> CString {
        let v: Vec<u8> = (0..n)
            .filter_map(|_| ops.u8())
            .filter(|&b| b != 0)
            .collect();
        CString::new(v).unwrap_or_default()
    };
    // SAFETY: every pointer passed is NULL, a handle rawcd returned (live, freed
    // or of another kind, which rawcd must refuse), or a buffer of the stated length.
    unsafe {
        while let Some(op) = ops.u8() {
            let slot = (op >> 7) as usize;
            let c = creators[slot];
            match op & 0x1f {
                0 => {
                    rawcd_creator_free(creators[slot]);
                    creators[slot] = rawcd_creator_new();
                }
                1 => rawcd_creator_free(c), // the slot keeps the stale pointer
                2 => {
                    let (Some(ty), Some(n), Some(extra)) = (ops.u8(), ops.u8(), ops.u8()) else {
                        break;
                    };
                    let ty = u32::from(ty % 12);
                    let size = [2352usize, 2336, 2048][ty as usize % 3];
                    let len = (300 + usize::from(n)) * size + usize::from(extra % 4);
                    check(rawcd_creator_add_track_memory(
                        c,
                        ty,
                        vec![7u8; len].as_ptr(),
                        len,
                        null_mut(),
                    ));
                }
                3 => {
                    let (Some(ty), Some(n), Some(mode)) = (ops.u8(), ops.u8(), ops.u8()) else {
                        break;
                    };
                    let ty = u32::from(ty % 11);
                    let len = (300 + u64::from(n)) * 2352 + u64::from(mode & 3);
                    let r = Box::into_raw(Box::new(FuzzReader {
                        given: 0,
                        fail_at: (mode & 4 != 0).then_some(u64::from(mode) * 1000),
                        end_at: (mode & 8 != 0).then_some(u64::from(mode) * 2000),
                    }));
                    let mut t = 0u32;
                    let st = rawcd_creator_add_track_callback(
                        c,
                        ty,
                        len,
                        Some(fuzz_read),
                        Some(fuzz_release),
                        r.cast(),
                        &mut t,
                    );
                    if check(st) {
                        added += 1;
                    } else {
                        drop(Box::from_raw(r));
                    }
                }
                4 => {
                    let s = text(&mut ops, usize::from(op >> 5) * 3);
                    check(rawcd_creator_set_media_catalog_number(c, s.as_ptr()));
                }
                5 => {
                    let Some(t) = ops.u8() else { break };
                    let s = text(&mut ops, 12);
                    check(rawcd_creator_set_isrc(c, u32::from(t % 5), s.as_ptr()));
                }
                6 => {
                    let (Some(t), Some(f)) = (ops.u8(), ops.u8()) else {
                        break;
                    };
                    check(rawcd_creator_set_track_flags(
                        c,
                        u32::from(t % 5),
                        i32::from(f & 1),
                        i32::from(f & 2),
                    ));
                }
                7 => {
                    let (Some(t), Some(o)) = (ops.u8(), ops.u32()) else {
                        break;
                    };
                    check(rawcd_creator_add_track_index(c, u32::from(t % 5), o % 1000));
                }
                8 => {
                    let Some(v) = ops.u8() else { break };
                    check(rawcd_creator_set_disable_gapless_audio(c, i32::from(v & 1)));
                    check(rawcd_creator_set_starting_track_number(
                        c,
                        u32::from(v % 101),
                    ));
                    check(rawcd_creator_set_result_type(c, u32::from(v % 5)));
                }
                9 => {
                    let Some(v) = ops.u32() else { break };
                    check(rawcd_creator_set_start_of_leadout_limit(
                        c,
                        (v % 500_000) as i32,
                    ));
                }
                10 => {
                    let Some(n) = ops.u8() else { break };
                    let packs: Vec<u8> = (0..usize::from(n)).filter_map(|_| ops.u8()).collect();
                    check(rawcd_creator_set_cdtext_packs(
                        c,
                        packs.as_ptr(),
                        packs.len(),
                    ));
                }
                11 => {
                    let Some(n) = ops.u8() else { break };
                    let len = (150 + usize::from(n)) * 2352;
                    check(rawcd_creator_add_special_pregap_memory(
                        c,
                        vec![1u8; len].as_ptr(),
                        len,
                    ));
                }
                12 => {
                    rawcd_disc_free(discs[slot]);
                    discs[slot] = null_mut();
                    check(rawcd_creator_build(c, &mut discs[slot]));
                }
                13 => rawcd_disc_free(discs[slot]),
                14 => {
                    let d = discs[slot];
                    let (Some(t), Some(cap)) = (ops.u8(), ops.u8()) else {
                        break;
                    };
                    let _ = rawcd_disc_last_used_user_sector(d);
                    let _ = rawcd_disc_start_of_leadout(d);
                    let (first, last) = (rawcd_disc_first_track(d), rawcd_disc_last_track(d));
                    assert!(first <= last);
                    let mut ti = std::mem::MaybeUninit::<rawcd_track_info>::uninit();
                    if check(rawcd_disc_track_info(
                        d,
                        u32::from(t % 101),
                        ti.as_mut_ptr(),
                    )) {
                        let ti = ti.assume_init();
                        assert!(ti.number >= first && ti.number <= last);
                        assert_eq!(ti.isrc[12], 0 as c_char);
                    }
                    let mut len = 0usize;
                    let mut toc = [0u8; 512];
                    let cap = usize::from(cap) * 2;
                    if check(rawcd_disc_expected_toc(d, toc.as_mut_ptr(), cap, &mut len)) {
                        assert!(len <= cap);
                    }
                }
                15 => {
                    let (Some(d), Some(o)) = (ops.u8(), ops.u8()) else {
                        break;
                    };
                    rawcd_stream_free(streams[slot]);
                    streams[slot] = null_mut();
                    luus[slot] = -151;
                    let opts = rawcd_stream_options {
                        threads: u32::from(o & 1) + 1,
                        buffer_bytes: 1 << (16 + (o >> 1) % 4),
                        leadin_start_lba: [-150, -22_650, -11_634, 7][usize::from(o >> 4) % 4],
                    };
                    let p = if o & 0x40 != 0 {
                        std::ptr::null()
                    } else {
                        &opts as *const _
                    };
                    check(rawcd_stream_open(
                        discs[usize::from(d & 1)],
                        p,
                        &mut streams[slot],
                    ));
                }
                16 => {
                    let Some(n) = ops.u32() else { break };
                    let len = (n as usize % buf.len()).min(budget);
                    let mut w = usize::MAX;
                    if check(rawcd_stream_read(
                        streams[slot],
                        buf.as_mut_ptr(),
                        len,
                        &mut w,
                    )) {
                        assert!(w <= len);
                        budget -= w;
                    } else {
                        assert_eq!(w, 0);
                    }
                    let mut p = std::mem::MaybeUninit::<rawcd_progress>::uninit();
                    if check(rawcd_stream_progress(streams[slot], p.as_mut_ptr())) {
                        let p = p.assume_init();
                        assert!(p.last_used_user_sector >= luus[slot]);
                        assert!(p.sectors_written <= p.total_sectors);
                        luus[slot] = p.last_used_user_sector;
                    }
                }
                17 => rawcd_stream_cancel(streams[slot]),
                18 => rawcd_stream_free(streams[slot]),
                19 => {
                    // Handles of the wrong kind, and NULL.
                    let mut w = 0usize;
                    check(rawcd_stream_read(
                        discs[slot].cast(),
                        buf.as_mut_ptr(),
                        10,
                        &mut w,
                    ));
                    check(rawcd_creator_set_isrc(
                        streams[slot].cast(),
                        1,
                        c"USRC17607839".as_ptr(),
                    ));
                    check(rawcd_disc_track_info(c.cast(), 1, null_mut()));
                    check(rawcd_stream_read(streams[slot], null_mut(), 10, &mut w));
                }
                20 => {
                    let (Some(ty), Some(lba), Some(n)) = (ops.u8(), ops.u32(), ops.u8()) else {
                        break;
                    };
                    let payload: Vec<u8> = (0..2352).map(|i| (i as u8) ^ n).collect();
                    let len = [2352usize, 2336, 2048, usize::from(n)][usize::from(n & 3)];
                    let mut out = [0u8; 2352];
                    check(rawcd_encode_sector(
                        u32::from(ty % 12),
                        lba as i32 % 500_000,
                        payload.as_ptr(),
                        len,
                        out.as_mut_ptr(),
                    ));
                    rawcd_scramble(out.as_mut_ptr());
                    let _ = rawcd_edc(out.as_ptr(), usize::from(n) * 9);
                }
                _ => {}
            }
        }
        for s in streams {
            rawcd_stream_free(s);
        }
        for d in discs {
            rawcd_disc_free(d);
        }
        for c in creators {
            rawcd_creator_free(c);
        }
    }
    assert_eq!(
        RELEASED.load(Ordering::SeqCst) - released_before,
        added,
        "each callback released once"
    );
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

mod images;
pub use images::{chd_image, ecm_stream};

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

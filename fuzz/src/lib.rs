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

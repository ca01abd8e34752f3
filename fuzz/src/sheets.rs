//! Cue sheets, cdrdao TOC files and CloneCD `.ccd` files.

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

/// Arbitrary text as a CloneCD `.ccd`.
pub fn ccd_sheet(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = rawcd::formats::ccd::parse_ccd(&text, Path::new("fuzz.ccd"));
}

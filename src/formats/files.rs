//! The one place of `formats` that touches the file system: find a sheet's data files (case
//! insensitively when the exact name does not exist), stat them, read WAV headers, and load
//! sheets from disk.
#![forbid(unsafe_code)]

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::error::{ParseError, ParseErrorKind};
use super::plan::{DiscPlan, FileInfo, FileKind};
use super::wav::parse_wav_prefix;

/// Bytes of a WAV file read to find its data chunk.
const WAV_HEAD: u64 = 1 << 20;

/// Finds `path`; when it does not exist, looks in its directory for a name that differs only
/// in letter case (`ISOFS-M1.BIN` → `isofs-m1.bin`). `None` when neither exists.
pub fn find_file(path: &Path) -> Option<PathBuf> {
    if path.is_file() {
        return Some(path.to_path_buf());
    }
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let dir = find_dir(&dir)?;
    let mut hits: Vec<PathBuf> = fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().to_lowercase() == name)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    hits.sort();
    hits.into_iter().next()
}

fn find_dir(dir: &Path) -> Option<PathBuf> {
    if dir.is_dir() {
        return Some(dir.to_path_buf());
    }
    let name = dir.file_name()?.to_string_lossy().to_lowercase();
    let parent = match dir.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let parent = find_dir(&parent)?;
    let found = fs::read_dir(&parent)
        .ok()?
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().to_lowercase() == name && e.path().is_dir())
        .map(|e| e.path());
    found
}

/// Stats a data file on disk for `resolve`: its length, or for [`FileKind::Wave`] the data
/// chunk's range.
///
/// # Errors
/// [`ParseErrorKind::File`] when the file cannot be found or read, [`ParseErrorKind::Wav`] for a
/// bad WAV header.
pub fn stat_file(path: &Path, kind: FileKind) -> Result<FileInfo, ParseErrorKind> {
    let io = |reason: String| ParseErrorKind::File {
        file: path.to_path_buf(),
        reason,
    };
    let found = find_file(path).ok_or_else(|| io("no such file".into()))?;
    let meta = fs::metadata(&found).map_err(|e| io(e.to_string()))?;
    let len = meta.len();
    match kind {
        FileKind::Binary => Ok(FileInfo {
            path: found,
            data_offset: 0,
            data_len: len,
            warnings: Vec::new(),
        }),
        FileKind::Wave => {
            let mut head = Vec::new();
            fs::File::open(&found)
                .and_then(|f| f.take(WAV_HEAD).read_to_end(&mut head))
                .map_err(|e| io(e.to_string()))?;
            let w = parse_wav_prefix(&head, len)?;
            Ok(FileInfo {
                path: found,
                data_offset: w.data_offset,
                data_len: w.data_len,
                warnings: w.warnings,
            })
        }
    }
}

fn read_sheet(path: &Path) -> Result<String, ParseError> {
    let bytes = fs::read(path).map_err(|e| {
        ParseError::new(
            path,
            0,
            0,
            ParseErrorKind::File {
                file: path.to_path_buf(),
                reason: e.to_string(),
            },
        )
    })?;
    Ok(super::lex::decode_sheet(&bytes))
}

fn base_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Reads, parses and resolves a cue sheet from disk.
///
/// # Errors
/// Any [`ParseError`] of reading, parsing or resolving.
pub fn load_cue(path: &Path) -> Result<DiscPlan, ParseError> {
    let text = read_sheet(path)?;
    let sheet = super::cue::parse_cue(&text, path)?;
    super::cue::resolve(&sheet, &base_dir(path), &mut stat_file)
}

/// Reads, parses and resolves a cdrdao TOC file from disk.
///
/// # Errors
/// Any [`ParseError`] of reading, parsing or resolving.
pub fn load_toc(path: &Path) -> Result<DiscPlan, ParseError> {
    let text = read_sheet(path)?;
    let sheet = super::toc::parse_toc(&text, path)?;
    super::toc::resolve(&sheet, &base_dir(path), &mut stat_file)
}

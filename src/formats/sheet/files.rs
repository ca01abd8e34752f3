//! The one place of `formats` that touches the file system: find a sheet's data files (case
//! insensitively when the exact name does not exist), stat them, read WAV headers, and load
//! sheets from disk.
#![forbid(unsafe_code)]

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::formats::audio::wav::parse_wav_prefix;
use crate::formats::error::{ParseError, ParseErrorKind};
use crate::formats::plan::{DiscPlan, FileInfo, FileKind};

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

/// Which files a sheet may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PathPolicy {
    /// Only files inside the sheet's folder (or below it), after resolving `..` and symlinks:
    /// a sheet from elsewhere cannot make rawcd read `/etc/shadow` into an image.
    #[default]
    SheetFolder,
    /// Any file the process can read.
    AnyPath,
}

/// How [`load_cue_with`] and [`load_toc_with`] treat the files a sheet names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoadOptions {
    /// Which paths `FILE`/`DATAFILE`/`CDTEXTFILE` lines may name.
    pub paths: PathPolicy,
}

/// "not a regular file" for directories, FIFOs, devices; `None` for regular files and for
/// paths that do not exist.
fn not_regular(path: &Path) -> Option<String> {
    match fs::metadata(path) {
        Ok(m) if !m.is_file() => Some("not a regular file".into()),
        _ => None,
    }
}

/// Checks `file` (already joined to `dir`) against `policy`.
///
/// # Errors
/// [`ParseErrorKind::PathOutsideSheet`].
pub fn check_path(file: &Path, dir: &Path, policy: PathPolicy) -> Result<(), ParseErrorKind> {
    if policy == PathPolicy::AnyPath {
        return Ok(());
    }
    let root = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let outside = || ParseErrorKind::PathOutsideSheet {
        file: file.to_path_buf(),
        dir: root.clone(),
    };
    // A file that does not exist yet is judged by its folder (the lookup fails later anyway).
    let real = match fs::canonicalize(file) {
        Ok(p) => p,
        Err(_) => match (file.parent(), file.file_name()) {
            (Some(p), Some(n)) => fs::canonicalize(if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            })
            .map_err(|_| outside())?
            .join(n),
            _ => return Err(outside()),
        },
    };
    if fs::canonicalize(dir).is_ok() && real.starts_with(&root) {
        Ok(())
    } else {
        Err(outside())
    }
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
    if let Some(why) = not_regular(path) {
        return Err(io(why));
    }
    let found = match (find_file(path), kind) {
        (Some(f), _) => f,
        // A `.bin` kept only as `.bin.ecm` (how preservation sets ship): read it decoded.
        (None, FileKind::Binary) => {
            let mut name = path.as_os_str().to_owned();
            name.push(".ecm");
            find_file(Path::new(&name))
                .filter(|f| {
                    crate::formats::image::sniff_path(f)
                        == Some(crate::formats::image::ImageKind::Ecm)
                })
                .ok_or_else(|| io("no such file".into()))?
        }
        (None, _) => return Err(io("no such file".into())),
    };
    let meta = fs::metadata(&found).map_err(|e| io(e.to_string()))?;
    let len = meta.len();
    match kind {
        FileKind::Binary
            if crate::formats::image::sniff_path(&found)
                == Some(crate::formats::image::ImageKind::Ecm) =>
        {
            let info =
                crate::formats::image::ecm::scan(&found).map_err(|e| ParseErrorKind::File {
                    file: found.clone(),
                    reason: e.reason(),
                })?;
            Ok(FileInfo {
                path: found,
                data_offset: 0,
                data_len: info.decoded_len,
                warnings: Vec::new(),
            })
        }
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

pub(crate) fn read_sheet(path: &Path) -> Result<String, ParseError> {
    let unreadable =
        |reason: String| ParseError::new(path, 0, 0, ParseErrorKind::Unreadable { reason });
    if let Some(why) = not_regular(path) {
        return Err(unreadable(why));
    }
    let bytes = fs::read(path).map_err(|e| {
        unreadable(match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".into(),
            std::io::ErrorKind::PermissionDenied => "permission denied".into(),
            _ => e.to_string(),
        })
    })?;
    Ok(super::lex::decode_sheet(&bytes))
}

pub(crate) fn base_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Reads, parses and resolves a cue sheet from disk, with the default [`LoadOptions`] (files
/// outside the sheet's folder refused).
///
/// # Errors
/// Any [`ParseError`] of reading, parsing or resolving.
pub fn load_cue(path: &Path) -> Result<DiscPlan, ParseError> {
    load_cue_with(path, &LoadOptions::default())
}

/// Reads, parses and resolves a cdrdao TOC file from disk, with the default [`LoadOptions`].
///
/// # Errors
/// Any [`ParseError`] of reading, parsing or resolving.
pub fn load_toc(path: &Path) -> Result<DiscPlan, ParseError> {
    load_toc_with(path, &LoadOptions::default())
}

/// [`load_cue`] with options.
///
/// # Errors
/// Any [`ParseError`] of reading, parsing or resolving; a file outside the sheet's folder
/// under [`PathPolicy::SheetFolder`] (at its `FILE` line).
pub fn load_cue_with(path: &Path, opts: &LoadOptions) -> Result<DiscPlan, ParseError> {
    let text = read_sheet(path)?;
    let sheet = super::cue::parse_cue(&text, path)?;
    let dir = base_dir(path);
    let mut stat = |p: &Path, k: FileKind| {
        check_path(p, &dir, opts.paths)?;
        stat_file(p, k)
    };
    let plan = super::cue::resolve(&sheet, &dir, &mut stat)?;
    check_cdtext_file(&plan, &dir, opts)?;
    Ok(plan)
}

/// [`load_toc`] with options.
///
/// # Errors
/// As [`load_cue_with`].
pub fn load_toc_with(path: &Path, opts: &LoadOptions) -> Result<DiscPlan, ParseError> {
    let text = read_sheet(path)?;
    let sheet = super::toc::parse_toc(&text, path)?;
    let dir = base_dir(path);
    let mut stat = |p: &Path, k: FileKind| {
        check_path(p, &dir, opts.paths)?;
        stat_file(p, k)
    };
    let plan = super::toc::resolve(&sheet, &dir, &mut stat)?;
    check_cdtext_file(&plan, &dir, opts)?;
    Ok(plan)
}

pub(crate) fn check_cdtext_file(
    plan: &DiscPlan,
    dir: &Path,
    opts: &LoadOptions,
) -> Result<(), ParseError> {
    if let Some(f) = &plan.text.cdtext_file {
        let kind = |k| ParseError::new(&plan.sheet, 0, 0, k);
        check_path(f, dir, opts.paths).map_err(kind)?;
        if let Some(why) = not_regular(f) {
            return Err(kind(ParseErrorKind::File {
                file: f.clone(),
                reason: why,
            }));
        }
    }
    Ok(())
}

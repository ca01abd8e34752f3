//! Output files that appear whole or not at all, alone or as a set.
//!
//! An [`AtomicFile`] is written without a name: on Linux it is an `O_TMPFILE` inode in the
//! target's directory, so a run killed by any signal (SIGKILL, SIGXFSZ of `ulimit -f`
//! included) leaves nothing behind. Where `O_TMPFILE` is not available (another system, or a
//! file system without it) the file gets a recognizable hidden name beside the target,
//! `.NAME.rawcd-PID.tmp`, which [`remove_stale_temporaries`] deletes on the next run.
//!
//! [`commit_set`] places several files as one output set (bin + cue, img + sub + ccd): every
//! member is flushed and fsynced and given its staging name first; only when all of them got
//! that far are they renamed into place, in the order given (data files first, the descriptor
//! that points at them last). On any failure every file this run created is removed.
#![forbid(unsafe_code)]

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::Error;

static NAMELESS: AtomicBool = AtomicBool::new(true);

/// Whether [`AtomicFile::create`] tries nameless temporaries (`O_TMPFILE`) first; on by
/// default. Turning it off gives every temporary its recognizable hidden name, as on systems
/// without `O_TMPFILE` (to test that path, or to let users see partial outputs).
pub fn set_nameless_temporaries(on: bool) {
    NAMELESS.store(on, Ordering::Relaxed);
}

/// Where an injected failure strikes (tests of the all-or-nothing guarantee; see
/// [`AtomicFile::inject_failure`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailPoint {
    /// A write fails with "no space left on device" once this many bytes were accepted.
    Write {
        /// Bytes written successfully before the failure.
        after_bytes: u64,
    },
    /// The flush and fsync before the rename fails (a delayed "disk full").
    Sync,
    /// Renaming the finished file into place fails.
    Place,
}

/// A file written under no name (or a hidden temporary name) and put at its path only by
/// [`AtomicFile::commit`] or [`commit_set`]; dropped before that, it leaves nothing behind.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    w: Option<BufWriter<File>>,
    /// The hidden name the data currently has on disk, if any (the fallback temporary, or the
    /// staging link of an anonymous file).
    staged: Option<PathBuf>,
    /// True while the file has no name (Linux `O_TMPFILE`).
    anonymous: bool,
    placed: bool,
    written: u64,
    fail: Option<FailPoint>,
}

pub(crate) fn io_err(path: &Path, e: io::Error) -> Error {
    Error::Output {
        path: path.display().to_string(),
        source: e,
    }
}

/// The recognizable hidden name of `path`'s temporary for process `pid`.
fn temp_name(path: &Path, pid: u32) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    path.with_file_name(format!(".{name}.rawcd-{pid}.tmp"))
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(target_os = "linux")]
fn anonymous_file(dir: &Path) -> Option<File> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(
        dir,
        OFlags::TMPFILE | OFlags::WRONLY | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o666),
    )
    .ok()?;
    Some(File::from(fd))
}

#[cfg(not(target_os = "linux"))]
fn anonymous_file(_dir: &Path) -> Option<File> {
    None
}

/// Gives the anonymous file `f` the name `to` (Linux: `linkat` through `/proc/self/fd`).
#[cfg(target_os = "linux")]
fn link_anonymous(f: &File, to: &Path) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let proc_path = format!("/proc/self/fd/{}", f.as_raw_fd());
    rustix::fs::linkat(
        rustix::fs::CWD,
        proc_path.as_str(),
        rustix::fs::CWD,
        to,
        rustix::fs::AtFlags::SYMLINK_FOLLOW,
    )
    .map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn link_anonymous(_f: &File, _to: &Path) -> io::Result<()> {
    Err(io::Error::other("anonymous files are Linux only"))
}

impl AtomicFile {
    /// Creates the file's temporary in `path`'s directory: nameless where the system allows
    /// it, else `.NAME.rawcd-PID.tmp`.
    ///
    /// # Errors
    /// The directory is missing or not writable.
    pub fn create(path: &Path) -> Result<AtomicFile, Error> {
        Self::create_with(path, NAMELESS.load(Ordering::Relaxed))
    }

    /// Creates the file's temporary under its recognizable hidden name `.NAME.rawcd-PID.tmp`
    /// even where a nameless one is possible (the fallback path of [`AtomicFile::create`]).
    ///
    /// # Errors
    /// The directory is missing or not writable.
    pub fn create_named(path: &Path) -> Result<AtomicFile, Error> {
        Self::create_with(path, false)
    }

    fn create_with(path: &Path, nameless: bool) -> Result<AtomicFile, Error> {
        let anon = if nameless {
            anonymous_file(&parent_dir(path))
        } else {
            None
        };
        let (f, staged, anonymous) = match anon {
            Some(f) => (f, None, true),
            None => {
                let tmp = temp_name(path, std::process::id());
                let f = File::options()
                    .write(true)
                    .create_new(true)
                    .open(&tmp)
                    .or_else(|e| {
                        if e.kind() == io::ErrorKind::AlreadyExists {
                            // A leftover of this very PID (a previous process that had it).
                            std::fs::remove_file(&tmp)?;
                            File::create(&tmp)
                        } else {
                            Err(e)
                        }
                    })
                    .map_err(|e| io_err(path, e))?;
                (f, Some(tmp), false)
            }
        };
        Ok(AtomicFile {
            path: path.to_path_buf(),
            w: Some(BufWriter::with_capacity(1 << 20, f)),
            staged,
            anonymous,
            placed: false,
            written: 0,
            fail: None,
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The temporary's current name, if it has one (none while an anonymous `O_TMPFILE`).
    pub fn temp_path(&self) -> Option<&Path> {
        self.staged.as_deref()
    }

    /// Makes this file fail at `point` (for tests that prove a failed run leaves nothing).
    pub fn inject_failure(&mut self, point: FailPoint) {
        self.fail = Some(point);
    }

    /// True when a [`FailPoint::Write`] is injected (writers then go through `Write`).
    pub(crate) fn write_failure_injected(&self) -> bool {
        matches!(self.fail, Some(FailPoint::Write { .. }))
    }

    /// The open file, with anything buffered flushed first: for writers that put whole
    /// batches straight into it at their own offsets ([`BatchWriter`](super::BatchWriter)).
    /// [`commit_set`] later fsyncs and links this same file.
    ///
    /// # Errors
    /// The flush fails, or the file was already committed.
    pub fn file(&mut self) -> io::Result<&File> {
        match &mut self.w {
            Some(w) => {
                w.flush()?;
                Ok(w.get_ref())
            }
            None => Err(io::Error::other("file already committed")),
        }
    }

    /// Flushes, fsyncs and gives the file its hidden staging name; idempotent.
    fn stage(&mut self) -> Result<(), Error> {
        let Some(w) = self.w.as_mut() else {
            return Ok(());
        };
        if self.fail == Some(FailPoint::Sync) {
            return Err(io_err(&self.path, no_space()));
        }
        w.flush().map_err(|e| io_err(&self.path, e))?;
        w.get_ref().sync_all().map_err(|e| io_err(&self.path, e))?;
        if self.anonymous {
            let to = temp_name(&self.path, std::process::id());
            // A leftover of this PID would make the link fail: remove it first.
            let _ = std::fs::remove_file(&to);
            link_anonymous(w.get_ref(), &to).map_err(|e| io_err(&self.path, e))?;
            self.staged = Some(to);
            self.anonymous = false;
        }
        Ok(())
    }

    /// Renames the staged file into place.
    fn place(&mut self) -> Result<(), Error> {
        if self.fail == Some(FailPoint::Place) {
            return Err(io_err(
                &self.path,
                io::Error::other("injected failure of the rename"),
            ));
        }
        if let Some(tmp) = &self.staged {
            std::fs::rename(tmp, &self.path).map_err(|e| io_err(&self.path, e))?;
        }
        self.staged = None;
        self.placed = true;
        self.w = None;
        Ok(())
    }

    /// Flushes, fsyncs and puts the file at its path.
    ///
    /// # Errors
    /// Flush, fsync, link or rename fails; the temporary is removed then.
    pub fn commit(self) -> Result<(), Error> {
        commit_set(vec![self])
    }
}

fn no_space() -> io::Error {
    io::Error::new(
        io::ErrorKind::StorageFull,
        "No space left on device (injected)",
    )
}

/// Puts every file of an output set at its path, or none of them.
///
/// All members are flushed, fsynced and staged first; then they are renamed into place in
/// the order given, so give the data files first and the descriptor (`.cue`, `.ccd`, `.toc`)
/// last: a reader never sees a descriptor whose data is missing.
///
/// # Errors
/// The first failure; every staged temporary and every member already placed by this call is
/// removed before it returns.
pub fn commit_set(mut files: Vec<AtomicFile>) -> Result<(), Error> {
    for f in &mut files {
        f.stage()?; // dropping `files` removes every staged name
    }
    for i in 0..files.len() {
        if let Err(e) = files[i].place() {
            for done in &files[..i] {
                let _ = std::fs::remove_file(&done.path);
            }
            return Err(e);
        }
    }
    Ok(())
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(w) = &mut self.w else {
            return Err(io::Error::other("file already committed"));
        };
        let mut n = buf.len();
        if let Some(FailPoint::Write { after_bytes }) = self.fail {
            let room = after_bytes.saturating_sub(self.written);
            if room == 0 {
                return Err(no_space());
            }
            n = n.min(usize::try_from(room).unwrap_or(usize::MAX));
        }
        let n = w.write(&buf[..n])?;
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.w {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.placed {
            if let Some(tmp) = self.staged.take() {
                let _ = std::fs::remove_file(tmp);
            }
        }
    }
}

/// Removes the hidden temporaries (`.NAME.rawcd-PID.tmp`) that an interrupted earlier run
/// left beside `path`, for processes that no longer run (on Linux; elsewhere any PID but
/// ours). Returns the paths removed, so the caller can say so.
pub fn remove_stale_temporaries(path: &Path) -> Vec<PathBuf> {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().to_string()) else {
        return Vec::new();
    };
    let prefix = format!(".{name}.rawcd-");
    let me = std::process::id();
    let Ok(rd) = std::fs::read_dir(parent_dir(path)) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for e in rd.flatten() {
        let f = e.file_name().to_string_lossy().to_string();
        let Some(pid) = f
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".tmp"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == me || process_alive(pid) {
            continue;
        }
        if std::fs::remove_file(e.path()).is_ok() {
            removed.push(e.path());
        }
    }
    removed.sort();
    removed
}

#[cfg(target_os = "linux")]
fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_alive(_pid: u32) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder under the temp dir, removed when the test ends well (a failed test's
    /// files stay for a look).
    struct Dir(PathBuf);

    impl std::ops::Deref for Dir {
        type Target = Path;
        fn deref(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            if !std::thread::panicking() {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    fn dir(tag: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("rawcd-atomic-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }

    fn names(d: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_set_appears_whole() {
        let d = dir("whole");
        let mut a = AtomicFile::create(&d.join("x.bin")).unwrap();
        let mut b = AtomicFile::create(&d.join("x.cue")).unwrap();
        a.write_all(&[1; 5000]).unwrap();
        b.write_all(b"FILE").unwrap();
        assert!(names(&d).is_empty() || cfg!(not(target_os = "linux")));
        commit_set(vec![a, b]).unwrap();
        assert_eq!(names(&d), ["x.bin", "x.cue"]);
        assert_eq!(std::fs::read(d.join("x.bin")).unwrap().len(), 5000);
    }

    #[test]
    fn named_temporaries_are_visible_then_renamed() {
        let d = dir("named");
        let mut a = AtomicFile::create_named(&d.join("x.bin")).unwrap();
        a.write_all(&[1; 10]).unwrap();
        let tmp = format!(".x.bin.rawcd-{}.tmp", std::process::id());
        assert_eq!(names(&d), [tmp.as_str()]);
        a.commit().unwrap();
        assert_eq!(names(&d), ["x.bin"]);
    }

    #[test]
    fn every_failure_point_of_every_member_leaves_nothing() {
        let points = [
            FailPoint::Write { after_bytes: 100 },
            FailPoint::Sync,
            FailPoint::Place,
        ];
        type Ctor = fn(&Path) -> Result<AtomicFile, Error>;
        let ctors: [Ctor; 2] = [AtomicFile::create, AtomicFile::create_named];
        for (member, ctor) in (0..3).flat_map(|m| ctors.iter().map(move |c| (m, c))) {
            for p in points {
                let d = dir(&format!("fail{member}"));
                let mut files: Vec<AtomicFile> = ["x.img", "x.sub", "x.ccd"]
                    .iter()
                    .map(|n| ctor(&d.join(n)).unwrap())
                    .collect();
                files[member].inject_failure(p);
                let mut failed = false;
                for f in &mut files {
                    failed |= f.write_all(&[7; 3000]).is_err();
                }
                let r = if failed {
                    drop(files);
                    Err(())
                } else {
                    commit_set(files).map_err(|_| ())
                };
                assert!(r.is_err(), "member {member} {p:?}");
                assert!(
                    names(&d).is_empty(),
                    "member {member} {p:?}: {:?}",
                    names(&d)
                );
            }
        }
    }

    #[test]
    fn stale_temporaries_of_dead_processes_are_removed() {
        let d = dir("stale");
        // PID above the kernel's maximum (4194304): never alive.
        let stale = d.join(".x.bin.rawcd-99999999.tmp");
        std::fs::write(&stale, b"old").unwrap();
        std::fs::write(d.join(".y.bin.rawcd-99999999.tmp"), b"other prefix").unwrap();
        let mine = temp_name(&d.join("x.bin"), std::process::id());
        std::fs::write(&mine, b"ours").unwrap();
        assert_eq!(remove_stale_temporaries(&d.join("x.bin")), vec![stale]);
        assert_eq!(names(&d).len(), 2);
    }
}

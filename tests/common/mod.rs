//! Shared helpers for the integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use sha2::{Digest, Sha256};

/// SplitMix64 byte stream S(seed) of golden.md.
pub struct SplitMix {
    x: u64,
    buf: [u8; 8],
    pos: usize,
}

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        SplitMix {
            x: seed,
            buf: [0; 8],
            pos: 8,
        }
    }
    fn word(&mut self) -> u64 {
        self.x = self.x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn fill(&mut self, out: &mut [u8]) {
        for b in out {
            if self.pos == 8 {
                self.buf = self.word().to_le_bytes();
                self.pos = 0;
            }
            *b = self.buf[self.pos];
            self.pos += 1;
        }
    }
    pub fn take(&mut self, n: usize) -> Vec<u8> {
        let mut v = vec![0u8; n];
        self.fill(&mut v);
        v
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|h| u8::from_str_radix(h, 16).unwrap())
        .collect()
}

pub const TESTDATA: &str = "../shared/testdata/real";

pub fn testdata(rel: &str) -> Vec<u8> {
    let p = format!("{TESTDATA}/{rel}");
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

// ---------------------------------------------------------------- the `rawcd` binary

/// The `rawcd` binary cargo built for these tests.
#[cfg(feature = "cli")]
pub const BIN: &str = env!("CARGO_BIN_EXE_rawcd");

/// Runs `rawcd args` in `dir` with `env` added and stdin empty: the exit code (−1 when a
/// signal ended it), stdout and stderr.
#[cfg(feature = "cli")]
pub fn rawcd_env(
    dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (i32, String, String) {
    let o = std::process::Command::new(BIN)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

/// [`rawcd_env`] with the environment as it is.
#[cfg(feature = "cli")]
pub fn rawcd(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    rawcd_env(dir, args, &[])
}

/// Runs `rawcd` and asserts it exits 0; its stdout.
#[cfg(feature = "cli")]
pub fn ok(dir: &std::path::Path, args: &[&str]) -> String {
    let (code, out, err) = rawcd(dir, args);
    assert_eq!(code, 0, "rawcd {args:?}: {err}");
    out
}

/// The INDEX 01 LBA of every track, then the lead-out LBA, of a `rawcd toc --json` object.
pub fn toc_starts(json: &str) -> Vec<i64> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut s: Vec<i64> = v["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["start_lba"].as_i64().unwrap())
        .collect();
    s.push(v["leadout_lba"].as_i64().unwrap());
    s
}

// ---------------------------------------------------------------- folders and files

/// A fresh, empty folder `rawcd-{suite}-{tag}-{pid}` under the system temp dir (a leftover of
/// an earlier run of the same process id is removed first).
pub fn tmpdir(suite: &str, tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("rawcd-{suite}-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A [`tmpdir`] removed when dropped, unless a panic is unwinding (a failed test's files stay
/// for a look): suites whose fixtures are large (a demo disc and its images) leave nothing
/// behind in the shared temp dir.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    /// A fresh, empty folder as [`tmpdir`] makes it.
    pub fn new(suite: &str, tag: &str) -> TempDir {
        TempDir(tmpdir(suite, tag))
    }
}

impl std::ops::Deref for TempDir {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::path::Path> for TempDir {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// The bytes of the file `name` in `dir` (a panic naming it when it cannot be read).
pub fn read(dir: &std::path::Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The names in `d`, hidden ones included, sorted.
pub fn names(d: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

/// An ISO image of `sectors` 2048-byte sectors, byte `i` = `i * 7 % 251`.
pub fn iso(sectors: usize) -> Vec<u8> {
    (0..sectors * 2048).map(|i| (i * 7 % 251) as u8).collect()
}

/// A canonical 44-byte-header PCM WAV around `pcm`.
pub fn wav(pcm: &[u8], channels: u16, bits: u16, rate: u32) -> Vec<u8> {
    let block = channels * bits / 8;
    let mut v = b"RIFF".to_vec();
    v.extend_from_slice(&(36 + pcm.len() as u32).to_le_bytes());
    v.extend_from_slice(b"WAVEfmt ");
    v.extend_from_slice(&16u32.to_le_bytes());
    v.extend_from_slice(&1u16.to_le_bytes()); // PCM
    v.extend_from_slice(&channels.to_le_bytes());
    v.extend_from_slice(&rate.to_le_bytes());
    v.extend_from_slice(&(rate * u32::from(block)).to_le_bytes());
    v.extend_from_slice(&block.to_le_bytes());
    v.extend_from_slice(&bits.to_le_bytes());
    v.extend_from_slice(b"data");
    v.extend_from_slice(&(pcm.len() as u32).to_le_bytes());
    v.extend_from_slice(pcm);
    v
}

/// A WAV of `frames` frames whose data byte `i` is `i * 13 % 256`.
pub fn wav_pattern(frames: usize, channels: u16, bits: u16, rate: u32) -> Vec<u8> {
    let block = usize::from(channels * bits / 8);
    let pcm: Vec<u8> = (0..frames * block).map(|i| (i * 13 % 256) as u8).collect();
    wav(&pcm, channels, bits, rate)
}

/// A CD-audio WAV (stereo, 16 bits, 44.1 kHz) around `pcm`.
pub fn cd_wav(pcm: &[u8]) -> Vec<u8> {
    wav(pcm, 2, 16, 44_100)
}

// ---------------------------------------------------------------- randomized discs

/// The track types the randomized disc tests (conform, pipeline_equivalence) draw from, in this
/// order: the six cooked types of [`SectorType::ALL`], then Mode 1 raw and Mode 2 Form 1 raw.
pub fn disc_track_types() -> Vec<rawcd::codec::SectorType> {
    use rawcd::codec::SectorType;
    let mut v = SectorType::ALL[..6].to_vec();
    v.extend([SectorType::Mode1Raw, SectorType::Mode2Form1Raw]);
    v
}

// ---------------------------------------------------------------- oracles

/// The START and the END sector numbers (the figure in parentheses) of `cdrdao show-toc`
/// output, each in the order cdrdao printed them.
pub fn cdrdao_starts_ends(text: &str) -> (Vec<i32>, Vec<i32>) {
    let num = |line: &str| -> i32 {
        let a = line.rfind('(').unwrap();
        let b = line.rfind(')').unwrap();
        line[a + 1..b].trim().parse().unwrap()
    };
    let of = |word: &str| -> Vec<i32> {
        text.lines()
            .filter(|l| l.trim_start().starts_with(word))
            .map(num)
            .collect()
    };
    (of("START"), of("END"))
}

/// A FLAC file of interleaved samples (flacenc, fixed block size), with STREAMINFO's minimum
/// block size as `flac` writes it: flacenc counts the short last block, which the format
/// excludes (RFC 9639 §8.2) and symphonia takes for variable blocking.
pub fn flac_encode(s: &[i32], channels: usize, bits: usize, rate: usize) -> Vec<u8> {
    use flacenc::component::BitRepr;
    use flacenc::error::Verify;
    let config = flacenc::config::Encoder::default().into_verified().unwrap();
    let src = flacenc::source::MemSource::from_samples(s, channels, bits, rate);
    let stream = flacenc::encode_with_fixed_block_size(&config, src, config.block_size).unwrap();
    let mut sink = flacenc::bitsink::ByteSink::new();
    stream.write(&mut sink).unwrap();
    let mut f = sink.as_slice().to_vec();
    let max = [f[10], f[11]];
    f[8..10].copy_from_slice(&max);
    f
}

/// Peak resident memory (KiB) of `rawcd args` in `dir`, measured by GNU time; stdout to null.
pub fn peak_rss_kib(dir: &std::path::Path, args: &[&str]) -> (u64, f64) {
    let t0 = std::time::Instant::now();
    let o = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("RSS_KIB=%M")
        .arg(BIN)
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .output()
        .expect("/usr/bin/time (apt-get install -y time)");
    let secs = t0.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "rawcd {args:?}: {err}");
    let kib = err
        .lines()
        .filter_map(|l| l.strip_prefix("RSS_KIB="))
        .next_back()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no RSS in {err}"));
    (kib, secs)
}

//! The C ABI from C: builds the C tests of `tests/c/` against `target/release/librawcd.a`
//! with AddressSanitizer and UndefinedBehaviorSanitizer, runs them with leak detection on, and
//! checks what they report against the Rust library (interface.md §3, issue 10 "Must show").
//!
//! Needs the C library and a C compiler, so it is ignored by default; `.ci/run` runs it after
//! `cargo rustc --release --lib --features capi --crate-type staticlib --crate-type cdylib`:
//! `cargo test --release --test capi_c -- --ignored`. `RAWCD_CAPI_LIB` overrides the library
//! path, `CC` the compiler.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use rawcd::codec::cdtext::{Block, CdText, Charset, TextKind};
use rawcd::codec::engine::{Engine, Reference};
use rawcd::codec::{encode_sector, SectorType};
use rawcd::layout::{CopySetting, ImageCreator, LeadIn};
use rawcd::pipeline::{PipelineOptions, ResultImage};
use rawcd::source::Source;
use rawcd::units::Lba;
use sha2::{Digest, Sha256};

const MCN: &str = "0724385356926";
const ISRC2: &str = "USRC17607839";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lib_path() -> PathBuf {
    if let Ok(p) = std::env::var("RAWCD_CAPI_LIB") {
        return p.into();
    }
    let target =
        std::env::var("CARGO_TARGET_DIR").map_or_else(|_| root().join("target"), PathBuf::from);
    target.join("release").join("librawcd.a")
}

/// A 16-bit stereo 44.1 kHz FLAC of CD PCM bytes (flacenc).
fn flac(pcm: &[u8]) -> Vec<u8> {
    let s: Vec<i32> = pcm
        .chunks_exact(2)
        .map(|b| i32::from(i16::from_le_bytes([b[0], b[1]])))
        .collect();
    common::flac_encode(&s, 2, 16, 44_100)
}

/// A Nero v1 track-at-once image of `tracks` (data, Nero mode code), written from the format
/// description in `src/formats/image/nrg.rs`.
fn nrg_tao(tracks: &[(&[u8], u8)]) -> Vec<u8> {
    let mut f = Vec::new();
    let mut ents = Vec::new();
    let mut lba = 0u32;
    for (data, mode) in tracks {
        let size = if *mode == 0x00 { 2048 } else { 2352 };
        ents.push((f.len() as u32, data.len() as u32, *mode, lba));
        lba += (data.len() / size) as u32;
        f.extend_from_slice(data);
    }
    let list = f.len() as u32;
    f.extend_from_slice(b"ETNF");
    f.extend_from_slice(&(ents.len() as u32 * 20).to_be_bytes());
    for (o, l, m, s) in ents {
        for x in [o, l, u32::from(m), s, 0] {
            f.extend_from_slice(&x.to_be_bytes());
        }
    }
    f.extend_from_slice(b"END!\0\0\0\0NERO");
    f.extend_from_slice(&list.to_be_bytes());
    f
}

struct Fixture {
    dir: PathBuf,
    data: Vec<u8>,
    audio2: Vec<u8>,
    audio3: Vec<u8>,
    cdt: Vec<u8>,
}

fn fixture() -> Fixture {
    let dir = root().join("target").join("capi-c-test");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("c")).unwrap();
    std::fs::create_dir_all(dir.join("cli")).unwrap();
    let mut g = common::SplitMix::new(10);
    let data = g.take(400 * 2048);
    let audio2 = g.take(350 * 2352 + 1176); // a last partial sector, padded with silence
    let audio3 = g.take(320 * 2352);
    let mut b = Block::new(0x09, Charset::Iso8859_1, 1, 3);
    *b.disc.get_mut(TextKind::Title) = b"C ABI".to_vec();
    *b.disc.get_mut(TextKind::Performer) = b"rawcd".to_vec();
    for (i, t) in b.tracks.iter_mut().enumerate() {
        *t.texts.get_mut(TextKind::Title) = format!("Track {}", i + 1).into_bytes();
    }
    let packs = CdText { blocks: vec![b] }
        .encode(&Default::default())
        .unwrap();
    let cdt: Vec<u8> = packs.iter().flat_map(|p| p.0).collect();
    std::fs::write(dir.join("data.iso"), &data).unwrap();
    std::fs::write(dir.join("audio2.pcm"), &audio2).unwrap();
    std::fs::write(dir.join("audio3.pcm"), &audio3).unwrap();
    std::fs::write(dir.join("audio2.wav"), common::cd_wav(&audio2)).unwrap();
    std::fs::write(dir.join("audio3.wav"), common::cd_wav(&audio3)).unwrap();
    std::fs::write(dir.join("audio3.flac"), flac(&audio3)).unwrap();
    std::fs::write(dir.join("cdtext.cdt"), &cdt).unwrap();
    let nrg = nrg_tao(&[(&data, 0x00), (&audio3, 0x07)]);
    // A damaged copy: its chunk list claims more bytes than the file has.
    let mut bad = nrg.clone();
    let list = u32::from_be_bytes(bad[bad.len() - 4..].try_into().unwrap()) as usize;
    bad[list + 4..list + 8].copy_from_slice(&0x7FFF_FFFFu32.to_be_bytes());
    std::fs::write(dir.join("disc.nrg"), &nrg).unwrap();
    std::fs::write(dir.join("bad.nrg"), &bad).unwrap();
    Fixture {
        dir,
        data,
        audio2,
        audio3,
        cdt,
    }
}

/// The disc `mixed_creator` of tests/c/common.h builds, in Rust.
fn mixed_disc(f: &Fixture) -> ImageCreator {
    let mut c = ImageCreator::new();
    c.add_track(SectorType::Mode1, Source::from_bytes(f.data.clone()))
        .unwrap();
    c.add_track(SectorType::Audio, Source::from_bytes(f.audio2.clone()))
        .unwrap();
    c.add_track(SectorType::Audio, Source::from_bytes(f.audio3.clone()))
        .unwrap();
    c.set_media_catalog_number(MCN).unwrap();
    c.set_isrc(2, ISRC2).unwrap();
    c.track_info_mut(2).unwrap().copy = CopySetting::Permitted;
    c.track_info_mut(3).unwrap().preemphasis = true;
    c.track_info_mut(3)
        .unwrap()
        .add_track_index(3, 100)
        .unwrap();
    c.set_cdtext_packs(&rawcd::formats::cdt::read_cdt(&f.cdt).unwrap());
    c
}

fn stream_sha(c: &ImageCreator, leadin: LeadIn) -> String {
    let mut c = c.clone();
    c.set_leadin(leadin);
    let map = c.build().unwrap();
    let mut img = ResultImage::new(&map, PipelineOptions::default()).unwrap();
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = img.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    format!("{:x}", h.finalize())
}

fn write_expected(f: &Fixture) {
    let c = mixed_disc(f);
    let map = c.build().unwrap();
    let mut e = String::new();
    e += &format!("version {}\n", env!("CARGO_PKG_VERSION"));
    e += &format!("mcn {MCN}\nisrc2 {ISRC2}\n");
    e += &format!("luus {}\n", c.last_used_user_sector().unwrap());
    e += &format!("leadout {}\n", c.start_of_leadout().unwrap());
    let toc: String = c
        .expected_toc()
        .unwrap()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    e += &format!("toc {toc}\n");
    for n in 1..=3u32 {
        let t = c.track_info(n).unwrap();
        let entry = &map.tracks()[n as usize - 1];
        assert_eq!(entry.index01, t.starting_lba);
        assert_eq!(entry.sector_count, t.sector_count);
        e += &format!(
            "track{n} {} {} {} {} {} {} {} {}\n",
            t.track_number,
            t.sector_type as u8,
            t.starting_lba,
            t.sector_count,
            entry.ctrl,
            u8::from(t.copy == CopySetting::Permitted),
            u8::from(t.preemphasis),
            t.isrc.map_or("-".to_string(), |i| i.to_string()),
        );
    }
    e += &format!("sha256_none {}\n", stream_sha(&c, LeadIn::None));
    e += &format!("sha256_imapi {}\n", stream_sha(&c, LeadIn::Imapi));
    e += &sessions_expected(f);
    std::fs::write(f.dir.join("expected.txt"), e).unwrap();
}

/// The CD-Extra of t_sessions.c in Rust: its session facts and the SHA-256 of the whole disc
/// and of each session's own stream (issue 20).
fn sessions_expected(f: &Fixture) -> String {
    let mut c = ImageCreator::new();
    for a in [&f.audio2, &f.audio3, &f.audio2] {
        c.add_track(SectorType::Audio, Source::from_bytes(a.clone()))
            .unwrap();
    }
    c.new_session().unwrap();
    c.add_track(SectorType::Mode2Form1, Source::from_bytes(f.data.clone()))
        .unwrap();
    let map = c.build().unwrap();
    let mut e = String::new();
    for s in map.sessions() {
        e += &format!(
            "sess_info{} {} {} {} {} {} {} {}\n",
            s.number,
            s.number,
            s.first_track,
            s.last_track,
            s.leadin_lba,
            s.leadout_lba,
            s.leadout_sectors,
            s.disc_type
        );
    }
    e += &format!("sess_leadout {}\n", map.start_of_leadout());
    let sha = |img: ResultImage| {
        let mut h = Sha256::new();
        for b in img {
            h.update(b.unwrap().bytes());
        }
        format!("{:x}", h.finalize())
    };
    e += &format!(
        "sess_sha_whole {}\n",
        sha(ResultImage::new(&map, PipelineOptions::default()).unwrap())
    );
    for n in 1..=2 {
        e += &format!(
            "sess_sha{n} {}\n",
            sha(ResultImage::new_session(&map, n, PipelineOptions::default()).unwrap())
        );
    }
    e
}

/// Records for t_codec.c: every type at several LBAs, through the reference engine.
fn write_codec_cases(dir: &Path) {
    let mut g = common::SplitMix::new(11);
    let mut out = Vec::new();
    for ty in SectorType::ALL {
        for lba in [-22_650, -150, 0, 1, 4_500, 359_999] {
            let payload = if ty.is_raw() {
                // A raw sector arrives scrambled: the cooked type's sector, scrambled.
                let cooked = ty.cooked();
                let mut s = [0u8; 2352];
                encode_sector(
                    &Reference,
                    cooked,
                    Lba(lba),
                    &g.take(cooked.input_size()),
                    &mut s,
                )
                .unwrap();
                Reference.scramble(&mut s);
                s.to_vec()
            } else if ty == SectorType::Mode0 {
                vec![0u8; ty.input_size()]
            } else {
                g.take(ty.input_size())
            };
            let mut want = [0u8; 2352];
            encode_sector(&Reference, ty, Lba(lba), &payload, &mut want).unwrap();
            out.push(ty as u8);
            out.extend_from_slice(&lba.to_le_bytes());
            out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            out.extend_from_slice(&payload);
            out.extend_from_slice(&want);
        }
    }
    std::fs::write(dir.join("codec_cases.bin"), out).unwrap();
}

fn cc() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".into())
}

/// Compiles one C test with the sanitizers and runs it on the fixture directory.
fn run_c(name: &str, dir: &Path) {
    let exe = dir.join(name);
    let src = root().join("tests").join("c").join(format!("{name}.c"));
    let o = Command::new(cc())
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-O1", "-g"])
        .args(["-fsanitize=address,undefined", "-fno-sanitize-recover=all"])
        .arg("-fno-omit-frame-pointer")
        .arg("-I")
        .arg(root().join("include"))
        .arg(&src)
        .arg(lib_path())
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&exe)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "compiling {name}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = Command::new(&exe)
        .arg(dir)
        .env(
            "ASAN_OPTIONS",
            "detect_leaks=1:abort_on_error=0:halt_on_error=1",
        )
        .env("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
        .output()
        .unwrap();
    print!("{}", String::from_utf8_lossy(&o.stdout));
    eprint!("{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "{name} failed: {:?}", o.status);
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("Sanitizer"),
        "{name}: a sanitizer reported"
    );
}

fn cli_image(f: &Fixture, format: &str, extra: &[&str], out: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_rawcd"))
        .arg("image")
        .args(["data.iso", "audio2.wav", "audio3.wav"].map(|n| f.dir.join(n)))
        .args([
            "--catalog",
            MCN,
            "--isrc",
            &format!("2={ISRC2}"),
            "--cdtext",
        ])
        .arg(f.dir.join("cdtext.cdt"))
        .args(["--format", format, "--quiet", "-o"])
        .arg(f.dir.join("cli").join(out))
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn same_file(a: &Path, b: &Path) {
    let (x, y) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    assert!(x == y, "{} and {} differ", a.display(), b.display());
    println!(
        "{} identical ({} bytes)",
        a.file_name().unwrap().to_string_lossy(),
        x.len()
    );
}

#[test]
#[ignore = "needs the C library: cargo rustc --release --lib --features capi --crate-type staticlib, then cargo test --release --test capi_c -- --include-ignored (or .ci/run does both)"]
fn c_tests_under_sanitizers() {
    assert!(
        lib_path().exists(),
        "{} missing: build it with cargo rustc --release --lib --features capi --crate-type staticlib --crate-type cdylib",
        lib_path().display()
    );
    let f = fixture();
    write_expected(&f);
    write_codec_cases(&f.dir);

    // The header compiles as C++17 too.
    let o = Command::new(std::env::var("CXX").unwrap_or_else(|_| "c++".into()))
        .args(["-std=c++17", "-Wall", "-Wextra", "-Werror", "-I"])
        .arg(root().join("include"))
        .arg(root().join("tests/c/header_check.cpp"))
        .arg(lib_path())
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(f.dir.join("header_check"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(Command::new(f.dir.join("header_check"))
        .status()
        .unwrap()
        .success());

    for t in [
        "t_codec",
        "t_stream",
        "t_progress",
        "t_cancel",
        "t_errors",
        "t_write_image",
        "t_audio_file",
        "t_sessions",
        "t_open_image",
    ] {
        run_c(t, &f.dir);
    }
    // rawcd_disc_open_image writes what `rawcd image` writes for the same image.
    let o = Command::new(env!("CARGO_BIN_EXE_rawcd"))
        .arg("image")
        .arg(f.dir.join("disc.nrg"))
        .args(["--quiet", "-o"])
        .arg(f.dir.join("cli").join("nrg"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for name in ["nrg.bin", "nrg.cue"] {
        same_file(&f.dir.join("c").join(name), &f.dir.join("cli").join(name));
    }

    // Must show 5: the same files as `rawcd image`.
    let (c, cli) = (f.dir.join("c"), f.dir.join("cli"));
    cli_image(&f, "bin", &[], "img");
    cli_image(&f, "clonecd", &[], "img");
    cli_image(&f, "raw", &[], "img");
    cli_image(
        &f,
        "raw",
        &["--subchannel", "pq16", "--leadin", "none"],
        "img-pq16-none",
    );
    cli_image(
        &f,
        "raw",
        &["--subchannel", "packed96", "--leadin", "97:26:66"],
        "img-packed96-atip",
    );
    for name in [
        "img.bin",
        "img.cue",
        "img.img",
        "img.ccd",
        "img.sub",
        "img.raw",
        "img-pq16-none.raw",
        "img-packed96-atip.raw",
    ] {
        same_file(&c.join(name), &cli.join(name));
    }
}

#[test]
fn pkg_config_file_has_the_crate_version() {
    let pc = std::fs::read_to_string(root().join("rawcd.pc")).unwrap();
    let v = pc
        .lines()
        .find_map(|l| l.strip_prefix("Version: "))
        .unwrap();
    assert_eq!(v, env!("CARGO_PKG_VERSION"), "rawcd.pc Version");
}

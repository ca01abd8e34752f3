//! The `rawcd` command end to end, on generated ISO and WAV files.

#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

mod common;

use common::{iso, rawcd, wav_pattern};

fn tmpdir(tag: &str) -> common::TempDir {
    common::TempDir::new("cli", tag)
}

fn setup(tag: &str) -> common::TempDir {
    let d = tmpdir(tag);
    std::fs::write(d.join("a.iso"), iso(400)).unwrap();
    std::fs::write(d.join("b.wav"), wav_pattern(588 * 320 + 100, 2, 16, 44100)).unwrap();
    std::fs::write(d.join("c.wav"), wav_pattern(588 * 300, 2, 16, 44100)).unwrap();
    d
}

const LIST: &[&str] = &[
    "a.iso",
    "b.wav",
    "c.wav",
    "--catalog",
    "0724385356926",
    "--isrc",
    "2=USRC17607839",
    "--title",
    "Demo",
];

#[test]
fn toc_json_matches_hand_computed_layout() {
    let d = setup("toc");
    let mut args = vec!["toc"];
    args.extend_from_slice(LIST);
    args.push("--json");
    let (code, out, err) = rawcd(&d, &args);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // Track 1: Mode 1, 400 sectors + 150 post-gap (D14). Track 2: 150 pre-gap, 321 sectors
    // (320 + a padded partial one). Track 3: 150 pre-gap, 300 sectors.
    assert_eq!(v["first_track"], 1);
    assert_eq!(v["last_track"], 3);
    assert_eq!(v["mcn"], "0724385356926");
    assert_eq!(v["leadout_lba"], 550 + 150 + 321 + 150 + 300);
    assert_eq!(v["last_used_user_sector"], 1470);
    let t = &v["tracks"];
    assert_eq!(t[0]["sector_type"], "mode1");
    assert_eq!(t[0]["control"], 4);
    assert_eq!(t[0]["sectors"], 550);
    assert_eq!(t[0]["indexes"][0]["lba"], -150);
    assert_eq!(t[1]["start_lba"], 700);
    assert_eq!(t[1]["indexes"][0]["lba"], 550);
    assert_eq!(t[1]["isrc"], "USRC17607839");
    assert_eq!(t[1]["sectors"], 321);
    assert_eq!(t[2]["start_lba"], 1171);
    assert_eq!(t[2]["isrc"], serde_json::Value::Null);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn outputs_verify_and_round_trip() {
    let d = setup("out");
    for f in ["bin", "clonecd", "raw"] {
        let mut args = vec!["image"];
        args.extend_from_slice(LIST);
        args.extend_from_slice(&["-o", f, "--format", f, "--quiet"]);
        let (code, _, err) = rawcd(&d, &args);
        assert_eq!(code, 0, "{f}: {err}");
    }
    // bin: the model's prediction, piece by piece.
    let bin = std::fs::read(d.join("bin.bin")).unwrap();
    assert_eq!(bin.len(), 1471 * 2352);
    let iso = iso(400);
    for i in [0usize, 17, 399] {
        assert_eq!(
            &bin[i * 2352 + 16..i * 2352 + 2064],
            &iso[i * 2048..(i + 1) * 2048]
        );
        assert_eq!(
            &bin[i * 2352 + 12..i * 2352 + 15],
            &rawcd::units::Msf::from_lba(i as i32).unwrap().to_bcd()
        );
    }
    let wav = std::fs::read(d.join("b.wav")).unwrap();
    let pcm = &wav[44..];
    assert_eq!(&bin[700 * 2352..700 * 2352 + pcm.len()], pcm);
    assert!(
        bin[550 * 2352..700 * 2352].iter().all(|&b| b == 0),
        "silent pre-gap"
    );
    // The written cue parses back to the same layout.
    let (_, a, _) = rawcd(&d, &["toc", "bin.cue", "--json"]);
    let mut args = vec!["toc"];
    args.extend_from_slice(LIST);
    args.push("--json");
    let (_, b, _) = rawcd(&d, &args);
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&a).unwrap(),
        serde_json::from_str(&b).unwrap(),
    );
    for k in [
        "first_track",
        "last_track",
        "mcn",
        "leadout_lba",
        "last_used_user_sector",
    ] {
        assert_eq!(a[k], b[k], "{k}");
    }
    for i in 0..3 {
        for k in ["number", "control", "start_lba", "sectors", "isrc"] {
            assert_eq!(a["tracks"][i][k], b["tracks"][i][k], "track {i} {k}");
        }
    }
    // CloneCD img equals the bin.
    assert_eq!(std::fs::read(d.join("clonecd.img")).unwrap(), bin);
    // verify passes on every output.
    for f in ["bin.cue", "clonecd.ccd", "raw.raw"] {
        let (code, out, _) = rawcd(&d, &["verify", f]);
        assert_eq!(code, 0, "{f}: {out}");
        assert!(out.contains(": OK"), "{out}");
    }
    // A byte flip in a data sector: verify names the LBA.
    let mut b2 = bin.clone();
    b2[123 * 2352 + 500] ^= 0x10;
    std::fs::write(d.join("bin.bin"), &b2).unwrap();
    let (code, out, _) = rawcd(&d, &["verify", "bin.cue"]);
    assert_ne!(code, 0);
    assert!(out.contains("LBA 123: EDC mismatch"), "{out}");
    // A Q CRC bit flip in the .sub.
    let mut sub = std::fs::read(d.join("clonecd.sub")).unwrap();
    sub[321 * 96 + 12 + 10] ^= 0x01;
    std::fs::write(d.join("clonecd.sub"), &sub).unwrap();
    let (code, out, _) = rawcd(&d, &["verify", "clonecd.ccd"]);
    assert_ne!(code, 0);
    assert!(out.contains("LBA 321: Q CRC mismatch"), "{out}");
    // And in the raw stream: flip a Q bit of LBA 900 (sector index 900 + 22650).
    let mut raw = std::fs::read(d.join("raw.raw")).unwrap();
    let at = (900 + 22650) * 2448 + 2352 + 8 * 3; // Q bit of byte 3 (bit 6 of raw byte 24)
    raw[at] ^= 0x40;
    std::fs::write(d.join("raw.raw"), &raw).unwrap();
    let (code, out, _) = rawcd(&d, &["verify", "raw.raw"]);
    assert_ne!(code, 0);
    assert!(out.contains("LBA 900: Q CRC mismatch"), "{out}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn cue_and_toc_inputs() {
    let d = setup("sheets");
    std::fs::write(
        d.join("disc.cue"),
        "CATALOG 0724385356926\nFILE \"a.iso\" BINARY\n  TRACK 01 MODE1/2048\n    INDEX 01 00:00:00\n    POSTGAP 00:02:00\nFILE \"b.wav\" WAVE\n  TRACK 02 AUDIO\n    PREGAP 00:02:00\n    INDEX 01 00:00:00\n    INDEX 02 00:01:00\n",
    )
    .unwrap();
    let (code, out, err) = rawcd(&d, &["toc", "disc.cue", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["tracks"][1]["start_lba"], 700);
    assert_eq!(v["tracks"][1]["indexes"][2]["lba"], 775);
    std::fs::write(
        d.join("disc.toc"),
        "CD_ROM\nCATALOG \"0724385356926\"\nTRACK MODE1\nDATAFILE \"a.iso\"\nTRACK AUDIO\nISRC \"USRC17607839\"\nPREGAP 0:2:0\nFILE \"c.wav\" 0\n",
    )
    .unwrap();
    let (code, out, err) = rawcd(&d, &["toc", "disc.toc", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["tracks"][1]["start_lba"], 550);
    assert_eq!(v["tracks"][1]["isrc"], "USRC17607839");
    for sheet in ["disc.cue", "disc.toc"] {
        let (code, _, err) = rawcd(&d, &["image", sheet, "-o", "s", "--quiet"]);
        assert_eq!(code, 0, "{sheet}: {err}");
        let (code, out, _) = rawcd(&d, &["verify", "s.cue"]);
        assert_eq!(code, 0, "{sheet}: {out}");
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn bad_inputs_exit_2_with_one_line_and_no_output() {
    let d = setup("bad");
    std::fs::write(d.join("odd.iso"), vec![0u8; 2049 * 300]).unwrap();
    std::fs::write(d.join("short.iso"), vec![0u8; 2048 * 100]).unwrap();
    std::fs::write(d.join("mono8.wav"), wav_pattern(588 * 400, 1, 8, 22050)).unwrap();
    std::fs::write(
        d.join("unk.cue"),
        "FILE \"a.iso\" BINARY\n  TRACK 01 MODE1/2048\n  FROB 1\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    // 90 minutes of sparse ISO: past the lead-out limit.
    let f = std::fs::File::create(d.join("huge.iso")).unwrap();
    f.set_len(405_000 * 2048).unwrap();
    let many: Vec<String> = (0..100).map(|_| "c.wav".to_string()).collect();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["missing.iso"], "missing.iso"),
        (vec!["unk.cue"], "unk.cue:3:3"),
        (vec!["short.iso"], "minimum is 300"),
        (many.iter().map(|s| s.as_str()).collect(), "99"),
        (vec!["odd.iso"], "not a multiple of 2048"),
        (vec!["mono8.wav"], "mono8.wav"),
        (vec!["a.iso", "--catalog", "123456789012"], "13 digits"),
        (vec!["b.wav", "--isrc", "1=US-R$-17-607839"], "ISRC"),
        (vec!["huge.iso"], "404849"),
    ];
    for (srcs, needle) in cases {
        let mut args = vec!["image"];
        args.extend_from_slice(&srcs);
        args.extend_from_slice(&["-o", "x", "--quiet"]);
        let (code, _, err) = rawcd(&d, &args);
        assert_eq!(code, 2, "{srcs:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{srcs:?}: one line: {err}");
        assert!(err.contains(needle), "{srcs:?}: {err}");
        assert!(!err.contains("panicked"));
    }
    let leftovers: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('x') || n.contains("rawcd-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // An unwritable output directory: exit 1.
    let (code, _, err) = rawcd(
        &d,
        &["image", "a.iso", "-o", "/nonexistent-dir/x", "--quiet"],
    );
    assert_eq!(code, 1, "{err}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn simulate_json() {
    let d = tmpdir("sim");
    let (code, out, err) = rawcd(
        &d,
        &["simulate", "--generate", "0.5", "--speed", "52", "--json"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let underruns = v["underruns"].as_u64().unwrap();
    // Exit 3 exactly when the drive ran dry.
    assert_eq!(code, if underruns == 0 { 0 } else { 3 }, "{err}");
    assert_eq!(v["buffer_bytes"], 2_097_152);
    if !cfg!(rawcd_engine = "reference") && !cfg!(debug_assertions) {
        // Zero underruns is a claim about the optimized build: a debug build (or the reference
        // engine) on a machine whose cores other test binaries keep busy may fall below 52x
        // (seen at load 8-20: 1,600-2,800 sectors/s). `cargo test --release` and CI's release
        // 52x simulation with a loaded core check the claim.
        assert_eq!(underruns, 0, "{out}");
        assert!(v["headroom"].as_f64().unwrap() > 1.0);
    }
    std::fs::remove_dir_all(&d).unwrap();
}

/// `simulate` takes a plain file list with every option `image` takes for it (interface §2:
/// the same `<SOURCE>`): the dry run streams the disc the burn would write.
#[test]
fn simulate_takes_the_source_options_of_image() {
    let d = tmpdir("simsrc");
    let pcm = common::wav_pattern(588 * 600, 2, 16, 44_100);
    std::fs::write(d.join("a.wav"), &pcm).unwrap();
    std::fs::write(d.join("b.wav"), &pcm).unwrap();
    let sectors = |extra: &[&str]| {
        let mut args = vec!["simulate", "a.wav", "b.wav", "--speed", "1", "--json"];
        args.extend_from_slice(extra);
        // At 1x the drive drains in real time: only the stream's length matters here, so
        // give it a buffer of the whole disc.
        args.extend_from_slice(&["--drive-buffer-mb", "1024"]);
        let (code, out, err) = rawcd(&d, &args);
        assert_eq!(code, 0, "{args:?}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["sectors"].as_u64().unwrap()
    };
    let gapped = sectors(&[]);
    let gapless = sectors(&[
        "--gapless",
        "--isrc",
        "2=USABC2400001",
        "--title",
        "T",
        "--performer",
        "P",
        "--catalog",
        "0123456789012",
    ]);
    assert_eq!(
        gapped - gapless,
        150,
        "--gapless leaves out track 2's pre-gap"
    );
    // A bad value of one of them is bad input, as for `image`.
    let (code, _, err) = rawcd(&d, &["simulate", "a.wav", "--isrc", "1=nope", "--json"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn man_dir_writes_every_page_the_top_page_names() {
    let d = tmpdir("man");
    let (code, top, err) = rawcd(&d, &["man"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = rawcd(&d, &["man", "--dir", "pages/man1"]);
    assert_eq!(code, 0, "{err}");
    let written: Vec<&str> = out.lines().collect();
    assert_eq!(written.len(), 10, "{out}");
    // Every page the top page refers to exists, and every page has exit status and examples.
    let names: Vec<String> = std::fs::read_dir(d.join("pages/man1"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for sub in [
        "image",
        "toc",
        "verify",
        "repair",
        "demo",
        "simulate",
        "engines",
        "completions",
        "man",
    ] {
        let page = format!("rawcd-{sub}.1");
        assert!(names.contains(&page), "{page} missing: {names:?}");
        assert!(top.contains(&format!("rawcd\\-{sub}(1)")), "{sub}: {top}");
        let text = std::fs::read_to_string(d.join("pages/man1").join(&page)).unwrap();
        assert!(text.contains(&format!("\n.TH rawcd-{sub} 1 ")), "{page}");
        assert!(text.contains(".SH OPTIONS"), "{page}");
        assert!(text.contains(".SH \"EXIT STATUS\""), "{page}");
        assert!(
            text.contains(&format!(".SH EXAMPLES\n.TP\n\\fBrawcd {sub}")) || sub == "completions",
            "{page}: {text}"
        );
    }
    let main = std::fs::read_to_string(d.join("pages/man1/rawcd.1")).unwrap();
    assert_eq!(main, top);
    // The exit statuses the pages state are the ones the commands give.
    let verify = std::fs::read_to_string(d.join("pages/man1/rawcd-verify.1")).unwrap();
    assert!(verify.contains(".TP\n\\fB2\\fR\nbad input"), "{verify}");
    let simulate = std::fs::read_to_string(d.join("pages/man1/rawcd-simulate.1")).unwrap();
    assert!(simulate.contains(".TP\n\\fB3\\fR\n"), "{simulate}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn verify_names_what_a_file_is_when_it_is_no_raw_stream() {
    let d = setup("verify-what");
    let mut chd = b"MComprHD".to_vec();
    chd.resize(500, 0);
    std::fs::write(d.join("x.chd"), &chd).unwrap();
    let mut ecm = b"ECM\0".to_vec();
    ecm.resize(500, 1);
    std::fs::write(d.join("x.ecm"), &ecm).unwrap();
    let mut fs = vec![0u8; 20 * 2048];
    fs[32769..32774].copy_from_slice(b"CD001");
    std::fs::write(d.join("fs.img"), &fs).unwrap();
    let tail = "; rawcd verify reads .cue, .toc, .ccd, Nero, Alcohol, ECM and CHD images and raw streams\n";
    // A damaged CHD or ECM file goes to its reader, which names the place of the damage.
    for file in ["x.chd", "x.ecm"] {
        let (code, out, err) = rawcd(&d, &["verify", file]);
        assert_eq!((code, out.as_str()), (2, ""), "{err}");
        assert!(err.starts_with(&format!("rawcd: {file}: ")), "{err}");
        assert!(!err.contains("sector size"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    for (file, what) in [
        (
            "fs.img",
            "is an ISO 9660 file system (2048-byte sectors), not a disc image: rawcd image makes one of it",
        ),
        (
            "b.wav",
            "is WAV audio, not a disc image: rawcd image makes one of it",
        ),
    ] {
        let (code, out, err) = rawcd(&d, &["verify", file]);
        assert_eq!(
            (code, out.as_str(), err),
            (2, "", format!("rawcd: {file} {what}{tail}"))
        );
    }
    // A pipe cannot be mapped: said so, not a guess about sector sizes.
    let st = std::process::Command::new("mkfifo")
        .arg(d.join("p"))
        .status()
        .unwrap();
    assert!(st.success());
    let (code, _, err) = rawcd(&d, &["verify", "p"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("rawcd: p is not a regular file"), "{err}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn verify_and_toc_speak_words_not_debug_output() {
    let d = tmpdir("words");
    let (code, _, err) = rawcd(&d, &["demo", "out"]);
    assert_eq!(code, 0, "{err}");
    // bin/cue: a normal result reads as one.
    let (code, out, err) = rawcd(&d, &["verify", "out/demo.cue"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "out/demo.cue: 1800 sectors, 450 data sectors checked, 0 Q frames checked: OK; the image \
         has no subchannel, so no Q frame was checked, and its 1350 audio sectors have no header, \
         EDC or ECC to check\n"
    );
    // raw: the layout the Q channel shows, in words, in the text and in JSON.
    let (code, out, err) = rawcd(&d, &["verify", "out/demo.raw"]);
    assert_eq!(code, 0, "{err}");
    let note = "tracks in Q (INDEX 01 by relative time): track 1 at LBA 0, track 2 at LBA 600, \
                track 3 at LBA 1350; lead-out at LBA 1800";
    assert!(
        out.contains(&format!("out/demo.raw: note: {note}\n")),
        "{out}"
    );
    let (code, out, err) = rawcd(&d, &["verify", "out/demo.raw", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["notes"].as_array().unwrap().contains(&note.into()),
        "{out}"
    );
    for s in [&out, &err] {
        assert!(
            !s.contains("Some(") && !s.contains("None") && !s.contains(": {"),
            "{s}"
        );
    }
    // toc: track CD-Text, as text and as one "cdtext" object per track.
    let (code, out, err) = rawcd(&d, &["toc", "out/inputs/demo.cue"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("CD-Text block language 0x09: title \"rawcd demo\", performer \"rawcd\"\n  track 01: title \"Data\", performer \"rawcd\"\n  track 02: title \"A4, 440 Hz\", performer \"rawcd\"\n"),
        "{out}"
    );
    let (code, out, err) = rawcd(&d, &["toc", "out/inputs/demo.cue", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["cdtext"]["title"], "rawcd demo");
    assert_eq!(v["cdtext"]["blocks"], 1);
    let t2 = &v["tracks"][1]["cdtext"];
    assert_eq!(t2["title"], "A4, 440 Hz");
    assert_eq!(t2["performer"], "rawcd");
    assert_eq!(t2["songwriter"], "");
    // The contract's fields are still there.
    assert_eq!(v["tracks"][1]["isrc"], "USRC17607839");
    std::fs::remove_dir_all(&d).unwrap();
}

/// `rawcd` with `RAWCD_ENGINE` set to `engine` (or as the environment has it: the automatic
/// choice unless the caller of the tests forces one).
fn rawcd_with_engine(
    dir: &std::path::Path,
    engine: Option<&str>,
    args: &[&str],
) -> (i32, String, String) {
    match engine {
        Some(e) => common::rawcd_env(dir, args, &[("RAWCD_ENGINE", e)]),
        None => common::rawcd(dir, args),
    }
}

#[test]
fn engines_says_what_runs_and_rawcd_engine_forces_one() {
    use rawcd::codec::engine::{testing::available, Auto, EngineKind};
    let d = tmpdir("engines");
    let best = Auto::best().kind_name();
    let (code, out, err) = rawcd_with_engine(&d, None, &["engines"]);
    assert_eq!(code, 0, "{err}");
    if !cfg!(rawcd_engine = "reference") && !cfg!(rawcd_engine = "table") {
        assert!(
            out.starts_with(&format!("engine: {best} (the best")),
            "{out}"
        );
    }
    assert!(out.contains("cpu features: ") || cfg!(not(target_arch = "x86_64")));
    // The kernels of the engine in use, by label (`x86+gfni`, `avx512/256`, ...).
    assert!(
        out.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("kernels: ") && l.contains(": ")),
        "{out}"
    );
    for k in EngineKind::ALL {
        assert!(out.contains(&format!("  {:<10} ", k.name())), "{out}");
    }
    // Every engine this CPU runs can be forced, and they all write the same image.
    let mut images = Vec::new();
    std::fs::write(d.join("a.iso"), iso(300)).unwrap();
    for e in available() {
        let name = e.kind_name();
        if images.iter().any(|(n, _)| *n == name) {
            // A second kernel set of an engine already run: the CLI forces engines by name.
            continue;
        }
        let (code, out, err) = rawcd_with_engine(&d, Some(name), &["engines"]);
        assert_eq!(code, 0, "{err}");
        if !cfg!(rawcd_engine = "reference") && !cfg!(rawcd_engine = "table") {
            assert!(
                out.starts_with(&format!("engine: {name} (forced by RAWCD_ENGINE)")),
                "{out}"
            );
        }
        let o = format!("img-{name}");
        let args = ["image", "a.iso", "-o", &o, "--format", "bin", "--quiet"];
        let (code, _, err) = rawcd_with_engine(&d, Some(name), &args);
        assert_eq!(code, 0, "{name}: {err}");
        images.push((name, std::fs::read(d.join(format!("{o}.bin"))).unwrap()));
    }
    for (name, img) in &images[1..] {
        assert!(img == &images[0].1, "{name} differs from {}", images[0].0);
    }
    // A name that is no engine, or one this machine lacks: one line, exit 2, nothing done.
    let (code, out, err) = rawcd_with_engine(&d, Some("avx9"), &["toc", "a.iso"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "rawcd: RAWCD_ENGINE=\"avx9\": no such engine (one of reference, table, x86, avx512, neon)\n"
    );
    if let Some(k) = EngineKind::ALL
        .into_iter()
        .find(|&k| Auto::try_with_kind(k).is_none())
    {
        let (code, _, err) = rawcd_with_engine(&d, Some(k.name()), &["engines"]);
        assert_eq!(code, 2);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(Auto::requirement(k)), "{err}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// A track 1 whose sheet stores a pre-gap (`INDEX 00 00:00:00`, `INDEX 01 00:03:00`, sound in
/// it): the stored pre-gap lies after LBA 0 (the 150 sectors before are generated silence), so
/// the bin keeps every byte and no "hidden track one audio cannot be stored" warning is given.
#[test]
fn stored_track_one_pregap_is_kept_in_the_bin_without_a_warning() {
    let d = tmpdir("pregap1");
    let pcm: Vec<u8> = (0..600 * 2352).map(|i| (i % 249 + 1) as u8).collect();
    std::fs::write(d.join("a.bin"), &pcm).unwrap();
    std::fs::write(
        d.join("a.cue"),
        "FILE \"a.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 00 00:00:00\n    INDEX 01 00:03:00\n",
    )
    .unwrap();
    for format in ["bin", "clonecd", "cdrdao"] {
        let (code, _, err) = rawcd(&d, &["image", "a.cue", "-o", format, "--format", format]);
        assert_eq!(code, 0, "{err}");
        assert!(!err.contains("hidden track one audio"), "{format}: {err}");
    }
    assert!(common::read(&d, "bin.bin") == pcm);
    assert!(common::read(&d, "clonecd.img") == pcm);
    let toc = common::ok(&d, &["toc", "a.cue", "--json"]);
    assert!(toc.contains("\"start_lba\": 225"), "{toc}");
}

/// libcdio's `p1.nrg`: track 1's INDEX 01 at LBA 150 after a stored pre-gap (LBA 0..149 hold
/// sound): written as a bin without a hidden-track warning, the bin equal to `p1.bin`.
#[test]
#[ignore = "needs ../shared/testdata"]
fn p1_nrg_gives_no_hidden_track_warning() {
    let d = tmpdir("p1htoa");
    let nrg = std::fs::canonicalize(format!("{}/libcdio/p1.nrg", common::TESTDATA)).unwrap();
    let (code, _, err) = rawcd(&d, &["image", nrg.to_str().unwrap(), "-o", "p1"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("hidden track one audio"), "{err}");
    assert!(common::read(&d, "p1.bin") == common::testdata("libcdio/p1.bin"));
}

/// A `MODE2/2336` cue (sectors stored without sync and header): `verify` checks every sector as
/// Mode 2 by its subheader (Form 1: EDC and ECC; Form 2: EDC), reports them as data sectors,
/// and names the LBA of a damaged one.
#[test]
fn verify_checks_mode2_2336_sectors_by_their_subheader() {
    use rawcd::codec::engine::Reference;
    use rawcd::codec::{finish_form1, finish_form2, SECTOR_SIZE};
    let d = tmpdir("m2336");
    let mut file = Vec::new();
    for i in 0..400usize {
        let mut s = [0u8; SECTOR_SIZE];
        s[15] = 2;
        let form2 = i % 3 == 0;
        let sub = if form2 {
            [0, 0, 0x20, 0]
        } else {
            [0, 0, 0x08, 0]
        };
        s[16..20].copy_from_slice(&sub);
        s[20..24].copy_from_slice(&sub);
        let end = if form2 { 2348 } else { 2072 };
        for (k, b) in s[24..end].iter_mut().enumerate() {
            *b = ((i * 7 + k) % 251) as u8;
        }
        if form2 {
            finish_form2(&Reference, &mut s);
        } else {
            finish_form1(&Reference, &mut s);
        }
        file.extend_from_slice(&s[16..]);
    }
    std::fs::write(d.join("x.bin"), &file).unwrap();
    std::fs::write(
        d.join("x.cue"),
        "FILE \"x.bin\" BINARY\n  TRACK 01 MODE2/2336\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    let (code, out, err) = rawcd(&d, &["verify", "x.cue"]);
    assert_eq!(code, 0, "{out}{err}");
    for want in [
        "400 sectors, 400 data sectors checked",
        "400 Mode 2 sectors are stored as 2336 bytes",
    ] {
        assert!(out.contains(want), "{want}: {out}");
    }
    // A user data byte of Form 1 sector 10 and of Form 2 sector 30.
    file[10 * 2336 + 8 + 100] ^= 1;
    file[30 * 2336 + 8 + 500] ^= 1;
    std::fs::write(d.join("x.bin"), &file).unwrap();
    let (code, out, err) = rawcd(&d, &["verify", "x.cue"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("x.cue: LBA 10: EDC mismatch"), "{out}");
    assert!(out.contains("x.cue: LBA 30: EDC mismatch"), "{out}");
    assert!(
        !out.contains("LBA 11:") && !out.contains("LBA 29:"),
        "{out}"
    );
}

/// libcdio's `videocd.nrg` (VCDImager, TAO, Nero mode 3: 2336-byte Mode 2 sectors): its 226
/// Form 1 and 900 Form 2 sectors are checked as data, all sound (an independent checker found
/// the same, PROVENANCE.md).
#[test]
#[ignore = "needs ../shared/testdata"]
fn videocd_nrg_mode2_sectors_are_checked_as_data() {
    let d = tmpdir("vcdverify");
    let nrg = std::fs::canonicalize(format!("{}/libcdio/videocd.nrg", common::TESTDATA)).unwrap();
    let (code, out, err) = rawcd(&d, &["verify", nrg.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    for want in [
        "1726 sectors, 1126 data sectors checked",
        "1126 Mode 2 sectors are stored as 2336 bytes",
    ] {
        assert!(out.contains(want), "{want}: {out}");
    }
    assert!(!out.contains("formless"), "{out}");
}

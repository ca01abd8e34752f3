//! Decoded audio end to end (feature `audio`): discs made from FLAC, AIFF (and, with the
//! encoders `.ci/run` installs, ALAC, MP3 and Vorbis) against the same disc made from WAV; the
//! embedded cue sheet; tags; conversion; every bad input's exit code and one-line message.
//! Fixtures are generated here: FLAC with the `flacenc` crate, AIFF and WAV by hand.
#![cfg(feature = "audio")]
#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::rawcd;

fn tmpdir(tag: &str) -> common::TempDir {
    common::TempDir::new("audio", tag)
}

/// Interleaved samples: `channels` channels of a tone plus seeded noise, full 16-bit range.
fn samples(frames: usize, channels: usize, seed: u32) -> Vec<i16> {
    let mut x = seed.wrapping_mul(2_654_435_761) | 1;
    (0..frames * channels)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let t = (i / channels) as f64;
            let tone = (t * 0.031 * (1 + i % channels) as f64).sin() * 20_000.0;
            (tone as i32 + (x % 2001) as i32 - 1000).clamp(-32768, 32767) as i16
        })
        .collect()
}

fn le_bytes(s: &[i16]) -> Vec<u8> {
    s.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn wav(s: &[i16], channels: u16) -> Vec<u8> {
    common::wav(&le_bytes(s), channels, 16, 44_100)
}

/// A FLAC file from interleaved samples (flacenc), with extra metadata blocks after STREAMINFO.
fn flac_of(
    s: &[i32],
    channels: usize,
    bits: usize,
    rate: usize,
    blocks: &[(u8, Vec<u8>)],
) -> Vec<u8> {
    insert_blocks(&common::flac_encode(s, channels, bits, rate), blocks)
}

fn flac16(s: &[i16], blocks: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let v: Vec<i32> = s.iter().map(|&x| i32::from(x)).collect();
    flac_of(&v, 2, 16, 44_100, blocks)
}

/// Inserts metadata blocks after STREAMINFO, keeping the last-block flag right.
fn insert_blocks(f: &[u8], blocks: &[(u8, Vec<u8>)]) -> Vec<u8> {
    if blocks.is_empty() {
        return f.to_vec();
    }
    assert_eq!(&f[..4], b"fLaC");
    let si_len = u32::from_be_bytes([0, f[5], f[6], f[7]]) as usize;
    let si_last = f[4] & 0x80 != 0;
    let mut out = f[..8 + si_len].to_vec();
    out[4] &= 0x7F;
    for (i, (kind, body)) in blocks.iter().enumerate() {
        let last = si_last && i + 1 == blocks.len();
        out.push(kind | if last { 0x80 } else { 0 });
        out.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        out.extend_from_slice(body);
    }
    out.extend_from_slice(&f[8 + si_len..]);
    out
}

fn vorbis_comment(tags: &[(&str, &str)]) -> (u8, Vec<u8>) {
    let mut c = Vec::new();
    c.extend_from_slice(&6u32.to_le_bytes());
    c.extend_from_slice(b"rawcd!");
    c.extend_from_slice(&(tags.len() as u32).to_le_bytes());
    for (k, v) in tags {
        let s = format!("{k}={v}");
        c.extend_from_slice(&(s.len() as u32).to_le_bytes());
        c.extend_from_slice(s.as_bytes());
    }
    (4, c)
}

/// A track of a CUESHEET block: offset, number, ISRC, (index, offset) pairs.
type CueTrack<'a> = (u64, u8, &'a str, &'a [(u8, u64)]);

/// A CD-DA CUESHEET block: the tracks, then the lead-out.
fn cuesheet(catalog: &str, tracks: &[CueTrack<'_>], leadout: u64) -> (u8, Vec<u8>) {
    let mut b = vec![0u8; 128];
    b[..catalog.len()].copy_from_slice(catalog.as_bytes());
    b.extend_from_slice(&(88_200u64).to_be_bytes());
    b.push(0x80);
    b.extend_from_slice(&[0u8; 258]);
    b.push(tracks.len() as u8 + 1);
    for &(off, num, isrc, idx) in tracks {
        b.extend_from_slice(&off.to_be_bytes());
        b.push(num);
        let mut i = [0u8; 12];
        i[..isrc.len()].copy_from_slice(isrc.as_bytes());
        b.extend_from_slice(&i);
        b.extend_from_slice(&[0u8; 14]);
        b.push(idx.len() as u8);
        for &(n, o) in idx {
            b.extend_from_slice(&o.to_be_bytes());
            b.push(n);
            b.extend_from_slice(&[0u8; 3]);
        }
    }
    b.extend_from_slice(&leadout.to_be_bytes());
    b.push(170);
    b.extend_from_slice(&[0u8; 12 + 14]);
    b.push(0);
    (5, b)
}

/// AIFF (big-endian 16-bit PCM, 44100 Hz as an 80-bit float).
fn aiff(s: &[i16], channels: u16) -> Vec<u8> {
    let data: Vec<u8> = s.iter().flat_map(|v| v.to_be_bytes()).collect();
    let frames = (s.len() / channels as usize) as u32;
    let mut comm = b"COMM".to_vec();
    comm.extend_from_slice(&18u32.to_be_bytes());
    comm.extend_from_slice(&channels.to_be_bytes());
    comm.extend_from_slice(&frames.to_be_bytes());
    comm.extend_from_slice(&16u16.to_be_bytes());
    // 44100 = 1.3458251953125 × 2^15: exponent 16383 + 15, mantissa 0xAC44 << 48.
    comm.extend_from_slice(&[0x40, 0x0E, 0xAC, 0x44, 0, 0, 0, 0, 0, 0]);
    let mut ssnd = b"SSND".to_vec();
    ssnd.extend_from_slice(&(8 + data.len() as u32).to_be_bytes());
    ssnd.extend_from_slice(&[0u8; 8]);
    ssnd.extend_from_slice(&data);
    let mut v = b"FORM".to_vec();
    v.extend_from_slice(&(4 + comm.len() as u32 + ssnd.len() as u32).to_be_bytes());
    v.extend_from_slice(b"AIFF");
    v.extend(comm);
    v.extend(ssnd);
    v
}

fn read(p: PathBuf) -> Vec<u8> {
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Frame counts of the three tracks (one ends inside a sector, as real rips never do but
/// plain lists may).
const TRACKS: [usize; 3] = [588 * 330, 588 * 310 + 123, 588 * 305];

fn write_tracks(d: &Path) -> Vec<Vec<i16>> {
    let all: Vec<Vec<i16>> = TRACKS
        .iter()
        .enumerate()
        .map(|(i, &n)| samples(n, 2, i as u32 + 1))
        .collect();
    for (i, s) in all.iter().enumerate() {
        std::fs::write(d.join(format!("{i}.wav")), wav(s, 2)).unwrap();
    }
    all
}

fn cue_of(names: &[&str]) -> String {
    let mut s = String::new();
    for (i, n) in names.iter().enumerate() {
        s += &format!(
            "FILE \"{n}\" WAVE\n  TRACK {:02} AUDIO\n    INDEX 01 00:00:00\n",
            i + 1
        );
    }
    s
}

#[test]
fn cue_with_one_flac_or_aiff_per_track_gives_the_wav_disc() {
    let d = tmpdir("cue");
    let all = write_tracks(&d);
    std::fs::write(d.join("0.flac"), flac16(&all[0], &[])).unwrap();
    std::fs::write(d.join("1.aiff"), aiff(&all[1], 2)).unwrap();
    // A FLAC named .wav: the format is decided by content.
    std::fs::write(d.join("2-flac.wav"), flac16(&all[2], &[])).unwrap();
    std::fs::write(d.join("wav.cue"), cue_of(&["0.wav", "1.wav", "2.wav"])).unwrap();
    std::fs::write(
        d.join("mix.cue"),
        cue_of(&["0.flac", "1.aiff", "2-flac.wav"]),
    )
    .unwrap();
    let (c, _, e) = rawcd(&d, &["image", "wav.cue", "-o", "w", "-q"]);
    assert_eq!(c, 0, "{e}");
    let (c, _, e) = rawcd(&d, &["image", "mix.cue", "-o", "m", "-q"]);
    assert_eq!(c, 0, "{e}");
    assert!(
        read(d.join("w.bin")) == read(d.join("m.bin")),
        "bin differs"
    );
    assert_eq!(read(d.join("w.cue")), {
        let t = String::from_utf8(read(d.join("m.cue"))).unwrap();
        t.replace("m.bin", "w.bin").into_bytes()
    });
    for fmt in ["raw", "clonecd"] {
        let (c, _, e) = rawcd(&d, &["image", "wav.cue", "-o", "w2", "--format", fmt, "-q"]);
        assert_eq!(c, 0, "{e}");
        let (c, _, e) = rawcd(&d, &["image", "mix.cue", "-o", "m2", "--format", fmt, "-q"]);
        assert_eq!(c, 0, "{e}");
        let ext = if fmt == "raw" { "raw" } else { "img" };
        assert!(
            read(d.join(format!("w2.{ext}"))) == read(d.join(format!("m2.{ext}"))),
            "{fmt} differs"
        );
    }
}

#[test]
fn plain_list_of_flac_and_aiff_gives_the_wav_disc() {
    let d = tmpdir("list");
    let all = write_tracks(&d);
    std::fs::write(d.join("a.flac"), flac16(&all[0], &[])).unwrap();
    std::fs::write(d.join("b.aif"), aiff(&all[1], 2)).unwrap();
    std::fs::write(d.join("c.flac"), flac16(&all[2], &[])).unwrap();
    let (c, _, e) = rawcd(&d, &["image", "0.wav", "1.wav", "2.wav", "-o", "w", "-q"]);
    assert_eq!(c, 0, "{e}");
    let (c, _, e) = rawcd(&d, &["image", "a.flac", "b.aif", "c.flac", "-o", "f", "-q"]);
    assert_eq!(c, 0, "{e}");
    assert!(
        read(d.join("w.bin")) == read(d.join("f.bin")),
        "bin differs"
    );
    let (c, out, e) = rawcd(&d, &["toc", "a.flac", "b.aif", "c.flac", "--json"]);
    assert_eq!(c, 0, "{e}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["tracks"].as_array().unwrap().len(), 3);
    assert!(v["audio"][0]
        .as_str()
        .unwrap()
        .contains("length from STREAMINFO"));
}

/// One album: three sector-aligned tracks, track 2 with a stored pre-gap and an ISRC.
fn album(d: &Path) -> (Vec<i16>, String) {
    let frames = 588 * 980;
    let s = samples(frames, 2, 9);
    std::fs::write(d.join("album.wav"), wav(&s, 2)).unwrap();
    let cue = "CATALOG 0012345678905\nFILE \"album.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    ISRC USABC2400001\n    INDEX 00 00:04:30\n    INDEX 01 00:04:55\n  TRACK 03 AUDIO\n    INDEX 01 00:08:55\n";
    std::fs::write(d.join("album.cue"), cue).unwrap();
    (s, cue.to_string())
}

#[test]
fn flac_with_embedded_cuesheet_block_gives_the_wav_disc() {
    let d = tmpdir("embedded");
    let (s, _) = album(&d);
    let total = s.len() as u64 / 2;
    let sec = |m: u64, ss: u64, f: u64| (m * 4500 + ss * 75 + f) * 588;
    let block = cuesheet(
        "0012345678905",
        &[
            (0, 1, "", &[(1, 0)]),
            (sec(0, 4, 30), 2, "USABC2400001", &[(0, 0), (1, 25 * 588)]),
            (sec(0, 8, 55), 3, "", &[(1, 0)]),
        ],
        total,
    );
    std::fs::write(d.join("album.flac"), flac16(&s, &[block])).unwrap();
    let (c, _, e) = rawcd(&d, &["image", "album.cue", "-o", "w", "-q"]);
    assert_eq!(c, 0, "{e}");
    let (c, _, e) = rawcd(&d, &["image", "album.flac", "-o", "f", "-q"]);
    assert_eq!(c, 0, "{e}");
    assert!(
        read(d.join("w.bin")) == read(d.join("f.bin")),
        "bin differs"
    );
    let cue = String::from_utf8(read(d.join("f.cue"))).unwrap();
    assert!(
        cue.contains("ISRC USABC2400001") && cue.contains("CATALOG 0012345678905"),
        "{cue}"
    );
    assert!(cue.contains("INDEX 00 00:04:30"), "{cue}");
}

#[test]
fn flac_with_cuesheet_tag_gives_the_wav_disc() {
    let d = tmpdir("cuetag");
    let (s, cue) = album(&d);
    let tag = cue.replace("album.wav", "whatever the ripper called it.wav");
    std::fs::write(
        d.join("album.flac"),
        flac16(
            &s,
            &[vorbis_comment(&[("CUESHEET", &tag), ("ALBUM", "Tagged")])],
        ),
    )
    .unwrap();
    let (c, _, e) = rawcd(&d, &["image", "album.cue", "-o", "w", "-q"]);
    assert_eq!(c, 0, "{e}");
    let (c, _, e) = rawcd(&d, &["image", "album.flac", "-o", "f", "-q", "--no-tags"]);
    assert_eq!(c, 0, "{e}");
    assert!(
        read(d.join("w.bin")) == read(d.join("f.bin")),
        "bin differs"
    );
}

#[test]
fn tags_fill_cdtext_isrc_and_mcn_where_the_sheet_does_not_and_toc_says_so() {
    let d = tmpdir("tags");
    let all = write_tracks(&d);
    let tags = [
        vec![
            ("TITLE", "First"),
            ("ARTIST", "Band"),
            ("ALBUM", "Record"),
            ("ALBUMARTIST", "Band"),
            ("ISRC", "USABC2400007"),
            ("CATALOGNUMBER", "0012345678905"),
        ],
        vec![("TITLE", "Second"), ("ARTIST", "Band")],
        vec![("TITLE", "Third"), ("ARTIST", "Guest")],
    ];
    for (i, s) in all.iter().enumerate() {
        std::fs::write(
            d.join(format!("{i}.flac")),
            flac16(s, &[vorbis_comment(&tags[i])]),
        )
        .unwrap();
    }
    let mut cue = cue_of(&["0.flac", "1.flac", "2.flac"]);
    cue = cue.replace(
        "  TRACK 02 AUDIO\n",
        "  TRACK 02 AUDIO\n    TITLE \"From the sheet\"\n",
    );
    std::fs::write(d.join("t.cue"), &cue).unwrap();
    let (c, out, e) = rawcd(&d, &["toc", "t.cue"]);
    assert_eq!(c, 0, "{e}");
    assert!(
        out.contains("disc TITLE \"Record\" from tag ALBUM of 0.flac"),
        "{out}"
    );
    assert!(
        out.contains("track 01 ISRC \"USABC2400007\" from tag ISRC of 0.flac"),
        "{out}"
    );
    assert!(
        out.contains("disc MCN \"0012345678905\" from tag CATALOGNUMBER of 0.flac"),
        "{out}"
    );
    assert!(
        !out.contains("track 02 TITLE"),
        "the sheet's title wins: {out}"
    );
    let (c, _, e) = rawcd(&d, &["image", "t.cue", "-o", "o", "-q"]);
    assert_eq!(c, 0, "{e}");
    let written = String::from_utf8(read(d.join("o.cue"))).unwrap();
    for want in [
        "TITLE \"Record\"",
        "TITLE \"First\"",
        "TITLE \"From the sheet\"",
        "PERFORMER \"Guest\"",
        "ISRC USABC2400007",
        "CATALOG 0012345678905",
    ] {
        assert!(written.contains(want), "{want} missing: {written}");
    }
    let (c, _, e) = rawcd(&d, &["image", "t.cue", "-o", "n", "-q", "--no-tags"]);
    assert_eq!(c, 0, "{e}");
    let plain = String::from_utf8(read(d.join("n.cue"))).unwrap();
    assert!(
        !plain.contains("First") && !plain.contains("CATALOG"),
        "{plain}"
    );
    // Plain lists take tags too.
    let (c, out, e) = rawcd(&d, &["toc", "0.flac", "1.flac", "2.flac"]);
    assert_eq!(c, 0, "{e}");
    assert!(
        out.contains("track 03 PERFORMER \"Guest\" from tag ARTIST of 2.flac"),
        "{out}"
    );
}

#[test]
fn convert_audio_makes_mono_stereo_and_dithers_24_bit() {
    let d = tmpdir("convert");
    let mono = samples(588 * 310, 1, 5);
    let v: Vec<i32> = mono.iter().map(|&x| i32::from(x)).collect();
    std::fs::write(d.join("mono.flac"), flac_of(&v, 1, 16, 44_100, &[])).unwrap();
    let stereo: Vec<i16> = mono.iter().flat_map(|&x| [x, x]).collect();
    std::fs::write(d.join("stereo.wav"), wav(&stereo, 2)).unwrap();
    let (c, _, e) = rawcd(&d, &["image", "mono.flac", "-o", "m", "-q"]);
    assert_eq!(c, 2, "{e}");
    assert!(
        e.contains("mono.flac: 16-bit mono 44100 Hz FLAC") && e.contains("--convert-audio"),
        "{e}"
    );
    assert!(!d.join("m.bin").exists());
    let (c, _, e) = rawcd(
        &d,
        &["image", "mono.flac", "-o", "m", "-q", "--convert-audio"],
    );
    assert_eq!(c, 0, "{e}");
    let (c, _, e) = rawcd(&d, &["image", "stereo.wav", "-o", "s", "-q"]);
    assert_eq!(c, 0, "{e}");
    assert!(
        read(d.join("m.bin")) == read(d.join("s.bin")),
        "mono is not copied to both channels"
    );
    let (_, out, _) = rawcd(&d, &["toc", "mono.flac", "--convert-audio"]);
    assert!(out.contains("CONVERTED: mono → stereo"), "{out}");

    // 24-bit: within one LSB of the plain 16-bit value, and the same on every run.
    let s16 = samples(588 * 305, 2, 6);
    let s24: Vec<i32> = s16.iter().map(|&x| (i32::from(x) << 8) | 0x5A).collect();
    std::fs::write(d.join("hi.flac"), flac_of(&s24, 2, 24, 44_100, &[])).unwrap();
    let (c, _, e) = rawcd(&d, &["image", "hi.flac", "-o", "h1", "-q"]);
    assert_eq!(c, 2, "{e}");
    for out in ["h1", "h2"] {
        let (c, _, e) = rawcd(
            &d,
            &["image", "hi.flac", "-o", out, "-q", "--convert-audio"],
        );
        assert_eq!(c, 0, "{e}");
    }
    let a = read(d.join("h1.bin"));
    assert!(a == read(d.join("h2.bin")), "dither is not reproducible");
    for (k, c) in a.chunks_exact(2).take(s16.len()).enumerate() {
        let got = i32::from(i16::from_le_bytes([c[0], c[1]]));
        assert!(
            (got - i32::from(s16[k])).abs() <= 1,
            "sample {k}: {got} vs {}",
            s16[k]
        );
    }
}

fn assert_refused(d: &Path, args: &[&str], needles: &[&str]) {
    let (c, out, e) = rawcd(d, args);
    assert_eq!(c, 2, "{args:?}: {e}");
    assert_eq!(
        e.trim_end().lines().count(),
        1,
        "{args:?}: not one line: {e}"
    );
    for n in needles {
        assert!(e.contains(n), "{args:?}: {n:?} missing from {e}");
    }
    assert!(out.is_empty());
    let left: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|x| x.ok())
        .map(|x| x.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("out"))
        .collect();
    assert!(left.is_empty(), "{args:?} left {left:?}");
}

#[test]
fn bad_audio_inputs_exit_2_with_one_line_and_no_output() {
    let d = tmpdir("bad");
    let s = samples(588 * 320, 2, 3);
    let good = flac16(&s, &[]);
    // Truncated: the last frames are cut off.
    std::fs::write(d.join("cut.flac"), &good[..good.len() * 2 / 3]).unwrap();
    assert_refused(
        &d,
        &["image", "cut.flac", "-o", "out", "-q"],
        &["cut.flac", "samples"],
    );
    // A damaged frame in the middle (CRC error): named with its sample position.
    let mut bad = good.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x55;
    std::fs::write(d.join("crc.flac"), &bad).unwrap();
    assert_refused(
        &d,
        &["image", "crc.flac", "-o", "out", "-q"],
        &["crc.flac", "at sample"],
    );
    // STREAMINFO says more samples than there are.
    let mut lie = good.clone();
    let at = 8 + 10;
    let mut x = u64::from_be_bytes(lie[at..at + 8].try_into().unwrap());
    x += 588 * 4;
    lie[at..at + 8].copy_from_slice(&x.to_be_bytes());
    std::fs::write(d.join("lie.flac"), &lie).unwrap();
    assert_refused(
        &d,
        &["image", "lie.flac", "-o", "out", "-q", "--format", "raw"],
        &[
            "lie.flac",
            "decoded 188160 samples but STREAMINFO announced 190512",
        ],
    );
    // 24-bit 96 kHz without --convert-audio.
    let hi: Vec<i32> = samples(9600, 2, 4)
        .iter()
        .map(|&x| i32::from(x) << 8)
        .collect();
    std::fs::write(d.join("hi.flac"), flac_of(&hi, 2, 24, 96_000, &[])).unwrap();
    assert_refused(
        &d,
        &["image", "hi.flac", "-o", "out", "-q"],
        &["hi.flac: 24-bit stereo 96000 Hz FLAC"],
    );
    // An MP3 that is really a JPEG.
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    jpeg.extend_from_slice(b"JFIF\0");
    jpeg.resize(4000, 0xFB);
    std::fs::write(d.join("song.mp3"), &jpeg).unwrap();
    assert_refused(
        &d,
        &["image", "song.mp3", "-o", "out", "-q"],
        &["song.mp3", "JPEG"],
    );
    // An embedded cue sheet that points past the end of the audio.
    let total = s.len() as u64 / 2;
    let block = cuesheet(
        "",
        &[(0, 1, "", &[(1, 0)]), (588 * 400, 2, "", &[(1, 0)])],
        total,
    );
    std::fs::write(d.join("past.flac"), flac16(&s, &[block])).unwrap();
    assert_refused(
        &d,
        &["image", "past.flac", "-o", "out", "-q"],
        &["past.flac", "past the end"],
    );
    // A cue naming a .flac that does not exist.
    std::fs::write(d.join("missing.cue"), cue_of(&["nope.flac"])).unwrap();
    assert_refused(
        &d,
        &["image", "missing.cue", "-o", "out", "-q"],
        &["missing.cue", "nope.flac"],
    );
}

#[test]
fn decoded_source_reads_the_same_in_any_chunk_size() {
    use rawcd::formats::audio::{probe, source, AudioOptions};
    let d = tmpdir("chunks");
    let s = samples(588 * 20 + 77, 2, 8);
    std::fs::write(d.join("x.flac"), flac16(&s, &[])).unwrap();
    let want = le_bytes(&s);
    let opts = AudioOptions {
        read_ahead_bytes: 0,
        ..Default::default()
    };
    let info = probe(&d.join("x.flac"), &opts).unwrap();
    assert_eq!(info.frames, s.len() as u64 / 2);
    for chunk in (1..=17).chain([2352, 100_000]) {
        let src = source(&info, &opts);
        let mut got = vec![0u8; want.len()];
        for (k, piece) in got.chunks_mut(chunk).enumerate() {
            src.read_at((k * chunk) as u64, piece).unwrap();
        }
        assert!(got == want, "chunk size {chunk}");
    }
}

/// Runs an external encoder; `false` (test skipped with a note) when it is not installed.
fn tool(d: &Path, cmd: &str, args: &[&str]) -> bool {
    match Command::new(cmd).args(args).current_dir(d).output() {
        Ok(o) if o.status.success() => true,
        Ok(o) => panic!("{cmd} failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => panic!("{cmd} is needed (.ci/run installs it): {e}"),
    }
}

#[test]
#[ignore = "needs lame and oggenc: cargo test --test audio -- --include-ignored (or .ci/run installs them)"]
fn mp3_and_vorbis_decode_to_the_stated_length_with_gapless_info() {
    use rawcd::formats::audio::{probe, stream::decode_all, AudioOptions};
    let d = tmpdir("lossy");
    let s = samples(588 * 300 + 50, 2, 11);
    std::fs::write(d.join("in.wav"), wav(&s, 2)).unwrap();
    assert!(tool(&d, "lame", &["--quiet", "-V2", "in.wav", "x.mp3"]));
    assert!(tool(
        &d,
        "oggenc",
        &["--quiet", "-q4", "in.wav", "-o", "x.ogg"]
    ));
    let opts = AudioOptions::default();
    for (name, from) in [("x.mp3", "LAME"), ("x.ogg", "granule")] {
        let info = probe(&d.join(name), &opts).unwrap();
        assert!(
            info.length_from.contains(from),
            "{name}: {}",
            info.length_from
        );
        assert_eq!(
            info.frames,
            s.len() as u64 / 2,
            "{name}: the gapless length is the input's"
        );
        let f = std::fs::File::open(d.join(name)).unwrap();
        let pcm = decode_all(&info, Box::new(f), &opts).unwrap();
        assert_eq!(pcm.len() as u64, info.pcm_bytes());
        // Same layout on every run.
        let (c1, t1, e) = rawcd(&d, &["toc", name, "--json"]);
        assert_eq!(c1, 0, "{e}");
        let (_, t2, _) = rawcd(&d, &["toc", name, "--json"]);
        assert_eq!(t1, t2);
        let (c, _, e) = rawcd(&d, &["image", name, "-o", name, "-q"]);
        assert_eq!(c, 0, "{e}");
    }
}

#[test]
#[ignore = "needs ffmpeg: cargo test --test audio -- --include-ignored (or .ci/run installs it)"]
fn alac_gives_the_wav_disc() {
    let d = tmpdir("alac");
    write_tracks(&d);
    for i in 0..3 {
        let (wav_name, m4a) = (format!("{i}.wav"), format!("{i}.m4a"));
        assert!(tool(
            &d,
            "ffmpeg",
            &[
                "-loglevel",
                "error",
                "-y",
                "-i",
                &wav_name,
                "-c:a",
                "alac",
                &m4a
            ]
        ));
    }
    let (c, _, e) = rawcd(&d, &["image", "0.wav", "1.wav", "2.wav", "-o", "w", "-q"]);
    assert_eq!(c, 0, "{e}");
    let (c, _, e) = rawcd(&d, &["image", "0.m4a", "1.m4a", "2.m4a", "-o", "a", "-q"]);
    assert_eq!(c, 0, "{e}");
    assert!(
        read(d.join("w.bin")) == read(d.join("a.bin")),
        "bin differs"
    );
    std::fs::write(d.join("alac.cue"), cue_of(&["0.m4a", "1.m4a", "2.m4a"])).unwrap();
    std::fs::write(d.join("wavs.cue"), cue_of(&["0.wav", "1.wav", "2.wav"])).unwrap();
    let (c, _, e) = rawcd(&d, &["image", "alac.cue", "-o", "c", "-q"]);
    assert_eq!(c, 0, "{e}");
    let (c, _, e) = rawcd(&d, &["image", "wavs.cue", "-o", "wc", "-q"]);
    assert_eq!(c, 0, "{e}");
    assert!(
        read(d.join("wc.bin")) == read(d.join("c.bin")),
        "bin differs (cue)"
    );
}

/// A WAV of any rate, width (16 or 24 bits) and channel count from interleaved samples; with a
/// speaker `mask` it is WAVE_FORMAT_EXTENSIBLE.
fn wav_any(s: &[i32], channels: u16, bits: u16, rate: u32, mask: Option<u32>) -> Vec<u8> {
    let bytes = bits / 8;
    let data: Vec<u8> = s
        .iter()
        .flat_map(|v| v.to_le_bytes()[..bytes as usize].to_vec())
        .collect();
    let mut fmt = Vec::new();
    fmt.extend_from_slice(&(if mask.is_some() { 0xFFFEu16 } else { 1 }).to_le_bytes());
    fmt.extend_from_slice(&channels.to_le_bytes());
    fmt.extend_from_slice(&rate.to_le_bytes());
    fmt.extend_from_slice(&(rate * u32::from(channels * bytes)).to_le_bytes());
    fmt.extend_from_slice(&(channels * bytes).to_le_bytes());
    fmt.extend_from_slice(&bits.to_le_bytes());
    if let Some(m) = mask {
        fmt.extend_from_slice(&22u16.to_le_bytes());
        fmt.extend_from_slice(&bits.to_le_bytes());
        fmt.extend_from_slice(&m.to_le_bytes());
        // KSDATAFORMAT_SUBTYPE_PCM.
        fmt.extend_from_slice(&[
            1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71,
        ]);
    }
    let mut v = b"RIFF".to_vec();
    v.extend_from_slice(&((20 + fmt.len() + data.len()) as u32).to_le_bytes());
    v.extend_from_slice(b"WAVEfmt ");
    v.extend_from_slice(&(fmt.len() as u32).to_le_bytes());
    v.extend(fmt);
    v.extend_from_slice(b"data");
    v.extend_from_slice(&(data.len() as u32).to_le_bytes());
    v.extend(data);
    v
}

/// A 1 kHz sine of amplitude `amp` at `rate`, the same in every channel.
fn sine(frames: usize, channels: usize, rate: u32, amp: f64) -> Vec<i32> {
    (0..frames)
        .flat_map(|i| {
            let v = (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / f64::from(rate)).sin();
            std::iter::repeat_n((v * amp).round() as i32, channels)
        })
        .collect()
}

/// round(n · 44100 / rate), halves up: the documented length of a resampled track.
fn cd_len(n: u64, rate: u64) -> u64 {
    (2 * n * 44_100 + rate) / (2 * rate)
}

/// Frequency (by zero crossings, interpolated) and RMS of the left channel of 16-bit stereo
/// bytes, over frames `from..to`.
fn measure(pcm: &[u8], from: usize, to: usize) -> (f64, f64) {
    let left: Vec<f64> = pcm
        .chunks_exact(4)
        .map(|c| f64::from(i16::from_le_bytes([c[0], c[1]])))
        .collect();
    let w = &left[from..to];
    let mut crossings = Vec::new();
    for k in 1..w.len() {
        if (w[k - 1] < 0.0) != (w[k] < 0.0) {
            crossings.push(k as f64 - 1.0 + w[k - 1] / (w[k - 1] - w[k]));
        }
    }
    let periods = (crossings.len() - 1) as f64 / 2.0;
    let span = crossings[crossings.len() - 1] - crossings[0];
    let freq = periods * 44_100.0 / span;
    let rms = (w.iter().map(|x| x * x).sum::<f64>() / w.len() as f64).sqrt();
    (freq, rms)
}

#[test]
fn resampling_gives_the_formula_length_and_keeps_a_sine() {
    use rawcd::formats::audio::{probe, stream::decode_all, AudioOptions};
    let d = tmpdir("resample");
    let amp = 16_384.0; // −6 dBFS in 16-bit units
                        // (file, bytes, source frames, rate, channels)
    let n48 = 48_000 * 5 + 17;
    let n96 = 96_000 * 5 + 1;
    let n22 = 22_050 * 5 + 3;
    let s48 = sine(n48, 2, 48_000, amp);
    let s96: Vec<i32> = sine(n96, 2, 96_000, amp * 256.0);
    let s22 = sine(n22, 1, 22_050, amp);
    std::fs::write(d.join("a48.flac"), flac_of(&s48, 2, 16, 48_000, &[])).unwrap();
    std::fs::write(d.join("b96.flac"), flac_of(&s96, 2, 24, 96_000, &[])).unwrap();
    std::fs::write(d.join("c22.wav"), wav_any(&s22, 1, 16, 22_050, None)).unwrap();
    let opts = AudioOptions {
        convert: true,
        ..Default::default()
    };
    for (name, n, rate) in [
        ("a48.flac", n48, 48_000u64),
        ("b96.flac", n96, 96_000),
        ("c22.wav", n22, 22_050),
    ] {
        // Without --convert-audio: refused, one line naming the file and its format.
        assert_refused(
            &d,
            &["image", name, "-o", "out", "-q"],
            &[name, &format!(" {rate} Hz "), "--convert-audio"],
        );
        let info = probe(&d.join(name), &opts).unwrap();
        let want = cd_len(n as u64, rate);
        assert_eq!(info.source_frames, n as u64, "{name}");
        assert_eq!(info.frames, want, "{name}");
        let pcm = decode_all(
            &info,
            Box::new(std::fs::File::open(&info.path).unwrap()),
            &opts,
        )
        .unwrap();
        assert_eq!(
            pcm.len() as u64,
            want * 4,
            "{name}: not the formula's length"
        );
        // 1 kHz stays 1 kHz (±0.05 Hz) and −6 dBFS (RMS within 0.05 dB), away from the ends.
        let (freq, rms) = measure(&pcm, 4410, want as usize - 4410);
        assert!((freq - 1000.0).abs() < 0.05, "{name}: {freq} Hz");
        let db = 20.0 * (rms / (amp / 2f64.sqrt())).log10();
        eprintln!("{name}: {freq:.4} Hz, RMS {db:+.4} dB");
        assert!(db.abs() < 0.05, "{name}: RMS off by {db} dB");
        // Time-aligned: the first cycles are where the source has them (within one LSB of
        // dither plus the filter's ripple).
        let left0: Vec<f64> = pcm
            .chunks_exact(4)
            .take(4410)
            .skip(441)
            .map(|c| f64::from(i16::from_le_bytes([c[0], c[1]])))
            .collect();
        for (k, y) in left0.iter().enumerate() {
            let t = (k + 441) as f64 / 44_100.0;
            let x = (2.0 * std::f64::consts::PI * 1000.0 * t).sin() * amp;
            assert!(
                (y - x).abs() < 40.0,
                "{name}: frame {}: {y} vs {x}",
                k + 441
            );
        }
        // The CLI: flagged in `toc`, and the same bytes on two runs.
        let (c, out, e) = rawcd(&d, &["toc", name, "--convert-audio"]);
        assert_eq!(c, 0, "{e}");
        assert!(
            out.contains(&format!("{rate} Hz → 44100 Hz resampled")),
            "{name}: {out}"
        );
        assert!(
            out.contains(&format!("{n} samples (length from ")),
            "{name}: {out}"
        );
        assert!(
            out.contains(&format!("= {want} samples at 44100 Hz")),
            "{name}: {out}"
        );
        for o in ["r1", "r2"] {
            let (c, _, e) = rawcd(&d, &["image", name, "-o", o, "-q", "--convert-audio"]);
            assert_eq!(c, 0, "{name}: {e}");
        }
        let a = read(d.join("r1.bin"));
        assert!(a == read(d.join("r2.bin")), "{name}: not reproducible");
        assert_eq!(a.len() as u64, want.div_ceil(588) * 2352, "{name}");
        assert!(
            a[..pcm.len()] == pcm[..],
            "{name}: the disc is not the decoded PCM"
        );
    }
}

#[test]
fn more_than_two_channels_are_downmixed_by_bs775() {
    use rawcd::formats::audio::{probe, stream::decode_all, AudioOptions};
    let d = tmpdir("downmix");
    let frames = 588 * 310;
    // 5.1 in WAV order FL FR FC LFE BL BR: each channel its own tone.
    let s: Vec<i32> = (0..frames)
        .flat_map(|i| {
            (0..6).map(move |c| {
                let f = 0.01 * (c + 1) as f64;
                ((i as f64 * f).sin() * 5000.0 * (c + 1) as f64) as i32
            })
        })
        .collect();
    std::fs::write(d.join("six.wav"), wav_any(&s, 6, 16, 44_100, Some(0x3F))).unwrap();
    assert_refused(
        &d,
        &["image", "six.wav", "-o", "out", "-q"],
        &["six.wav", "6-channel 44100 Hz", "--convert-audio"],
    );
    let opts = AudioOptions {
        convert: true,
        ..Default::default()
    };
    let info = probe(&d.join("six.wav"), &opts).unwrap();
    assert_eq!(info.frames, frames as u64);
    let pcm = decode_all(
        &info,
        Box::new(std::fs::File::open(&info.path).unwrap()),
        &opts,
    )
    .unwrap();
    assert_eq!(pcm.len(), frames * 4);
    let g = std::f64::consts::FRAC_1_SQRT_2;
    let n = 1.0 / (1.0 + 2.0 * g);
    for (k, (f, o)) in s.chunks_exact(6).zip(pcm.chunks_exact(4)).enumerate() {
        let x = |c: usize| f64::from(f[c]);
        let l = (x(0) + g * x(2) + g * x(4)) * n;
        let r = (x(1) + g * x(2) + g * x(5)) * n;
        let gl = f64::from(i16::from_le_bytes([o[0], o[1]]));
        let gr = f64::from(i16::from_le_bytes([o[2], o[3]]));
        assert!(
            (gl - l).abs() <= 1.5 && (gr - r).abs() <= 1.5,
            "frame {k}: {gl},{gr} vs {l},{r}"
        );
    }
    let (_, out, _) = rawcd(&d, &["toc", "six.wav", "--convert-audio"]);
    assert!(
        out.contains("6-channel → stereo downmix (ITU-R BS.775)"),
        "{out}"
    );
    // 7.1 has no BS.775 stereo downmix here: one line.
    let s8: Vec<i32> = vec![0; 8 * 588 * 310];
    std::fs::write(
        d.join("eight.wav"),
        wav_any(&s8, 8, 16, 44_100, Some(0x63F)),
    )
    .unwrap();
    assert_refused(
        &d,
        &["image", "eight.wav", "-o", "out", "-q", "--convert-audio"],
        &["eight.wav", "8-channel", "downmix"],
    );
}

#[test]
fn a_file_without_a_stated_length_is_decoded_to_count_once() {
    use rawcd::formats::audio::{load_cue, stream::counting_decodes, AudioOptions};
    use rawcd::formats::{plan_to_creator, ConvertOptions};
    let d = tmpdir("count-once");
    let s = samples(588 * 300 + 5, 2, 11);
    let unstated = |s: &[i16]| {
        let mut f = flac16(s, &[]);
        // STREAMINFO total samples (the low 36 bits of bytes 18..26) = 0: "unknown".
        let mut x = u64::from_be_bytes(f[18..26].try_into().unwrap());
        x &= !((1u64 << 36) - 1);
        f[18..26].copy_from_slice(&x.to_be_bytes());
        f
    };
    std::fs::write(d.join("n.flac"), unstated(&s)).unwrap();
    std::fs::write(d.join("n.cue"), cue_of(&["n.flac"])).unwrap();
    let opts = AudioOptions::default();
    let plan = load_cue(&d.join("n.cue"), &opts).unwrap();
    let info = &plan.files.values().next().unwrap();
    assert_eq!(info.frames, s.len() as u64 / 2);
    assert_eq!(counting_decodes(&d.join("n.flac")), 1);
    // Opening the plan for streaming probes the file again: the count is reused.
    let c = plan_to_creator(&plan.plan, &ConvertOptions::default()).unwrap();
    drop(c);
    assert_eq!(counting_decodes(&d.join("n.flac")), 1, "counted twice");
    // A changed file is counted again.
    let s2 = samples(588 * 301, 2, 12);
    std::fs::write(d.join("n.flac"), unstated(&s2)).unwrap();
    let plan = load_cue(&d.join("n.cue"), &opts).unwrap();
    assert_eq!(
        plan.files.values().next().unwrap().frames,
        s2.len() as u64 / 2
    );
    assert_eq!(counting_decodes(&d.join("n.flac")), 2);
    // The CLI streams it to the WAV disc, warning once.
    std::fs::write(d.join("n.wav"), wav(&s2, 2)).unwrap();
    std::fs::write(d.join("w.cue"), cue_of(&["n.wav"])).unwrap();
    let (c, _, e) = rawcd(&d, &["image", "n.cue", "-o", "a"]);
    assert_eq!(c, 0, "{e}");
    assert_eq!(e.matches("no stated length").count(), 1, "{e}");
    let (c, _, e) = rawcd(&d, &["image", "w.cue", "-o", "b", "-q"]);
    assert_eq!(c, 0, "{e}");
    assert!(read(d.join("a.bin")) == read(d.join("b.bin")));
}

#[test]
fn the_next_files_decode_while_one_streams() {
    use rawcd::formats::audio::stream::{DecodeBudget, DecodeSet};
    use rawcd::formats::audio::{probe, AudioOptions};
    let d = tmpdir("ahead");
    let names = ["0.flac", "1.flac", "2.flac", "3.flac"];
    let all: Vec<Vec<i16>> = (0..4).map(|i| samples(588 * 200, 2, 20 + i)).collect();
    for (n, s) in names.iter().zip(&all) {
        std::fs::write(d.join(n), flac16(s, &[])).unwrap();
    }
    let budget = DecodeBudget::new(2 << 20, 3);
    assert_eq!((budget.decoders, budget.depth()), (3, 3));
    assert_eq!(DecodeBudget::new(1, 1).decoders, 2, "at least two decoders");
    assert_eq!(
        DecodeBudget::new(1 << 30, 2).depth(),
        6,
        "a few seconds per file at most"
    );
    let mut set = DecodeSet::new(budget);
    let opts = AudioOptions::default();
    let srcs: Vec<_> = names
        .iter()
        .map(|n| {
            let info = probe(&d.join(n), &opts).unwrap();
            set.add(&info, false).segment(0, info.pcm_bytes())
        })
        .collect();
    let started = |set: &DecodeSet| -> Vec<bool> {
        names
            .iter()
            .map(|n| set.get(&d.join(n)).unwrap().started())
            .collect()
    };
    assert_eq!(started(&set), [false; 4]);
    let mut b = [0u8; 4];
    srcs[0].read_at(0, &mut b).unwrap();
    // File 0 streams; files 1 and 2 decode ahead (3 decoders); file 3 waits.
    assert_eq!(started(&set), [true, true, true, false]);
    srcs[1].read_at(0, &mut b).unwrap();
    assert_eq!(started(&set), [true; 4]);
    // Every file still reads back exactly.
    for (src, s) in srcs.iter().zip(&all) {
        let mut got = vec![0u8; s.len() * 2 - 4];
        src.read_at(4, &mut got).unwrap();
        assert!(got == le_bytes(s)[4..]);
    }
}

#[test]
fn flac_whose_min_block_size_counts_the_last_block_decodes() {
    let d = tmpdir("minblock");
    let s = samples(588 * 300 + 1000, 2, 31);
    let mut f = flac16(&s, &[]);
    // What flacenc writes (and `flac` does not): the minimum block size is the short last
    // block's, so min ≠ max in a fixed-blocksize stream.
    let max = u16::from_be_bytes([f[10], f[11]]);
    let last = (s.len() / 2) as u16 % max;
    assert!(last > 0);
    f[8..10].copy_from_slice(&last.to_be_bytes());
    std::fs::write(d.join("m.flac"), &f).unwrap();
    std::fs::write(d.join("m.wav"), wav(&s, 2)).unwrap();
    let (c, _, e) = rawcd(&d, &["image", "m.flac", "-o", "a", "-q"]);
    assert_eq!(c, 0, "{e}");
    let (c, _, e) = rawcd(&d, &["image", "m.wav", "-o", "b", "-q"]);
    assert_eq!(c, 0, "{e}");
    assert!(read(d.join("a.bin")) == read(d.join("b.bin")));
}

#[test]
fn verify_says_what_a_flac_source_is_and_errors_name_the_file_once() {
    let d = tmpdir("verify-src");
    for (i, s) in write_tracks(&d).iter().enumerate() {
        std::fs::write(d.join(format!("{i}.flac")), flac16(s, &[])).unwrap();
    }
    std::fs::write(d.join("t.cue"), cue_of(&["0.flac", "1.flac", "2.flac"])).unwrap();
    // A source sheet is not an image: said so, not "not a RIFF file".
    let (c, out, e) = rawcd(&d, &["verify", "t.cue"]);
    assert_eq!(c, 2, "{e}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(
        e,
        "rawcd: t.cue is a source sheet, not a disc image: it names ./0.flac (FLAC audio, \
         decoded when rawcd image makes the disc); rawcd toc t.cue shows the disc it gives\n"
    );
    // A FLAC file itself.
    let (c, _, e) = rawcd(&d, &["verify", "0.flac"]);
    assert_eq!(c, 2, "{e}");
    assert_eq!(
        e,
        "rawcd: 0.flac is FLAC audio, not a disc image: rawcd image makes one of it; \
         rawcd verify reads .cue, .toc, .ccd, Nero, Alcohol, ECM and CHD images and raw streams\n"
    );
    // A truncated FLAC: one line that names the file once.
    let good = read(d.join("0.flac"));
    std::fs::write(d.join("cut.flac"), &good[..good.len() * 2 / 3]).unwrap();
    let (c, _, e) = rawcd(&d, &["image", "cut.flac", "-o", "out", "-q"]);
    assert_eq!(c, 2, "{e}");
    assert!(
        e.starts_with("rawcd: cut.flac: LBA ") && e.matches("cut.flac").count() == 1,
        "{e}"
    );
}

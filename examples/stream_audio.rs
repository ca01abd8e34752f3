//! Streams discs described by cue sheets (decoded audio allowed) through the pipeline to a null
//! sink, in the raw96 form a DAO writer sends, and reports sectors/s, the ratio between them
//! (the first against the second, e.g. a FLAC album against the same album as WAV) and peak
//! resident memory.
//!
//! `cargo run --release --example stream_audio -- flac.cue [wav.cue]`

use std::time::Instant;

use rawcd::formats::audio::{load_cue, AudioOptions};
use rawcd::formats::{load_cue as load_wav_cue, plan_to_creator, ConvertOptions};
use rawcd::layout::SubchannelFormat;
use rawcd::pipeline::{PipelineOptions, ResultImage};
use rawcd::sink::{drain_into, NullSink};

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// Streams one cue sheet; returns (sectors, seconds).
fn stream(cue: &str) -> Result<(u64, f64), Box<dyn std::error::Error>> {
    let path = std::path::Path::new(cue);
    let plan = match load_cue(path, &AudioOptions::default()) {
        Ok(p) => p.plan,
        Err(_) => load_wav_cue(path)?,
    };
    let mut c = plan_to_creator(&plan, &ConvertOptions::default())?;
    c.set_result_type(SubchannelFormat::Raw96);
    let map = c.build()?;
    let t = Instant::now();
    let mut img = ResultImage::new(&map, PipelineOptions::default())?;
    let mut sink = NullSink::default();
    drain_into(&mut img, &mut sink)?;
    Ok((map.sector_count() as u64, t.elapsed().as_secs_f64()))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let first = args.first().ok_or("usage: stream_audio A.cue [B.cue]")?;
    let (n, s) = stream(first)?;
    let rss = peak_rss_kb();
    println!(
        "{first}: {n} sectors raw96 in {s:.2} s: {:.0} sectors/s ({:.0}x real time); peak RSS {} MB",
        n as f64 / s,
        n as f64 / s / 75.0,
        rss / 1024
    );
    if let Some(second) = args.get(1) {
        let (m, t) = stream(second)?;
        println!(
            "{second}: {m} sectors raw96 in {t:.2} s: {:.0} sectors/s; ratio first/second {:.2} (time)",
            m as f64 / t,
            s / t
        );
    }
    Ok(())
}

//! `rawcd simulate`: stream a disc into a simulated drive buffer at a write speed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rawcd::codec::SectorType;
use rawcd::layout::ImageCreator;
use rawcd::pipeline::SectorBatch;
use rawcd::pipeline::{PipelineOptions, ResultImage};
use rawcd::sink::{drain_into, DriveSimulator, ImageSink};
use rawcd::source::Source;

use crate::args::SimulateArgs;
use crate::{plan, CliError, CliResult};

/// The simulator with a progress line on a terminal (buffer fill, sectors, underruns so far).
struct Shown {
    sim: DriveSimulator,
    line: crate::progress::Bar,
}

impl ImageSink for Shown {
    type Error = rawcd::Error;
    fn begin(&mut self, f: rawcd::pipeline::SectorForm, total: u64) -> Result<(), rawcd::Error> {
        self.sim.begin(f, total)
    }
    fn write_batch(&mut self, b: &SectorBatch) -> Result<bool, rawcd::Error> {
        let r = self.sim.write_batch(b);
        let rep = self.sim.report();
        let fill = self.sim.fill_bytes();
        self.line.show(
            rep.sectors,
            format!(
                "buffer {:.0}%  underruns {}",
                100.0 * fill as f64 / rep.buffer_bytes.max(1) as f64,
                rep.underruns
            ),
        );
        r
    }
}

/// The range checks of `simulate`'s numbers: every out-of-range value is one line, exit 2.
fn check_args(a: &SimulateArgs) -> Result<(), CliError> {
    let bad = |m: String| Err(CliError::BadInput(m));
    if !(a.speed >= 1.0 && a.speed <= 100.0) {
        return bad(format!(
            "--speed {}: must be 1 to 100 (times 75 sectors/s)",
            a.speed
        ));
    }
    if !(a.drive_buffer_mb >= 0.25 && a.drive_buffer_mb <= 1024.0) {
        return bad(format!(
            "--drive-buffer-mb {}: must be 0.25 to 1024 (real drives have 2 to 8)",
            a.drive_buffer_mb
        ));
    }
    if let Some(g) = a.generate {
        // 300 sectors (the shortest track) up to 359,850 (80 minutes with the 2 s pre-gap).
        if !(g * 4500.0 >= 300.0 && g * 4500.0 <= 359_850.0) {
            return bad(format!(
                "--generate {g}: must be 0.07 to 79.96 minutes (a track of 4 s up to an 80-minute disc)"
            ));
        }
        if !a.src.sources.is_empty() {
            return bad("--generate replaces the sources; give one or the other".into());
        }
    }
    if a.load > 64 {
        return bad(format!("--load {}: must be 0 to 64", a.load));
    }
    if let Some(t) = a.threads {
        if !(1..=256).contains(&t) {
            return bad(format!("--threads {t}: must be 1 to 256"));
        }
    }
    Ok(())
}

/// The bytes of `--generate`: byte `i` is the low 8 bits of `(i × 2654435761) rotated right by
/// 13` (a u32 product), i.e. bits 13..20 of the product, which depend on `i mod 2^21` only
/// (the factor is odd). So the stream repeats every 2 MiB: one period is computed once and
/// served by copies, the whole disc is never in memory.
struct Generated {
    period: Vec<u8>,
    pos: u64,
    len: u64,
}

impl Generated {
    const PERIOD: usize = 1 << 21;

    fn new(len: u64) -> Generated {
        let period = (0..Self::PERIOD as u32)
            .map(|i| i.wrapping_mul(2_654_435_761).rotate_right(13) as u8)
            .collect();
        Generated {
            period,
            pos: 0,
            len,
        }
    }
}

impl std::io::Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let at = (self.pos % Self::PERIOD as u64) as usize;
        let n = (self.len - self.pos)
            .min(buf.len() as u64)
            .min((Self::PERIOD - at) as u64) as usize;
        buf[..n].copy_from_slice(&self.period[at..at + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

/// Runs `rawcd simulate`.
pub fn run(a: SimulateArgs) -> CliResult {
    check_args(&a)?;
    let mut c = if let Some(min) = a.generate {
        let sectors = (min * 4500.0).round() as usize;
        let mut c = ImageCreator::new();
        // A generated data track: distinct bytes per sector, made as the stream reads them
        // (no input file, and never the whole disc in memory).
        let len = sectors as u64 * 2048;
        c.add_track(
            SectorType::Mode1,
            Source::from_reader(Generated::new(len), len, "<generated>"),
        )?;
        c
    } else {
        if a.src.sources.is_empty() {
            return Err(CliError::BadInput(
                "simulate: give sources or --generate MINUTES".into(),
            ));
        }
        plan::creator_with(
            &a.src,
            false,
            plan::Decode {
                ahead_bytes: 0,
                decoders: a.threads.unwrap_or(0),
            },
        )?
    };
    c.set_result_type(plan::sub(a.subchannel));
    let map = if a.generate.is_some() {
        c.build()?
    } else {
        let map = plan::build(&c, &a.src)?;
        plan::print_warnings(&map, &a.src);
        map
    };
    let stop = Arc::new(AtomicBool::new(false));
    let load: Vec<_> = (0..a.load)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut x = 1u64;
                while !stop.load(Ordering::Relaxed) {
                    for _ in 0..10_000 {
                        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    }
                    std::hint::black_box(x);
                }
            })
        })
        .collect();
    let mut opts = PipelineOptions::default();
    if let Some(t) = a.threads {
        opts.threads = t;
    }
    let buffer = (a.drive_buffer_mb * 1024.0 * 1024.0) as u64;
    let mut shown = Shown {
        sim: DriveSimulator::new(buffer, a.speed),
        line: crate::progress::Bar::new(map.sector_count(), a.json),
    };
    let r = ResultImage::new(&map, opts).and_then(|mut img| drain_into(&mut img, &mut shown));
    shown.line.finish();
    let sim = shown.sim;
    stop.store(true, Ordering::Relaxed);
    for h in load {
        let _ = h.join();
    }
    r?;
    let rep = sim.report();
    if a.json {
        println!(
            "{{\"speed\": {}, \"buffer_bytes\": {}, \"sectors\": {}, \"underruns\": {}, \"min_fill_bytes\": {}, \"encode_sectors_per_s\": {:.1}, \"headroom\": {:.2}, \"seconds\": {:.2}, \"load_threads\": {}}}",
            rep.speed, rep.buffer_bytes, rep.sectors, rep.underruns, rep.min_fill_bytes,
            rep.encode_sectors_per_s, rep.headroom, rep.seconds, a.load
        );
    } else {
        println!(
            "{} sectors at {}x ({} sectors/s) into a {} byte buffer with {} busy threads: {} underruns, minimum fill {} bytes ({:.0}%), encode rate {:.0} sectors/s, headroom {:.1}x, {:.1} s",
            rep.sectors,
            rep.speed,
            rep.speed * 75.0,
            rep.buffer_bytes,
            a.load,
            rep.underruns,
            rep.min_fill_bytes,
            100.0 * rep.min_fill_bytes as f64 / rep.buffer_bytes.max(1) as f64,
            rep.encode_sectors_per_s,
            rep.headroom,
            rep.seconds
        );
    }
    Ok(if rep.underruns > 0 { 3 } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::Generated;
    use std::io::Read;

    #[test]
    fn generated_stream_is_the_formula_across_periods() {
        let len = 3 * Generated::PERIOD as u64 + 12_345;
        let mut g = Generated::new(len);
        let mut all = Vec::new();
        let mut buf = vec![0u8; 1_000_003];
        loop {
            let n = g.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n]);
        }
        assert_eq!(all.len() as u64, len);
        for (i, &b) in all.iter().enumerate().step_by(997) {
            let want = (i as u32).wrapping_mul(2_654_435_761).rotate_right(13) as u8;
            assert_eq!(b, want, "byte {i}");
        }
    }
}

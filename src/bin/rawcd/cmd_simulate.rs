//! `rawcd simulate`: stream a disc into a simulated drive buffer at a write speed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rawcd::codec::SectorType;
use rawcd::layout::ImageCreator;
use rawcd::pipeline::{PipelineOptions, ResultImage};
use rawcd::sink::{drain_into, DriveSimulator};
use rawcd::source::Source;

use crate::args::{SimulateArgs, SourceArgs};
use crate::{plan, CliError, CliResult};

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
    let mut c = if let Some(min) = a.src.generate {
        let sectors = ((min * 60.0 * 75.0) as usize).clamp(300, 359_850);
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
        plan::creator(
            &SourceArgs {
                sources: a.src.sources.clone(),
                catalog: a.src.catalog.clone(),
                isrc: vec![],
                title: None,
                performer: None,
                cdtext: None,
                gapless: false,
                regenerate_edc: false,
            },
            false,
        )?
    };
    c.set_result_type(plan::sub(a.subchannel));
    let map = c.build()?;
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
        opts.threads = t.max(1);
    }
    let buffer = (a.drive_buffer_mb * 1024.0 * 1024.0) as u64;
    let mut sim = DriveSimulator::new(buffer, a.speed);
    let r = ResultImage::new(&map, opts).and_then(|mut img| drain_into(&mut img, &mut sim));
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

//! (criterion macros generate undocumented items, and a failed setup must abort the bench)
#![allow(missing_docs, clippy::unwrap_used)]
//!
//! Whole-disc throughput of the streaming pipeline (raw96, all cores) from a memory-mapped
//! ISO, next to its physical baseline: a plain read of the same input bytes.

use std::hint::black_box;
use std::io::Read;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rawcd::codec::subchannel::{
    deinterleave_reference, linear_from_raw, write_pw, write_pw_reference,
};
use rawcd::codec::{QFrame, SectorType};
use rawcd::layout::{ImageCreator, LeadIn, SubchannelFormat};
use rawcd::pipeline::{PipelineOptions, ResultImage};
use rawcd::sink::{drain_into, NullSink};
use rawcd::source::Source;

const SECTORS: usize = 20_000;

fn bench(c: &mut Criterion) {
    let path = std::env::temp_dir().join(format!("rawcd-bench-{}.iso", std::process::id()));
    let data: Vec<u8> = (0..SECTORS * 2048).map(|i| ((i * 31) >> 7) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    drop(data);
    let mut g = c.benchmark_group("pipeline_20000_mode1_sectors");
    g.sample_size(10);
    g.throughput(Throughput::Elements(SECTORS as u64));
    g.bench_function("plain_read_of_input", |b| {
        let mut buf = vec![0u8; 1 << 20];
        b.iter(|| {
            let mut f = std::fs::File::open(&path).unwrap();
            while f.read(&mut buf).unwrap() > 0 {}
            black_box(&buf);
        })
    });
    for (name, fmt) in [
        ("raw96", SubchannelFormat::Raw96),
        ("none", SubchannelFormat::None),
    ] {
        let mut cr = ImageCreator::new();
        cr.set_leadin(LeadIn::None);
        cr.set_result_type(fmt);
        cr.add_track(SectorType::Mode1, Source::open(&path).unwrap())
            .unwrap();
        let map = cr.build().unwrap();
        // Elements = output sectors (the input's 20,000 plus track 1's pre-gap and the lead-out).
        g.throughput(Throughput::Elements(map.sector_count()));
        // Default threads (one worker per core), then one worker: the thread scaling.
        for (suffix, threads) in [("", None), ("_threads1", Some(1))] {
            let mut opts = PipelineOptions::default();
            if let Some(t) = threads {
                opts.threads = t;
            }
            g.bench_function(format!("pipeline_{name}{suffix}"), |b| {
                b.iter(|| {
                    let mut img = ResultImage::new(&map, opts.clone()).unwrap();
                    let mut sink = NullSink::default();
                    drain_into(&mut img, &mut sink).unwrap();
                    black_box(sink.bytes)
                })
            });
        }
    }
    g.finish();
    let _ = std::fs::remove_file(&path);
}

/// The raw P–W interleave of one sector: the plain bit-by-bit reference against the SWAR
/// version the pipeline uses, next to a 96-byte copy.
fn pw_interleave(c: &mut Criterion) {
    let q = QFrame([
        0x41, 0x01, 0x01, 0x00, 0x02, 0x13, 0x00, 0x00, 0x04, 0x13, 0x5a, 0xc3,
    ]);
    let rw: [u8; 96] = std::array::from_fn(|i| (i * 37) as u8 & 0x3f);
    let mut g = c.benchmark_group("pw_interleave_96");
    g.throughput(Throughput::Bytes(96));
    g.bench_function("memcpy", |b| {
        let mut out = [0u8; 96];
        b.iter(|| {
            out.copy_from_slice(black_box(&rw));
            black_box(&out);
        })
    });
    g.bench_function("write_pw_reference", |b| {
        let mut out = [0u8; 96];
        b.iter(|| {
            write_pw_reference(
                &mut out,
                black_box(true),
                black_box(&q),
                Some(black_box(&rw)),
            );
            black_box(&out);
        })
    });
    g.bench_function("write_pw", |b| {
        let mut out = [0u8; 96];
        b.iter(|| {
            write_pw(
                &mut out,
                black_box(true),
                black_box(&q),
                Some(black_box(&rw)),
            );
            black_box(&out);
        })
    });
    g.bench_function("linear_from_raw_reference", |b| {
        b.iter(|| {
            let ch = deinterleave_reference(black_box(&rw));
            black_box(ch);
        })
    });
    g.bench_function("linear_from_raw", |b| {
        b.iter(|| black_box(linear_from_raw(black_box(&rw))))
    });
    g.finish();
}

criterion_group!(pipeline, bench, pw_interleave);
criterion_main!(pipeline);

//! (criterion macros generate undocumented items, and a failed setup must abort the bench)
#![allow(missing_docs, clippy::unwrap_used)]
//!
//! Whole-disc throughput of the streaming pipeline (raw96, all cores) from a memory-mapped
//! ISO, next to its physical baseline: a plain read of the same input bytes.

use std::hint::black_box;
use std::io::Read;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rawcd::codec::SectorType;
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
        g.bench_function(format!("pipeline_{name}"), |b| {
            b.iter(|| {
                let mut img = ResultImage::new(&map, PipelineOptions::default()).unwrap();
                let mut sink = NullSink::default();
                drain_into(&mut img, &mut sink).unwrap();
                black_box(sink.bytes)
            })
        });
    }
    g.finish();
    let _ = std::fs::remove_file(&path);
}

criterion_group!(pipeline, bench);
criterion_main!(pipeline);

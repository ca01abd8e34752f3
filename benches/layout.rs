//! (criterion macros generate undocumented items, and a failed setup must abort the bench)
#![allow(missing_docs, clippy::unwrap_used)]
//!
//! Building the disc map for 99 tracks × 99 indexes, and querying every LBA of an 80-minute
//! disc (ns per query), next to a memcpy of one Q frame's worth of work as the baseline.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rawcd::codec::SectorType;
use rawcd::layout::{ImageCreator, LeadIn};
use rawcd::source::Source;

fn creator_99x99() -> ImageCreator {
    let mut c = ImageCreator::new();
    c.set_media_catalog_number("0724385356926").unwrap();
    let per = 3500usize; // 99 × (3500 + 150) sectors ≈ 80 minutes
    let src = Source::from_bytes(vec![0u8; per * 2352]);
    for n in 1..=99u32 {
        c.add_track(SectorType::Audio, src.clone()).unwrap();
        c.set_isrc(n, "USRC17607839").unwrap();
        let s = c.track_info_mut(n).unwrap();
        for k in 1..=98u32 {
            s.add_track_index(n as u8, k * 35).unwrap();
        }
    }
    c
}

fn bench(c: &mut Criterion) {
    let cr = creator_99x99();
    let mut g = c.benchmark_group("disc_map");
    g.sample_size(20);
    g.bench_function("build_99_tracks_x_99_indexes", |b| {
        b.iter(|| black_box(cr.build().unwrap().extent_count()))
    });
    let mut cr2 = creator_99x99();
    cr2.set_leadin(LeadIn::Imapi);
    let map = cr2.build().unwrap();
    let (start, end) = (map.leadin_start(), map.end());
    g.throughput(Throughput::Elements((end - start) as u64));
    g.bench_function("query_every_lba_80_min", |b| {
        b.iter(|| {
            let mut x = 0u32;
            for lba in start..end {
                x = x.wrapping_add(map.sector(lba).unwrap().q.0[11] as u32);
            }
            black_box(x)
        })
    });
    let src = [1u8; 12];
    let mut dst = [0u8; 12];
    g.bench_function("memcpy_q_frame_per_lba", |b| {
        b.iter(|| {
            for _ in start..end {
                dst.copy_from_slice(black_box(&src));
                black_box(&dst);
            }
        })
    });
    g.finish();
}

criterion_group!(layout, bench);
criterion_main!(layout);

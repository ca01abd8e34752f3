//! (criterion macros generate undocumented items, and a failed setup must abort the bench)
#![allow(missing_docs, clippy::unwrap_used)]
//!
//! The cost of the C ABI on the stream: an 80-minute disc (20 Mode 1 tracks of 18,000 sectors
//! from one memory-mapped ISO; lead-in, raw96) to a null sink, read in 2448 × 26-byte blocks
//! (a typical WRITE(10)) through `rawcd_stream_read`, next to the Rust stream read the same way
//! (`std::io::Read`), the Rust stream's own zero-copy batches, and a memcpy of the same bytes
//! in the same blocks. Needs `--features capi`.

use std::hint::black_box;
use std::io::Read;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rawcd::capi::*;
use rawcd::codec::SectorType;
use rawcd::layout::ImageCreator;
use rawcd::pipeline::{PipelineOptions, ResultImage};
use rawcd::sink::{drain_into, NullSink};
use rawcd::source::Source;

const TRACK_SECTORS: usize = 18_000;
const TRACKS: usize = 20;
const BLOCK: usize = 2448 * 26;

fn bench(c: &mut Criterion) {
    let path = std::env::temp_dir().join(format!("rawcd-bench-capi-{}.iso", std::process::id()));
    let data: Vec<u8> = (0..TRACK_SECTORS * 2048)
        .map(|i| ((i * 31) >> 7) as u8)
        .collect();
    std::fs::write(&path, &data).unwrap();
    drop(data);

    let mut cr = ImageCreator::new();
    for _ in 0..TRACKS {
        cr.add_track(SectorType::Mode1, Source::open(&path).unwrap())
            .unwrap();
    }
    let map = cr.build().unwrap();

    // The same disc through the C ABI.
    let cpath = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    let mut disc: *mut rawcd_disc = std::ptr::null_mut();
    // SAFETY: valid pointers and a live creator throughout.
    unsafe {
        let creator = rawcd_creator_new();
        for _ in 0..TRACKS {
            let mut t = 0u32;
            assert_eq!(
                rawcd_creator_add_track_file(creator, 2, cpath.as_ptr(), &mut t),
                rawcd_status::RAWCD_OK
            );
        }
        assert_eq!(
            rawcd_creator_build(creator, &mut disc),
            rawcd_status::RAWCD_OK
        );
        rawcd_creator_free(creator);
        assert_eq!(rawcd_disc_start_of_leadout(disc), map.start_of_leadout());
    }

    let bytes = map.sector_count() * 2448;
    let mut g = c.benchmark_group("stream_80min_raw96_to_null");
    g.sample_size(10);
    g.throughput(Throughput::Elements(map.sector_count()));
    g.bench_function("memcpy_same_bytes_in_26_sector_blocks", |b| {
        let src = vec![1u8; 64 * 2448];
        let mut dst = vec![0u8; BLOCK];
        b.iter(|| {
            let mut left = bytes;
            while left > 0 {
                let n = (left as usize).min(BLOCK);
                dst[..n].copy_from_slice(&src[..n]);
                black_box(&mut dst);
                left -= n as u64;
            }
        })
    });
    g.bench_function("rust_batches_zero_copy", |b| {
        b.iter(|| {
            let mut img = ResultImage::new(&map, PipelineOptions::default()).unwrap();
            let mut sink = NullSink::default();
            drain_into(&mut img, &mut sink).unwrap();
            assert_eq!(sink.bytes, bytes);
        })
    });
    g.bench_function("rust_read_26_sector_blocks", |b| {
        let mut buf = vec![0u8; BLOCK];
        b.iter(|| {
            let mut img = ResultImage::new(&map, PipelineOptions::default()).unwrap();
            let mut total = 0u64;
            loop {
                let n = img.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                total += n as u64;
                black_box(&buf);
            }
            assert_eq!(total, bytes);
        })
    });
    g.bench_function("capi_stream_read_26_sector_blocks", |b| {
        let mut buf = vec![0u8; BLOCK];
        b.iter(|| {
            // SAFETY: a live disc; `buf` holds BLOCK writable bytes.
            unsafe {
                let mut s: *mut rawcd_stream = std::ptr::null_mut();
                assert_eq!(
                    rawcd_stream_open(disc, std::ptr::null(), &mut s),
                    rawcd_status::RAWCD_OK
                );
                let mut total = 0u64;
                loop {
                    let mut n = 0usize;
                    let st = rawcd_stream_read(s, buf.as_mut_ptr(), BLOCK, &mut n);
                    assert_eq!(st, rawcd_status::RAWCD_OK);
                    if n == 0 {
                        break;
                    }
                    total += n as u64;
                    black_box(&buf);
                }
                rawcd_stream_free(s);
                assert_eq!(total, bytes);
            }
        })
    });
    g.finish();

    // The same three streams measured in process CPU time (every thread, from /proc/self/stat)
    // instead of wall time: on a shared, loaded machine wall time mostly measures the other
    // processes, while the CPU the stream costs is what the FFI layer could add to.
    let mut g = c.benchmark_group("stream_80min_raw96_to_null_cpu_time");
    g.sample_size(10);
    g.throughput(Throughput::Elements(map.sector_count()));
    let mut buf = vec![0u8; BLOCK];
    g.bench_function("rust_batches_zero_copy", |b| {
        b.iter_custom(|iters| {
            let t = cpu_time();
            for _ in 0..iters {
                let mut img = ResultImage::new(&map, PipelineOptions::default()).unwrap();
                let mut sink = NullSink::default();
                drain_into(&mut img, &mut sink).unwrap();
            }
            cpu_time() - t
        })
    });
    g.bench_function("rust_read_26_sector_blocks", |b| {
        b.iter_custom(|iters| {
            let t = cpu_time();
            for _ in 0..iters {
                let mut img = ResultImage::new(&map, PipelineOptions::default()).unwrap();
                while img.read(&mut buf).unwrap() > 0 {
                    black_box(&buf);
                }
            }
            cpu_time() - t
        })
    });
    g.bench_function("capi_stream_read_26_sector_blocks", |b| {
        b.iter_custom(|iters| {
            let t = cpu_time();
            for _ in 0..iters {
                // SAFETY: a live disc; `buf` holds BLOCK writable bytes.
                unsafe {
                    let mut s: *mut rawcd_stream = std::ptr::null_mut();
                    rawcd_stream_open(disc, std::ptr::null(), &mut s);
                    let mut n = 1usize;
                    while n > 0 {
                        rawcd_stream_read(s, buf.as_mut_ptr(), BLOCK, &mut n);
                        black_box(&buf);
                    }
                    rawcd_stream_free(s);
                }
            }
            cpu_time() - t
        })
    });
    g.finish();

    // The fixed cost of one call across the boundary (guard, handle check, lock), measured
    // alone: a read of 0 bytes, next to the Rust stream's own `read` of 0 bytes. A 26-sector
    // read through the C ABI costs this plus the same copy the Rust `Read` makes.
    let mut g = c.benchmark_group("stream_call_overhead");
    let mut img = ResultImage::new(&map, PipelineOptions::default()).unwrap();
    g.bench_function("rust_read_0_bytes", |b| {
        b.iter(|| black_box(img.read(&mut buf[..0]).unwrap()))
    });
    drop(img);
    // SAFETY: a live disc and stream; `buf` is valid (0 bytes asked).
    unsafe {
        let mut s: *mut rawcd_stream = std::ptr::null_mut();
        rawcd_stream_open(disc, std::ptr::null(), &mut s);
        g.bench_function("capi_stream_read_0_bytes", |b| {
            b.iter(|| {
                let mut n = 0usize;
                black_box(rawcd_stream_read(s, buf.as_mut_ptr(), 0, &mut n))
            })
        });
        g.bench_function("capi_stream_progress", |b| {
            let mut p = std::mem::MaybeUninit::<rawcd_progress>::uninit();
            b.iter(|| black_box(rawcd_stream_progress(s, p.as_mut_ptr())))
        });
        rawcd_stream_free(s);
    }
    g.finish();
    // SAFETY: the disc is live and no longer used.
    unsafe { rawcd_disc_free(disc) };
    let _ = std::fs::remove_file(&path);
}

/// User + system CPU time of this process, all threads (joined ones included), from
/// `/proc/self/stat` (fields 14 and 15, in clock ticks of 10 ms on Linux).
fn cpu_time() -> std::time::Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<u64> = after
        .split(' ')
        .skip(11)
        .take(2)
        .map(|x| x.parse().unwrap())
        .collect();
    std::time::Duration::from_millis((f[0] + f[1]) * 10)
}

criterion_group!(capi, bench);
criterion_main!(capi);

//! (criterion macros generate undocumented items, and a failed encode must abort the bench)
#![allow(missing_docs, clippy::unwrap_used)]
//!
//! Per-sector codec costs for every engine, each group with a 2352-byte memcpy baseline.
//! Results read as ns/sector (Throughput::Bytes(2352)) and as a ratio to the memcpy.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use rawcd::codec::engine::{testing::available, Auto, Engine};
use rawcd::codec::{encode_sector, SectorType, SECTOR_SIZE};
use rawcd::units::Lba;

fn payload() -> Vec<u8> {
    (0..SECTOR_SIZE as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(SECTOR_SIZE as u64));
    let src = payload();
    let mut dst = vec![0u8; SECTOR_SIZE];
    g.bench_function("memcpy", |b| {
        b.iter(|| {
            dst.copy_from_slice(black_box(&src));
            black_box(&dst);
        })
    });
    g
}

/// One entry per engine for an operation `op(engine, sector)`.
fn per_engine(c: &mut Criterion, name: &str, op: fn(&Auto, &[u8], &mut [u8; SECTOR_SIZE])) {
    let mut g = group(c, name);
    let src = payload();
    for e in available() {
        let mut out = [0u8; SECTOR_SIZE];
        out.copy_from_slice(&src);
        g.bench_function(e.kind_name(), |b| {
            b.iter(|| {
                op(&e, black_box(&src), &mut out);
                black_box(&out);
            })
        });
    }
    g.finish();
}

fn benches(c: &mut Criterion) {
    per_engine(c, "mode1_full_encode", |e, src, out| {
        encode_sector(e, SectorType::Mode1, Lba(1234), &src[..2048], out).unwrap();
        e.scramble(out);
    });
    per_engine(c, "mode2_form1_encode", |e, src, out| {
        encode_sector(e, SectorType::Mode2Form1, Lba(1234), &src[..2048], out).unwrap();
        e.scramble(out);
    });
    per_engine(c, "mode2_form2_encode", |e, src, out| {
        encode_sector(e, SectorType::Mode2Form2, Lba(1234), &src[..2336], out).unwrap();
        e.scramble(out);
    });
    per_engine(c, "edc_2064", |e, src, out| {
        out[0] = e.edc(&src[..2064]) as u8;
    });
    per_engine(c, "ecc_p_and_q", |e, _src, out| e.ecc(out, false));
    per_engine(c, "scramble", |e, _src, out| e.scramble(out));
    per_engine(c, "rw_parity_4_packs", |e, src, out| {
        for q in 0..4 {
            let mut p = [0u8; 24];
            for (d, s) in p.iter_mut().zip(&src[24 * q..]) {
                *d = s & 0x3F;
            }
            e.rw_parity(&mut p);
            out[q] = p[23];
        }
    });
}

/// R–W interleave of one sector (parity + delay line) and a CD-Text pack list build, each next
/// to a memcpy of the same output size.
fn rw_and_cdtext(c: &mut Criterion) {
    use rawcd::codec::cdtext::{Block, CdText, Charset, EncodeOptions, TextKind};
    use rawcd::codec::rw::RwInterleaver;
    let mut g = c.benchmark_group("rw_encode_sector");
    g.throughput(Throughput::Bytes(96));
    let src: Vec<u8> = payload()[..96].iter().map(|b| b & 0x3F).collect();
    let mut dst = [0u8; 96];
    g.bench_function("memcpy", |b| {
        b.iter(|| {
            dst.copy_from_slice(black_box(&src));
            black_box(&dst);
        })
    });
    let mut cooked = [0u8; 96];
    cooked.copy_from_slice(&src);
    let mut il = RwInterleaver::new();
    g.bench_function("table", |b| {
        b.iter(|| {
            il.encode_sector(black_box(&cooked), &mut dst);
            black_box(&dst);
        })
    });
    g.finish();
    let mut block = Block::new(0x09, Charset::Iso8859_1, 1, 12);
    *block.disc.get_mut(TextKind::Title) = b"A benchmark album title".to_vec();
    *block.disc.get_mut(TextKind::Performer) = b"The rawcd ensemble".to_vec();
    for (i, t) in block.tracks.iter_mut().enumerate() {
        *t.texts.get_mut(TextKind::Title) = format!("Track number {i} of the album").into_bytes();
        *t.texts.get_mut(TextKind::Performer) = b"The rawcd ensemble".to_vec();
    }
    let text = CdText {
        blocks: vec![block],
    };
    let packs = text.encode(&EncodeOptions::default()).unwrap();
    let bytes = packs.len() * 18;
    let mut g = c.benchmark_group("cdtext_pack_build_12_tracks");
    g.throughput(Throughput::Bytes(bytes as u64));
    let src = vec![1u8; bytes];
    let mut dst = vec![0u8; bytes];
    g.bench_function("memcpy", |b| {
        b.iter(|| {
            dst.copy_from_slice(black_box(&src));
            black_box(&dst);
        })
    });
    g.bench_function("encode", |b| {
        b.iter(|| black_box(text.encode(&EncodeOptions::default()).unwrap().len()))
    });
    g.finish();
}

criterion_group!(codec, benches, rw_and_cdtext);
criterion_main!(codec);

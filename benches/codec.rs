//! (criterion macros generate undocumented items, and a failed encode must abort the bench)
#![allow(missing_docs, clippy::unwrap_used)]
//!
//! Per-sector codec costs for every engine, each group with a 2352-byte memcpy baseline.
//! Results read as ns/sector (Throughput::Bytes(2352)) and as a ratio to the memcpy. Times are
//! thread CPU time ([`ThreadCpu`]), not wall time, so a busy shared machine inflates them less.

use std::hint::black_box;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use rawcd::codec::engine::{testing::available, Auto, Engine};
use rawcd::codec::{encode_sector, SectorType, SECTOR_SIZE};
use rawcd::units::Lba;

/// Thread CPU time as a criterion measurement: on a shared machine wall time also counts the
/// time slices other processes take, CPU time only what this thread ran. Values in ns.
struct ThreadCpu;

impl Measurement for ThreadCpu {
    type Intermediate = cpu_time::ThreadTime;
    type Value = f64;
    fn start(&self) -> cpu_time::ThreadTime {
        cpu_time::ThreadTime::now()
    }
    fn end(&self, i: cpu_time::ThreadTime) -> f64 {
        i.elapsed().as_nanos() as f64
    }
    fn add(&self, a: &f64, b: &f64) -> f64 {
        a + b
    }
    fn zero(&self) -> f64 {
        0.0
    }
    fn to_f64(&self, v: &f64) -> f64 {
        *v
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuNs
    }
}

/// Formats [`ThreadCpu`] values as ns of CPU time and throughputs as MiB/s.
struct CpuNs;

impl ValueFormatter for CpuNs {
    fn scale_values(&self, _typical: f64, _values: &mut [f64]) -> &'static str {
        "ns (cpu)"
    }
    fn scale_throughputs(&self, _typical: f64, t: &Throughput, values: &mut [f64]) -> &'static str {
        let per = match t {
            Throughput::Bytes(b) | Throughput::BytesDecimal(b) => *b as f64,
            Throughput::Elements(e) => *e as f64,
        };
        for v in values {
            *v = per / (*v * 1e-9) / (1024.0 * 1024.0);
        }
        "MiB/s (cpu)"
    }
    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

type Cpu = ThreadCpu;

fn payload() -> Vec<u8> {
    (0..SECTOR_SIZE as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

fn group<'a>(c: &'a mut Criterion<Cpu>, name: &str) -> BenchmarkGroup<'a, Cpu> {
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
fn per_engine(c: &mut Criterion<Cpu>, name: &str, op: fn(&Auto, &[u8], &mut [u8; SECTOR_SIZE])) {
    let g = group(c, name);
    per_engine_in(g, op).finish();
}

/// [`per_engine`] into an open group, returned for more entries.
fn per_engine_in<'a>(
    mut g: BenchmarkGroup<'a, Cpu>,
    op: fn(&Auto, &[u8], &mut [u8; SECTOR_SIZE]),
) -> BenchmarkGroup<'a, Cpu> {
    let src = payload();
    for e in available() {
        let mut out = [0u8; SECTOR_SIZE];
        out.copy_from_slice(&src);
        g.bench_function(e.label(), |b| {
            b.iter(|| {
                op(&e, black_box(&src), &mut out);
                black_box(&out);
            })
        });
    }
    g
}

/// A batch of 16 sectors of each finish through `Engine::encode_batch` (EDC, ECC where the
/// type has it, scramble: the pipeline's path), next to a memcpy of the same 16 sectors;
/// ns/sector is the time ÷ 16.
fn batches(c: &mut Criterion<Cpu>) {
    use rawcd::codec::engine::Finish;
    const N: usize = 16;
    for (name, ty, finish) in [
        ("mode1_encode_batch_16", SectorType::Mode1, Finish::Mode1),
        (
            "form1_encode_batch_16",
            SectorType::Mode2Form1,
            Finish::Mode2Form1,
        ),
        (
            "form2_encode_batch_16",
            SectorType::Mode2Form2,
            Finish::Mode2Form2,
        ),
    ] {
        let mut g = c.benchmark_group(name);
        g.throughput(Throughput::Bytes((N * SECTOR_SIZE) as u64));
        let src = payload().repeat(N);
        let mut dst = vec![0u8; N * SECTOR_SIZE];
        g.bench_function("memcpy", |b| {
            b.iter(|| {
                dst.copy_from_slice(black_box(&src));
                black_box(&dst);
            })
        });
        let mut one = [0u8; SECTOR_SIZE];
        let input = &src[..ty.input_size()];
        encode_sector(&Auto::detect(), ty, Lba(1234), input, &mut one).unwrap();
        for e in available() {
            let mut batch = vec![one; N];
            g.bench_function(e.label(), |b| {
                b.iter(|| {
                    e.encode_batch(black_box(&mut batch), finish, true);
                    black_box(&batch);
                })
            });
        }
        g.finish();
    }
}

fn benches(c: &mut Criterion<Cpu>) {
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
    // The crc-fast crate with the CD EDC's parameters, next to the engines (issue 12 asked
    // whether it should replace the hand-written folding).
    let g = per_engine_in(group(c, "edc_2064"), |e, src, out| {
        out[0] = e.edc(&src[..2064]) as u8;
    });
    let mut g = g;
    let params = crc_fast::CrcParams::new(
        "CRC-32/CD-ROM-EDC",
        32,
        0x8001_801B,
        0,
        true,
        0,
        0x6EC2_EDC4,
    );
    let src = payload();
    let mut out = 0u64;
    g.bench_function("crc-fast", |b| {
        b.iter(|| {
            out ^= crc_fast::checksum_with_params(params, black_box(&src[..2064]));
            black_box(out);
        })
    });
    g.finish();
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
fn rw_and_cdtext(c: &mut Criterion<Cpu>) {
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

criterion_group! {
    name = codec;
    config = Criterion::default().with_measurement(ThreadCpu);
    targets = benches, batches, rw_and_cdtext
}
criterion_main!(codec);

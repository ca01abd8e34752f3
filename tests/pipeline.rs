//! Pipeline behaviour: running last used user sector, cancellation, failures, sinks.

#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

use std::io::Read;

use rawcd::codec::SectorType;
use rawcd::error::Error;
use rawcd::layout::{DiscMap, ImageCreator, LeadIn};
use rawcd::pipeline::{PipelineError, PipelineOptions, ResultImage, SectorForm};
use rawcd::sink::{drain_into, DriveSimulator, NullSink, SplitSink};
use rawcd::source::Source;

fn disc(tracks: &[(SectorType, usize)]) -> DiscMap {
    let mut c = ImageCreator::new();
    c.set_leadin(LeadIn::None);
    for &(ty, n) in tracks {
        c.add_track(ty, Source::from_bytes(vec![7u8; ty.input_size() * n]))
            .unwrap();
    }
    c.build().unwrap()
}

/// The tests of this file run one at a time: one of them counts the process's threads.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Polls the pipeline thread count for up to 5 s until it equals `want`; returns the last count.
fn settle(want: usize) -> usize {
    let t = std::time::Instant::now();
    loop {
        let n = threads_now();
        if n == want || t.elapsed() > std::time::Duration::from_secs(5) {
            return n;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// Live threads of the pipeline (named `rawcd-…`) in this process.
fn threads_now() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| {
        d.filter_map(|e| e.ok())
            .filter(|e| {
                std::fs::read_to_string(e.path().join("comm"))
                    .is_ok_and(|c| c.starts_with("rawcd-"))
            })
            .count()
    })
}

#[test]
fn map_and_handles_are_send_and_sync_and_create_result_image_streams() {
    let _g = serial();
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<DiscMap>();
    assert_send_sync::<rawcd::pipeline::ProgressHandle>();
    assert_send_sync::<Source>();
    fn assert_send<T: Send>() {}
    assert_send::<ResultImage>();
    let mut c = ImageCreator::new();
    c.add_track(SectorType::Audio, Source::from_bytes(vec![1u8; 2352 * 300]))
        .unwrap();
    let mut img = c.create_result_image().unwrap();
    let mut v = Vec::new();
    img.read_to_end(&mut v).unwrap();
    assert_eq!(v.len() as u64, c.build().unwrap().sector_count() * 2448);
}

#[test]
fn running_last_used_user_sector_is_monotonic_and_ends_at_the_model() {
    let _g = serial();
    let map = disc(&[(SectorType::Mode1, 400), (SectorType::Audio, 350)]);
    let mut img = ResultImage::new(
        &map,
        PipelineOptions {
            batch_sectors: 13,
            threads: 3,
            ..Default::default()
        },
    )
    .unwrap();
    let h = img.progress();
    assert_eq!(h.last_used_user_sector(), None);
    let mut prev = None;
    let mut written_max = i32::MIN;
    while let Some(b) = img.next_batch() {
        let b = b.unwrap();
        written_max = written_max.max(b.first_lba() + b.count() as i32 - 1);
        let now = h.last_used_user_sector();
        assert!(now >= prev, "monotonic");
        if let Some(v) = now {
            assert!(v <= written_max, "never ahead of what was handed out");
            assert!(v < map.start_of_leadout());
        }
        prev = now;
    }
    let p = h.snapshot();
    assert!(p.finished);
    assert_eq!(p.last_used_user_sector, Some(map.last_used_user_sector()));
    assert_eq!(p.sectors_written, map.sector_count());
    assert_eq!(p.bytes_written, map.sector_count() * 2448);
}

/// The fill a snapshot reports never exceeds the capacity it reports, at any instant, even
/// while a second thread polls as the consumer takes batches (the C API's progress test once
/// saw the fill one batch above it: the credit went back before the batch left the count).
#[test]
fn buffer_fill_never_exceeds_its_capacity_while_polled() {
    let _g = serial();
    let map = disc(&[(SectorType::Mode1, 3000), (SectorType::Audio, 3000)]);
    let mut img = ResultImage::new(
        &map,
        PipelineOptions {
            batch_sectors: 4,
            buffer_bytes: 2 * 4 * 2448, // two batches: the scheduler waits on every credit
            threads: 2,
            ..Default::default()
        },
    )
    .unwrap();
    let h = img.progress();
    assert_eq!(h.snapshot().buffer_capacity, 2 * 4 * 2448);
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let poller = {
        let (h, done) = (h.clone(), done.clone());
        std::thread::spawn(move || {
            let (mut polls, mut worst) = (0u64, 0u64);
            while !done.load(std::sync::atomic::Ordering::Acquire) {
                let p = h.snapshot();
                assert!(
                    p.buffer_fill <= p.buffer_capacity,
                    "fill {} above capacity {} after {polls} polls",
                    p.buffer_fill,
                    p.buffer_capacity
                );
                worst = worst.max(p.buffer_fill);
                polls += 1;
            }
            (polls, worst)
        })
    };
    let mut n = 0u64;
    while let Some(b) = img.next_batch() {
        n += b.unwrap().count() as u64;
    }
    done.store(true, std::sync::atomic::Ordering::Release);
    let (polls, worst) = poller.join().unwrap();
    assert_eq!(n, map.sector_count());
    assert!(polls > 0);
    assert!(worst > 0, "the poller saw the buffer in use");
    assert_eq!(h.snapshot().buffer_fill, 0, "empty at the end");
}

#[test]
fn drop_mid_stream_joins_every_thread() {
    let _g = serial();
    let map = disc(&[(SectorType::Mode1, 3000)]);
    let before = settle(0);
    {
        let mut img = ResultImage::new(
            &map,
            PipelineOptions {
                threads: 4,
                batch_sectors: 8,
                ..Default::default()
            },
        )
        .unwrap();
        let mut buf = vec![0u8; 100_000];
        img.read_exact(&mut buf).unwrap();
        // A new thread names itself once it runs: wait for all five to show.
        assert_eq!(settle(before + 5), before + 5, "scheduler and 4 workers");
    }
    // Joined threads leave /proc/self/task within moments.
    assert_eq!(
        settle(before),
        before,
        "all pipeline threads joined on drop"
    );
}

#[test]
fn cancel_ends_with_a_typed_error() {
    let _g = serial();
    let map = disc(&[(SectorType::Mode1, 3000)]);
    let mut img = ResultImage::new(&map, PipelineOptions::default()).unwrap();
    let h = img.progress();
    img.next_batch().unwrap().unwrap();
    h.cancel();
    let r = img.next_batch().unwrap();
    assert!(matches!(r, Err(Error::Pipeline(PipelineError::Cancelled))));
    assert!(img.next_batch().is_none());
    let p = h.snapshot();
    assert!(p.finished);
    assert_eq!(p.buffer_fill, 0, "the dropped batches leave the fill");
    assert!(p.sectors_written < map.sector_count());
}

#[test]
fn worker_panic_is_a_typed_error() {
    let _g = serial();
    let map = disc(&[(SectorType::Mode1, 600)]);
    let mut img = ResultImage::with_panic_at(&map, PipelineOptions::default(), 300).unwrap();
    let mut seen_err = None;
    for b in Iterator::by_ref(&mut img) {
        if let Err(e) = b {
            seen_err = Some(e);
            break;
        }
    }
    match seen_err {
        Some(Error::Pipeline(PipelineError::WorkerPanic { first, message, .. })) => {
            assert!(first <= 300);
            assert!(message.contains("injected fault at LBA 300"));
        }
        other => panic!("expected a worker panic error, got {other:?}"),
    }
    assert!(img.next_batch().is_none());
}

#[test]
fn truncated_mapped_file_is_an_io_error_not_sigbus() {
    let _g = serial();
    let p = std::env::temp_dir().join(format!("rawcd-trunc-{}.iso", std::process::id()));
    std::fs::write(&p, vec![1u8; 2048 * 2000]).unwrap();
    let mut c = ImageCreator::new();
    c.set_leadin(LeadIn::None);
    c.add_track(SectorType::Mode1, Source::open(&p).unwrap())
        .unwrap();
    let map = c.build().unwrap();
    // Another process truncates the file after it was mapped.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&p)
        .unwrap()
        .set_len(2048 * 500)
        .unwrap();
    let mut img = ResultImage::new(&map, PipelineOptions::default()).unwrap();
    let mut v = Vec::new();
    let e = img.read_to_end(&mut v).unwrap_err();
    assert!(e.to_string().contains("shrank"), "{e}");
    let _ = std::fs::remove_file(&p);
}

#[test]
fn short_reader_source_is_an_io_error() {
    let _g = serial();
    let mut c = ImageCreator::new();
    c.set_leadin(LeadIn::None);
    let data = vec![3u8; 2048 * 100];
    c.add_track(
        SectorType::Mode1,
        Source::from_reader(std::io::Cursor::new(data), 2048 * 400, "pipe"),
    )
    .unwrap();
    let map = c.build().unwrap();
    let mut img = ResultImage::new(&map, PipelineOptions::default()).unwrap();
    let mut v = Vec::new();
    let e = img.read_to_end(&mut v).unwrap_err();
    // `pipe: LBA n: ended after …`: the source is named once.
    let m = e.to_string();
    assert!(
        m.starts_with("pipe: LBA ")
            && m.contains(": ended after")
            && m.matches("pipe").count() == 1,
        "{e}"
    );
}

#[test]
fn split_sink_writes_img_and_sub_atomically() {
    let _g = serial();
    let map = disc(&[(SectorType::Audio, 300)]);
    let dir = std::env::temp_dir().join(format!("rawcd-split-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (img_p, sub_p) = (dir.join("x.img"), dir.join("x.sub"));
    let mut img = ResultImage::new(
        &map,
        PipelineOptions {
            form: Some(SectorForm::Linear96),
            scramble: false,
            range: Some((0, map.start_of_leadout())),
            ..Default::default()
        },
    )
    .unwrap();
    let mut sink = SplitSink::create(&img_p, Some(&sub_p)).unwrap();
    drain_into(&mut img, &mut sink).unwrap();
    assert_eq!(std::fs::metadata(&img_p).unwrap().len(), 300 * 2352);
    assert_eq!(std::fs::metadata(&sub_p).unwrap().len(), 300 * 96);
    // A failing stream leaves nothing behind.
    let bad = dir.join("bad.img");
    let mut img = ResultImage::with_panic_at(&map, PipelineOptions::default(), 100).unwrap();
    let mut sink = SplitSink::create(&bad, None).unwrap();
    assert!(drain_into(&mut img, &mut sink).is_err());
    drop(sink);
    assert!(!bad.exists());
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        2,
        "no temp files left"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn drive_simulator_counts_no_underrun_when_fast_enough() {
    let _g = serial();
    let map = disc(&[(SectorType::Mode1, 2000)]);
    let mut img = ResultImage::new(&map, PipelineOptions::default()).unwrap();
    // 2 MB buffer at 52x: 3900 sectors/s.
    let mut sim = DriveSimulator::new(2 << 20, 52.0);
    drain_into(&mut img, &mut sim).unwrap();
    let r = sim.report();
    assert_eq!(r.sectors, map.sector_count());
    // Comfortably faster than the drive: no underrun. (Debug builds on the reference engine on
    // a loaded machine may not be; the release-mode CI run is the measurement.)
    if r.headroom > 2.0 {
        assert_eq!(r.underruns, 0, "{r:?}");
    }
    assert!(r.min_fill_bytes <= 2 << 20);
    let mut null = NullSink::default();
    let mut img = ResultImage::new(&map, PipelineOptions::default()).unwrap();
    drain_into(&mut img, &mut null).unwrap();
    assert_eq!(null.bytes, map.sector_count() * 2448);
}

#[test]
fn mapped_inputs_read_into_their_slots_equal_the_reference() {
    // The pipeline reads mapped files straight into each sector's slot (vectored pread) and
    // encodes in place: an audio file ending in a partial sector (padded with silence) and
    // Mode 1 / Form 2 files over many batches must give the reference generator's bytes.
    let _g = serial();
    let dir = std::env::temp_dir();
    let pid = std::process::id();
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut bytes = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                rng as u8
            })
            .collect()
    };
    let files = [
        (SectorType::Audio, bytes(2352 * 333 + 1001)),
        (SectorType::Mode1, bytes(2048 * 1100)), // > 1024 slots in one run
        (SectorType::Mode2Form2, bytes(2336 * 310)),
    ];
    let mut c = ImageCreator::new();
    let mut paths = Vec::new();
    for (i, (ty, data)) in files.iter().enumerate() {
        let p = dir.join(format!("rawcd-slots-{pid}-{i}.bin"));
        std::fs::write(&p, data).unwrap();
        c.add_track(*ty, Source::open(&p).unwrap()).unwrap();
        paths.push(p);
    }
    let map = c.build().unwrap();
    let want =
        rawcd::layout::reference::raw_stream(&map, &rawcd::codec::engine::Auto::detect()).unwrap();
    for batch_sectors in [1, 7, 64, 1500] {
        let opts = PipelineOptions {
            batch_sectors,
            ..PipelineOptions::default()
        };
        let mut got = Vec::new();
        ResultImage::new(&map, opts)
            .unwrap()
            .read_to_end(&mut got)
            .unwrap();
        assert!(got == want, "batch of {batch_sectors} sectors differs");
    }
    for p in paths {
        let _ = std::fs::remove_file(p);
    }
}

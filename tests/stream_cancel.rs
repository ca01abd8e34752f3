//! Cancelling a stream from another thread while its reader is blocked waiting for the next
//! batch: the reader always wakes (every job gets an answer after a cancel), and the stream
//! then reports `Cancelled`. The C ABI's `rawcd_stream_cancel` relies on it.
#![allow(clippy::unwrap_used)]

use std::sync::mpsc;
use std::time::Duration;

use rawcd::codec::SectorType;
use rawcd::layout::{ImageCreator, LeadIn};
use rawcd::pipeline::{PipelineOptions, ResultImage};
use rawcd::source::Source;

#[test]
fn cancel_from_another_thread_wakes_a_blocked_reader() {
    let mut c = ImageCreator::new();
    c.set_leadin(LeadIn::None);
    c.add_track(
        SectorType::Mode1,
        Source::from_bytes(vec![5u8; 2048 * 2000]),
    )
    .unwrap();
    let map = c.build().unwrap();
    for round in 0..60u64 {
        let opts = PipelineOptions {
            threads: 1 + (round % 3) as usize,
            batch_sectors: 8,
            buffer_bytes: 64 << 10,
            ..Default::default()
        };
        let mut img = ResultImage::new(&map, opts).unwrap();
        let progress = img.progress();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut cancelled = false;
            while let Some(b) = img.next_batch() {
                if b.is_err() {
                    cancelled = true;
                    break;
                }
            }
            tx.send(cancelled).unwrap();
        });
        // Let some batches flow (varying per round), then cancel from this thread.
        std::thread::sleep(Duration::from_micros(200 * (round % 7)));
        progress.cancel();
        let ended = rx.recv_timeout(Duration::from_secs(20));
        assert!(
            ended.is_ok(),
            "round {round}: the reader did not wake after cancel"
        );
        reader.join().unwrap();
    }
}

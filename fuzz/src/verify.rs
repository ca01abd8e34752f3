//! The `.raw` verifier on a valid stream cut and corrupted.

use rawcd::codec::SectorType;

use crate::ops::Ops;

/// A small valid raw96 stream (no lead-in: a Mode 1 and an audio track, then the lead-out),
/// made once through the pipeline.
fn base_stream() -> &'static [u8] {
    use rawcd::layout::{ImageCreator, LeadIn};
    use rawcd::pipeline::{PipelineOptions, ResultImage};
    use std::io::Read;
    static BASE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let mut c = ImageCreator::new();
        c.set_leadin(LeadIn::None);
        c.set_media_catalog_number("0724385356926").unwrap();
        let data: Vec<u8> = (0..300 * 2048).map(|i| (i * 7 >> 3) as u8).collect();
        c.add_track(SectorType::Mode1, rawcd::source::Source::from_bytes(data))
            .unwrap();
        c.add_track(
            SectorType::Audio,
            rawcd::source::Source::from_bytes(vec![3u8; 300 * 2352]),
        )
        .unwrap();
        let map = c.build().unwrap();
        let mut img = ResultImage::new(&map, PipelineOptions::default()).unwrap();
        let mut v = Vec::new();
        img.read_to_end(&mut v).unwrap();
        v
    })
}

/// A valid raw stream, cut to a length and corrupted at arbitrary places, through the `.raw`
/// verifier with the subchannel form and start given or detected: it must never panic, and the
/// uncut, unpatched stream must verify clean.
pub fn raw_verify(data: &[u8]) {
    use rawcd::verify::{verify_raw, RawSub};
    let base = base_stream();
    let mut ops = Ops(data);
    let (Some(sel), Some(cut)) = (ops.u8(), ops.u32()) else {
        let r = verify_raw(base, Some(RawSub::Pw96), Some(-150)).unwrap();
        assert!(r.ok());
        return;
    };
    let len = if sel & 0x80 != 0 {
        base.len()
    } else {
        cut as usize % (base.len() + 1)
    };
    let mut bytes = base[..len].to_vec();
    while let (Some(off), Some(x)) = (ops.u32(), ops.u8()) {
        if !bytes.is_empty() {
            let i = off as usize % bytes.len();
            bytes[i] ^= x;
        }
    }
    let sub = match sel & 3 {
        0 => None,
        1 => Some(RawSub::None),
        2 => Some(RawSub::Pq16),
        _ => Some(RawSub::Pw96),
    };
    let start = match (sel >> 2) & 3 {
        0 => None,
        1 => Some(-150),
        2 => Some(-22_650),
        _ => Some(i32::from(sel as i8) * 1000),
    };
    let _ = verify_raw(&bytes, sub, start);
}

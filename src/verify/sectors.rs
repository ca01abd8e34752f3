//! The main-channel checks: sync, header address, mode, EDC, ECC of every data sector of a
//! window, on all cores.
#![forbid(unsafe_code)]

use crate::codec::engine::Auto;
use crate::codec::verify::Scrambling;
use crate::codec::{verify_sector, SECTOR_SIZE};
use crate::units::Lba;

use super::walk::{par_chunks, par_windows};
use super::Problem;

/// Whether a Mode 2 sector carries an XA subheader (both copies equal), so that its Form bit
/// says which EDC/ECC it has; formless Mode 2 data has neither.
pub(crate) fn is_xa(sector: &[u8]) -> bool {
    sector.len() >= 24 && sector[16..20] == sector[20..24]
}

/// Which sectors of a window are looked at.
#[derive(Clone, Copy)]
pub(crate) enum Expect<'a> {
    /// `f(lba)` says whether the sector belongs to a data track; sectors with a sync pattern
    /// are checked in any case, and all-zero sectors of a data track (digital silence: the
    /// old-mode part of an audio → data transition, D14) are skipped.
    Track(&'a (dyn Fn(i32) -> bool + Sync)),
}

/// The problems of one sector, or `None` when it is not a data sector to check.
pub(crate) fn check_sector(
    e: &Auto,
    sec: &[u8],
    lba: i32,
    scrambling: Scrambling,
    expect: Expect<'_>,
) -> Option<Vec<String>> {
    let sec = &sec[..SECTOR_SIZE];
    let Expect::Track(f) = expect;
    let synced = sec[..12] == crate::codec::sector::SYNC;
    if !synced && (!f(lba) || sec.iter().all(|&b| b == 0)) {
        return None;
    }
    let r = verify_sector(e, sec, Some(Lba(lba)), scrambling);
    let mut p = r.problems();
    if r.mode == 2 && r.sync && r.address_matches == Some(true) {
        let xa = if r.scrambled {
            let mut d = [0u8; 24];
            d.copy_from_slice(&sec[..24]);
            for (b, t) in d[12..]
                .iter_mut()
                .zip(crate::codec::scramble::SCRAMBLE_TABLE.iter())
            {
                *b ^= t;
            }
            is_xa(&d)
        } else {
            is_xa(sec)
        };
        if !xa {
            p.retain(|x| x != "EDC mismatch" && x != "ECC mismatch");
        }
    }
    Some(p)
}

/// The data sectors of `sectors` (sector i at `first_lba + i`), checked in order on this
/// thread: (data sectors checked, problems).
fn check_run(
    e: &Auto,
    sectors: &[u8],
    stride: usize,
    first_lba: i32,
    scrambling: Scrambling,
    expect: Expect<'_>,
) -> (u64, Vec<Problem>) {
    let mut probs = Vec::new();
    let mut data = 0u64;
    for (i, sec) in sectors.chunks_exact(stride).enumerate() {
        let lba = first_lba + i as i32;
        if let Some(p) = check_sector(e, sec, lba, scrambling, expect) {
            data += 1;
            probs.extend(p.into_iter().map(|what| Problem { lba, what }));
        }
    }
    (data, probs)
}

/// Sums per-part results in order.
fn gather(parts: Vec<(u64, Vec<Problem>)>) -> (u64, Vec<Problem>) {
    let mut data = 0;
    let mut probs = Vec::new();
    for (d, p) in parts {
        data += d;
        probs.extend(p);
    }
    (data, probs)
}

/// Checks the data sectors of `window` (`stride` bytes per sector, main channel first, sector
/// i at `first_lba + i`) on all cores: (data sectors checked, problems in LBA order).
pub(crate) fn check_window(
    window: &[u8],
    stride: usize,
    first_lba: i32,
    scrambling: Scrambling,
    expect: Expect<'_>,
) -> (u64, Vec<Problem>) {
    let e = Auto::detect();
    let f = |start: usize, chunk: &[u8]| {
        check_run(
            &e,
            chunk,
            stride,
            first_lba + start as i32,
            scrambling,
            expect,
        )
    };
    gather(par_chunks(window, stride, &f))
}

/// [`check_window`] over a whole mapped region (sector i at `first_lba + i`), window by window
/// on all cores with each window's pages released after it ([`par_windows`]).
pub(crate) fn check_region(
    bytes: &[u8],
    stride: usize,
    first_lba: i32,
    scrambling: Scrambling,
    expect: Expect<'_>,
    release: &(dyn Fn(u64, u64) + Sync),
) -> (u64, Vec<Problem>) {
    let e = Auto::detect();
    let f = |start: usize, window: &[u8]| {
        check_run(
            &e,
            window,
            stride,
            first_lba + start as i32,
            scrambling,
            expect,
        )
    };
    gather(par_windows(bytes, stride, release, &f))
}

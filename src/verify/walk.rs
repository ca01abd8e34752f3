//! The walk over an image, shared by `verify` and `repair`: an image file is visited in
//! windows of whole sectors; the main-channel work of a window is spread over all cores; pages
//! behind the window are released, so resident memory stays bounded whatever the image size.
#![forbid(unsafe_code)]

use crate::codec::subchannel::from_pq16;
use crate::codec::QFrame;
use crate::error::Error;
use crate::source::Source;

use super::q::QRec;

/// Sectors per window: 4096 × 2448 bytes ≈ 10 MB in flight.
pub(crate) const WINDOW: usize = 4096;

/// Calls `f(first_sector, bytes)` for consecutive windows of whole `stride`-byte sectors of
/// `bytes` (a trailing partial sector is not visited), then releases the window's pages through
/// `release(offset, len)`.
pub(crate) fn windows<E>(
    bytes: &[u8],
    stride: usize,
    release: &dyn Fn(u64, u64),
    mut f: impl FnMut(usize, &[u8]) -> Result<(), E>,
) -> Result<(), E> {
    let n = bytes.len() / stride;
    let mut i = 0;
    while i < n {
        let m = WINDOW.min(n - i);
        let w = &bytes[i * stride..(i + m) * stride];
        f(i, w)?;
        release((i * stride) as u64, (m * stride) as u64);
        i += m;
    }
    Ok(())
}

/// Runs `f(first_sector, window)` for every window of whole `stride`-byte sectors of `bytes`
/// (as [`windows`]) on all cores, and returns the results in window order. Each thread claims
/// the next window when it finishes one (no barrier between windows) and releases a window's
/// pages when it is done with it, so at most one window per core is resident.
pub(crate) fn par_windows<T: Send>(
    bytes: &[u8],
    stride: usize,
    release: &(dyn Fn(u64, u64) + Sync),
    f: &(dyn Fn(usize, &[u8]) -> T + Sync),
) -> Vec<T> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let n = bytes.len() / stride;
    let count = n.div_ceil(WINDOW);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= count {
                return done;
            }
            let i = k * WINDOW;
            let m = WINDOW.min(n - i);
            done.push((k, f(i, &bytes[i * stride..(i + m) * stride])));
            release((i * stride) as u64, (m * stride) as u64);
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(2, |t| t.get())
        .min(count);
    let mut all = if threads <= 1 {
        work()
    } else {
        std::thread::scope(|s| {
            let hs: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
            let mut all = work();
            for h in hs {
                match h.join() {
                    Ok(v) => all.extend(v),
                    Err(p) => std::panic::resume_unwind(p),
                }
            }
            all
        })
    };
    all.sort_unstable_by_key(|&(k, _)| k);
    all.into_iter().map(|(_, t)| t).collect()
}

/// A release function for `src` (a no-op for sources that are not mapped files).
pub(crate) fn releaser(src: &Source) -> impl Fn(u64, u64) + '_ {
    move |o, l| src.release(o, l)
}

/// Runs `f(i, sector)` for every `stride`-byte sector of `window` on all cores, in
/// contiguous chunks, and returns the per-chunk results in order.
pub(crate) fn par_chunks<T: Send>(
    window: &[u8],
    stride: usize,
    f: &(dyn Fn(usize, &[u8]) -> T + Sync),
) -> Vec<T> {
    let n = window.len() / stride;
    let threads = std::thread::available_parallelism().map_or(2, |t| t.get());
    let per = n.div_ceil(threads).max(1);
    if n <= per {
        return vec![f(0, window)];
    }
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..n)
            .step_by(per)
            .map(|start| {
                let end = (start + per).min(n);
                let chunk = &window[start * stride..end * stride];
                s.spawn(move || f(start, chunk))
            })
            .collect();
        hs.into_iter()
            .map(|h| match h.join() {
                Ok(v) => v,
                Err(p) => std::panic::resume_unwind(p),
            })
            .collect()
    })
}

/// Where a sector's P and Q are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubForm {
    /// 16-byte PQ after the main channel.
    Pq16,
    /// 96 bytes of raw interleaved P–W (or packed: P and Q read the same).
    Raw96,
    /// 96 bytes of linear P–W (CloneCD `.sub`).
    Linear96,
}

/// The P flag and Q frame of every sector of a CloneCD `.sub` (96 bytes of linear P–W a
/// sector), walked in windows whose pages are released behind them.
pub(crate) fn linear_sub_records(sub: &Source) -> Result<Vec<QRec>, Error> {
    let bytes = sub.bytes().cloned().unwrap_or_default();
    let mut recs = Vec::with_capacity(bytes.len() / 96);
    windows(&bytes, 96, &releaser(sub), |i, w| {
        for (k, s) in w.chunks_exact(96).enumerate() {
            if let Some((p, q)) = pq_of(SubForm::Linear96, s) {
                recs.push(QRec {
                    lba: (i + k) as i32,
                    p,
                    q,
                });
            }
        }
        Ok::<(), Error>(())
    })?;
    Ok(recs)
}

/// P and Q of one sector's subchannel bytes (`sub` is 16 or 96 bytes as `form` says).
pub(crate) fn pq_of(form: SubForm, sub: &[u8]) -> Option<(bool, QFrame)> {
    match form {
        SubForm::Pq16 => Some(from_pq16(sub.get(..16)?.try_into().ok()?)),
        SubForm::Raw96 => Some(pq_raw96(sub.get(..96)?.try_into().ok()?)),
        SubForm::Linear96 => {
            let lin: &[u8; 96] = sub.get(..96)?.try_into().ok()?;
            // P: all 96 bits equal on a rawcd image; majority like the raw form.
            let ones: u32 = lin[..12].iter().map(|b| b.count_ones()).sum();
            let mut q = [0u8; 12];
            q.copy_from_slice(&lin[12..24]);
            Some((ones > 48, QFrame(q)))
        }
    }
}

/// [`read_pq`](crate::codec::subchannel::read_pq) with eight bytes at a time: bit 6 (Q) of eight consecutive raw bytes gathered
/// into one Q byte by a multiply (earliest byte into the MSB), bit 7 (P) counted.
pub(crate) fn pq_raw96(raw: &[u8; 96]) -> (bool, QFrame) {
    const LOW: u64 = 0x0101_0101_0101_0101;
    // Byte k of the multiplier is 1 << k: bit 0 of input byte i lands on bit 63 − i, with no
    // carries (all partial products hit distinct bits).
    const GATHER: u64 = 0x8040_2010_0804_0201;
    let mut q = [0u8; 12];
    let mut ones = 0u32;
    for (k, w) in raw.chunks_exact(8).enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        let x = u64::from_le_bytes(b);
        q[k] = (((x >> 6) & LOW).wrapping_mul(GATHER) >> 56) as u8;
        ones += ((x >> 7) & LOW).count_ones();
    }
    (ones > 48, QFrame(q))
}

/// Writes the Q frame `q` into one sector's subchannel bytes, leaving P and R–W as they are.
pub(crate) fn put_q(form: SubForm, sub: &mut [u8], q: &QFrame) {
    match form {
        SubForm::Pq16 => sub[..12].copy_from_slice(&q.0),
        SubForm::Linear96 => sub[12..24].copy_from_slice(&q.0),
        SubForm::Raw96 => {
            for (i, b) in sub[..96].iter_mut().enumerate() {
                let bit = (q.0[i / 8] >> (7 - i % 8)) & 1;
                *b = (*b & !0x40) | (bit << 6);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::subchannel::read_pq;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn fast_gather_equals_read_pq(raw in prop::collection::vec(any::<u8>(), 96)) {
            let r: [u8; 96] = raw.try_into().unwrap();
            let (p1, q1) = read_pq(&r);
            let (p2, q2) = pq_raw96(&r);
            prop_assert_eq!(p1, p2);
            prop_assert_eq!(q1.0, q2.0);
        }
    }
}

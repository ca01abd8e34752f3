//! Conversions under `--convert-audio` that change the number of frames or channels: a stereo
//! downmix of more than two channels (ITU-R BS.775) and sample-rate conversion to 44,100 Hz
//! (rubato's synchronous FFT resampler). Both work on full-scale `i32` samples (the units of
//! [`pcm`](super::pcm)) as `f64`; the result is rounded back to full-scale `i32` and then goes
//! through the same 16-bit conversion with TPDF dither as a 24-bit source.
//!
//! **Length.** The disc's TOC is written before the first sector, so a resampled track's length
//! is fixed by a formula of the file's announced length, not by what a resampler happens to
//! deliver: [`cd_frames`] = round(n · 44100 / rate), halves rounded up. The resampler's own
//! delay ([`rubato::Resampler::output_delay`] frames) is dropped from the front so the audio
//! stays time-aligned with the source, the end is flushed with silence, and the output is cut
//! at exactly `cd_frames(n, rate)`.
//!
//! **Reproducibility.** The layout (every length) depends only on integers. The samples are
//! the same on every run on one machine; rubato's FFT (rustfft) picks SSE/AVX/Neon kernels at
//! run time, so two CPUs may round an `f64` differently in the last bits, and after dithering to
//! 16 bits a sample may then differ by one LSB between machines.
#![forbid(unsafe_code)]

use rubato::audioadapter_buffers::direct::SequentialSliceOfVecs;
use rubato::{Fft, FixedSync, Indexing, Resampler};

/// The CD sample rate.
pub const CD_RATE: u32 = 44_100;

/// Lowest and highest source rate accepted for resampling.
pub const RATES: std::ops::RangeInclusive<u32> = 8_000..=384_000;

/// Input frames per resampler chunk, about: the chunk (= rubato's FFT size) is an even multiple
/// of `rate / gcd(rate, 44100)` so that the filter's delay, half an FFT, is a whole number of
/// output frames and dropping it leaves the output exactly aligned with the input.
const CHUNK_HINT: usize = 1024;

/// The largest `rate / gcd(rate, 44100)` accepted (every usual rate, 8 to 384 kHz, has at most
/// 1280; an odd rate like 44,101 Hz would need an FFT of 88,202 points).
pub const MAX_RATE_STEP: u32 = 4096;

/// `rate / gcd(rate, 44100)`: the input frames of the shortest whole resampling period.
pub fn rate_step(rate: u32) -> u32 {
    let (mut a, mut b) = (rate, CD_RATE);
    while b != 0 {
        (a, b) = (b, a % b);
    }
    rate / a.max(1)
}

/// Frames on the CD for `n` frames at `rate` Hz: round(n · 44100 / rate), halves rounded up,
/// i.e. ⌊(2 · n · 44100 + rate) / (2 · rate)⌋; `n` itself at 44,100 Hz.
pub fn cd_frames(n: u64, rate: u32) -> u64 {
    if rate == CD_RATE || rate == 0 {
        return n;
    }
    let r = u128::from(rate);
    let v = (2 * u128::from(n) * u128::from(CD_RATE) + r) / (2 * r);
    u64::try_from(v).unwrap_or(u64::MAX)
}

/// ITU-R BS.775 downmix gain of the centre and surround channels (−3 dB).
const G: f64 = std::f64::consts::FRAC_1_SQRT_2;

// symphonia's channel bits (the WAVE_FORMAT_EXTENSIBLE speaker mask).
const FL: u32 = 0x1;
const FR: u32 = 0x2;
const FC: u32 = 0x4;
const LFE: u32 = 0x8;
const BL: u32 = 0x10;
const BR: u32 = 0x20;
const BC: u32 = 0x100;
const SL: u32 = 0x200;
const SR: u32 = 0x400;

/// The stereo downmix of a channel layout (`layout`: symphonia's channel bits, the samples
/// interleaved in ascending bit order): `(left, right)` gains per source channel, or `None` when
/// the layout is not one of 2.1, 3.0, 3.1, 4.0 (L R C S), quad (L R Ls Rs, back or side),
/// 5.0, 5.1 (and their 2/1 forms).
///
/// BS.775: L′ = L + 0.7071·C + 0.7071·Ls, R′ = R + 0.7071·C + 0.7071·Rs (a single surround S
/// goes to both with 0.7071); LFE is dropped. Each row is then divided by the sum of its gains
/// (1 + 0.7071 per centre/surround term) so that the mix can never clip.
pub fn downmix_gains(layout: u32, channels: usize) -> Option<Vec<(f64, f64)>> {
    let allowed = FL | FR | FC | LFE | BL | BR | BC | SL | SR;
    let has = |b: u32| layout & b != 0;
    if layout.count_ones() as usize != channels || layout & !allowed != 0 || !has(FL | FR) {
        return None;
    }
    if !has(FL) || !has(FR) || has(BL) != has(BR) || has(SL) != has(SR) {
        return None;
    }
    let pairs = usize::from(has(BL)) + usize::from(has(SL));
    if pairs > 1 || (pairs == 1 && has(BC)) {
        return None;
    }
    let row = 1.0
        + if has(FC) { G } else { 0.0 }
        + if pairs + usize::from(has(BC)) > 0 {
            G
        } else {
            0.0
        };
    let n = 1.0 / row;
    let mut gains = Vec::with_capacity(channels);
    for bit in 0..32 {
        let b = 1u32 << bit;
        if !has(b) {
            continue;
        }
        gains.push(match b {
            FL => (n, 0.0),
            FR => (0.0, n),
            FC | BC => (G * n, G * n),
            BL | SL => (G * n, 0.0),
            BR | SR => (0.0, G * n),
            _ => (0.0, 0.0), // LFE
        });
    }
    Some(gains)
}

/// A full-scale `f64` sample back to `i32`: rounded to nearest (halves away from zero),
/// saturated.
pub fn to_i32(x: f64) -> i32 {
    // `as` saturates (and maps NaN to 0).
    x.round() as i32
}

/// The downmix of one block: interleaved `samples` of `gains.len()` channels to interleaved
/// stereo `f64`, appended to `out`.
pub fn downmix(samples: &[i32], gains: &[(f64, f64)], out: &mut Vec<f64>) {
    let ch = gains.len().max(1);
    out.reserve(samples.len() / ch * 2);
    for frame in samples.chunks_exact(ch) {
        let (mut l, mut r) = (0.0, 0.0);
        for (&x, &(gl, gr)) in frame.iter().zip(gains) {
            l += f64::from(x) * gl;
            r += f64::from(x) * gr;
        }
        out.push(l);
        out.push(r);
    }
}

/// A streaming sample-rate converter to 44,100 Hz for `channels` interleaved channels, with
/// its delay dropped and its output cut to [`cd_frames`] (module docs).
pub struct Resample {
    fft: Fft<f64>,
    channels: usize,
    /// Planar input waiting for a whole chunk.
    input: Vec<Vec<f64>>,
    fill: usize,
    output: Vec<Vec<f64>>,
    /// Leading output frames still to drop (the resampler's delay).
    skip: usize,
    /// Frames delivered so far.
    produced: u64,
    rate: u32,
    /// Input frames pushed so far.
    consumed: u64,
}

impl std::fmt::Debug for Resample {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Resample({} Hz → 44100 Hz, {} ch)",
            self.rate, self.channels
        )
    }
}

impl Resample {
    /// A converter from `rate` Hz (within [`RATES`]).
    ///
    /// # Errors
    /// A rate rubato refuses, or outside [`RATES`].
    pub fn new(rate: u32, channels: usize) -> Result<Resample, String> {
        let step = rate_step(rate);
        if !RATES.contains(&rate) || step > MAX_RATE_STEP || channels == 0 {
            return Err(format!("cannot resample {rate} Hz"));
        }
        let step = step as usize;
        let chunk = CHUNK_HINT.div_ceil(2 * step) * 2 * step;
        let fft = Fft::<f64>::new(
            rate as usize,
            CD_RATE as usize,
            chunk,
            channels,
            FixedSync::Both,
        )
        .map_err(|e| e.to_string())?;
        let n_in = fft.input_frames_max();
        let n_out = fft.output_frames_max();
        let skip = fft.output_delay();
        Ok(Resample {
            fft,
            channels,
            input: vec![vec![0.0; n_in]; channels],
            fill: 0,
            output: vec![vec![0.0; n_out]; channels],
            skip,
            produced: 0,
            rate,
            consumed: 0,
        })
    }

    /// Frames delivered so far.
    pub fn produced(&self) -> u64 {
        self.produced
    }

    /// Resamples interleaved `samples`, appending whole output chunks (interleaved) to `out`.
    ///
    /// # Errors
    /// rubato failed (does not happen with buffers sized as here; kept typed, not a panic).
    pub fn push(&mut self, samples: &[f64], out: &mut Vec<f64>) -> Result<(), String> {
        let chunk = self.fft.input_frames_next();
        for frame in samples.chunks_exact(self.channels) {
            for (c, &x) in frame.iter().enumerate() {
                self.input[c][self.fill] = x;
            }
            self.fill += 1;
            self.consumed += 1;
            if self.fill == chunk {
                self.fill = 0;
                self.process(None, u64::MAX, out)?;
            }
        }
        Ok(())
    }

    /// Ends the stream: the last partial chunk and then silence through the resampler until
    /// exactly `cd_frames(input frames, rate)` frames have been delivered in all.
    ///
    /// # Errors
    /// As [`Resample::push`].
    pub fn finish(&mut self, out: &mut Vec<f64>) -> Result<(), String> {
        let target = cd_frames(self.consumed, self.rate);
        if self.fill > 0 {
            let n = self.fill;
            self.fill = 0;
            self.process(Some(n), target, out)?;
        }
        while self.produced < target {
            self.process(Some(0), target, out)?;
        }
        Ok(())
    }

    fn process(
        &mut self,
        partial: Option<usize>,
        cap: u64,
        out: &mut Vec<f64>,
    ) -> Result<(), String> {
        let n_in = self.fft.input_frames_next();
        let n_out = self.fft.output_frames_next();
        let ch = self.channels;
        let inp = SequentialSliceOfVecs::new(&self.input, ch, n_in).map_err(|e| e.to_string())?;
        let mut outp = SequentialSliceOfVecs::new_mut(&mut self.output, ch, n_out)
            .map_err(|e| e.to_string())?;
        let idx = partial.map(|p| Indexing::new().partial_len(p));
        let (_, got) = self
            .fft
            .process_into_buffer(&inp, &mut outp, idx.as_ref())
            .map_err(|e| e.to_string())?;
        let drop = self.skip.min(got);
        self.skip -= drop;
        let room = usize::try_from(cap - self.produced.min(cap)).unwrap_or(usize::MAX);
        let take = (got - drop).min(room);
        out.reserve(take * ch);
        for j in drop..drop + take {
            for c in 0..ch {
                out.push(self.output[c][j]);
            }
        }
        self.produced += take as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cd_frames_rounds_half_up() {
        assert_eq!(cd_frames(48_000, 48_000), 44_100);
        assert_eq!(cd_frames(1, 88_200), 1); // 0.5 → 1
        assert_eq!(cd_frames(3, 88_200), 2); // 1.5 → 2
        assert_eq!(cd_frames(1, 96_000), 0); // 0.459 → 0
        assert_eq!(cd_frames(1, 22_050), 2);
        assert_eq!(cd_frames(12_345, 44_100), 12_345);
        assert_eq!(cd_frames(u64::MAX, 8_000), u64::MAX);
    }

    proptest! {
        #[test]
        fn cd_frames_is_nearest(n in 0u64..1 << 40, rate in 8_000u32..400_000) {
            let v = cd_frames(n, rate);
            // |v·rate − n·44100| ≤ rate/2, halves up.
            let exact = i128::from(n) * 44_100;
            let diff = i128::from(v) * i128::from(rate) - exact;
            prop_assert!(2 * diff <= i128::from(rate) && 2 * diff > -i128::from(rate));
        }
    }

    #[test]
    fn downmix_layouts() {
        let g51 = downmix_gains(0x3F, 6).unwrap();
        let n = 1.0 / (1.0 + 2.0 * G);
        assert_eq!(g51[0], (n, 0.0));
        assert_eq!(g51[1], (0.0, n));
        assert_eq!(g51[2], (G * n, G * n));
        assert_eq!(g51[3], (0.0, 0.0));
        assert_eq!(g51[4], (G * n, 0.0));
        assert_eq!(g51[5], (0.0, G * n));
        assert!(downmix_gains(FL | FR | FC, 3).is_some()); // 3.0
        assert!(downmix_gains(FL | FR | FC | BC, 4).is_some()); // 4.0
        assert!(downmix_gains(FL | FR | BL | BR, 4).is_some()); // quad
        assert!(downmix_gains(FL | FR | SL | SR, 4).is_some()); // quad (side)
        assert!(downmix_gains(FL | FR | FC | SL | SR, 5).is_some()); // 5.0
        assert!(downmix_gains(FL | FR | FC | LFE | BL | BR | SL | SR, 8).is_none()); // 7.1
        assert!(downmix_gains(FL | FC | BL, 3).is_none());
        assert!(downmix_gains(FL | FR | BL, 3).is_none());
        assert!(downmix_gains(0x3F, 5).is_none());
        // Every row sums to 1: full scale everywhere stays full scale.
        for g in [g51, downmix_gains(FL | FR | FC | BC, 4).unwrap()] {
            let l: f64 = g.iter().map(|x| x.0).sum();
            let r: f64 = g.iter().map(|x| x.1).sum();
            assert!((l - 1.0).abs() < 1e-12 && (r - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn resampler_delivers_the_formula_and_keeps_a_sine() {
        for (rate, n) in [
            (48_000u32, 48_000usize),
            (96_000, 50_001),
            (22_050, 22_049),
            (32_000, 7),
        ] {
            let mut r = Resample::new(rate, 1).unwrap();
            let input: Vec<f64> = (0..n)
                .map(|i| {
                    (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / f64::from(rate)).sin() * 1e9
                })
                .collect();
            let mut out = Vec::new();
            for block in input.chunks(777) {
                r.push(block, &mut out).unwrap();
            }
            r.finish(&mut out).unwrap();
            assert_eq!(out.len() as u64, cd_frames(n as u64, rate), "{rate}");
            if n > 10_000 {
                // Time-aligned: the output at t matches sin(2π·1000·t) away from the ends.
                let m = out.len() - 4000;
                for (j, &y) in out.iter().enumerate().take(m).skip(2000) {
                    let want =
                        (2.0 * std::f64::consts::PI * 1000.0 * j as f64 / 44_100.0).sin() * 1e9;
                    assert!(
                        (y - want).abs() < 1e9 * 1e-3,
                        "{rate} at {j}: {y} vs {want}"
                    );
                }
            }
        }
    }
}

//! Decoded samples to CD samples: interleaved full-scale `i32` (what symphonia's sample buffer
//! gives for every source format: 16-bit values shifted left by 16, floats scaled) to 16-bit
//! little-endian stereo bytes.
//!
//! A 16-bit source has zero low bits, so rounding to 16 bits returns its samples exactly (the
//! bit-exact path). 24/32-bit sources get triangular (TPDF) dither of ±1 LSB before rounding:
//! the sum of two independent uniform values of ±½ LSB each, from a seeded xorshift generator
//! so that the output is the same on every run and machine. Mono is written to both channels.
#![forbid(unsafe_code)]

/// Seed of the dither generator (one generator per file, restarted with the file).
pub const DITHER_SEED: u64 = 0x9E37_79B9_7F4A_7C15;

/// The dither generator: xorshift64* (Vigna 2016), two 16-bit uniform values per sample.
#[derive(Debug, Clone)]
pub struct Dither(u64);

impl Default for Dither {
    fn default() -> Self {
        Dither(DITHER_SEED)
    }
}

impl Dither {
    /// The next TPDF value in units of 1/65536 LSB of the 16-bit result: −65536..=65534.
    pub fn next_tpdf(&mut self) -> i64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        let a = i64::from((r >> 16) as u16) - 32_768;
        let b = i64::from((r >> 48) as u16) - 32_768;
        a + b
    }
}

/// One full-scale sample to 16 bits: `dither` (from [`Dither::next_tpdf`], 0 for none) added,
/// rounded to nearest, clamped. The reference the block converter is tested against.
pub fn to_16_reference(x: i32, dither: i64) -> i16 {
    let v = (i64::from(x) + dither + 0x8000) >> 16;
    v.clamp(i64::from(i16::MIN), i64::from(i16::MAX)) as i16
}

/// Appends `samples` (interleaved, `channels` = 1 or 2) as 16-bit stereo little-endian bytes.
/// `dither`: `Some` for 24/32-bit sources.
pub fn append_cd(samples: &[i32], channels: usize, dither: Option<&mut Dither>, out: &mut Vec<u8>) {
    let frames = samples.len() / channels.max(1);
    out.reserve(frames * 4);
    match (channels, dither) {
        (2, None) => {
            // The common case: 16-bit stereo, exact.
            for &x in samples {
                let v = (x >> 16) + ((x >> 15) & 1);
                let v = if x > 0x7FFF_7FFF { i16::MAX } else { v as i16 };
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        (1, d) => {
            let mut d = d;
            for &x in samples {
                let dv = d.as_mut().map_or(0, |g| g.next_tpdf());
                let v = to_16_reference(x, dv).to_le_bytes();
                out.extend_from_slice(&v);
                out.extend_from_slice(&v);
            }
        }
        (_, d) => {
            let mut d = d;
            for &x in samples {
                let dv = d.as_mut().map_or(0, |g| g.next_tpdf());
                out.extend_from_slice(&to_16_reference(x, dv).to_le_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sixteen_bit_samples_are_exact() {
        let s: Vec<i32> = [0i16, 1, -1, i16::MAX, i16::MIN, 1234, -4321]
            .iter()
            .map(|&v| i32::from(v) << 16)
            .collect();
        let mut out = Vec::new();
        append_cd(&s, 2, None, &mut out);
        let back: Vec<i16> = out
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]))
            .collect();
        assert_eq!(back, vec![0, 1, -1, i16::MAX, i16::MIN, 1234, -4321]);
    }

    #[test]
    fn tpdf_is_triangular_within_one_lsb() {
        let mut d = Dither::default();
        let mut sum = 0i64;
        for _ in 0..10_000 {
            let v = d.next_tpdf();
            assert!((-65_536..=65_534).contains(&v));
            sum += v;
        }
        assert!((sum / 10_000).abs() < 2_000, "mean {}", sum / 10_000);
    }

    proptest! {
        #[test]
        fn stereo_block_matches_reference(s in proptest::collection::vec(any::<i32>(), 0..64)) {
            let s: Vec<i32> = s.iter().copied().take(s.len() / 2 * 2).collect();
            let mut out = Vec::new();
            append_cd(&s, 2, None, &mut out);
            let want: Vec<u8> = s.iter().flat_map(|&x| to_16_reference(x, 0).to_le_bytes()).collect();
            prop_assert_eq!(out, want);
        }

        #[test]
        fn mono_doubles_and_dither_matches_reference(s in proptest::collection::vec(any::<i32>(), 0..64)) {
            let mut out = Vec::new();
            let mut d = Dither::default();
            append_cd(&s, 1, Some(&mut d), &mut out);
            let mut r = Dither::default();
            let mut want = Vec::new();
            for &x in &s {
                let v = to_16_reference(x, r.next_tpdf()).to_le_bytes();
                want.extend_from_slice(&v);
                want.extend_from_slice(&v);
            }
            prop_assert_eq!(out, want);
        }
    }
}

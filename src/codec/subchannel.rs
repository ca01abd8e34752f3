//! P–W containers (cd-format.md §4, §7): raw interleaved 96 bytes (byte i = bit i of every
//! channel, P in bit 7 … W in bit 0), linear 8 × 12 bytes (CloneCD `.sub`), packed (R–W as
//! de-interleaved pack symbols, P/Q bits as in raw), and the 16-byte PQ form.
#![forbid(unsafe_code)]

use super::q::QFrame;

/// Bytes of subchannel per sector.
pub const SUBCHANNEL_SIZE: usize = 96;

/// Raw interleaved P–W from twelve-byte channels P, Q, R, …, W (channel c in `ch[c]`): the
/// plain bit-by-bit definition (cd-format.md §4), the reference for [`interleave`].
pub fn interleave_reference(ch: &[[u8; 12]; 8]) -> [u8; 96] {
    let mut raw = [0u8; 96];
    for (i, out) in raw.iter_mut().enumerate() {
        let (k, j) = (i / 8, i % 8);
        let mut b = 0u8;
        for (c, chan) in ch.iter().enumerate() {
            let bit = (chan[k] >> (7 - j)) & 1;
            b |= bit << (7 - c);
        }
        *out = b;
    }
    raw
}

/// Twelve-byte channels P..W from raw interleaved P–W: the plain bit-by-bit definition, the
/// reference for [`deinterleave`].
pub fn deinterleave_reference(raw: &[u8; 96]) -> [[u8; 12]; 8] {
    let mut ch = [[0u8; 12]; 8];
    for (i, &b) in raw.iter().enumerate() {
        let (k, j) = (i / 8, i % 8);
        for (c, chan) in ch.iter_mut().enumerate() {
            let bit = (b >> (7 - c)) & 1;
            chan[k] |= bit << (7 - j);
        }
    }
    ch
}

/// Transposes an 8 × 8 bit matrix held in a `u64`, row r in byte r counted from the most
/// significant end, column c in bit 7 − c of its row (three swap steps, SWAR).
///
/// Raw bytes 8k..8k+8 of a P–W block are such a matrix (row j = byte 8k + j, column c =
/// channel c); its transpose holds byte k of each channel, channel c in row c. The same
/// transpose takes channels back to raw bytes.
#[inline]
const fn transpose8(mut x: u64) -> u64 {
    let t = (x ^ (x >> 7)) & 0x00AA_00AA_00AA_00AA;
    x = x ^ t ^ (t << 7);
    let t = (x ^ (x >> 14)) & 0x0000_CCCC_0000_CCCC;
    x = x ^ t ^ (t << 14);
    let t = (x ^ (x >> 28)) & 0x0000_0000_F0F0_F0F0;
    x ^ t ^ (t << 28)
}

/// Raw interleaved P–W from twelve-byte channels P, Q, R, …, W (channel c in `ch[c]`); a
/// SWAR bit transpose, equal to [`interleave_reference`].
pub fn interleave(ch: &[[u8; 12]; 8]) -> [u8; 96] {
    let mut raw = [0u8; 96];
    for (k, out) in raw.chunks_exact_mut(8).enumerate() {
        let rows = [
            ch[0][k], ch[1][k], ch[2][k], ch[3][k], ch[4][k], ch[5][k], ch[6][k], ch[7][k],
        ];
        out.copy_from_slice(&transpose8(u64::from_be_bytes(rows)).to_be_bytes());
    }
    raw
}

/// Twelve-byte channels P..W from raw interleaved P–W; a SWAR bit transpose, equal to
/// [`deinterleave_reference`].
pub fn deinterleave(raw: &[u8; 96]) -> [[u8; 12]; 8] {
    let mut ch = [[0u8; 12]; 8];
    for (k, block) in raw.chunks_exact(8).enumerate() {
        let mut rows = [0u8; 8];
        rows.copy_from_slice(block);
        let cols = transpose8(u64::from_be_bytes(rows)).to_be_bytes();
        for (chan, &b) in ch.iter_mut().zip(cols.iter()) {
            chan[k] = b;
        }
    }
    ch
}

/// Linear (CloneCD) order from raw: P bytes 0..11, Q 12..23, …, W 84..95.
pub fn linear_from_raw(raw: &[u8; 96]) -> [u8; 96] {
    let mut out = [0u8; 96];
    for (k, block) in raw.chunks_exact(8).enumerate() {
        let mut rows = [0u8; 8];
        rows.copy_from_slice(block);
        let cols = transpose8(u64::from_be_bytes(rows)).to_be_bytes();
        for (c, &b) in cols.iter().enumerate() {
            out[12 * c + k] = b;
        }
    }
    out
}

/// Raw interleaved from linear (CloneCD) order.
pub fn raw_from_linear(lin: &[u8; 96]) -> [u8; 96] {
    let mut raw = [0u8; 96];
    for (k, out) in raw.chunks_exact_mut(8).enumerate() {
        let mut rows = [0u8; 8];
        for (c, r) in rows.iter_mut().enumerate() {
            *r = lin[12 * c + k];
        }
        out.copy_from_slice(&transpose8(u64::from_be_bytes(rows)).to_be_bytes());
    }
    raw
}

/// Spreads the 96 bits of a Q frame one per byte, as bit 6 (raw P–W position), MSB first.
#[inline]
pub fn q_bits(q: &QFrame) -> [u8; 96] {
    let mut out = [0u8; 96];
    for (k, &byte) in q.0.iter().enumerate() {
        for j in 0..8 {
            out[8 * k + j] = ((byte >> (7 - j)) & 1) << 6;
        }
    }
    out
}

/// Writes raw (or packed: the layout of bits 7 and 6 is the same) P–W for one sector: P in bit
/// 7 of every byte, Q in bit 6, and the six-bit R–W symbols given (in bits 5..0; `None` = zero).
/// The plain bit-by-bit definition, the reference for [`write_pw`].
pub fn write_pw_reference(out: &mut [u8; 96], p: bool, q: &QFrame, rw: Option<&[u8; 96]>) {
    let pbit = if p { 0x80 } else { 0 };
    for (k, &byte) in q.0.iter().enumerate() {
        for j in 0..8 {
            out[8 * k + j] = pbit | (((byte >> (7 - j)) & 1) << 6);
        }
    }
    if let Some(rw) = rw {
        for (o, &s) in out.iter_mut().zip(rw.iter()) {
            *o |= s & 0x3F;
        }
    }
}

/// `Q_SPREAD[b]`: the eight bits of `b`, MSB first, each moved to bit 6 of its own byte of a
/// big-endian `u64` (byte j holds bit 7 − j of `b`). 2 KiB, built at compile time.
static Q_SPREAD: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut v = 0u64;
        let mut j = 0;
        while j < 8 {
            if (b >> (7 - j)) & 1 != 0 {
                v |= 0x40 << (8 * (7 - j));
            }
            j += 1;
        }
        t[b] = v;
        b += 1;
    }
    t
};

/// Writes raw (or packed) P–W for one sector, eight bytes at a time: P, the spread Q byte
/// (a 256-entry table) and the six-bit symbols OR-ed as `u64`s. Equal to [`write_pw_reference`].
#[inline]
pub fn write_pw(out: &mut [u8; 96], p: bool, q: &QFrame, rw: Option<&[u8; 96]>) {
    let pbits = if p { 0x8080_8080_8080_8080u64 } else { 0 };
    const SYM: u64 = 0x3F3F_3F3F_3F3F_3F3F;
    for (k, o) in out.chunks_exact_mut(8).enumerate() {
        let mut v = pbits | Q_SPREAD[q.0[k] as usize];
        if let Some(rw) = rw {
            let mut s = [0u8; 8];
            s.copy_from_slice(&rw[8 * k..8 * k + 8]);
            v |= u64::from_be_bytes(s) & SYM;
        }
        o.copy_from_slice(&v.to_be_bytes());
    }
}

/// Reads P (majority of the 96 bits) and the Q frame back from raw or packed P–W.
pub fn read_pq(raw: &[u8; 96]) -> (bool, QFrame) {
    let mut q = [0u8; 12];
    let mut ones = 0;
    for (i, &b) in raw.iter().enumerate() {
        if b & 0x80 != 0 {
            ones += 1;
        }
        q[i / 8] |= ((b >> 6) & 1) << (7 - i % 8);
    }
    (ones > 48, QFrame(q))
}

/// The 16-byte PQ form (MMC data block type 1): Q frame as on disc (CRC unchanged, D8), three
/// zero bytes, then P in bit 7 of byte 15.
pub fn pq16(p: bool, q: &QFrame) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..12].copy_from_slice(&q.0);
    out[15] = if p { 0x80 } else { 0 };
    out
}

/// P flag and Q frame back from the 16-byte PQ form.
pub fn from_pq16(b: &[u8; 16]) -> (bool, QFrame) {
    let mut q = [0u8; 12];
    q.copy_from_slice(&b[..12]);
    (b[15] & 0x80 != 0, QFrame(q))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn interleave_round_trips(v in proptest::collection::vec(any::<u8>(), 96)) {
            let mut raw = [0u8; 96];
            raw.copy_from_slice(&v);
            prop_assert_eq!(interleave(&deinterleave(&raw)), raw);
            prop_assert_eq!(raw_from_linear(&linear_from_raw(&raw)), raw);
        }

        #[test]
        fn transposes_match_reference(v in proptest::collection::vec(any::<u8>(), 96)) {
            let mut raw = [0u8; 96];
            raw.copy_from_slice(&v);
            let ch = deinterleave_reference(&raw);
            prop_assert_eq!(deinterleave(&raw), ch);
            prop_assert_eq!(interleave(&ch), interleave_reference(&ch));
            let mut lin = [0u8; 96];
            for (c, chan) in ch.iter().enumerate() {
                lin[12 * c..12 * c + 12].copy_from_slice(chan);
            }
            prop_assert_eq!(linear_from_raw(&raw), lin);
            prop_assert_eq!(raw_from_linear(&lin), interleave_reference(&ch));
        }

        #[test]
        fn write_pw_matches_reference(q in proptest::collection::vec(any::<u8>(), 12), p in any::<bool>(),
                                      rw in proptest::collection::vec(any::<u8>(), 96), with_rw in any::<bool>()) {
            let mut qa = [0u8; 12];
            qa.copy_from_slice(&q);
            let mut rwa = [0u8; 96];
            rwa.copy_from_slice(&rw);
            let sym = with_rw.then_some(&rwa);
            let (mut fast, mut plain) = ([0xA5u8; 96], [0x5Au8; 96]);
            write_pw(&mut fast, p, &QFrame(qa), sym);
            write_pw_reference(&mut plain, p, &QFrame(qa), sym);
            prop_assert_eq!(fast, plain);
        }

        #[test]
        fn write_pw_matches_interleave(q in proptest::collection::vec(any::<u8>(), 12), p in any::<bool>(),
                                       rw in proptest::collection::vec(0u8..64, 96)) {
            let mut qa = [0u8; 12];
            qa.copy_from_slice(&q);
            let qf = QFrame(qa);
            let mut rwa = [0u8; 96];
            rwa.copy_from_slice(&rw);
            let mut out = [0u8; 96];
            write_pw(&mut out, p, &qf, Some(&rwa));
            let ch = deinterleave(&out);
            prop_assert_eq!(ch[0], if p { [0xFF; 12] } else { [0; 12] });
            prop_assert_eq!(ch[1], qa);
            let (p2, q2) = read_pq(&out);
            prop_assert_eq!(p2, p);
            prop_assert_eq!(q2, qf);
            let b16 = pq16(p, &qf);
            prop_assert_eq!(from_pq16(&b16), (p, qf));
        }
    }

    #[test]
    fn linear_bit_rule_from_cd_format_4() {
        // Bit (7 − j) of byte k of channel c equals bit (7 − c) of raw byte 8k + j.
        let mut raw = [0u8; 96];
        raw[8 * 3 + 5] = 1 << (7 - 2); // channel R (c = 2), byte 3, bit 7 − 5
        let lin = linear_from_raw(&raw);
        assert_eq!(lin[24 + 3], 1 << 2);
        assert_eq!(lin.iter().filter(|&&b| b != 0).count(), 1);
    }
}

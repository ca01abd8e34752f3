//! P–W containers (cd-format.md §4, §7): raw interleaved 96 bytes (byte i = bit i of every
//! channel, P in bit 7 … W in bit 0), linear 8 × 12 bytes (CloneCD `.sub`), packed (R–W as
//! de-interleaved pack symbols, P/Q bits as in raw), and the 16-byte PQ form.
#![forbid(unsafe_code)]

use super::q::QFrame;

/// Bytes of subchannel per sector.
pub const SUBCHANNEL_SIZE: usize = 96;

/// Raw interleaved P–W from twelve-byte channels P, Q, R, …, W (channel c in `ch[c]`).
pub fn interleave(ch: &[[u8; 12]; 8]) -> [u8; 96] {
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

/// Twelve-byte channels P..W from raw interleaved P–W.
pub fn deinterleave(raw: &[u8; 96]) -> [[u8; 12]; 8] {
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

/// Linear (CloneCD) order from raw: P bytes 0..11, Q 12..23, …, W 84..95.
pub fn linear_from_raw(raw: &[u8; 96]) -> [u8; 96] {
    let ch = deinterleave(raw);
    let mut out = [0u8; 96];
    for (c, chan) in ch.iter().enumerate() {
        out[12 * c..12 * c + 12].copy_from_slice(chan);
    }
    out
}

/// Raw interleaved from linear (CloneCD) order.
pub fn raw_from_linear(lin: &[u8; 96]) -> [u8; 96] {
    let mut ch = [[0u8; 12]; 8];
    for (c, chan) in ch.iter_mut().enumerate() {
        chan.copy_from_slice(&lin[12 * c..12 * c + 12]);
    }
    interleave(&ch)
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
pub fn write_pw(out: &mut [u8; 96], p: bool, q: &QFrame, rw: Option<&[u8; 96]>) {
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

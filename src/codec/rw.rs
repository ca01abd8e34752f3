//! R–W subchannel packs: RS(4,2) Q parity and RS(24,20) P parity over GF(2⁶) (x⁶ + x + 1),
//! IEC 60908 §16 as summarised in cd-format.md §8.2 (symbol 0 is the highest-degree
//! coefficient), and the interleave between cooked packs and raw R–W symbols (§8.3).
//!
//! Vocabulary: a *pack* is 24 six-bit symbols; a *cooked sector* is 4 packs in order (pack q,
//! symbol s at byte 24q + s); a *raw sector* is the 96 symbols as they sit on disc (bits 5..0 of
//! the raw interleaved P–W bytes, §4). Packs are numbered globally from LBA −150, where the
//! interleaver starts with an empty delay line (D16).
//!
//! * [`interleave_reference`] / [`deinterleave_reference`]: the formula of §8.3 over a whole
//!   stream of packs, the oracles.
//! * [`RwInterleaver`] / [`RwDeinterleaver`]: one sector at a time with 2 sectors of state,
//!   table driven; [`RwInterleaver::resume`] / [`RwDeinterleaver::resume`] rebuild the state
//!   from the two preceding sectors so a batch can start anywhere.
#![forbid(unsafe_code)]

use super::gf::{gf64_mul, GF64_EXP, GF64_LOG};

/// Generator of the Q parity: x² + 3x + 2, coefficients below the leading one, highest first.
const G_Q: [u8; 2] = [3, 2];
/// Generator of the P parity: x⁴ + 15x³ + 54x² + 59x + 3.
const G_P: [u8; 4] = [15, 54, 59, 3];

/// Remainder of `data(x)·x^N` divided by the monic generator `g` (LFSR division), highest first.
fn remainder_reference<const N: usize>(data: &[u8], g: &[u8; N]) -> [u8; N] {
    // reg[0] holds the highest-degree coefficient of the running remainder.
    let mut reg = [0u8; N];
    for &d in data {
        let fb = (d & 0x3F) ^ reg[0];
        for j in 0..N {
            let next = if j + 1 < N { reg[j + 1] } else { 0 };
            reg[j] = next ^ gf64_mul(fb, g[j]);
        }
    }
    reg
}

/// Q parity (symbols 2–3 from symbols 0–1), then P parity (symbols 20–23 from symbols 0–19,
/// Q parity included), by polynomial division. The oracle.
pub fn parity_reference(pack: &mut [u8; 24]) {
    let q = remainder_reference(&pack[0..2], &G_Q);
    pack[2] = q[0];
    pack[3] = q[1];
    let p = remainder_reference(&pack[0..20], &G_P);
    pack[20..24].copy_from_slice(&p);
}

const fn mul64(a: u8, b: u8) -> u8 {
    crate::codec::gf::gf64_mul_reference(a, b)
}

/// Remainder contribution of symbol value `s` at data position `i`, for a generator of degree N,
/// packed 6 bits per parity symbol, highest first in the low bits.
const fn contribution_table<const N: usize, const K: usize>(g: [u8; N]) -> [[u32; 64]; K] {
    let mut t = [[0u32; 64]; K];
    let mut i = 0;
    while i < K {
        let mut s = 0;
        while s < 64 {
            // Divide the single-symbol polynomial s·x^(K-1-i) · x^N by g.
            let mut reg = [0u8; 4];
            let mut pos = 0;
            while pos < K {
                let d = if pos == i { s as u8 } else { 0 };
                let fb = d ^ reg[0];
                let mut j = 0;
                while j < N {
                    let next = if j + 1 < N { reg[j + 1] } else { 0 };
                    reg[j] = next ^ mul64(fb, g[j]);
                    j += 1;
                }
                pos += 1;
            }
            let mut packed = 0u32;
            let mut j = 0;
            while j < N {
                packed |= (reg[j] as u32) << (8 * j);
                j += 1;
            }
            t[i][s] = packed;
            s += 1;
        }
        i += 1;
    }
    t
}

static Q_TABLE: [[u32; 64]; 2] = contribution_table::<2, 2>(G_Q);
static P_TABLE: [[u32; 64]; 20] = contribution_table::<4, 20>(G_P);

/// Same as [`parity_reference`] with one precomputed contribution per (position, symbol): the
/// code is linear, so the remainder is the XOR of the contributions.
#[inline]
pub fn parity_table(pack: &mut [u8; 24]) {
    let q = Q_TABLE[0][(pack[0] & 0x3F) as usize] ^ Q_TABLE[1][(pack[1] & 0x3F) as usize];
    pack[2] = q as u8;
    pack[3] = (q >> 8) as u8;
    let mut p = 0u32;
    for (i, row) in P_TABLE.iter().enumerate() {
        p ^= row[(pack[i] & 0x3F) as usize];
    }
    pack[20..24].copy_from_slice(&p.to_le_bytes());
}

/// Symbols per pack.
pub const PACK_SYMBOLS: usize = 24;
/// Packs per sector.
pub const PACKS_PER_SECTOR: usize = 4;
/// R–W symbols per sector (4 packs × 24).
pub const SECTOR_SYMBOLS: usize = PACKS_PER_SECTOR * PACK_SYMBOLS;
/// How many sectors the interleave reaches back (a raw sector depends on cooked sectors n, n−1
/// and n−2), and the lag of [`RwDeinterleaver`].
pub const LAG_SECTORS: usize = 2;

/// The position swap of §8.3: 1↔18, 2↔5, 3↔23, every other position fixed. An involution.
pub const fn perm(s: usize) -> usize {
    match s {
        1 => 18,
        18 => 1,
        2 => 5,
        5 => 2,
        3 => 23,
        23 => 3,
        other => other,
    }
}

/// Delay in packs of raw position `s` (§8.3).
pub const fn delay(s: usize) -> usize {
    s % 8
}

/// Decoder offsets of §8.3: symbol i of cooked pack p is the raw symbol this many positions
/// after the first symbol of raw pack p, `perm(i) + 24·(perm(i) mod 8)`.
pub const DECODER_OFFSETS: [usize; 24] = {
    let mut t = [0usize; 24];
    let mut i = 0;
    while i < 24 {
        t[i] = perm(i) + PACK_SYMBOLS * delay(perm(i));
        i += 1;
    }
    t
};

fn masked(pack: &[u8]) -> [u8; 24] {
    let mut p = [0u8; 24];
    for (d, &s) in p.iter_mut().zip(pack) {
        *d = s & 0x3F;
    }
    p
}

/// Interleaves a whole stream of cooked packs, numbered from 0 at LBA −150, straight from the
/// formula of §8.3: every pack gets its parity ([`parity_reference`]), then raw pack R, position
/// s carries symbol perm(s) of cooked pack R − (s mod 8), zero before the start. The output has
/// as many packs as the input (packs that would land after the end are dropped). The oracle of
/// [`RwInterleaver`].
pub fn interleave_reference(cooked: &[[u8; 24]]) -> Vec<[u8; 24]> {
    let with_parity: Vec<[u8; 24]> = cooked
        .iter()
        .map(|p| {
            let mut p = masked(p);
            parity_reference(&mut p);
            p
        })
        .collect();
    (0..with_parity.len())
        .map(|r| {
            let mut raw = [0u8; 24];
            for (s, out) in raw.iter_mut().enumerate() {
                *out = match r.checked_sub(delay(s)) {
                    Some(src) => with_parity[src][perm(s)],
                    None => 0,
                };
            }
            raw
        })
        .collect()
}

/// Inverse of [`interleave_reference`]: cooked pack p, symbol i is raw pack p + (perm(i) mod 8),
/// position perm(i); symbols whose raw pack lies past the end are 0. No parity check.
pub fn deinterleave_reference(raw: &[[u8; 24]]) -> Vec<[u8; 24]> {
    (0..raw.len())
        .map(|p| {
            let mut cooked = [0u8; 24];
            for (i, out) in cooked.iter_mut().enumerate() {
                let s = perm(i);
                *out = raw.get(p + delay(s)).map_or(0, |r| r[s] & 0x3F);
            }
            cooked
        })
        .collect()
}

/// Packs in the interleaver window: 2 sectors of history and the current one.
const WINDOW_PACKS: usize = (LAG_SECTORS + 1) * PACKS_PER_SECTOR;
const WINDOW: usize = WINDOW_PACKS * PACK_SYMBOLS;
const HISTORY: usize = LAG_SECTORS * SECTOR_SYMBOLS;

/// For each raw symbol of the current sector, its source in the window (history then current).
const ENCODE_GATHER: [u16; SECTOR_SYMBOLS] = {
    let mut t = [0u16; SECTOR_SYMBOLS];
    let mut q = 0;
    while q < PACKS_PER_SECTOR {
        let mut s = 0;
        while s < PACK_SYMBOLS {
            let src_pack = LAG_SECTORS * PACKS_PER_SECTOR + q - delay(s);
            t[q * PACK_SYMBOLS + s] = (src_pack * PACK_SYMBOLS + perm(s)) as u16;
            s += 1;
        }
        q += 1;
    }
    t
};

/// For each cooked symbol of the oldest sector in the window, its source in the raw window.
const DECODE_GATHER: [u16; SECTOR_SYMBOLS] = {
    let mut t = [0u16; SECTOR_SYMBOLS];
    let mut q = 0;
    while q < PACKS_PER_SECTOR {
        let mut i = 0;
        while i < PACK_SYMBOLS {
            t[q * PACK_SYMBOLS + i] = (q * PACK_SYMBOLS + DECODER_OFFSETS[i]) as u16;
            i += 1;
        }
        q += 1;
    }
    t
};

/// Stateful R–W encoder: cooked packs in, raw interleaved symbols out, one sector per call.
///
/// Keeps the two previous cooked sectors (with parity). [`RwInterleaver::new`] starts with the
/// empty delay line of LBA −150 (D16); [`RwInterleaver::resume`] starts at any later sector.
#[derive(Clone)]
pub struct RwInterleaver {
    /// Cooked sectors n−2 and n−1 (parity included), then room for sector n.
    window: [u8; WINDOW],
}

impl Default for RwInterleaver {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for RwInterleaver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RwInterleaver").finish_non_exhaustive()
    }
}

fn cook_sector(cooked: &[u8; SECTOR_SYMBOLS], out: &mut [u8]) {
    for (src, dst) in cooked
        .chunks_exact(PACK_SYMBOLS)
        .zip(out.chunks_exact_mut(PACK_SYMBOLS))
    {
        let mut p = masked(src);
        parity_table(&mut p);
        dst.copy_from_slice(&p);
    }
}

impl RwInterleaver {
    /// An interleaver at LBA −150: empty (zero) delay line.
    pub fn new() -> Self {
        Self {
            window: [0; WINDOW],
        }
    }

    /// An interleaver about to encode cooked sector n, given cooked sectors n−2 and n−1 as the
    /// caller supplied them (parity is recomputed, bits 7 and 6 ignored). Encoding from here
    /// gives the same raw sectors as running [`RwInterleaver::new`] from LBA −150. For n = 0
    /// or 1 pass zero sectors for the sectors before the start.
    pub fn resume(prev2: &[u8; SECTOR_SYMBOLS], prev1: &[u8; SECTOR_SYMBOLS]) -> Self {
        let mut window = [0u8; WINDOW];
        cook_sector(prev2, &mut window[..SECTOR_SYMBOLS]);
        cook_sector(prev1, &mut window[SECTOR_SYMBOLS..HISTORY]);
        Self { window }
    }

    /// Encodes one sector: computes the parity of the 4 cooked packs (symbols 2, 3 and 20–23
    /// are overwritten; bits 7 and 6 of `cooked` are ignored) and writes the raw interleaved
    /// six-bit symbols to `raw_out` (bits 7 and 6 zero).
    pub fn encode_sector(
        &mut self,
        cooked: &[u8; SECTOR_SYMBOLS],
        raw_out: &mut [u8; SECTOR_SYMBOLS],
    ) {
        cook_sector(cooked, &mut self.window[HISTORY..]);
        for (out, &src) in raw_out.iter_mut().zip(ENCODE_GATHER.iter()) {
            *out = self.window[src as usize];
        }
        self.window.copy_within(SECTOR_SYMBOLS.., 0);
    }
}

/// What the parity check of one de-interleaved pack found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackStatus {
    /// All six syndromes are zero.
    Ok,
    /// One symbol was wrong and has been corrected through the P code; Q then checked.
    Corrected {
        /// Position 0..23 of the corrected symbol.
        position: u8,
    },
    /// More errors than the decoder corrects; the pack is returned as read.
    Bad,
}

/// Syndromes Σ sᵢ·α^(j(n−1−i)) for j = 0..N of the symbols `s` (§8.2).
fn syndromes<const N: usize>(s: &[u8]) -> [u8; N] {
    let n = s.len();
    let mut out = [0u8; N];
    for (j, o) in out.iter_mut().enumerate() {
        let mut acc = 0u8;
        for (i, &v) in s.iter().enumerate() {
            let e = (j * (n - 1 - i)) % 63;
            acc ^= gf64_mul(v & 0x3F, GF64_EXP[e]);
        }
        *o = acc;
    }
    out
}

/// Checks the Q and P parity of one pack and corrects a single wrong symbol through the P
/// code (RS(24,20), distance 5) when the syndromes point at one position.
pub fn check_and_correct(pack: &mut [u8; 24]) -> PackStatus {
    let q_ok = |p: &[u8; 24]| syndromes::<2>(&p[0..4]) == [0, 0];
    let sp = syndromes::<4>(&pack[..]);
    if sp == [0; 4] {
        return if q_ok(pack) {
            PackStatus::Ok
        } else {
            PackStatus::Bad
        };
    }
    // One error of value e at position i: S_j = e·X^j with X = α^(23−i).
    if sp.contains(&0) {
        return PackStatus::Bad;
    }
    let log = |v: u8| GF64_LOG[v as usize] as usize;
    let x_log = (log(sp[1]) + 63 - log(sp[0])) % 63;
    if (log(sp[2]) + 63 - log(sp[1])) % 63 != x_log || (log(sp[3]) + 63 - log(sp[2])) % 63 != x_log
    {
        return PackStatus::Bad;
    }
    if x_log > 23 {
        return PackStatus::Bad;
    }
    let position = 23 - x_log;
    pack[position] ^= sp[0];
    if q_ok(pack) {
        PackStatus::Corrected {
            position: position as u8,
        }
    } else {
        pack[position] ^= sp[0];
        PackStatus::Bad
    }
}

/// Stateful R–W decoder: raw interleaved symbols in, cooked packs out, with a parity check (and
/// single-symbol correction) of every pack.
///
/// It lags by [`LAG_SECTORS`]: the call with raw sector n returns cooked sector n − 2. The first
/// two calls after [`RwDeinterleaver::new`] return the (zero) sectors before LBA −150.
#[derive(Clone)]
pub struct RwDeinterleaver {
    /// Raw sectors n−2 and n−1, then room for raw sector n (bits 5..0 only).
    window: [u8; WINDOW],
}

impl Default for RwDeinterleaver {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for RwDeinterleaver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RwDeinterleaver").finish_non_exhaustive()
    }
}

impl RwDeinterleaver {
    /// A de-interleaver at LBA −150 (zero history).
    pub fn new() -> Self {
        Self {
            window: [0; WINDOW],
        }
    }

    /// A de-interleaver about to read raw sector n, given raw sectors n−2 and n−1; its first call
    /// returns cooked sector n − 2, exactly as a de-interleaver run from LBA −150 would.
    pub fn resume(prev2: &[u8; SECTOR_SYMBOLS], prev1: &[u8; SECTOR_SYMBOLS]) -> Self {
        let mut window = [0u8; WINDOW];
        for (d, &s) in window.iter_mut().zip(prev2.iter().chain(prev1.iter())) {
            *d = s & 0x3F;
        }
        Self { window }
    }

    /// Takes raw sector n (bits 7 and 6 ignored), writes cooked sector n − 2 to `cooked_out`
    /// (corrected where possible) and returns the status of its 4 packs.
    pub fn decode_sector(
        &mut self,
        raw: &[u8; SECTOR_SYMBOLS],
        cooked_out: &mut [u8; SECTOR_SYMBOLS],
    ) -> [PackStatus; PACKS_PER_SECTOR] {
        for (d, &s) in self.window[HISTORY..].iter_mut().zip(raw.iter()) {
            *d = s & 0x3F;
        }
        for (out, &src) in cooked_out.iter_mut().zip(DECODE_GATHER.iter()) {
            *out = self.window[src as usize];
        }
        self.window.copy_within(SECTOR_SYMBOLS.., 0);
        let mut status = [PackStatus::Ok; PACKS_PER_SECTOR];
        for (st, chunk) in status
            .iter_mut()
            .zip(cooked_out.chunks_exact_mut(PACK_SYMBOLS))
        {
            let mut pack = [0u8; 24];
            pack.copy_from_slice(chunk);
            *st = check_and_correct(&mut pack);
            chunk.copy_from_slice(&pack);
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vector_from_cd_format_12_3() {
        let mut pack = [
            0x09, 0x1e, 0, 0, 0x00, 0x08, 0x3d, 0x04, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0, 0, 0, 0,
        ];
        let mut b = pack;
        parity_reference(&mut pack);
        assert_eq!(&pack[2..4], &[0x1d, 0x0a]);
        assert_eq!(&pack[20..24], &[0x33, 0x0a, 0x10, 0x17]);
        parity_table(&mut b);
        assert_eq!(pack, b);
    }

    fn with_parity(sector: &[u8; 96]) -> [u8; 96] {
        let mut out = [0u8; 96];
        for (src, dst) in sector.chunks_exact(24).zip(out.chunks_exact_mut(24)) {
            let mut p = [0u8; 24];
            for (d, &s) in p.iter_mut().zip(src) {
                *d = s & 0x3F;
            }
            parity_reference(&mut p);
            dst.copy_from_slice(&p);
        }
        out
    }

    fn to_packs(sectors: &[[u8; 96]]) -> Vec<[u8; 24]> {
        sectors
            .iter()
            .flat_map(|s| s.chunks_exact(24).map(|c| <[u8; 24]>::try_from(c).unwrap()))
            .collect()
    }

    fn sectors_strategy(max: usize) -> impl Strategy<Value = Vec<[u8; 96]>> {
        proptest::collection::vec(proptest::array::uniform32(any::<u8>()), 1..=max * 3).prop_map(
            |chunks| {
                // 3 × 32 random bytes per sector; full 8-bit values exercise the masking.
                chunks
                    .chunks(3)
                    .map(|c| {
                        let mut s = [0u8; 96];
                        for (k, part) in c.iter().enumerate() {
                            s[32 * k..32 * k + 32].copy_from_slice(part);
                        }
                        s
                    })
                    .collect()
            },
        )
    }

    #[test]
    fn decoder_offsets_are_the_published_table() {
        // cd-format.md §8.3, "a published decoder table".
        let published = [
            0, 66, 125, 191, 100, 50, 150, 175, 8, 33, 58, 83, 108, 133, 158, 183, 16, 41, 25, 91,
            116, 141, 166, 75,
        ];
        assert_eq!(DECODER_OFFSETS, published);
    }

    #[test]
    fn delay_structure_of_8_3() {
        // Swaps 1↔18, 2↔5, 3↔23, all others fixed; delay s mod 8.
        for s in 0..24 {
            let expected = match s {
                1 => 18,
                18 => 1,
                2 => 5,
                5 => 2,
                3 => 23,
                23 => 3,
                x => x,
            };
            assert_eq!(perm(s), expected);
            assert_eq!(perm(perm(s)), s);
            assert_eq!(delay(s), s % 8);
        }
        // An impulse in cooked pack 0, symbol i (a data symbol) lands in raw pack
        // perm(i) mod 8 at position perm(i), and nowhere else among the data positions.
        for i in 4..20 {
            let mut cooked = vec![[0u8; 24]; 12];
            cooked[0][i] = 1;
            // Parity spreads the impulse to symbols 2, 3, 20–23 of pack 0 only.
            let raw = interleave_reference(&cooked);
            let hits: Vec<(usize, usize)> = (0..12)
                .flat_map(|r| (0..24).map(move |s| (r, s)))
                .filter(|&(r, s)| raw[r][s] != 0 && ![2, 3, 20, 21, 22, 23].contains(&perm(s)))
                .collect();
            assert_eq!(hits, vec![(delay(perm(i)), perm(i))], "symbol {i}");
            assert_eq!(
                delay(perm(i)) * 24 + perm(i),
                DECODER_OFFSETS[i],
                "symbol {i}"
            );
        }
    }

    #[test]
    fn zero_stream_stays_zero() {
        let mut enc = RwInterleaver::new();
        let mut raw = [1u8; 96];
        enc.encode_sector(&[0; 96], &mut raw);
        assert_eq!(raw, [0; 96]);
    }

    #[test]
    fn single_symbol_error_is_corrected() {
        let mut pack = [
            0x09, 0x1e, 0, 0, 0x00, 0x08, 0x3d, 0x04, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0, 0, 0, 0,
        ];
        parity_reference(&mut pack);
        assert_eq!(check_and_correct(&mut pack.clone()), PackStatus::Ok);
        for pos in 0..24 {
            for e in [1u8, 0x15, 0x3F] {
                let mut bad = pack;
                bad[pos] ^= e;
                let st = check_and_correct(&mut bad);
                assert_eq!(
                    st,
                    PackStatus::Corrected {
                        position: pos as u8
                    }
                );
                assert_eq!(bad, pack);
            }
        }
        let mut two = pack;
        two[4] ^= 1;
        two[9] ^= 7;
        assert_eq!(check_and_correct(&mut two), PackStatus::Bad);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn stateful_matches_reference(sectors in sectors_strategy(8)) {
            let expected = interleave_reference(&to_packs(&sectors));
            let mut enc = RwInterleaver::new();
            let mut got = Vec::new();
            for s in &sectors {
                let mut raw = [0u8; 96];
                enc.encode_sector(s, &mut raw);
                prop_assert!(raw.iter().all(|&b| b < 64));
                got.push(raw);
            }
            prop_assert_eq!(to_packs(&got), expected);
        }

        #[test]
        fn deinterleave_inverts_interleave(sectors in sectors_strategy(8)) {
            let mut input = sectors.clone();
            // Two zero sectors so the delayed symbols of the last real sector land.
            input.push([0; 96]);
            input.push([0; 96]);
            let mut enc = RwInterleaver::new();
            let mut dec = RwDeinterleaver::new();
            let mut cooked = Vec::new();
            for (n, s) in input.iter().enumerate() {
                let mut raw = [0u8; 96];
                enc.encode_sector(s, &mut raw);
                let mut out = [0u8; 96];
                let st = dec.decode_sector(&raw, &mut out);
                prop_assert_eq!(st, [PackStatus::Ok; 4]);
                if n >= LAG_SECTORS {
                    cooked.push(out);
                } else {
                    prop_assert_eq!(out, [0u8; 96]);
                }
            }
            let expected: Vec<[u8; 96]> = sectors.iter().map(with_parity).collect();
            prop_assert_eq!(&cooked, &expected);
            // The references agree with each other on the same stream.
            let raw_ref = interleave_reference(&to_packs(&input));
            let back = deinterleave_reference(&raw_ref);
            prop_assert_eq!(&back[..expected.len() * 4], &to_packs(&expected)[..]);
        }

        #[test]
        fn resume_matches_running_from_the_start(
            sectors in sectors_strategy(8),
            start in 0usize..8,
        ) {
            let start = start % sectors.len();
            let mut enc = RwInterleaver::new();
            let mut dec = RwDeinterleaver::new();
            let mut raws = Vec::new();
            let mut cooked = Vec::new();
            for s in &sectors {
                let mut raw = [0u8; 96];
                enc.encode_sector(s, &mut raw);
                let mut out = [0u8; 96];
                dec.decode_sector(&raw, &mut out);
                raws.push(raw);
                cooked.push(out);
            }
            let zero = [0u8; 96];
            let prev = |v: &Vec<[u8; 96]>, k: usize| if start >= k { v[start - k] } else { zero };
            let mut enc2 = RwInterleaver::resume(&prev(&sectors, 2), &prev(&sectors, 1));
            let mut dec2 = RwDeinterleaver::resume(&prev(&raws, 2), &prev(&raws, 1));
            for n in start..sectors.len() {
                let mut raw = [0u8; 96];
                enc2.encode_sector(&sectors[n], &mut raw);
                prop_assert_eq!(raw, raws[n]);
                let mut out = [0u8; 96];
                dec2.decode_sector(&raw, &mut out);
                prop_assert_eq!(out, cooked[n]);
            }
        }
    }

    proptest! {
        #[test]
        fn table_matches_reference(v in proptest::collection::vec(0u8..64, 24)) {
            let mut a = [0u8; 24];
            a.copy_from_slice(&v);
            let mut b = a;
            parity_reference(&mut a);
            parity_table(&mut b);
            prop_assert_eq!(a, b);
        }
    }
}

//! The kernels of the `Avx512` engine written once, over 64 byte lanes, generic in the few
//! operations they need ([`Lanes64`]): `Avx512` implements them with AVX-512/GFNI/VPCLMULQDQ
//! intrinsics, and `Model` (tests only) with plain Rust that follows the instructions'
//! definitions in the Intel SDM. The model runs on every CPU, so the algorithm (masks, fold
//! distances, matrices, lane order) is proven against [`crate::codec::engine::Reference`] even
//! where no AVX-512 CPU is at hand; the intrinsic side is then a one-to-one mapping.
//!
//! * **EDC**: four 512-bit accumulators (16 lanes of 128 bits) folded 256 bytes at a time with
//!   carry-less multiplication, then reduced to one 128-bit lane as the `X86` engine does.
//! * **ECC**: multiplication by a constant in GF(2⁸) (0x11D) is an 8×8 GF(2) matrix
//!   ([`affine_matrix`]), one `gf2p8affineqb` for 64 bytes.
//!   - P: p0 = Σᵣ Cᵣ·xᵣ with Cᵣ = (1 ⊕ α^(25−r))/3 folded into one matrix per row, and
//!     p1 = s0 ⊕ p0: no dependency chain, 24 rows × 2 registers.
//!   - Q: word w of the 26 × 43 word matrix is (diagonal d, step k) with w = 43·d + 44·k
//!     mod 1118, so a contiguous load of 32 words at 43·25 + 44·t holds diagonal 25 − j at step
//!     t + j in word lane j (the `X86` scheme, all 26 diagonals in one register). A Horner sum
//!     over 68 steps would be one long chain of multiplications; it is split into four chains
//!     (steps t ≡ c mod 4, each multiplying by α⁴) whose sums are combined per lane at the end
//!     with α^s, s = (3 − c − j) mod 4. Bytes outside a lane's 43 steps are masked: loaded as
//!     zero, and the multiplication keeps them.
//! * **EDC and scrambler in one pass** ([`EdcScramble`], for `super::prescramble`): the EDC
//!   folding stores back each block it loads, XORed with the scramble table, in steps that
//!   the ECC of another sector can run between its own.
//! * **Scrambler**: 64-byte XOR; the last 36 bytes through one load of the last 64 bytes with
//!   a table whose first 28 bytes are zero.
#![forbid(unsafe_code)]

use super::fold::fold_table;
use super::prescramble::xor_bytes;
use crate::codec::ecc::{PARITY_LEN, P_OFFSET, Q_OFFSET};
use crate::codec::gf::{affine_matrix, gf256_mul_reference, gf256_pow_alpha_const, INV3};
use crate::codec::scramble::TABLE_LEN;
use crate::codec::sector::SECTOR_SIZE;

/// The operations the kernels need, on 64 byte lanes (`V`) and 16 byte lanes (`H`).
/// Masks have one bit per byte, bit i for byte i.
pub(super) trait Lanes64: Copy {
    /// 64 bytes.
    type V: Copy;
    /// 16 bytes.
    type H: Copy;
    /// The first 64 bytes of `s` (panics if shorter).
    fn load(self, s: &[u8]) -> Self::V;
    /// The 64 bytes of `sector[at..]` where `live` has a bit, zero elsewhere, without a
    /// bounds check: [`QAt`] proves the 64 bytes are inside the sector.
    fn load_live_at(self, sector: &[u8; SECTOR_SIZE], at: QAt, live: u64) -> Self::V;
    /// The bytes of the first 64 of `s` whose bit is set in `mask`, zero elsewhere (panics if
    /// `s` is shorter than 64 bytes).
    fn load_masked(self, s: &[u8], mask: u64) -> Self::V;
    /// Stores the bytes of `v` whose bit is set in `mask` at the start of `s` (panics if `s`
    /// is shorter than 64 bytes).
    fn store_masked(self, s: &mut [u8], v: Self::V, mask: u64);
    /// All zero.
    fn zero(self) -> Self::V;
    /// `a ⊕ b`.
    fn xor(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a ⊕ b ⊕ c` (one `vpternlogq`).
    fn xor3(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// Every byte times the constant of matrix `m` ([`affine_matrix`]).
    fn mul(self, v: Self::V, m: u64) -> Self::V;
    /// Bytes with a bit in `live` times the constant of `m`; the others unchanged.
    fn mul_live(self, v: Self::V, live: u64, m: u64) -> Self::V;
    /// Bytes with a bit in `live` times the constant of `m`; the others zero.
    fn mul_only(self, v: Self::V, live: u64, m: u64) -> Self::V;
    /// 16-bit word j of the result is word `idx[j]` of `v`.
    fn permute_words(self, v: Self::V, idx: &[u16; 32]) -> Self::V;
    /// Each 128-bit lane carry-less multiplied by the fold constants `k` (low half by `k.0`,
    /// high half by `k.1`, the two products added), plus `x`.
    fn fold(self, v: Self::V, k: (u64, u64), x: Self::V) -> Self::V;
    /// The four 128-bit lanes, lowest address first.
    fn lanes(self, v: Self::V) -> [Self::H; 4];
    /// The first 16 bytes of `s`.
    fn load16(self, s: &[u8]) -> Self::H;
    /// [`Lanes64::fold`] on one 128-bit lane.
    fn fold16(self, v: Self::H, k: (u64, u64), x: Self::H) -> Self::H;
    /// The 16 bytes of `v`.
    fn bytes16(self, v: Self::H) -> [u8; 16];
}

// ---- EDC ----

/// Bytes the EDC main loop consumes per step (four 512-bit accumulators).
pub(super) const EDC_BLOCK: usize = 256;
/// Fold constants moving a register forward by 512·i bits (i = 1..=4; 4 is one main step).
static BY512: [(u64, u64); 5] = fold_table(512);
/// Fold constants moving a 128-bit lane forward by 128·i bits (i = 1..=3).
static BY128: [(u64, u64); 4] = fold_table(128);

/// EDC of `data` folded 256 bytes at a time, or `None` when `data` is shorter than that.
#[inline(always)]
pub(super) fn edc<L: Lanes64>(l: L, data: &[u8]) -> Option<u32> {
    // The CRC has init 0 and no final XOR, so zero bytes in front do not change it: the
    // first len mod 16 bytes are taken as a zero-padded 16-byte head, folded into the first
    // register, and the rest is whole 16-byte blocks (no byte-at-a-time tail).
    let (head, body) = super::fold::zero_padded_head(data);
    let mut blocks = body.chunks_exact(EDC_BLOCK);
    let first = blocks.next()?;
    let mut a = [
        l.load(first),
        l.load(&first[64..]),
        l.load(&first[128..]),
        l.load(&first[192..]),
    ];
    if let Some(h) = head {
        let mut reg = [0u8; 64];
        reg[..16].copy_from_slice(&h);
        a[0] = l.fold(l.load(&reg), BY128[1], a[0]);
    }
    for b in blocks.by_ref() {
        for (i, ai) in a.iter_mut().enumerate() {
            *ai = l.fold(*ai, BY512[4], l.load(&b[64 * i..]));
        }
    }
    let mut v = merge(l, a);
    let mut rest = blocks.remainder().chunks_exact(64);
    for c in rest.by_ref() {
        v = l.fold(v, BY512[1], l.load(c));
    }
    Some(reduce(l, v, rest.remainder()))
}

/// The four accumulators of a main loop that ended on a whole [`EDC_BLOCK`] folded into one
/// register (a[i] is followed by 512·(3 − i) more folded bits).
#[inline(always)]
fn merge<L: Lanes64>(l: L, a: [L::V; 4]) -> L::V {
    let mut v = a[3];
    for (i, &ai) in a[..3].iter().enumerate() {
        v = l.fold(ai, BY512[3 - i], v);
    }
    v
}

/// The EDC of everything folded into `v`, followed by `rest` (fewer than 64 bytes): the
/// register's lanes folded into one, `rest`'s whole 16-byte blocks folded in, and the table
/// CRC of the lane, as 16 message bytes, and the last bytes.
#[inline(always)]
fn reduce<L: Lanes64>(l: L, v: L::V, rest: &[u8]) -> u32 {
    // Lane i of v is followed by 128·(3 − i) bits.
    let lanes = l.lanes(v);
    let mut x = lanes[3];
    for (i, &li) in lanes[..3].iter().enumerate() {
        x = l.fold16(li, BY128[3 - i], x);
    }
    let mut rest = rest.chunks_exact(16);
    for c in rest.by_ref() {
        x = l.fold16(x, BY128[1], l.load16(c));
    }
    // The register, as 16 message bytes, has the CRC of everything folded so far.
    let tail = rest.remainder();
    let mut buf = [0u8; 32];
    buf[..16].copy_from_slice(&l.bytes16(x));
    buf[16..16 + tail.len()].copy_from_slice(tail);
    crate::codec::edc::edc_table(&buf[..16 + tail.len()])
}

/// [`edc`] of `sector[start..end]` that also scrambles bytes 12..end in the same pass, for an
/// encoder that scrambles before the ECC (see [`super::prescramble`]): each 64-byte block is
/// folded as loaded, then XORed with the table at its sector offset and stored back. The few
/// bytes no block covers (12..start plus the zero-padded head, and the last
/// `(end − start − head) mod 64` bytes) are scrambled eight at a time. The range must hold at
/// least one [`EDC_BLOCK`] past its head (every finish's does).
///
/// The pass goes in steps: [`EdcScramble::step`] does one block of the main loop, so a
/// caller can interleave the pass with other work (the ECC of another sector: the carry-less
/// multiplier and the GFNI and vector ALUs then run at once); [`super::prescramble::EdcPass::finish`]
/// does the rest and returns the EDC.
pub(super) struct EdcScramble<'s, L: Lanes64> {
    l: L,
    sector: &'s mut [u8; SECTOR_SIZE],
    table: &'static [u8; SECTOR_SIZE],
    end: usize,
    /// The first block.
    body: usize,
    /// The next block.
    at: usize,
    /// The end of the main loop's whole 256-byte blocks.
    main_end: usize,
    /// The four accumulators, oldest first (each step folds the oldest and rotates).
    a: [L::V; 4],
}

impl<'s, L: Lanes64> EdcScramble<'s, L> {
    /// Starts the pass: takes the head, scrambles bytes 12..start + head, and does the first
    /// four blocks.
    #[inline(always)]
    pub(super) fn new(l: L, sector: &'s mut [u8; SECTOR_SIZE], start: usize, end: usize) -> Self {
        assert!(start <= end && end <= SECTOR_SIZE);
        let table = crate::codec::scramble::sector_table_for(sector);
        // The zero-padded head of `edc`, taken before any store: the 16 bytes that end at
        // `body` as the first lane of a register, those before `start` masked to zero (no
        // copy through memory, which the load would wait for).
        let r = (end - start) % 16;
        let body = start + r;
        assert!(end - body >= EDC_BLOCK);
        let head =
            (r > 0).then(|| l.load_masked(&sector[body - 16..], ((1u64 << r) - 1) << (16 - r)));
        // Bytes 12..body (header, head) byte-exact: the block loads start at `body`, and the
        // ECC's first loads come long after these stores.
        if body > 12 {
            xor_bytes(&mut sector[12..body], &table[12..body]);
        }
        // The first four blocks start the accumulators, the head folded into the first.
        let mut a = [l.zero(); 4];
        for (i, ai) in a.iter_mut().enumerate() {
            *ai = l.scramble_block(sector, table, body + 64 * i);
        }
        if let Some(h) = head {
            a[0] = l.fold(h, BY128[1], a[0]);
        }
        EdcScramble {
            l,
            sector,
            table,
            end,
            body,
            at: body + EDC_BLOCK,
            main_end: body + (end - body) / EDC_BLOCK * EDC_BLOCK,
            a,
        }
    }

    /// Folds and scrambles the next block of the main loop, if one is left: one
    /// `vpclmulqdq` pair into the oldest accumulator, which becomes the newest.
    #[inline(always)]
    pub(super) fn step(&mut self) {
        if self.at >= self.main_end {
            return;
        }
        let l = self.l;
        let x = l.scramble_block(self.sector, self.table, self.at);
        let y = l.fold(self.a[0], BY512[4], x);
        self.a = [self.a[1], self.a[2], self.a[3], y];
        self.at += 64;
    }
}

impl<L: Lanes64> super::prescramble::EdcPass for EdcScramble<'_, L> {
    #[inline(always)]
    fn finish(mut self) -> (u32, &'static [u8; SECTOR_SIZE]) {
        // Single steps until the accumulators are back in order, then whole 256-byte blocks.
        while (self.at - self.body) % EDC_BLOCK != 0 && self.at < self.main_end {
            self.step();
        }
        while self.at < self.main_end {
            for i in 0..4 {
                let x = self
                    .l
                    .scramble_block(self.sector, self.table, self.at + 64 * i);
                self.a[i] = self.l.fold(self.a[i], BY512[4], x);
            }
            self.at += EDC_BLOCK;
        }
        let (l, end) = (self.l, self.end);
        // Whole 256-byte blocks rotate the accumulators back into order.
        let mut v = merge(l, self.a);
        let mut at = self.at;
        while at + 64 <= end {
            v = l.fold(v, BY512[1], l.scramble_block(self.sector, self.table, at));
            at += 64;
        }
        let crc = reduce(l, v, &self.sector[at..end]);
        // The bytes past the last block.
        xor_bytes(&mut self.sector[at..end], &self.table[at..end]);
        (crc, self.table)
    }
}

/// A tick of the ECC does one block of the pass (after the first four, the main loop of
/// Mode 1 has 28 blocks, Form 2's 32; the ECC 12 P iterations and 14 Q rounds).
impl<L: Lanes64> super::prescramble::Tick for EdcScramble<'_, L> {
    #[inline(always)]
    fn tick_p(&mut self) {
        self.step();
    }
    #[inline(always)]
    fn tick_q(&mut self) {
        self.step();
    }
}

/// The block helpers of [`EdcScramble`] (methods, so they compile with the kernel's
/// target features).
trait ScrambleBlocks: Lanes64 {
    /// The 64 bytes at `at`, as loaded; stored back scrambled.
    #[inline(always)]
    fn scramble_block(
        self,
        sector: &mut [u8; SECTOR_SIZE],
        t: &[u8; SECTOR_SIZE],
        at: usize,
    ) -> Self::V {
        let x = self.load(&sector[at..]);
        self.store_masked(
            &mut sector[at..],
            self.xor(x, self.load(&t[at..])),
            u64::MAX,
        );
        x
    }
}

impl<L: Lanes64> ScrambleBlocks for L {}

/// XORs the 276 parity bytes (2076..2351) with `fix`
/// ([`crate::codec::ecc::PRESCRAMBLED_PARITY_FIX`]).
#[inline(always)]
pub(super) fn fix_parity<L: Lanes64>(l: L, sector: &mut [u8; SECTOR_SIZE], fix: &[u8; PARITY_LEN]) {
    for i in 0..4 {
        let at = P_OFFSET + 64 * i;
        let x = l.xor(l.load(&sector[at..]), l.load(&fix[64 * i..]));
        l.store_masked(&mut sector[at..], x, u64::MAX);
    }
    // The last 20 bytes, through the sector's last 64-byte window.
    let w = SECTOR_SIZE - 64;
    let x = l.xor(l.load(&sector[w..]), l.load(&fix[PARITY_LEN - 64..]));
    l.store_masked(&mut sector[w..], x, u64::MAX << 44);
}

// ---- ECC ----

/// The matrix multiplying by c.
const fn mat(c: u8) -> u64 {
    affine_matrix(c)
}

/// P row r: p0 gets Cᵣ·xᵣ with Cᵣ = (1 ⊕ α^(25−r))/3 (vectors of 24 bytes, n = 26).
static P_MATS: [u64; 24] = {
    let mut t = [0u64; 24];
    let mut r = 0;
    while r < 24 {
        t[r] = mat(gf256_mul_reference(INV3, 1 ^ gf256_pow_alpha_const(25 - r)));
        r += 1;
    }
    t
};

/// Q steps: t = −25..=42 (index i = t + 25).
const Q_STEPS: usize = 68;
/// 16-bit words the Q vectors cover (26 rows × 43 columns, P parity included).
const Q_WORDS: i32 = 1118;

/// Q step i: the byte offset in the sector of word lane 0 (12 + 2·(43·25 + 44·t mod 1118)).
/// An offset in a sector with 64 readable bytes after it. Made only here, for [`Q_AT`], whose
/// entries a `const` assertion checks; SIMD loads through it need no bounds check.
#[derive(Debug, Clone, Copy)]
pub(super) struct QAt(u16);

impl QAt {
    /// The offset (≤ 2352 − 64).
    pub(super) const fn get(self) -> usize {
        self.0 as usize
    }
}

static Q_AT: [QAt; Q_STEPS] = {
    let mut a = [QAt(0); Q_STEPS];
    let mut i = 0;
    while i < Q_STEPS {
        let w = (43 * 25 + 44 * (i as i32 - 25)).rem_euclid(Q_WORDS);
        a[i] = QAt((12 + 2 * w) as u16);
        assert!(a[i].get() + 64 <= SECTOR_SIZE);
        i += 1;
    }
    a
};

/// Q step i: the bytes of word lanes j < 26 whose step k = i − 25 + j is in 0..=42.
static Q_LIVE: [u64; Q_STEPS] = {
    let mut a = [0u64; Q_STEPS];
    let mut i = 0;
    while i < Q_STEPS {
        let mut j = 0;
        while j < 26 {
            let k = i as i32 - 25 + j;
            if k >= 0 && k <= 42 {
                a[i] |= 3 << (2 * j);
            }
            j += 1;
        }
        i += 1;
    }
    a
};

/// Bytes of the word lanes j ≡ m (mod 4).
const fn lanes_mod4(m: usize) -> u64 {
    (3u64 << (2 * m)) * 0x0101_0101_0101_0101
}

/// Q: result word d (diagonal d) is word lane 25 − d.
static Q_REVERSE: [u16; 32] = {
    let mut a = [0u16; 32];
    let mut d = 0;
    while d < 26 {
        a[d] = (25 - d) as u16;
        d += 1;
    }
    a
};

/// Q: matrices for α⁴ (one chain step), 1/3, and α^(2+s)/3 (s = 0..3: a chain sum's way to
/// p0, with s1 = α²·Σ x_k·α^(42−k)).
static Q_ALPHA4: u64 = mat(gf256_pow_alpha_const(4));
static Q_INV3: u64 = mat(INV3);
static Q_FINAL: [u64; 4] = {
    let mut a = [0u64; 4];
    let mut s = 0;
    while s < 4 {
        a[s] = mat(gf256_mul_reference(INV3, gf256_pow_alpha_const(2 + s)));
        s += 1;
    }
    a
};

/// P then Q parity (same contract as [`crate::codec::ecc::ecc_reference`]).
#[inline(always)]
pub(super) fn ecc<L: Lanes64>(l: L, sector: &mut [u8; SECTOR_SIZE], zero_header: bool) {
    let saved = [sector[12], sector[13], sector[14], sector[15]];
    if zero_header {
        sector[12..16].fill(0);
    }
    // P: 24 rows of 86 bytes, 2 registers per row (bytes 86..127 of a row are dropped).
    let mut p0 = [l.zero(); 2];
    let mut s0 = [l.zero(); 2];
    for (r, &m) in P_MATS.iter().enumerate() {
        for j in 0..2 {
            let x = l.load(&sector[12 + 86 * r + 64 * j..]);
            s0[j] = l.xor(s0[j], x);
            p0[j] = l.xor(p0[j], l.mul(x, m));
        }
    }
    let first22 = (1u64 << 22) - 1;
    l.store_masked(&mut sector[P_OFFSET..], p0[0], u64::MAX);
    l.store_masked(&mut sector[P_OFFSET + 64..], p0[1], first22);
    l.store_masked(&mut sector[P_OFFSET + 86..], l.xor(s0[0], p0[0]), u64::MAX);
    l.store_masked(
        &mut sector[P_OFFSET + 86 + 64..],
        l.xor(s0[1], p0[1]),
        first22,
    );

    // Q: copy words 0..32 after word 1117 (into the Q parity area, written below) so loads
    // that wrap stay contiguous.
    sector.copy_within(12..76, Q_OFFSET);
    // Two sums of plain bytes, each taking two chains' bytes per step with one three-way XOR.
    let mut h = [l.zero(); 4];
    let mut s = [l.zero(); 2];
    for (at, live) in Q_AT.chunks_exact(4).zip(Q_LIVE.chunks_exact(4)) {
        let mut x = [l.zero(); 4];
        for c in 0..4 {
            x[c] = l.load_live_at(sector, at[c], live[c]);
            h[c] = l.xor(l.mul_live(h[c], live[c], Q_ALPHA4), x[c]);
        }
        s[0] = l.xor3(s[0], x[0], x[1]);
        s[1] = l.xor3(s[1], x[2], x[3]);
    }
    let s0 = l.xor(s[0], s[1]);
    let mut p0 = l.mul(s0, Q_INV3);
    for (c, &hc) in h.iter().enumerate() {
        for (sh, &m) in Q_FINAL.iter().enumerate() {
            let lanes = lanes_mod4((3 + 8 - c - sh) % 4);
            p0 = l.xor(p0, l.mul_only(hc, lanes, m));
        }
    }
    let p1 = l.xor(s0, p0);
    let mut out = [0u8; 128];
    let first52 = (1u64 << 52) - 1;
    l.store_masked(&mut out, l.permute_words(p0, &Q_REVERSE), first52);
    l.store_masked(&mut out[52..], l.permute_words(p1, &Q_REVERSE), first52);
    sector[Q_OFFSET..].copy_from_slice(&out[..104]);
    sector[12..16].copy_from_slice(&saved);
}

// ---- scrambler ----

/// XORs bytes 12..2351 with the scramble table, storing 64-byte blocks on 64-byte address
/// boundaries (a store that crosses a cache line costs two, and 12 + 64·i never is one on an
/// aligned sector): a masked head up to the first boundary, whole blocks, then a masked tail
/// through the last 64 bytes of the sector. The table is loaded unaligned, from the copy
/// [`crate::codec::scramble::table_for`] picks so that its loads do not wait on the stores.
#[inline(always)]
pub(super) fn scramble<L: Lanes64>(l: L, sector: &mut [u8; SECTOR_SIZE]) {
    let table = crate::codec::scramble::table_for(sector);
    let head = (64 - (sector.as_ptr() as usize + 12) % 64) % 64;
    if head > 0 {
        let x = l.xor(l.load(&sector[12..]), l.load(table));
        l.store_masked(&mut sector[12..], x, (1u64 << head) - 1);
    }
    let mut at = 12 + head;
    while at + 64 <= SECTOR_SIZE {
        let x = l.xor(l.load(&sector[at..]), l.load(&table[at - 12..]));
        l.store_masked(&mut sector[at..], x, u64::MAX);
        at += 64;
    }
    if at < SECTOR_SIZE {
        // Bytes w..at of the last window are done already.
        let w = SECTOR_SIZE - 64;
        let x = l.xor(l.load(&sector[w..]), l.load(&table[w - 12..]));
        l.store_masked(&mut sector[w..], x, u64::MAX << (at - w));
    }
}

const _: () = assert!(8 * EDC_BLOCK == 4 * 512);
const _: () = assert!(TABLE_LEN == SECTOR_SIZE - 12);

// ---- the portable model ----

/// [`Lanes64`] in plain Rust, each operation as the Intel SDM defines its instruction: the
/// oracle that runs the `Avx512` algorithm on any CPU.
#[cfg(test)]
#[derive(Debug, Clone, Copy)]
pub(super) struct Model;

#[cfg(test)]
fn clmul(a: u64, b: u64) -> u128 {
    let mut r = 0u128;
    for i in 0..64 {
        if b >> i & 1 != 0 {
            r ^= (a as u128) << i;
        }
    }
    r
}

#[cfg(test)]
impl Lanes64 for Model {
    type V = [u8; 64];
    type H = [u8; 16];
    fn load(self, s: &[u8]) -> [u8; 64] {
        let mut v = [0u8; 64];
        v.copy_from_slice(&s[..64]);
        v
    }
    fn load_live_at(self, sector: &[u8; SECTOR_SIZE], at: QAt, live: u64) -> [u8; 64] {
        let mut v = self.load(&sector[at.get()..]);
        for (i, b) in v.iter_mut().enumerate() {
            if live >> i & 1 == 0 {
                *b = 0;
            }
        }
        v
    }
    fn load_masked(self, s: &[u8], mask: u64) -> [u8; 64] {
        assert!(s.len() >= 64);
        core::array::from_fn(|i| if mask >> i & 1 != 0 { s[i] } else { 0 })
    }
    fn store_masked(self, s: &mut [u8], v: [u8; 64], mask: u64) {
        assert!(s.len() >= 64);
        for (i, b) in v.iter().enumerate() {
            if mask >> i & 1 != 0 {
                s[i] = *b;
            }
        }
    }
    fn zero(self) -> [u8; 64] {
        [0; 64]
    }
    fn xor(self, a: [u8; 64], b: [u8; 64]) -> [u8; 64] {
        core::array::from_fn(|i| a[i] ^ b[i])
    }
    fn xor3(self, a: [u8; 64], b: [u8; 64], c: [u8; 64]) -> [u8; 64] {
        core::array::from_fn(|i| a[i] ^ b[i] ^ c[i])
    }
    fn mul(self, v: [u8; 64], m: u64) -> [u8; 64] {
        self.mul_live(v, u64::MAX, m)
    }
    fn mul_live(self, v: [u8; 64], live: u64, m: u64) -> [u8; 64] {
        use crate::codec::gf::affine_apply;
        core::array::from_fn(|i| {
            if live >> i & 1 != 0 {
                affine_apply(m, v[i])
            } else {
                v[i]
            }
        })
    }
    fn mul_only(self, v: [u8; 64], live: u64, m: u64) -> [u8; 64] {
        let r = self.mul_live(v, live, m);
        core::array::from_fn(|i| if live >> i & 1 != 0 { r[i] } else { 0 })
    }
    fn permute_words(self, v: [u8; 64], idx: &[u16; 32]) -> [u8; 64] {
        core::array::from_fn(|i| v[2 * (idx[i / 2] as usize & 31) + i % 2])
    }
    fn fold(self, v: [u8; 64], k: (u64, u64), x: [u8; 64]) -> [u8; 64] {
        let mut r = [0u8; 64];
        for lane in 0..4 {
            let mut a = [0u8; 16];
            a.copy_from_slice(&v[16 * lane..16 * lane + 16]);
            let mut b = [0u8; 16];
            b.copy_from_slice(&x[16 * lane..16 * lane + 16]);
            let f = self.fold16(a, k, b);
            r[16 * lane..16 * lane + 16].copy_from_slice(&f);
        }
        r
    }
    fn lanes(self, v: [u8; 64]) -> [[u8; 16]; 4] {
        core::array::from_fn(|l| core::array::from_fn(|i| v[16 * l + i]))
    }
    fn load16(self, s: &[u8]) -> [u8; 16] {
        core::array::from_fn(|i| s[i])
    }
    fn fold16(self, v: [u8; 16], k: (u64, u64), x: [u8; 16]) -> [u8; 16] {
        let w = u128::from_le_bytes(v);
        let p = clmul(w as u64, k.0) ^ clmul((w >> 64) as u64, k.1);
        (p ^ u128::from_le_bytes(x)).to_le_bytes()
    }
    fn bytes16(self, v: [u8; 16]) -> [u8; 16] {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::engine::testing::assert_ecc_matches_reference_on_patterns;
    use crate::codec::{ecc, edc, scramble as scr};
    use proptest::prelude::*;

    #[test]
    fn q_masks_cover_each_diagonal_43_times() {
        for j in 0..32 {
            let n = Q_LIVE.iter().filter(|&&m| m >> (2 * j) & 3 == 3).count();
            assert_eq!(n, if j < 26 { 43 } else { 0 }, "lane {j}");
        }
        // Every live byte is read inside the sector.
        for (at, &live) in Q_AT.iter().map(|a| a.get()).zip(&Q_LIVE) {
            let last = 63 - live.leading_zeros() as usize;
            assert!(at + last < SECTOR_SIZE);
        }
    }

    #[test]
    fn model_ecc_matches_reference_on_patterns() {
        assert_ecc_matches_reference_on_patterns("model", |s, z| ecc(Model, s, z));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn model_ecc_matches_reference(v in proptest::collection::vec(any::<u8>(), SECTOR_SIZE),
                                       z in any::<bool>()) {
            let mut a = [0u8; SECTOR_SIZE];
            a.copy_from_slice(&v);
            let mut b = a;
            ecc::ecc_reference(&mut a, z);
            ecc(Model, &mut b, z);
            prop_assert_eq!(&a[..], &b[..]);
        }

        #[test]
        fn model_edc_matches_reference(v in proptest::collection::vec(any::<u8>(), 0..2400),
                                       skip in 0usize..64) {
            let d = &v[skip.min(v.len())..];
            let want = edc::edc_reference(d);
            match edc(Model, d) {
                Some(got) => prop_assert_eq!(got, want),
                None => prop_assert!(d.len() < EDC_BLOCK),
            }
        }

        #[test]
        fn model_finish_scrambled_matches_reference(v in proptest::collection::vec(any::<u8>(), SECTOR_SIZE),
                                                    f in 0usize..3) {
            use crate::codec::engine::prescramble::{encode_scrambled, finish_scrambled, Kernels, Tick};
            use crate::codec::engine::{Engine, Finish, Reference};
            #[derive(Clone, Copy)]
            struct K;
            impl Kernels for K {
                const INTERLEAVE: bool = true;
                type Pass<'s> = EdcScramble<'s, Model>;
                fn begin<'s>(self, s: &'s mut [u8; SECTOR_SIZE], start: usize, end: usize) -> Self::Pass<'s> {
                    EdcScramble::new(Model, s, start, end)
                }
                fn ecc<T: Tick>(self, s: &mut [u8; SECTOR_SIZE], tick: &mut T) {
                    // Some of the next pass before the ECC, some after.
                    for _ in 0..5 {
                        tick.tick_q();
                    }
                    ecc(Model, s, false);
                    tick.tick_p();
                }
                fn fix_parity(self, s: &mut [u8; SECTOR_SIZE], fix: &[u8; PARITY_LEN]) {
                    fix_parity(Model, s, fix)
                }
            }
            let finish = [Finish::Mode1, Finish::Mode2Form1, Finish::Mode2Form2][f];
            let mut a = [0u8; SECTOR_SIZE];
            a.copy_from_slice(&v);
            let mut b = a;
            Reference.encode_batch(core::slice::from_mut(&mut a), finish, true);
            finish_scrambled(K, &mut b, finish);
            prop_assert_eq!(&a[..], &b[..]);
            // A batch, each sector's pass inside the ECC of the one before.
            let mut xs = vec![[0u8; SECTOR_SIZE]; 3];
            for (i, x) in xs.iter_mut().enumerate() {
                x.copy_from_slice(&v);
                x[100 + i] ^= 0x5A;
            }
            let mut ys = xs.clone();
            Reference.encode_batch(&mut xs, finish, true);
            encode_scrambled(K, ys.iter_mut(), finish);
            prop_assert!(xs == ys);
        }

        #[test]
        fn model_scramble_matches_reference(v in proptest::collection::vec(any::<u8>(), SECTOR_SIZE)) {
            let mut a = [0u8; SECTOR_SIZE];
            a.copy_from_slice(&v);
            scr::scramble_reference(&mut a);
            // Every address alignment (the head and tail masks depend on it).
            let mut buf = vec![0u8; SECTOR_SIZE + 64];
            for off in 0..64 {
                buf[off..off + SECTOR_SIZE].copy_from_slice(&v);
                let s: &mut [u8; SECTOR_SIZE] = (&mut buf[off..off + SECTOR_SIZE]).try_into().unwrap();
                scramble(Model, s);
                prop_assert_eq!(&a[..], &s[..], "offset {}", off);
            }
        }
    }
}

//! Scramble first, ECC after: how the x86 engines finish a scrambled sector in one pass over
//! its bytes instead of three (EDC, then ECC, then the scrambler).
//!
//! The EDC is folded over the plain bytes while the same loaded blocks are scrambled and
//! stored back; the ECC then runs over the scrambled data, and because the ECC is linear and
//! the scrambler an XOR with a fixed sequence, the parity it computes differs from the
//! scrambled parity by a constant ([`PRESCRAMBLED_PARITY_FIX`]), XORed over the 276 parity
//! bytes at the end. Every byte is the one the three passes give (tested for every engine
//! against the reference through `encode_batch`).
#![forbid(unsafe_code)]
// Without the 1.89 intrinsics (`rawcd_simd512`) only the ECC kernels' `Tick` is used.
#![cfg_attr(not(any(test, rawcd_simd512)), allow(dead_code))]

use super::Finish;
use crate::codec::ecc::{PARITY_LEN, PRESCRAMBLED_PARITY_FIX};
#[cfg(doc)]
use crate::codec::scramble::sector_table_for;
use crate::codec::sector::{form1, form2, mode1, SECTOR_SIZE, SUBHEADER};

/// Work an ECC kernel runs between its loop iterations: the next sector's EDC pass, so that
/// the carry-less multiplier (EDC) and the GFNI and vector ALUs (ECC) run at once (on AMD Zen 4
/// they do not share a unit: 8 `vpclmulqdq` and 16 `gf2p8affineqb` take the 16 cycles of the
/// 8 `vpclmulqdq` alone).
pub(super) trait Tick {
    /// Called once per iteration of the P loop (two rows).
    fn tick_p(&mut self);
    /// Called once per round of the Q loop (four steps of both groups).
    fn tick_q(&mut self);
}

/// No work between the iterations.
impl Tick for () {
    #[inline(always)]
    fn tick_p(&mut self) {}
    #[inline(always)]
    fn tick_q(&mut self) {}
}

/// An EDC pass that scrambles as it goes (`lanes64::EdcScramble`, `x86::wide::EdcScramble256`).
pub(super) trait EdcPass: Tick {
    /// Does the rest of the pass; the EDC, and the sector's scramble table
    /// ([`sector_table_for`]), which the pass has looked up already.
    fn finish(self) -> (u32, &'static [u8; SECTOR_SIZE]);
}

/// The kernels an engine brings.
pub(super) trait Kernels: Copy {
    /// Whether [`encode_scrambled`] runs each sector's EDC pass inside the ECC of the one
    /// before (where the kernels have the registers for both).
    const INTERLEAVE: bool;
    /// An EDC pass over one sector (see [`Kernels::begin`]); its ticks each do a share of it.
    type Pass<'s>: EdcPass;
    /// Starts the EDC of `sector[start..end]` (plain bytes) that scrambles bytes 12..end as
    /// it goes.
    fn begin<'s>(
        self,
        sector: &'s mut [u8; SECTOR_SIZE],
        start: usize,
        end: usize,
    ) -> Self::Pass<'s>;
    /// The engine's ECC (P then Q, as [`super::Engine::ecc`], header included), calling
    /// `tick` between its loop iterations.
    fn ecc<T: Tick>(self, sector: &mut [u8; SECTOR_SIZE], tick: &mut T);
    /// XORs `fix` over the parity bytes 2076..2351.
    fn fix_parity(self, sector: &mut [u8; SECTOR_SIZE], fix: &[u8; PARITY_LEN]);
}

/// The range of a finish's EDC.
#[inline(always)]
fn edc_range(finish: Finish) -> (usize, usize) {
    match finish {
        Finish::Mode1 => (0, mode1::EDC),
        Finish::Mode2Form1 => (SUBHEADER, form1::EDC),
        Finish::Mode2Form2 => (SUBHEADER, form2::EDC),
    }
}

/// Finishes one sector (as `finish_mode1`, `finish_form1` or `finish_form2`) and scrambles it.
#[cfg(test)]
pub(super) fn finish_scrambled<K: Kernels>(k: K, s: &mut [u8; SECTOR_SIZE], finish: Finish) {
    let (start, end) = edc_range(finish);
    let (v, t) = k.begin(s, start, end).finish();
    let header = after_edc(s, finish, v, t);
    finish_ecc(k, s, finish, header, &mut ());
}

/// Finishes and scrambles a run of sectors, each as `finish_mode1`, `finish_form1` or
/// `finish_form2` and then the scrambler would; with
/// [`Kernels::INTERLEAVE`], the EDC pass of each sector runs inside the ECC of the one before.
#[inline(always)]
pub(super) fn encode_scrambled<'a, K: Kernels>(
    k: K,
    mut sectors: impl Iterator<Item = &'a mut [u8; SECTOR_SIZE]>,
    finish: Finish,
) {
    let (start, end) = edc_range(finish);
    let Some(mut cur) = sectors.next() else {
        return;
    };
    let (v, t) = k.begin(cur, start, end).finish();
    let mut header = after_edc(cur, finish, v, t);
    for next in sectors {
        let (v, t) = if K::INTERLEAVE {
            let mut pass = k.begin(next, start, end);
            finish_ecc(k, cur, finish, header, &mut pass);
            pass.finish()
        } else {
            finish_ecc(k, cur, finish, header, &mut ());
            k.begin(next, start, end).finish()
        };
        header = after_edc(next, finish, v, t);
        cur = next;
    }
    finish_ecc(k, cur, finish, header, &mut ());
}

/// After the EDC pass: the EDC and, for Mode 1, the zero field, scrambled; for Form 1 the
/// header swapped for the scrambled zero header the ECC takes (its parity is in the fix),
/// returned to be put back after the ECC. `t` is the sector's scramble table.
#[inline(always)]
fn after_edc(s: &mut [u8; SECTOR_SIZE], finish: Finish, v: u32, t: &[u8; SECTOR_SIZE]) -> [u8; 4] {
    let (_, edc_at) = edc_range(finish);
    for (i, b) in v.to_le_bytes().into_iter().enumerate() {
        s[edc_at + i] = b ^ t[edc_at + i];
    }
    let header = [s[12], s[13], s[14], s[15]];
    match finish {
        Finish::Mode1 => {
            s[mode1::ZERO..mode1::ZERO + 8].copy_from_slice(&t[mode1::ZERO..mode1::ZERO + 8])
        }
        Finish::Mode2Form1 => s[12..16].copy_from_slice(&t[12..16]),
        Finish::Mode2Form2 => {}
    }
    header
}

/// The ECC over the scrambled sector, the parity fix, and Form 1's header back.
#[inline(always)]
fn finish_ecc<K: Kernels, T: Tick>(
    k: K,
    s: &mut [u8; SECTOR_SIZE],
    finish: Finish,
    header: [u8; 4],
    tick: &mut T,
) {
    if finish == Finish::Mode2Form2 {
        return;
    }
    k.ecc(s, tick);
    k.fix_parity(s, &PRESCRAMBLED_PARITY_FIX);
    if finish == Finish::Mode2Form1 {
        s[12..16].copy_from_slice(&header);
    }
}

/// `dst ⊕= src`, 8 bytes at a time (for the few bytes no block covers).
#[inline(always)]
pub(super) fn xor_bytes(dst: &mut [u8], src: &[u8]) {
    let mut d = dst.chunks_exact_mut(8);
    let mut s = src.chunks_exact(8);
    for (d, s) in d.by_ref().zip(s.by_ref()) {
        let x = u64::from_ne_bytes(d[..8].try_into().expect("8"))
            ^ u64::from_ne_bytes(s.try_into().expect("8"));
        d.copy_from_slice(&x.to_ne_bytes());
    }
    for (d, s) in d.into_remainder().iter_mut().zip(s.remainder()) {
        *d ^= s;
    }
}

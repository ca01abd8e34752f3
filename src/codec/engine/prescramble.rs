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

use super::Finish;
use crate::codec::ecc::{PARITY_LEN, PRESCRAMBLED_PARITY_FIX};
use crate::codec::scramble::sector_table_for;
use crate::codec::sector::{form1, form2, mode1, SECTOR_SIZE, SUBHEADER};

/// The three kernels an engine brings.
pub(super) trait Kernels: Copy {
    /// EDC of `sector[start..end]` (plain bytes), scrambling bytes 12..end in the same pass.
    fn edc_scramble(self, sector: &mut [u8; SECTOR_SIZE], start: usize, end: usize) -> u32;
    /// The engine's ECC (P then Q, as [`super::Engine::ecc`], header included).
    fn ecc(self, sector: &mut [u8; SECTOR_SIZE]);
    /// XORs `fix` over the parity bytes 2076..2351.
    fn fix_parity(self, sector: &mut [u8; SECTOR_SIZE], fix: &[u8; PARITY_LEN]);
}

/// Finishes one sector (as `finish_mode1`, `finish_form1` or `finish_form2`) and scrambles it.
#[inline(always)]
pub(super) fn finish_scrambled<K: Kernels>(k: K, s: &mut [u8; SECTOR_SIZE], finish: Finish) {
    let t = sector_table_for(s);
    let (start, edc_at) = match finish {
        Finish::Mode1 => (0, mode1::EDC),
        Finish::Mode2Form1 => (SUBHEADER, form1::EDC),
        Finish::Mode2Form2 => (SUBHEADER, form2::EDC),
    };
    let v = k.edc_scramble(s, start, edc_at);
    for (i, b) in v.to_le_bytes().into_iter().enumerate() {
        s[edc_at + i] = b ^ t[edc_at + i];
    }
    if finish == Finish::Mode2Form2 {
        return;
    }
    let mut header = [0u8; 4];
    if finish == Finish::Mode1 {
        // The zero field, scrambled.
        s[mode1::ZERO..mode1::ZERO + 8].copy_from_slice(&t[mode1::ZERO..mode1::ZERO + 8]);
    } else {
        // Form 1's ECC takes the header as zero: the ECC runs over a zero header, scrambled
        // (its parity is in the fix), and the header gets its scrambled value back after.
        header.copy_from_slice(&s[12..16]);
        s[12..16].copy_from_slice(&t[12..16]);
    }
    k.ecc(s);
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

//! Decoding and checking one 2352-byte sector: sync, scrambling, header address, mode, EDC, ECC.
//! `rawcd verify` is built on [`verify_sector`].
#![forbid(unsafe_code)]

use super::engine::Engine;
use super::scramble::scramble_prefix;
use super::sector::{form1, form2, header_lba, mode1, SECTOR_SIZE, SUBMODE_FORM2, SYNC};
use crate::units::Lba;

/// Outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Stored value equals the recomputed one.
    Ok,
    /// Stored value differs.
    Bad,
    /// Form 2 EDC stored as 0 ("not computed"), accepted (D9).
    Zero,
    /// The sector's mode has no such field.
    Absent,
}

impl Check {
    /// `Ok`, `Zero` and `Absent` are acceptable.
    pub fn passes(self) -> bool {
        !matches!(self, Check::Bad)
    }
}

/// How to treat scrambling when verifying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scrambling {
    /// Decide from the header (mode byte 0..2 unscrambled, 0x60..0x62 scrambled).
    Auto,
    /// The sector is scrambled.
    Scrambled,
    /// The sector is not scrambled.
    Plain,
}

/// What [`verify_sector`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectorReport {
    /// The sync pattern is present.
    pub sync: bool,
    /// The sector was (taken as) scrambled.
    pub scrambled: bool,
    /// Header address (by the lead-in rule), `None` if the BCD is invalid.
    pub address: Option<Lba>,
    /// Whether the address equals the expected LBA (`None` when none was given).
    pub address_matches: Option<bool>,
    /// Header mode byte.
    pub mode: u8,
    /// For Mode 2: 1 or 2 from the subheader's Form bit.
    pub form: Option<u8>,
    /// Mode 2: both subheader copies are equal.
    pub subheaders_match: Option<bool>,
    /// EDC check.
    pub edc: Check,
    /// ECC (P and Q) check.
    pub ecc: Check,
    /// Mode 1 zero field / Mode 0 zero data.
    pub zero: Check,
}

impl SectorReport {
    /// True when every check passes: sync, valid mode, address (if expected), EDC, ECC, zeros.
    pub fn is_valid(&self) -> bool {
        self.sync
            && self.mode <= 2
            && self.address.is_some()
            && self.address_matches != Some(false)
            && self.edc.passes()
            && self.ecc.passes()
            && self.zero.passes()
    }

    /// One short phrase per failed check.
    pub fn problems(&self) -> Vec<String> {
        let mut v = Vec::new();
        if !self.sync {
            v.push("no sync pattern".to_string());
        }
        if self.mode > 2 {
            v.push(format!("invalid mode byte {:#04x}", self.mode));
        }
        match (self.address, self.address_matches) {
            (None, _) => v.push("header address is not BCD".to_string()),
            (Some(a), Some(false)) => v.push(format!("header address is LBA {}", a.0)),
            _ => {}
        }
        if self.edc == Check::Bad {
            v.push("EDC mismatch".to_string());
        }
        if self.ecc == Check::Bad {
            v.push("ECC mismatch".to_string());
        }
        if self.zero == Check::Bad {
            v.push(if self.mode == 0 {
                "Mode 0 data not zero".to_string()
            } else {
                "Mode 1 zero field not zero".to_string()
            });
        }
        v
    }
}

/// Checks a 2352-byte data sector (scrambled or not, per `scrambling`) against an optional
/// expected LBA. Never panics; a wrong length is reported as a report with `sync: false`.
pub fn verify_sector<E: Engine + ?Sized>(
    engine: &E,
    sector: &[u8],
    expected: Option<Lba>,
    scrambling: Scrambling,
) -> SectorReport {
    let full = sector.len() == SECTOR_SIZE;
    // A whole sector is copied as it is (no zeroing first: this copy is where `verify` first
    // touches the image's bytes, a fifth of its time).
    let mut s: [u8; SECTOR_SIZE] = match <&[u8; SECTOR_SIZE]>::try_from(sector) {
        Ok(whole) => *whole,
        Err(_) => {
            let mut s = [0u8; SECTOR_SIZE];
            let n = sector.len().min(SECTOR_SIZE);
            s[..n].copy_from_slice(&sector[..n]);
            s
        }
    };
    let scrambled = match scrambling {
        Scrambling::Scrambled => true,
        Scrambling::Plain => false,
        Scrambling::Auto => (0x60..=0x62).contains(&s[15]),
    };
    if scrambled {
        engine.scramble(&mut s);
    }
    let sync = full && s[..12] == SYNC;
    let address = header_lba(&s);
    let address_matches = expected.map(|e| address == Some(e));
    let mode = s[15];
    let mut r = SectorReport {
        sync,
        scrambled,
        address,
        address_matches,
        mode,
        form: None,
        subheaders_match: None,
        edc: Check::Absent,
        ecc: Check::Absent,
        zero: Check::Absent,
    };
    if !full {
        return r;
    }
    let stored = |at: usize| u32::from_le_bytes([s[at], s[at + 1], s[at + 2], s[at + 3]]);
    match mode {
        0 => {
            r.zero = ok_if(s[16..].iter().all(|&b| b == 0));
        }
        1 => {
            r.edc = ok_if(engine.edc(&s[..mode1::EDC]) == stored(mode1::EDC));
            r.zero = ok_if(s[mode1::ZERO..mode1::ZERO + 8].iter().all(|&b| b == 0));
            r.ecc = ecc_matches(engine, &mut s, false);
        }
        2 => {
            r.subheaders_match = Some(s[16..20] == s[20..24]);
            if s[18] & SUBMODE_FORM2 != 0 {
                r.form = Some(2);
                let st = stored(form2::EDC);
                r.edc = if st == 0 {
                    Check::Zero
                } else {
                    ok_if(engine.edc(&s[16..form2::EDC]) == st)
                };
            } else {
                r.form = Some(1);
                r.edc = ok_if(engine.edc(&s[16..form1::EDC]) == stored(form1::EDC));
                r.ecc = ecc_matches(engine, &mut s, true);
            }
        }
        _ => {}
    }
    r
}

/// Recomputes the ECC of the (local copy) `s` in place and compares it with the parity it
/// held: only the 276 parity bytes are saved, not the whole sector. `s`'s parity is
/// overwritten.
fn ecc_matches<E: Engine + ?Sized>(
    engine: &E,
    s: &mut [u8; SECTOR_SIZE],
    zero_header: bool,
) -> Check {
    let mut stored = [0u8; SECTOR_SIZE - 2076];
    stored.copy_from_slice(&s[2076..]);
    engine.ecc(s, zero_header);
    ok_if(s[2076..] == stored)
}

fn ok_if(b: bool) -> Check {
    if b {
        Check::Ok
    } else {
        Check::Bad
    }
}

/// A descrambler's "is this a data sector?" verdict for a scrambled, possibly truncated sector,
/// as a ripper needs it: with an expected LBA, a descrambled header naming that LBA is enough;
/// otherwise the sync must be present and the mode 1 or 2, or 0 with all-zero data (over the
/// bytes present). Fewer than 16 bytes is never a data sector.
pub fn looks_like_data(scrambled: &[u8], expected: Option<Lba>) -> bool {
    if scrambled.len() < 16 {
        return false;
    }
    let n = scrambled.len().min(SECTOR_SIZE);
    let mut s = scrambled[..n].to_vec();
    scramble_prefix(&mut s);
    if let Some(e) = expected {
        if header_lba(&s) == Some(e) {
            return true;
        }
    }
    if s[..12] != SYNC {
        return false;
    }
    match s[15] {
        1 | 2 => true,
        0 => s[16..].iter().all(|&b| b == 0),
        _ => false,
    }
}

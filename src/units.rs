//! Units of the disc: logical block addresses, minute/second/frame times and BCD.
//!
//! A sector is 1/75 s. LBA 0 is track 1's INDEX 01 in a standard layout; the absolute frame is
//! `a = LBA + 150` for LBA ≥ −150 and `a = LBA + 450150` in the lead-in (LBA < −150), the
//! "minute ≥ 90 means negative" convention (cd-format.md §1.1–1.2).
#![forbid(unsafe_code)]

use std::fmt;

/// Sectors per second.
pub const FRAMES_PER_SECOND: i32 = 75;
/// Sectors per minute.
pub const FRAMES_PER_MINUTE: i32 = 75 * 60;
/// Offset between LBA and absolute frame in the program area (2 s).
pub const PREGAP_OFFSET: i32 = 150;
/// Offset between LBA and absolute frame in the lead-in (LBA < −150).
pub const LEADIN_OFFSET: i32 = 450_150;
/// Smallest LBA that has an MSF (00:00:00 read as lead-in minute 90: LBA −45150).
pub const MIN_LBA: i32 = -45_150;
/// Largest LBA that has an MSF (89:59:74).
pub const MAX_LBA: i32 = 404_849;

/// A logical block address (may be negative: pre-gap −150..−1, lead-in below).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Lba(pub i32);

impl Lba {
    /// The LBA as a plain integer.
    #[inline]
    pub const fn get(self) -> i32 {
        self.0
    }

    /// The MSF of this LBA by the lead-in rule, or `None` outside −45150..=404849.
    #[inline]
    pub const fn to_msf(self) -> Option<Msf> {
        Msf::from_lba(self.0)
    }
}

impl fmt::Display for Lba {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl From<i32> for Lba {
    fn from(v: i32) -> Self {
        Lba(v)
    }
}

/// A minute:second:frame time in binary (not BCD), each field in range (m < 100, s < 60, f < 75).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Msf {
    /// Minutes, 0..=99.
    pub m: u8,
    /// Seconds, 0..=59.
    pub s: u8,
    /// Frames, 0..=74.
    pub f: u8,
}

impl Msf {
    /// Builds an MSF from fields; `None` when a field is out of range.
    pub const fn new(m: u8, s: u8, f: u8) -> Option<Msf> {
        if m < 100 && s < 60 && f < 75 {
            Some(Msf { m, s, f })
        } else {
            None
        }
    }

    /// An MSF from a frame count (a duration or an absolute frame), `None` if ≥ 100 minutes.
    pub const fn from_frames(frames: i32) -> Option<Msf> {
        if frames < 0 || frames >= 100 * FRAMES_PER_MINUTE {
            return None;
        }
        Some(Msf {
            m: (frames / FRAMES_PER_MINUTE) as u8,
            s: ((frames / FRAMES_PER_SECOND) % 60) as u8,
            f: (frames % FRAMES_PER_SECOND) as u8,
        })
    }

    /// The frame count `(m·60 + s)·75 + f`.
    pub const fn frames(self) -> i32 {
        (self.m as i32 * 60 + self.s as i32) * 75 + self.f as i32
    }

    /// The MSF of an LBA: `LBA + 150` for LBA ≥ −150, `LBA + 450150` for the lead-in.
    /// `None` outside −45150..=404849 (no representation).
    pub const fn from_lba(lba: i32) -> Option<Msf> {
        if lba < MIN_LBA || lba > MAX_LBA {
            return None;
        }
        let a = if lba < -PREGAP_OFFSET {
            lba + LEADIN_OFFSET
        } else {
            lba + PREGAP_OFFSET
        };
        Msf::from_frames(a)
    }

    /// The LBA of this MSF: minutes ≥ 90 are lead-in (−450150), others −150.
    pub const fn to_lba(self) -> i32 {
        if self.m >= 90 {
            self.frames() - LEADIN_OFFSET
        } else {
            self.frames() - PREGAP_OFFSET
        }
    }

    /// The three fields as BCD bytes.
    pub const fn to_bcd(self) -> [u8; 3] {
        [to_bcd(self.m), to_bcd(self.s), to_bcd(self.f)]
    }

    /// Parses three BCD bytes; `None` when a nibble is not a decimal digit or a field is out of range.
    pub const fn from_bcd(b: [u8; 3]) -> Option<Msf> {
        match (from_bcd(b[0]), from_bcd(b[1]), from_bcd(b[2])) {
            (Some(m), Some(s), Some(f)) => Msf::new(m, s, f),
            _ => None,
        }
    }
}

impl fmt::Display for Msf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}:{:02}", self.m, self.s, self.f)
    }
}

/// Binary 0..=99 to packed BCD. Values above 99 are reduced modulo 100.
#[inline]
pub const fn to_bcd(v: u8) -> u8 {
    let v = v % 100;
    ((v / 10) << 4) | (v % 10)
}

/// Packed BCD to binary; `None` when a nibble is above 9.
#[inline]
pub const fn from_bcd(b: u8) -> Option<u8> {
    let hi = b >> 4;
    let lo = b & 0x0F;
    if hi > 9 || lo > 9 {
        None
    } else {
        Some(hi * 10 + lo)
    }
}

/// A number of sectors.
pub type SectorCount = u32;

/// A track number 1..=99.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TrackNumber(pub u8);

impl fmt::Display for TrackNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

/// An index number 0..=99.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IndexNumber(pub u8);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lba_msf_pairs_from_cd_format_1_1_and_1_2() {
        let pairs: &[((u8, u8, u8), i32)] = &[
            ((0, 0, 0), -150),
            ((0, 0, 74), -76),
            ((0, 1, 74), -1),
            ((0, 2, 0), 0),
            ((79, 59, 74), 359_849),
            ((80, 0, 0), 359_850),
            ((88, 29, 74), 398_099),
            ((89, 59, 74), 404_849),
            ((99, 59, 74), -151),
            ((97, 26, 65), -11_635),
            ((95, 0, 0), -22_650),
        ];
        for &((m, s, f), lba) in pairs {
            let msf = Msf::new(m, s, f).unwrap();
            assert_eq!(Msf::from_lba(lba), Some(msf), "lba {lba}");
            assert_eq!(msf.to_lba(), lba);
        }
    }

    #[test]
    fn lbas_without_msf_are_none() {
        assert_eq!(Msf::from_lba(404_850), None);
        assert_eq!(Msf::from_lba(-45_151), None);
        assert_eq!(Msf::from_lba(-45_150), Msf::new(90, 0, 0));
    }

    #[test]
    fn bcd_round_trips() {
        for v in 0..100u8 {
            assert_eq!(from_bcd(to_bcd(v)), Some(v));
        }
        assert_eq!(to_bcd(37), 0x37);
        assert_eq!(from_bcd(0x1A), None);
    }
}

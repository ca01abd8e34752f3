//! The Q subchannel: 12-byte frames (ADR 1 position and lead-in TOC, ADR 2 MCN, ADR 3 ISRC), the
//! CRC-16/GSM over bytes 0..9 stored inverted big-endian in bytes 10..11 (cd-format.md §6), and
//! validated MCN and ISRC values.
#![forbid(unsafe_code)]

use crc::{Crc, CRC_16_GSM};

use super::error::CodecError;
use crate::units::{from_bcd, to_bcd, Msf};

/// The Q and CD-Text CRC: CRC-16/GSM (0x1021, init 0, final XOR 0xFFFF).
pub static CRC16: Crc<u16> = Crc::<u16>::new(&CRC_16_GSM);

/// Computes the Q CRC of `bytes` (as stored: already inverted).
#[inline]
pub fn crc16(bytes: &[u8]) -> u16 {
    CRC16.checksum(bytes)
}

/// CRC-16/GSM bit by bit (the oracle for [`crc16`]).
pub fn crc16_reference(bytes: &[u8]) -> u16 {
    let mut crc = 0u16;
    for &b in bytes {
        crc ^= (b as u16) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc ^ 0xFFFF
}

/// A 13-digit media catalogue number (UPC/EAN), validated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mcn([u8; 13]);

impl Mcn {
    /// Parses 1..=13 decimal digits, left-padding shorter input with zeros (D15).
    ///
    /// # Errors
    /// [`CodecError::BadMcn`] for empty input, more than 13 characters or a non-digit.
    pub fn parse(text: &str) -> Result<Mcn, CodecError> {
        let t = text.trim();
        let bad = |reason| CodecError::BadMcn {
            text: text.to_string(),
            reason,
        };
        if t.is_empty() {
            return Err(bad("empty"));
        }
        if t.len() > 13 {
            return Err(bad("more than 13 digits"));
        }
        if !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("only decimal digits are allowed"));
        }
        let mut d = [0u8; 13];
        let off = 13 - t.len();
        for (i, b) in t.bytes().enumerate() {
            d[off + i] = b - b'0';
        }
        Ok(Mcn(d))
    }

    /// Parses exactly 13 digits (the strict form cue sheets and the CLI require).
    ///
    /// # Errors
    /// [`CodecError::BadMcn`] unless the text is 13 decimal digits.
    pub fn parse_strict(text: &str) -> Result<Mcn, CodecError> {
        if text.trim().len() != 13 {
            return Err(CodecError::BadMcn {
                text: text.to_string(),
                reason: "must be exactly 13 digits",
            });
        }
        Mcn::parse(text)
    }

    /// The 13 digits (0..=9 each).
    pub fn digits(&self) -> &[u8; 13] {
        &self.0
    }

    /// Whether the UPC/EAN check digit is right (weights 1, 3, 1, 3 … over the first 12 digits).
    /// rawcd accepts a wrong one with a warning (D15).
    pub fn check_digit_ok(&self) -> bool {
        let sum: u32 = self.0[..12]
            .iter()
            .enumerate()
            .map(|(i, &d)| d as u32 * if i % 2 == 0 { 1 } else { 3 })
            .sum();
        (10 - sum % 10) % 10 == self.0[12] as u32
    }
}

impl std::fmt::Display for Mcn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for d in self.0 {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// An ISRC: CC OOO YY SSSSS (country and owner alphanumeric, year and serial digits), validated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Isrc([u8; 12]);

impl Isrc {
    /// Parses 12 characters, ignoring dashes (`US-XX1-98-01234`); letters are upper-cased.
    ///
    /// # Errors
    /// [`CodecError::BadIsrc`] naming the position and the problem.
    pub fn parse(text: &str) -> Result<Isrc, CodecError> {
        let chars: Vec<u8> = text
            .trim()
            .bytes()
            .filter(|&b| b != b'-')
            .map(|b| b.to_ascii_uppercase())
            .collect();
        let bad = |reason: String| CodecError::BadIsrc {
            text: text.to_string(),
            reason,
        };
        if chars.len() != 12 {
            return Err(bad(format!(
                "{} characters, expected 12 (CCOOOYYSSSSS)",
                chars.len()
            )));
        }
        for (i, &c) in chars.iter().enumerate() {
            let ok = match i {
                0 | 1 => c.is_ascii_uppercase(),
                2..=4 => c.is_ascii_uppercase() || c.is_ascii_digit(),
                _ => c.is_ascii_digit(),
            };
            if !ok {
                let what = match i {
                    0 | 1 => "a letter (country code)",
                    2..=4 => "a letter or digit (owner code)",
                    _ => "a digit (year and serial)",
                };
                return Err(bad(format!(
                    "character {} {:?} must be {what}",
                    i + 1,
                    c as char
                )));
            }
        }
        let mut a = [0u8; 12];
        a.copy_from_slice(&chars);
        Ok(Isrc(a))
    }

    /// The 12 ASCII characters.
    pub fn as_bytes(&self) -> &[u8; 12] {
        &self.0
    }

    /// The ISRC as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl std::fmt::Display for Isrc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn isrc_code(c: u8) -> u8 {
    if c.is_ascii_digit() {
        c - b'0'
    } else {
        c - b'A' + 0x11
    }
}

fn isrc_char(code: u8) -> Option<u8> {
    match code {
        0x00..=0x09 => Some(b'0' + code),
        0x11..=0x2A => Some(b'A' + code - 0x11),
        _ => None,
    }
}

/// A 12-byte Q frame, CRC included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct QFrame(pub [u8; 12]);

impl QFrame {
    /// Seals bytes 0..9 with the CRC.
    pub fn with_crc(mut b: [u8; 12]) -> QFrame {
        let c = crc16(&b[..10]);
        b[10..12].copy_from_slice(&c.to_be_bytes());
        QFrame(b)
    }

    /// ADR 1 position frame: CTRL, track (binary 1..99 or 0xAA raw for the lead-out), index,
    /// relative and absolute time.
    pub fn position(ctrl: u8, tno: u8, index: u8, rel: Msf, abs: Msf) -> QFrame {
        let t = if tno == 0xAA { 0xAA } else { to_bcd(tno) };
        let r = rel.to_bcd();
        let a = abs.to_bcd();
        QFrame::with_crc([
            (ctrl << 4) | 1,
            t,
            to_bcd(index),
            r[0],
            r[1],
            r[2],
            0,
            a[0],
            a[1],
            a[2],
            0,
            0,
        ])
    }

    /// Lead-in TOC frame: POINT (raw byte: BCD track or 0xA0..0xA2), running time, P-MSF bytes
    /// (raw: BCD or, for A0/A1, a track number and disc type).
    pub fn toc(ctrl: u8, point: u8, running: Msf, p: [u8; 3]) -> QFrame {
        let r = running.to_bcd();
        QFrame::with_crc([
            (ctrl << 4) | 1,
            0,
            point,
            r[0],
            r[1],
            r[2],
            0,
            p[0],
            p[1],
            p[2],
            0,
            0,
        ])
    }

    /// Lead-in ADR 5 frame (B0, C0; cd-format §10.7): CTRL 0, TNO 0, POINT, then MIN SEC FRAME,
    /// ZERO and PMIN PSEC PFRAME, all as the raw bytes given.
    pub fn toc_adr5(point: u8, msf: [u8; 3], zero: u8, p: [u8; 3]) -> QFrame {
        QFrame::with_crc([
            5, 0, point, msf[0], msf[1], msf[2], zero, p[0], p[1], p[2], 0, 0,
        ])
    }

    /// ADR 2 MCN frame with the sector's AFRAME (binary 0..74).
    pub fn mcn(ctrl: u8, mcn: &Mcn, aframe: u8) -> QFrame {
        let d = mcn.digits();
        let mut b = [0u8; 12];
        b[0] = (ctrl << 4) | 2;
        for i in 0..6 {
            b[1 + i] = (d[2 * i] << 4) | d[2 * i + 1];
        }
        b[7] = d[12] << 4;
        b[9] = to_bcd(aframe);
        QFrame::with_crc(b)
    }

    /// ADR 3 ISRC frame with the sector's AFRAME (binary 0..74).
    pub fn isrc(ctrl: u8, isrc: &Isrc, aframe: u8) -> QFrame {
        let c = isrc.as_bytes();
        let mut bits: u64 = 0;
        for &ch in &c[..5] {
            bits = (bits << 6) | isrc_code(ch) as u64;
        }
        bits <<= 2; // 30 bits over bytes 1..4, low 2 bits of byte 4 zero
        let mut b = [0u8; 12];
        b[0] = (ctrl << 4) | 3;
        b[1..5].copy_from_slice(&(bits as u32).to_be_bytes());
        let dg: Vec<u8> = c[5..].iter().map(|&x| x - b'0').collect();
        b[5] = (dg[0] << 4) | dg[1];
        b[6] = (dg[2] << 4) | dg[3];
        b[7] = (dg[4] << 4) | dg[5];
        b[8] = dg[6] << 4;
        b[9] = to_bcd(aframe);
        QFrame::with_crc(b)
    }

    /// Whether the stored CRC matches bytes 0..9.
    pub fn crc_ok(&self) -> bool {
        crc16(&self.0[..10]).to_be_bytes() == [self.0[10], self.0[11]]
    }

    /// CTRL nibble.
    pub fn ctrl(&self) -> u8 {
        self.0[0] >> 4
    }

    /// ADR nibble.
    pub fn adr(&self) -> u8 {
        self.0[0] & 0x0F
    }

    /// Decodes the frame (CRC not checked; see [`QFrame::crc_ok`]).
    pub fn parse(&self) -> QContent {
        let b = &self.0;
        let msf = |i: usize| Msf::from_bcd([b[i], b[i + 1], b[i + 2]]);
        match self.adr() {
            1 if b[1] == 0 => QContent::Toc {
                point: b[2],
                running: msf(3),
                p: [b[7], b[8], b[9]],
            },
            1 => QContent::Position {
                tno: if b[1] == 0xAA {
                    Some(0xAA)
                } else {
                    from_bcd(b[1])
                },
                index: from_bcd(b[2]),
                rel: msf(3),
                abs: msf(7),
            },
            2 => {
                let mut s = String::with_capacity(13);
                let mut ok = true;
                for i in 0..13 {
                    let byte = b[1 + i / 2];
                    let d = if i % 2 == 0 { byte >> 4 } else { byte & 0xF };
                    if d > 9 {
                        ok = false;
                    }
                    s.push((b'0' + d.min(9)) as char);
                }
                QContent::Mcn {
                    mcn: if ok { Mcn::parse(&s).ok() } else { None },
                    aframe: from_bcd(b[9]),
                }
            }
            3 => {
                let bits = u32::from_be_bytes([b[1], b[2], b[3], b[4]]) >> 2;
                let mut s = String::with_capacity(12);
                let mut ok = true;
                for i in 0..5 {
                    let code = ((bits >> (6 * (4 - i))) & 0x3F) as u8;
                    match isrc_char(code) {
                        Some(c) => s.push(c as char),
                        None => ok = false,
                    }
                }
                for i in 0..7 {
                    let byte = b[5 + i / 2];
                    let d = if i % 2 == 0 { byte >> 4 } else { byte & 0xF };
                    if d > 9 {
                        ok = false;
                    }
                    s.push((b'0' + d.min(9)) as char);
                }
                QContent::Isrc {
                    isrc: if ok { Isrc::parse(&s).ok() } else { None },
                    aframe: from_bcd(b[9]),
                }
            }
            a => QContent::Other { adr: a },
        }
    }
}

/// The decoded meaning of a Q frame. Invalid BCD fields decode as `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QContent {
    /// ADR 1 in the program area, pre-gaps or lead-out.
    Position {
        /// Track (binary), or 0xAA for the lead-out.
        tno: Option<u8>,
        /// Index (binary).
        index: Option<u8>,
        /// Relative time.
        rel: Option<Msf>,
        /// Absolute time.
        abs: Option<Msf>,
    },
    /// ADR 1 lead-in TOC entry (TNO 00).
    Toc {
        /// POINT byte as stored.
        point: u8,
        /// Running time.
        running: Option<Msf>,
        /// PMIN, PSEC, PFRAME as stored.
        p: [u8; 3],
    },
    /// ADR 2.
    Mcn {
        /// The catalogue number, if all digits are decimal.
        mcn: Option<Mcn>,
        /// AFRAME.
        aframe: Option<u8>,
    },
    /// ADR 3.
    Isrc {
        /// The ISRC, if the codes are valid.
        isrc: Option<Isrc>,
        /// AFRAME.
        aframe: Option<u8>,
    },
    /// Another ADR (e.g. 5 in multi-session lead-ins).
    Other {
        /// The ADR nibble.
        adr: u8,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(s: &str) -> [u8; 12] {
        let v: Vec<u8> = s
            .split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).unwrap())
            .collect();
        v.try_into().unwrap()
    }

    #[test]
    fn crc_check_values() {
        assert_eq!(crc16(b"123456789"), 0xCE3C);
        assert_eq!(crc16_reference(b"123456789"), 0xCE3C);
        assert_eq!(crc16(b""), 0xFFFF);
    }

    proptest! {
        #[test]
        fn crc_table_matches_reference(v in proptest::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(crc16(&v), crc16_reference(&v));
        }
    }

    #[test]
    fn frames_from_cd_format_12_2() {
        let m = |m, s, f| Msf::new(m, s, f).unwrap();
        assert_eq!(
            QFrame::position(0, 1, 1, m(0, 0, 0), m(0, 2, 0)).0,
            hex("01 01 01 00 00 00 00 00 02 00 5a 28")
        );
        assert_eq!(
            QFrame::position(4, 1, 1, m(0, 0, 0), m(0, 2, 0)).0,
            hex("41 01 01 00 00 00 00 00 02 00 28 32")
        );
        assert_eq!(
            QFrame::position(0, 1, 0, m(0, 1, 74), m(0, 0, 0)).0,
            hex("01 01 00 00 01 74 00 00 00 00 aa b9")
        );
        assert_eq!(
            QFrame::position(0, 1, 0, m(0, 0, 0), m(0, 1, 74)).0,
            hex("01 01 00 00 00 00 00 00 01 74 76 bb")
        );
        let mcn = Mcn::parse("1234567890123").unwrap();
        assert_eq!(
            QFrame::mcn(0, &mcn, 0).0,
            hex("02 12 34 56 78 90 12 30 00 00 eb d1")
        );
        let isrc = Isrc::parse("USRC17607839").unwrap();
        assert_eq!(
            QFrame::isrc(0, &isrc, 0).0,
            hex("03 96 38 93 04 76 07 83 90 00 19 9c")
        );
        assert_eq!(
            QFrame::toc(0, 0xA0, m(0, 0, 0), [0x01, 0x00, 0x00]).0,
            hex("01 00 a0 00 00 00 00 01 00 00 21 63")
        );
        assert_eq!(
            QFrame::toc(0, 0xA0, m(95, 0, 0), [0x01, 0x00, 0x00]).0,
            hex("01 00 a0 95 00 00 00 01 00 00 c4 46")
        );
        assert_eq!(
            QFrame::position(0, 0xAA, 1, m(0, 0, 0), m(0, 13, 69)).0,
            hex("01 aa 01 00 00 00 00 00 13 69 8b 10")
        );
        // The same with the cdrdao rule (rel 00:02:00), for comparison only.
        assert_eq!(
            QFrame::position(0, 1, 0, m(0, 2, 0), m(0, 0, 0)).0,
            hex("01 01 00 00 02 00 00 00 00 00 f0 d9")
        );
    }

    #[test]
    fn real_disc_crcs_from_cd_format_12_2() {
        for (body, crc) in [
            ("41 01 01 00 00 01 00 00 02 01", [0x92, 0x42]),
            ("01 01 01 00 00 51 00 00 02 51", [0xaf, 0x9f]),
            ("01 01 01 00 00 52 00 00 02 52", [0x71, 0x2e]),
            ("41 16 00 00 01 18 00 76 13 06", [0xf4, 0x4f]),
        ] {
            let v: Vec<u8> = body
                .split_whitespace()
                .map(|h| u8::from_str_radix(h, 16).unwrap())
                .collect();
            assert_eq!(crc16(&v).to_be_bytes(), crc);
        }
    }

    #[test]
    fn frames_parse_back() {
        let mcn = Mcn::parse("0724385356926").unwrap();
        assert!(mcn.check_digit_ok());
        assert!(!Mcn::parse("1234567890123").unwrap().check_digit_ok());
        let f = QFrame::mcn(4, &mcn, 37);
        assert!(f.crc_ok());
        assert_eq!(
            f.parse(),
            QContent::Mcn {
                mcn: Some(mcn),
                aframe: Some(37)
            }
        );
        let isrc = Isrc::parse("US-XX1-98-01234").unwrap();
        assert_eq!(isrc.as_str(), "USXX19801234");
        let f = QFrame::isrc(0, &isrc, 74);
        assert_eq!(
            f.parse(),
            QContent::Isrc {
                isrc: Some(isrc),
                aframe: Some(74)
            }
        );
    }

    #[test]
    fn bad_mcn_and_isrc_are_typed_errors() {
        assert!(matches!(
            Mcn::parse("12345678901234"),
            Err(CodecError::BadMcn { .. })
        ));
        assert!(matches!(Mcn::parse("12a"), Err(CodecError::BadMcn { .. })));
        assert!(matches!(
            Mcn::parse_strict("123456789012"),
            Err(CodecError::BadMcn { .. })
        ));
        assert_eq!(Mcn::parse("42").unwrap().to_string(), "0000000000042");
        assert!(matches!(
            Isrc::parse("US-ABC-12"),
            Err(CodecError::BadIsrc { .. })
        ));
        let e = Isrc::parse("U$RC17607839").unwrap_err();
        assert!(e.to_string().contains("character 2"), "{e}");
        assert!(matches!(
            Isrc::parse("USRC1760783X"),
            Err(CodecError::BadIsrc { .. })
        ));
    }
}

//! `.cdt` CD-Text pack files (cd-format.md §9.6, §9.7): an array of 18-byte packs, optionally
//! preceded by the 4-byte header of MMC READ TOC format 5 (`len_hi len_lo 00 00`, the length
//! counting the packs plus 2), and sometimes followed by one stray byte (`cdtext.cdt`).
#![forbid(unsafe_code)]

use thiserror::Error;

use crate::codec::cdtext::{Pack, PACK_SIZE};

/// An error reading a `.cdt` file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CdtError {
    /// The size is not (4 +) a multiple of 18 (+ 1), or the file is empty.
    #[error("CD-Text file of {len} bytes is not a whole number of 18-byte packs")]
    BadLength {
        /// File size.
        len: usize,
    },
    /// The 4-byte header's length field disagrees with the packs that follow.
    #[error("CD-Text file header says {declared} bytes, the packs give {expected}")]
    BadHeader {
        /// The big-endian length in bytes 0–1.
        declared: usize,
        /// Packs × 18 + 2.
        expected: usize,
    },
    /// A pack with a wrong CRC.
    #[error(
        "CD-Text file pack {pack} (offset {offset}): CRC {stored:#06x}, computed {computed:#06x}"
    )]
    BadCrc {
        /// Index of the pack.
        pack: usize,
        /// Byte offset of the pack in the file.
        offset: usize,
        /// CRC in bytes 16–17.
        stored: u16,
        /// CRC of bytes 0–15.
        computed: u16,
    },
}

/// Reads the packs of a `.cdt` file and checks every CRC. A header is recognised when the
/// file does not start with a pack type (0x80..=0x8F), bytes 2–3 are zero and the rest is a
/// whole number of packs (plus at most one stray byte); one stray trailing byte is ignored.
///
/// # Errors
/// [`CdtError::BadLength`], [`CdtError::BadHeader`], [`CdtError::BadCrc`].
pub fn read_cdt(bytes: &[u8]) -> Result<Vec<Pack>, CdtError> {
    let len = bytes.len();
    let starts_with_pack = bytes.first().is_some_and(|b| (0x80..=0x8F).contains(b));
    let body = if starts_with_pack && len % PACK_SIZE <= 1 {
        &bytes[..len - len % PACK_SIZE]
    } else if len >= 4 + PACK_SIZE && bytes[2] == 0 && bytes[3] == 0 && (len - 4) % PACK_SIZE <= 1 {
        let body = &bytes[4..len - (len - 4) % PACK_SIZE];
        let declared = usize::from(u16::from_be_bytes([bytes[0], bytes[1]]));
        let expected = body.len() + 2;
        if declared != expected {
            return Err(CdtError::BadHeader { declared, expected });
        }
        body
    } else {
        return Err(CdtError::BadLength { len });
    };
    if body.is_empty() {
        return Err(CdtError::BadLength { len });
    }
    let header = if starts_with_pack { 0 } else { 4 };
    body.chunks_exact(PACK_SIZE)
        .enumerate()
        .map(|(i, c)| {
            let mut p = [0u8; PACK_SIZE];
            p.copy_from_slice(c);
            let p = Pack(p);
            if p.crc_ok() {
                Ok(p)
            } else {
                Err(CdtError::BadCrc {
                    pack: i,
                    offset: header + i * PACK_SIZE,
                    stored: p.stored_crc(),
                    computed: p.computed_crc(),
                })
            }
        })
        .collect()
}

/// Writes packs as a `.cdt` file, with the 4-byte length header when `header` is true.
/// Packs are written as given (seal them first).
pub fn write_cdt(packs: &[Pack], header: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(packs.len() * PACK_SIZE + 4);
    if header {
        let n = u16::try_from(packs.len() * PACK_SIZE + 2).unwrap_or(u16::MAX);
        out.extend_from_slice(&n.to_be_bytes());
        out.extend_from_slice(&[0, 0]);
    }
    for p in packs {
        out.extend_from_slice(&p.0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Pack> {
        // cd-format.md §12.3 (libburn's documentation): packs with valid CRCs.
        let raw: [[u8; 18]; 2] = [
            [
                0x8f, 0x01, 0x2b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x03, 0x2c, 0x00,
                0x00, 0x00, 0xc0, 0x20,
            ],
            [
                0x8f, 0x02, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x11, 0x45,
            ],
        ];
        raw.iter().map(|r| Pack(*r)).collect()
    }

    #[test]
    fn round_trip_with_and_without_header() {
        let packs = sample();
        for header in [false, true] {
            let mut bytes = write_cdt(&packs, header);
            assert_eq!(bytes.len(), 36 + if header { 4 } else { 0 });
            assert_eq!(read_cdt(&bytes).unwrap(), packs);
            bytes.push(0);
            assert_eq!(read_cdt(&bytes).unwrap(), packs, "one stray byte");
        }
        assert_eq!(&write_cdt(&packs, true)[..4], &[0, 38, 0, 0]);
    }

    #[test]
    fn errors_carry_the_numbers() {
        let packs = sample();
        let mut bytes = write_cdt(&packs, false);
        bytes[20] ^= 1;
        assert_eq!(
            read_cdt(&bytes),
            Err(CdtError::BadCrc {
                pack: 1,
                offset: 18,
                stored: 0x1145,
                computed: Pack(bytes[18..36].try_into().unwrap()).computed_crc(),
            })
        );
        assert_eq!(read_cdt(&[]), Err(CdtError::BadLength { len: 0 }));
        assert_eq!(
            read_cdt(&write_cdt(&packs, false)[..30]),
            Err(CdtError::BadLength { len: 30 })
        );
        let mut h = write_cdt(&packs, true);
        h[1] = 40;
        assert_eq!(
            read_cdt(&h),
            Err(CdtError::BadHeader {
                declared: 40,
                expected: 38
            })
        );
    }

    #[test]
    fn never_panics_on_short_input() {
        for len in 0..60 {
            let bytes = vec![0x8f; len];
            let _ = read_cdt(&bytes);
            let bytes = vec![0u8; len];
            let _ = read_cdt(&bytes);
        }
    }
}

//! EDC: CRC-32/CD-ROM-EDC (ECMA-130 §14.3). Polynomial (x¹⁶+x¹⁵+x²+1)(x¹⁶+x²+x+1), reflected
//! (0xD8018001), init 0, no final XOR; stored little-endian.
#![forbid(unsafe_code)]

use crc::{Crc, Table, CRC_32_CD_ROM_EDC};

/// The reflected polynomial.
pub const EDC_POLY_REFLECTED: u32 = 0xD801_8001;

/// EDC one bit at a time, straight from the definition (the oracle).
pub fn edc_reference(data: &[u8]) -> u32 {
    let mut crc = 0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ EDC_POLY_REFLECTED
            } else {
                crc >> 1
            };
        }
    }
    crc
}

static EDC_SLICE16: Crc<u32, Table<16>> = Crc::<u32, Table<16>>::new(&CRC_32_CD_ROM_EDC);

/// EDC with the `crc` crate's slice-by-16 tables.
#[inline]
pub fn edc_table(data: &[u8]) -> u32 {
    EDC_SLICE16.checksum(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn check_values_from_cd_format_12() {
        assert_eq!(edc_reference(b"123456789"), 0x6EC2_EDC4);
        assert_eq!(edc_table(b"123456789"), 0x6EC2_EDC4);
        assert_eq!(edc_reference(b""), 0);
        assert_eq!(edc_table(b""), 0);
    }

    proptest! {
        #[test]
        fn table_matches_reference(v in proptest::collection::vec(any::<u8>(), 0..2400)) {
            prop_assert_eq!(edc_table(&v), edc_reference(&v));
        }
    }
}

//! Helpers shared by the fuzz targets: each target stays a few lines and asserts an oracle.

use rawcd::codec::engine::{testing::available, Engine, Reference};
use rawcd::codec::verify::{looks_like_data, Scrambling};
use rawcd::codec::{encode_sector, verify_sector, SectorType, SECTOR_SIZE};
use rawcd::units::Lba;

/// Arbitrary bytes through decode/verify (must not panic), then arbitrary (type, LBA, payload)
/// through encode: every engine must agree with the reference, and a successful encode must
/// verify as valid (scrambled and not).
pub fn sector_codec(data: &[u8]) {
    for e in available() {
        let _ = verify_sector(&e, data, None, Scrambling::Auto);
    }
    let _ = looks_like_data(data, Some(Lba(0)));
    if data.len() < 5 {
        return;
    }
    let ty = SectorType::ALL[data[0] as usize % 10];
    let lba = i32::from_le_bytes([data[1], data[2], data[3], data[4]]) % 460_000;
    let payload = &data[5..];
    let mut input = vec![0u8; ty.input_size()];
    let n = payload.len().min(input.len());
    input[..n].copy_from_slice(&payload[..n]);
    if data[0] & 0x80 != 0 {
        // Exercise the size checks too.
        input.truncate(n);
    }
    let mut want = [0u8; SECTOR_SIZE];
    let r = encode_sector(&Reference, ty, Lba(lba), &input, &mut want);
    for e in available() {
        let mut got = [0u8; SECTOR_SIZE];
        let g = encode_sector(&e, ty, Lba(lba), &input, &mut got);
        assert_eq!(g, r);
        if r.is_ok() {
            assert_eq!(got, want);
            let checked = ty.is_data() && ty.cooked() != SectorType::Mode2Form0 && !ty.is_raw();
            if checked {
                assert!(verify_sector(&e, &got, Some(Lba(lba)), Scrambling::Plain).is_valid());
                e.scramble(&mut got);
                assert!(verify_sector(&e, &got, Some(Lba(lba)), Scrambling::Auto).is_valid());
            }
        }
    }
}

//! The sector codec: every engine against the reference, and the ECC corrector.

use rawcd::codec::engine::{testing::available, Engine, Finish, Reference};
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
            // The batch encoder re-finishes an encoded sector to itself, and scrambles it as
            // the reference does.
            let finish = match ty {
                SectorType::Mode1 => Some(Finish::Mode1),
                SectorType::Mode2Form1 => Some(Finish::Mode2Form1),
                SectorType::Mode2Form2 => Some(Finish::Mode2Form2),
                _ => None,
            };
            if let Some(f) = finish {
                let mut batch = [want, want];
                e.encode_batch(&mut batch[..1], f, false);
                e.encode_batch(&mut batch[1..], f, true);
                let mut scrambled = want;
                Reference.scramble(&mut scrambled);
                assert_eq!(batch, [want, scrambled]);
                // Strided, as in a raw96 batch: the 96 bytes after the sector stay as they are.
                // Three different sectors (the next LBAs), so that a kernel that runs one
                // sector's work inside another's cannot mix them up unseen.
                let mut want3 = [want; 3];
                let mut slots = [[0xA5u8; SECTOR_SIZE + 96]; 3];
                for (i, (s, w)) in slots.iter_mut().zip(&mut want3).enumerate() {
                    // Down from the last LBA with an MSF (404849), up from any other.
                    let l = if lba <= 404_847 {
                        lba + i as i32
                    } else {
                        lba - i as i32
                    };
                    encode_sector(&Reference, ty, Lba(l), &input, w).unwrap();
                    s[..SECTOR_SIZE].copy_from_slice(w);
                    Reference.scramble(w);
                }
                e.encode_strided(slots.as_flattened_mut(), SECTOR_SIZE + 96, f, true);
                for (s, w) in slots.iter().zip(&want3) {
                    assert_eq!(&s[..SECTOR_SIZE], &w[..]);
                    assert!(s[SECTOR_SIZE..].iter().all(|&b| b == 0xA5));
                }
            }
        }
    }
}

/// Corrupted sectors through the ECC corrector: it never panics, never returns a "corrected"
/// sector whose EDC or ECC fails (checked with the reference engine), leaves an uncorrectable
/// sector unchanged, and restores a valid sector exactly when every P vector holds at most one
/// error. With bit 0x40 of the first byte the input itself is the sector (arbitrary bytes).
pub fn sector_correct(data: &[u8]) {
    use rawcd::codec::correct::{correct_sector, Correction, EccLayout};
    use rawcd::codec::engine::Auto;
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let layout = if flags & 1 != 0 {
        EccLayout::Form1
    } else {
        EccLayout::Mode1
    };
    let e = Auto::detect();
    let mut s = [0u8; SECTOR_SIZE];
    let mut good = None;
    let ops: &[u8] = if flags & 0x40 != 0 {
        let n = rest.len().min(SECTOR_SIZE);
        s[..n].copy_from_slice(&rest[..n]);
        &[]
    } else {
        if rest.len() < 5 {
            return;
        }
        let lba = i32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]).rem_euclid(400_000);
        let seed = rest[4];
        let ty = if layout == EccLayout::Form1 {
            SectorType::Mode2Form1
        } else {
            SectorType::Mode1
        };
        let input: Vec<u8> = (0..2048u32)
            .map(|i| {
                (i as u8)
                    .wrapping_mul(seed | 1)
                    .wrapping_add(seed.rotate_left(3))
            })
            .collect();
        encode_sector(&Reference, ty, Lba(lba), &input, &mut s).unwrap();
        good = Some(s);
        &rest[5..]
    };
    // (offset, xor) triples; count how many land in each P vector's area.
    let mut per_p = [0u8; 86];
    let mut outside = false;
    for op in ops.chunks_exact(3) {
        let off = usize::from(u16::from_le_bytes([op[0], op[1]])) % SECTOR_SIZE;
        if op[2] == 0 {
            continue;
        }
        s[off] ^= op[2];
        if (12..2248).contains(&off) && !(layout == EccLayout::Form1 && off < 16) {
            per_p[(off - 12) % 86] += 1;
        } else {
            outside = true;
        }
    }
    let before = s;
    let r = correct_sector(&e, &mut s, layout);
    let zero_header = layout == EccLayout::Form1;
    match r {
        Correction::Uncorrectable => assert_eq!(s, before),
        Correction::Clean | Correction::Corrected { .. } => {
            let (range, at) = if zero_header {
                (16..2072, 2072)
            } else {
                (0..2064, 2064)
            };
            let stored = u32::from_le_bytes([s[at], s[at + 1], s[at + 2], s[at + 3]]);
            assert_eq!(
                Reference.edc(&s[range]),
                stored,
                "corrected sector fails its EDC"
            );
            let mut c = s;
            Reference.ecc(&mut c, zero_header);
            assert_eq!(c, s, "corrected sector fails its ECC");
        }
    }
    if let Some(g) = good {
        if !outside && per_p.iter().all(|&c| c <= 1) {
            assert_eq!(s, g, "one error per P vector must be corrected");
        }
    }
}

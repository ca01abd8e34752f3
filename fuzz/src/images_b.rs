//! Fuzz helpers for the image readers of issue 19 (Nero, Alcohol, CloneCD): arbitrary bytes,
//! and a valid small image with arbitrary byte patches, through each reader. Oracle: no
//! panic, and every plan a reader accepts stays inside the bytes it was given (no segment
//! past the end of the file, consecutive track numbers, whole sectors for data tracks).

use std::path::Path;

use rawcd::formats::image::ccd::{self as clonecd, parse_ccd};
use rawcd::formats::image::{mds, nrg};
use rawcd::formats::{DiscPlan, Segment};

/// Checks what every accepted plan must satisfy; `len`: the image file's length, when the
/// segments point into it.
fn check_plan(plan: &DiscPlan, len: Option<u64>) {
    assert!(!plan.tracks.is_empty() && plan.tracks.len() <= 99);
    for (k, t) in plan.tracks.iter().enumerate() {
        assert_eq!(usize::from(t.number), usize::from(plan.first_track) + k);
        let bytes = t.content_bytes();
        assert!(bytes > 0, "track {} is empty", t.number);
        if !t.mode.is_audio() {
            assert_eq!(bytes % u64::from(t.sector_bytes()), 0, "track {}", t.number);
        }
        for s in &t.segments {
            if let (
                Segment::File {
                    byte_offset,
                    byte_len,
                    ..
                },
                Some(len),
            ) = (s, len)
            {
                let end = byte_offset.checked_add(*byte_len).expect("overflow");
                assert!(end <= len, "segment {byte_offset}+{byte_len} past {len}");
            }
        }
    }
    let lbas = plan.index1_lbas();
    assert!(lbas.windows(2).all(|w| w[0] < w[1]));
}

/// Applies `(offset u16 LE, value)` patches from `edits` to `base`.
fn patched(base: &[u8], edits: &[u8]) -> Vec<u8> {
    let mut v = base.to_vec();
    for e in edits.chunks_exact(3) {
        let at = usize::from(u16::from_le_bytes([e[0], e[1]])) % v.len();
        v[at] = e[2];
    }
    v
}

fn nrg_once(data: &[u8]) {
    if let Ok(plan) = nrg::parse_nrg(Path::new("fuzz.nrg"), data) {
        check_plan(&plan, Some(data.len() as u64));
    }
}

/// A small valid Nero v2 DAO image: a 3-sector Mode 1 track and a 2-sector audio track with
/// a 1-sector stored pre-gap.
fn nrg_seed() -> Vec<u8> {
    let mut f = vec![0x11u8; 3 * 2048 + 3 * 2352];
    let list = f.len() as u64;
    f.extend_from_slice(b"CUEX\0\0\0\x30");
    for (ctl, t, i, lba) in [
        (0x41u8, 0u8, 0u8, -150i32),
        (0x41, 1, 1, 0),
        (0x01, 2, 0, 3),
        (0x01, 2, 1, 4),
        (0x01, 0xAA, 1, 6),
        (0x01, 2, 2, 5),
    ] {
        f.extend_from_slice(&[ctl, t, i, 0]);
        f.extend_from_slice(&lba.to_be_bytes());
    }
    f.extend_from_slice(b"DAOX");
    f.extend_from_slice(&(22u32 + 2 * 42).to_be_bytes());
    f.extend_from_slice(&(22u32 + 2 * 42).to_be_bytes());
    f.extend_from_slice(&[0; 14]);
    f.extend_from_slice(&[0, 0, 1, 2]);
    for (size, mode, pre, start, end) in [
        (2048u16, 0u8, 0u64, 0u64, 3 * 2048u64),
        (2352, 7, 3 * 2048, 3 * 2048 + 2352, 3 * 2048 + 3 * 2352),
    ] {
        f.extend_from_slice(&[0; 12]);
        f.extend_from_slice(&size.to_be_bytes());
        f.extend_from_slice(&[mode, 0, 0, 1]);
        for o in [pre, start, end] {
            f.extend_from_slice(&o.to_be_bytes());
        }
    }
    f.extend_from_slice(b"SINF\0\0\0\x04\0\0\0\x02END!\0\0\0\0NER5");
    f.extend_from_slice(&list.to_be_bytes());
    f
}

/// Nero reader: the bytes as an image, then the same bytes as patches to a valid image.
pub fn nrg_image(data: &[u8]) {
    nrg_once(data);
    let seed = nrg_seed();
    nrg_once(&patched(&seed, data));
}

fn mds_once(data: &[u8]) {
    if let Ok(plan) = mds::parse_mds(Path::new("fuzz.mds"), data) {
        check_plan(&plan, None);
    }
}

/// A small valid `.mds`: a 4-sector Mode 1 track and a 3-sector audio track with a 2-sector
/// pre-gap and raw P–W.
fn mds_seed() -> Vec<u8> {
    let tb = 112usize;
    let extra = tb + 80 * 5;
    let footer = extra + 16;
    let name = footer + 16;
    let mut v = vec![0u8; name + 6];
    v[..16].copy_from_slice(b"MEDIA DESCRIPTOR");
    v[16] = 1;
    v[20] = 1;
    v[80] = 88;
    v[88..92].copy_from_slice(&(-150i32).to_le_bytes());
    v[92..96].copy_from_slice(&9u32.to_le_bytes());
    v[96] = 1;
    v[98] = 5;
    v[99] = 3;
    v[100] = 1;
    v[102] = 2;
    v[108..112].copy_from_slice(&(tb as u32).to_le_bytes());
    for (k, p) in [0xA0u8, 0xA1, 0xA2].iter().enumerate() {
        v[tb + 80 * k + 4] = *p;
    }
    for (k, (mode, sub, size, pregap, len, start, offset)) in [
        (0xAAu8, 0u8, 2048u16, 150u32, 4u32, 0u32, 0u64),
        (0xA9, 8, 2448, 2, 3, 6, 4 * 2048),
    ]
    .into_iter()
    .enumerate()
    {
        let o = tb + 80 * (k + 3);
        v[o] = mode;
        v[o + 1] = sub;
        v[o + 4] = k as u8 + 1;
        v[o + 12..o + 16].copy_from_slice(&((extra + 8 * k) as u32).to_le_bytes());
        v[o + 16..o + 18].copy_from_slice(&size.to_le_bytes());
        v[o + 36..o + 40].copy_from_slice(&start.to_le_bytes());
        v[o + 40..o + 48].copy_from_slice(&offset.to_le_bytes());
        v[o + 48] = 1;
        v[o + 52..o + 56].copy_from_slice(&(footer as u32).to_le_bytes());
        v[extra + 8 * k..extra + 8 * k + 4].copy_from_slice(&pregap.to_le_bytes());
        v[extra + 8 * k + 4..extra + 8 * k + 8].copy_from_slice(&len.to_le_bytes());
    }
    v[footer..footer + 4].copy_from_slice(&(name as u32).to_le_bytes());
    v[name..].copy_from_slice(b"*.mdf\0");
    v
}

/// Alcohol reader: the bytes as a descriptor, then as patches to a valid one.
pub fn mds_image(data: &[u8]) {
    mds_once(data);
    mds_once(&patched(&mds_seed(), data));
}

/// A valid CloneCD control file of a 2-track disc (300-sector data track, 400-sector audio
/// track with a 150-sector stored pre-gap; lead-out 700).
const CCD_SEED: &str = "[CloneCD]\r\nVersion=3\r\n[Disc]\r\nTocEntries=5\r\nSessions=1\r\n\
DataTracksScrambled=0\r\nCDTextLength=0\r\n[Entry 0]\r\nSession=1\r\nPoint=0xa0\r\nControl=0x04\r\n\
PMin=1\r\n[Entry 1]\r\nSession=1\r\nPoint=0xa1\r\nPMin=2\r\n[Entry 2]\r\nSession=1\r\nPoint=0xa2\r\n\
PMin=0\r\nPSec=11\r\nPFrame=25\r\nPLBA=700\r\n[Entry 3]\r\nSession=1\r\nPoint=0x01\r\nControl=0x04\r\n\
PSec=2\r\nPLBA=0\r\n[Entry 4]\r\nSession=1\r\nPoint=0x02\r\nControl=0x00\r\nPSec=8\r\nPLBA=450\r\n\
[TRACK 1]\r\nMODE=1\r\nINDEX 1=0\r\n[TRACK 2]\r\nMODE=0\r\nINDEX 0=300\r\nINDEX 1=450\r\nINDEX 2=500\r\n";

fn ccd_once(text: &[u8], img_sectors: u64, sub: bool) {
    let text = String::from_utf8_lossy(text);
    let Ok(sheet) = parse_ccd(&text, Path::new("fuzz.ccd")) else {
        return;
    };
    let img_len = img_sectors * 2352;
    let sub = sub.then_some((Path::new("fuzz.sub"), img_sectors * 96));
    if let Ok(plan) = clonecd::plan_from_ccd(&sheet, Path::new("fuzz.img"), img_len, sub) {
        check_plan(&plan, Some(img_len));
        assert_eq!(*plan.index1_lbas().last().unwrap(), img_sectors as i64);
    }
}

/// CloneCD reader: the bytes as a control file, then as patches to a valid one (the first
/// byte picks the `.img` size around the valid 700 sectors and whether a `.sub` exists).
pub fn ccd_image(data: &[u8]) {
    let Some((&k, rest)) = data.split_first() else {
        return;
    };
    let sectors = 698 + u64::from(k % 5);
    ccd_once(rest, sectors, k & 0x80 != 0);
    ccd_once(&patched(CCD_SEED.as_bytes(), rest), sectors, k & 0x80 != 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_valid() {
        let p = nrg::parse_nrg(Path::new("s.nrg"), &nrg_seed()).unwrap();
        assert_eq!(p.index1_lbas(), vec![0, 4, 6]);
        let p = mds::parse_mds(Path::new("s.mds"), &mds_seed()).unwrap();
        assert_eq!(p.index1_lbas(), vec![0, 6, 9]);
        let sheet = parse_ccd(CCD_SEED, Path::new("s.ccd")).unwrap();
        let p = clonecd::plan_from_ccd(&sheet, Path::new("s.img"), 700 * 2352, None).unwrap();
        assert_eq!(p.index1_lbas(), vec![0, 450, 700]);
    }
}

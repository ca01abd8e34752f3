//! A tiny ISO 9660 (ECMA-119) image writer: one root directory of level-1 file names, for the
//! demo disc and for tests. Deterministic: fixed dates, no randomness.
#![forbid(unsafe_code)]

/// Logical block size.
pub const BLOCK: usize = 2048;

fn both16(v: u16) -> [u8; 4] {
    let l = v.to_le_bytes();
    let b = v.to_be_bytes();
    [l[0], l[1], b[0], b[1]]
}

fn both32(v: u32) -> [u8; 8] {
    let l = v.to_le_bytes();
    let b = v.to_be_bytes();
    [l[0], l[1], l[2], l[3], b[0], b[1], b[2], b[3]]
}

fn padded(s: &str, n: usize) -> Vec<u8> {
    let mut v: Vec<u8> = s.bytes().take(n).collect();
    v.resize(n, b' ');
    v
}

/// 7-byte directory-record date: 2026-11-25 00:00:00 UTC.
const REC_DATE: [u8; 7] = [126, 11, 25, 0, 0, 0, 0];
/// 17-byte volume descriptor date.
const VOL_DATE: &[u8; 17] = b"2026112500000000\0";

fn dir_record(name: &[u8], extent: u32, len: u32, dir: bool) -> Vec<u8> {
    let n = 33 + name.len();
    let total = n + (n % 2);
    let mut r = vec![0u8; total];
    r[0] = total as u8;
    r[2..10].copy_from_slice(&both32(extent));
    r[10..18].copy_from_slice(&both32(len));
    r[18..25].copy_from_slice(&REC_DATE);
    r[25] = if dir { 2 } else { 0 };
    r[28..32].copy_from_slice(&both16(1));
    r[32] = name.len() as u8;
    r[33..33 + name.len()].copy_from_slice(name);
    r
}

/// A level-1 file identifier: upper case, `NAME.EXT;1`, characters outside A–Z 0–9 _ become `_`.
pub fn level1_name(name: &str) -> String {
    let clean = |s: &str, n: usize| -> String {
        s.chars()
            .map(|c| c.to_ascii_uppercase())
            .map(|c| {
                if c.is_ascii_uppercase() || c.is_ascii_digit() {
                    c
                } else {
                    '_'
                }
            })
            .take(n)
            .collect()
    };
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    format!("{}.{};1", clean(stem, 8), clean(ext, 3))
}

/// Builds an ISO 9660 image holding `files` (name, bytes) in its root directory: system area,
/// Primary Volume Descriptor, terminator, L and M path tables, the root directory, the file
/// data; padded with zero blocks to at least `min_blocks` (a CD track needs 300 sectors).
///
/// # Panics
/// Never: oversize inputs are truncated to what fits a 32-bit extent (far beyond a CD).
pub fn build_iso(volume_id: &str, files: &[(&str, &[u8])], min_blocks: u32) -> Vec<u8> {
    // Root directory: '.', '..', then the files.
    let names: Vec<String> = files.iter().map(|(n, _)| level1_name(n)).collect();
    let mut dir_len = 34 + 34;
    for n in &names {
        let l = 33 + n.len();
        dir_len += l + l % 2;
    }
    let dir_blocks = dir_len.div_ceil(BLOCK) as u32;
    let (pvd, term, lpath, mpath, root) = (16u32, 17u32, 18u32, 19u32, 20u32);
    let mut next = root + dir_blocks;
    let mut extents = Vec::new();
    for (_, data) in files {
        extents.push(next);
        next += (data.len().div_ceil(BLOCK) as u32).max(1);
    }
    let total = next.max(min_blocks);
    let mut img = vec![0u8; total as usize * BLOCK];
    let blk = |b: u32| b as usize * BLOCK;
    // Root directory.
    let root_bytes = dir_blocks * BLOCK as u32;
    let mut d = Vec::new();
    d.extend(dir_record(&[0], root, root_bytes, true));
    d.extend(dir_record(&[1], root, root_bytes, true));
    for ((n, (_, data)), &ext) in names.iter().zip(files).zip(&extents) {
        let rec = dir_record(n.as_bytes(), ext, data.len() as u32, false);
        // Records never cross a block boundary.
        let room = BLOCK - d.len() % BLOCK;
        if rec.len() > room {
            d.resize(d.len() + room, 0);
        }
        d.extend(rec);
    }
    img[blk(root)..blk(root) + d.len()].copy_from_slice(&d);
    for ((_, data), &ext) in files.iter().zip(&extents) {
        img[blk(ext)..blk(ext) + data.len()].copy_from_slice(data);
    }
    // Path tables: one record, the root.
    let path_rec = |be: bool| {
        let mut r = vec![1u8, 0];
        r.extend(if be {
            root.to_be_bytes()
        } else {
            root.to_le_bytes()
        });
        r.extend(if be {
            1u16.to_be_bytes()
        } else {
            1u16.to_le_bytes()
        });
        r.extend([0, 0]);
        r
    };
    let pl = path_rec(false);
    img[blk(lpath)..blk(lpath) + pl.len()].copy_from_slice(&pl);
    let pm = path_rec(true);
    img[blk(mpath)..blk(mpath) + pm.len()].copy_from_slice(&pm);
    // Primary Volume Descriptor (ECMA-119 §8.4).
    let p = &mut img[blk(pvd)..blk(pvd) + BLOCK];
    p[0] = 1;
    p[1..6].copy_from_slice(b"CD001");
    p[6] = 1;
    p[8..40].copy_from_slice(&padded("RAWCD", 32));
    p[40..72].copy_from_slice(&padded(&volume_id.to_ascii_uppercase(), 32));
    p[80..88].copy_from_slice(&both32(total));
    p[120..124].copy_from_slice(&both16(1));
    p[124..128].copy_from_slice(&both16(1));
    p[128..132].copy_from_slice(&both16(BLOCK as u16));
    p[132..140].copy_from_slice(&both32(pl.len() as u32));
    p[140..144].copy_from_slice(&lpath.to_le_bytes());
    p[148..152].copy_from_slice(&mpath.to_be_bytes());
    let rr = dir_record(&[0], root, root_bytes, true);
    p[156..156 + 34].copy_from_slice(&rr);
    p[190..318].copy_from_slice(&padded("", 128));
    p[318..446].copy_from_slice(&padded("RAWCD", 128));
    p[446..574].copy_from_slice(&padded("RAWCD", 128));
    p[574..702].copy_from_slice(&padded("RAWCD DEMO", 128));
    p[702..813].copy_from_slice(&padded("", 111));
    p[813..830].copy_from_slice(VOL_DATE);
    p[830..847].copy_from_slice(VOL_DATE);
    p[847..864].copy_from_slice(b"0000000000000000\0");
    p[864..881].copy_from_slice(VOL_DATE);
    p[881] = 1;
    // Terminator.
    let t = &mut img[blk(term)..blk(term) + 7];
    t[0] = 255;
    t[1..6].copy_from_slice(b"CD001");
    t[6] = 1;
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32le(b: &[u8]) -> u32 {
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    #[test]
    fn reads_back() {
        let a = b"hello, rawcd\n".to_vec();
        let b = vec![7u8; 5000];
        let img = build_iso("demo", &[("readme.txt", &a), ("data.bin", &b)], 300);
        assert_eq!(img.len(), 300 * BLOCK);
        let p = &img[16 * BLOCK..17 * BLOCK];
        assert_eq!(&p[1..6], b"CD001");
        assert_eq!(&p[40..44], b"DEMO");
        assert_eq!(u32le(&p[80..]), 300);
        assert_eq!(&img[17 * BLOCK..17 * BLOCK + 6], b"\xffCD001");
        // Walk the root directory from the PVD's root record.
        let root = u32le(&p[158..]) as usize;
        let len = u32le(&p[166..]) as usize;
        let dir = &img[root * BLOCK..root * BLOCK + len];
        let mut at = 0;
        let mut found = Vec::new();
        while at < dir.len() && dir[at] != 0 {
            let r = &dir[at..at + dir[at] as usize];
            let name = &r[33..33 + r[32] as usize];
            let ext = u32le(&r[2..]) as usize;
            let size = u32le(&r[10..]) as usize;
            found.push((
                String::from_utf8_lossy(name).to_string(),
                img[ext * BLOCK..ext * BLOCK + size].to_vec(),
            ));
            at += r[0] as usize;
        }
        assert_eq!(found.len(), 4);
        assert_eq!(found[2], ("README.TXT;1".to_string(), a));
        assert_eq!(found[3], ("DATA.BIN;1".to_string(), b));
        assert_eq!(level1_name("a long-name.text"), "A_LONG_N.TEX;1");
    }
}

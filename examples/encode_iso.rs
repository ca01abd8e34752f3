//! Encodes a 2048-byte-sector ISO image as raw Mode 1 sectors (2352 bytes each, unscrambled,
//! from LBA 0), then verifies every sector it wrote.
//!
//! `cargo run --release --example encode_iso -- [IN.iso] [OUT.bin]`
//! Without arguments it encodes 300 generated sectors into `encode_iso_demo.bin`.

use std::io::Write;

use rawcd::codec::engine::Auto;
use rawcd::codec::verify::Scrambling;
use rawcd::codec::{encode_sector, verify_sector, SectorType, SECTOR_SIZE};
use rawcd::units::Lba;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (iso, out) = match args.as_slice() {
        [i, o] => (std::fs::read(i)?, o.clone()),
        [] => (
            (0..300 * 2048u32).map(|i| (i % 251) as u8).collect(),
            "encode_iso_demo.bin".to_string(),
        ),
        _ => return Err("usage: encode_iso [IN.iso OUT.bin]".into()),
    };
    if iso.len() % 2048 != 0 {
        return Err(format!("input is {} bytes, not a multiple of 2048", iso.len()).into());
    }
    let engine = Auto::detect();
    let start = std::time::Instant::now();
    let mut bin = Vec::with_capacity(iso.len() / 2048 * SECTOR_SIZE);
    let mut sector = [0u8; SECTOR_SIZE];
    for (i, user) in iso.chunks_exact(2048).enumerate() {
        encode_sector(&engine, SectorType::Mode1, Lba(i as i32), user, &mut sector)?;
        bin.extend_from_slice(&sector);
    }
    let took = start.elapsed();
    let bad = bin
        .chunks_exact(SECTOR_SIZE)
        .enumerate()
        .filter(|(i, s)| {
            !verify_sector(&engine, s, Some(Lba(*i as i32)), Scrambling::Plain).is_valid()
        })
        .count();
    let tmp = format!("{out}.part");
    std::fs::File::create(&tmp)?.write_all(&bin)?;
    std::fs::rename(&tmp, &out)?;
    let n = bin.len() / SECTOR_SIZE;
    println!(
        "{out}: {n} Mode 1 sectors, engine {}, {:.0} ns/sector, {bad} invalid on re-verify",
        engine.kind_name(),
        took.as_nanos() as f64 / n.max(1) as f64
    );
    Ok(())
}

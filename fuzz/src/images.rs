//! Fuzz helpers for the readers of other tools' images (ECM, CHD).

use std::io::Read;
use std::path::Path;

use rawcd::formats::image::{chd, ecm};

/// ECM v1. Oracles: the record walk and the decoder agree (a stream that decodes has exactly
/// the length the walk computed); reading through `Read` one byte at a time gives the same
/// bytes and the same verdict as decoding whole; never a panic.
pub fn ecm_stream(data: &[u8]) {
    let name = Path::new("fuzz.bin.ecm");
    let scanned = ecm::scan_reader(std::io::Cursor::new(data), data.len() as u64, name);
    let whole = ecm::decode_all(data, name);
    if let Ok(out) = &whole {
        let info = scanned.as_ref().expect("a stream that decodes also scans");
        assert_eq!(out.len() as u64, info.decoded_len);
    }
    if let Ok(mut d) = ecm::EcmDecoder::new(data, name) {
        let mut bytes = Vec::new();
        let mut b = [0u8; 1];
        let ok = loop {
            match d.read(&mut b) {
                Ok(0) => break true,
                Ok(_) => bytes.push(b[0]),
                Err(_) => break false,
            }
        };
        assert_eq!(ok, whole.is_ok());
        if let Ok(out) = &whole {
            assert!(bytes == *out);
        }
    }
}

/// MAME CHD. The bytes go to a temporary file (the reader works on files). Oracles: a plan
/// that opens has track segments that tile the content exactly; reading the whole content
/// either gives exactly its length or a typed error; `verify` never panics.
pub fn chd_image(data: &[u8]) {
    let dir = std::env::temp_dir().join(format!("rawcd-fuzz-chd-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("fuzz.chd");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let _ = chd::verify(&path);
    let Ok(plan) = chd::plan(&path) else {
        return;
    };
    let Ok(file) = chd::ChdFile::open(&path) else {
        panic!("a CHD whose plan opens also opens as content");
    };
    let mut at = 0u64;
    for t in &plan.tracks {
        for s in &t.segments {
            if let rawcd::formats::Segment::File {
                byte_offset,
                byte_len,
                ..
            } = s
            {
                assert_eq!(*byte_offset, at);
                at += byte_len;
            }
        }
    }
    assert_eq!(at, file.content_len());
    // Read at most 4 MiB of content.
    let len = file.content_len().min(4 << 20);
    let src = file.segment(0, len);
    let mut buf = vec![0u8; len as usize];
    let _ = src.read_at(0, &mut buf);
}

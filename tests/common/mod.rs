//! Shared helpers for the integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use sha2::{Digest, Sha256};

/// SplitMix64 byte stream S(seed) of golden.md.
pub struct SplitMix {
    x: u64,
    buf: [u8; 8],
    pos: usize,
}

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        SplitMix {
            x: seed,
            buf: [0; 8],
            pos: 8,
        }
    }
    fn word(&mut self) -> u64 {
        self.x = self.x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn fill(&mut self, out: &mut [u8]) {
        for b in out {
            if self.pos == 8 {
                self.buf = self.word().to_le_bytes();
                self.pos = 0;
            }
            *b = self.buf[self.pos];
            self.pos += 1;
        }
    }
    pub fn take(&mut self, n: usize) -> Vec<u8> {
        let mut v = vec![0u8; n];
        self.fill(&mut v);
        v
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|h| u8::from_str_radix(h, 16).unwrap())
        .collect()
}

pub const TESTDATA: &str = "../shared/testdata/real";

pub fn testdata(rel: &str) -> Vec<u8> {
    let p = format!("{TESTDATA}/{rel}");
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

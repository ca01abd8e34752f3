//! Probes the compiler: the AVX-512, GFNI and VPCLMULQDQ intrinsics and target features are
//! stable from Rust 1.89, while the crate builds from 1.85. On an older compiler the engines
//! that need them (`Avx512`, and the 256-bit VPCLMULQDQ fold of `X86`) are left out and the
//! others stand alone.
use std::process::Command;

fn main() {
    println!("cargo:rustc-check-cfg=cfg(rawcd_simd512)");
    println!("cargo:rerun-if-env-changed=RUSTC");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let minor = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|v| {
            // "rustc 1.95.0 (…)": the second dotted field.
            let ver = v.split_whitespace().nth(1)?.to_owned();
            ver.split('.').nth(1)?.parse::<u32>().ok()
        });
    if minor.is_some_and(|m| m >= 89) {
        println!("cargo:rustc-cfg=rawcd_simd512");
    }
}

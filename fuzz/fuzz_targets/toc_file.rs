#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rawcd_fuzz::toc_file(data));

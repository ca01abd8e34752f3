#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rawcd_fuzz::chd_image(data));

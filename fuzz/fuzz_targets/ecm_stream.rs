#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rawcd_fuzz::ecm_stream(data));

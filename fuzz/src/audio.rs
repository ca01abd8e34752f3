//! Audio inputs: the WAV header parser and decoded audio files (feature `audio`).

use std::path::Path;

/// Arbitrary bytes as a WAV header: a found data range must lie inside the input.
pub fn wav_header(data: &[u8]) {
    if let Ok(w) = rawcd::formats::parse_wav(data) {
        assert!(w.data_offset + w.data_len <= data.len() as u64);
    }
}

/// Arbitrary bytes as an audio file (feature `audio`): length detection (`probe_bytes`) then a
/// full decode. Oracle: a decode that succeeds gives exactly the announced length in CD PCM
/// bytes (anything else must be a typed error, never a panic); the FLAC metadata parser and
/// the container sniffer never panic on the same bytes.
pub fn audio_file(data: &[u8]) {
    use rawcd::formats::audio::{flac_meta, probe_bytes, sniff, stream::decode_all, AudioOptions};
    let _ = sniff(data);
    let _ = flac_meta::parse_flac_meta(data);
    let opts = AudioOptions {
        convert: true,
        ..Default::default()
    };
    let name = Path::new("fuzz.audio");
    if let Ok(info) = probe_bytes(name, data.to_vec(), &opts) {
        let src = Box::new(std::io::Cursor::new(data.to_vec()));
        if let Ok(pcm) = decode_all(&info, src, &opts) {
            assert_eq!(pcm.len() as u64, info.pcm_bytes());
        }
    }
}

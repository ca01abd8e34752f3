//! CD-Text packs (decode and build) and the R–W subchannel they travel in.

/// Arbitrary packs through the CD-Text decoder; what decodes must re-encode and decode to the
/// same text.
pub fn cdtext_packs(data: &[u8]) {
    use rawcd::codec::cdtext::{CdText, EncodeOptions};
    if let Ok(packs) = rawcd::formats::cdt::read_cdt(data) {
        if let Ok(text) = CdText::decode(&packs) {
            if let Ok(again) = text.encode(&EncodeOptions::default()) {
                let back = CdText::decode(&again).expect("re-encoded packs decode");
                assert_eq!(back, text);
            }
        }
    }
}

/// Arbitrary metadata through the CD-Text pack builder: errors for oversized text, otherwise
/// packs with valid CRCs that decode to the same text.
pub fn cdtext_build(data: &[u8]) {
    use rawcd::codec::cdtext::{Block, CdText, Charset, EncodeOptions, TextKind};
    if data.len() < 3 {
        return;
    }
    let tracks = (data[0] % 99) as usize + 1;
    let blocks = (data[1] % 3) as usize + 1;
    let mut text = CdText { blocks: Vec::new() };
    let mut strings = data[3..].split(|&b| b == 0);
    for bl in 0..blocks {
        let mut b = Block::new(9 - bl as u8, Charset::Iso8859_1, 1, tracks);
        let mut next = || strings.next().unwrap_or(&[]).to_vec();
        *b.disc.get_mut(TextKind::Title) = next();
        *b.disc.get_mut(TextKind::Performer) = next();
        for t in b.tracks.iter_mut() {
            *t.texts.get_mut(TextKind::Title) = next();
            if data[2] & 1 != 0 {
                *t.texts.get_mut(TextKind::Songwriter) = next();
            }
        }
        text.blocks.push(b);
    }
    let opts = EncodeOptions {
        tab_shortcut: data[2] & 2 != 0,
    };
    if let Ok(packs) = text.encode(&opts) {
        assert!(packs.iter().all(|p| p.crc_ok()));
        let back = CdText::decode(&packs).expect("built packs decode");
        assert_eq!(back, text);
    }
}

/// Arbitrary raw R–W symbols through the de-interleaver and parity check: never panics, and a
/// stream the encoder made decodes back to its input with every pack Ok.
pub fn rw_decode(data: &[u8]) {
    use rawcd::codec::rw::{PackStatus, RwDeinterleaver, RwInterleaver};
    let mut d = RwDeinterleaver::new();
    for chunk in data.chunks_exact(96) {
        let mut raw = [0u8; 96];
        raw.copy_from_slice(chunk);
        let mut out = [0u8; 96];
        let _ = d.decode_sector(&raw, &mut out);
    }
    // Round trip: the fuzz bytes as cooked input.
    let sectors = data.len() / 96;
    let mut enc = RwInterleaver::new();
    let mut dec = RwDeinterleaver::new();
    let mut back = Vec::new();
    for k in 0..sectors + 2 {
        let mut cooked = [0u8; 96];
        if k < sectors {
            for (c, b) in cooked.iter_mut().zip(&data[96 * k..96 * k + 96]) {
                *c = b & 0x3F;
            }
        }
        let mut raw = [0u8; 96];
        enc.encode_sector(&cooked, &mut raw);
        let mut out = [0u8; 96];
        let st = dec.decode_sector(&raw, &mut out);
        if k >= 2 {
            assert!(st.iter().all(|s| matches!(s, PackStatus::Ok)));
            back.extend_from_slice(&out);
        }
    }
    // Data symbols (4..19 of each pack) and the mode/instruction symbols come back.
    for (k, pack) in back.chunks_exact(24).enumerate() {
        let src = &data[24 * k..24 * k + 24];
        for i in [0usize, 1].into_iter().chain(4..20) {
            assert_eq!(pack[i], src[i] & 0x3F);
        }
    }
}

//! Crashes and wrong answers found by fuzzing, each with its input inline.

#![allow(clippy::unwrap_used)] // test code: a panic is a failure with its location

use rawcd::codec::cdtext::{Block, CdText, CdTextError, Charset, TextKind};

/// fuzz/cdtext_build: a track title that is exactly TAB (0x09) was written as is and read
/// back as "same as the previous track". It is now refused with a typed error.
#[test]
fn cdtext_track_string_of_only_tab_is_refused() {
    let mut b = Block::new(9, Charset::Iso8859_1, 1, 4);
    *b.disc.get_mut(TextKind::Performer) = vec![26];
    *b.tracks[1].texts.get_mut(TextKind::Title) = vec![9];
    let text = CdText { blocks: vec![b] };
    assert!(matches!(
        text.encode(&Default::default()),
        Err(CdTextError::TabString { track: 2, .. })
    ));
    // A TAB inside longer text is ordinary text.
    let mut b = Block::new(9, Charset::Iso8859_1, 1, 2);
    *b.tracks[1].texts.get_mut(TextKind::Title) = b"a\tb".to_vec();
    let text = CdText { blocks: vec![b] };
    let packs = text.encode(&Default::default()).unwrap();
    assert_eq!(CdText::decode(&packs).unwrap(), text);
}

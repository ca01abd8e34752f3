//! CD-Text against the real pack files of cd-format.md §9.6 and §12.4: decode, compare with
//! libcdio's expected text, re-encode byte for byte; the v07t sheet; Nero's CDTX chunk.

// Helpers outside #[test] fns unwrap too: a panic in a test helper is a test failure with a
// location, the same reason clippy.toml allows unwrap inside tests.
#![allow(clippy::unwrap_used)]

use rawcd::codec::cdtext::{
    symbols_to_pack, Block, CdText, EncodeOptions, LeadinCdText, Pack, TextKind,
};
use rawcd::formats::cdt::{read_cdt, write_cdt};
use rawcd::formats::v07t::parse_v07t;

const DIR: &str = "../shared/testdata/real";

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{rel}")).unwrap()
}

fn latin1(b: &[u8]) -> String {
    b.iter().map(|&c| char::from(c)).collect()
}

/// The decoded text in the layout of libcdio's `.right` files (closed information is not shown
/// there).
fn render(text: &CdText) -> String {
    let mut out = String::new();
    let field = |out: &mut String, name: &str, value: &[u8]| {
        if !value.is_empty() {
            out.push_str(&format!("\t{name}: {}\n", latin1(value)));
        }
    };
    // libcdio's order of the six text fields.
    let order = [
        ("TITLE", TextKind::Title),
        ("PERFORMER", TextKind::Performer),
        ("SONGWRITER", TextKind::Songwriter),
        ("COMPOSER", TextKind::Composer),
        ("MESSAGE", TextKind::Message),
        ("ARRANGER", TextKind::Arranger),
    ];
    for (i, b) in text.blocks.iter().enumerate() {
        let lang = match b.language {
            0x09 => "English",
            0x08 => "German",
            _ => "?",
        };
        out.push_str(&format!("Language {i} '{lang}':\nCD-TEXT for Disc:\n"));
        for (name, kind) in order {
            field(&mut out, name, b.disc.get(kind));
        }
        field(&mut out, "UPC_EAN", &b.upc_ean);
        if let Some(g) = &b.genre {
            field(&mut out, "GENRE", &g.text);
        }
        field(&mut out, "DISC_ID", &b.disc_id);
        if let Some(g) = &b.genre {
            let name = if g.code == 5 { "Classical" } else { "?" };
            out.push_str(&format!("\tGENRE_CODE: {} ({name})\n", g.code));
        }
        for (k, t) in b.tracks.iter().enumerate() {
            out.push_str(&format!(
                "CD-TEXT for Track {:2}:\n",
                usize::from(b.first_track) + k
            ));
            for (name, kind) in order {
                field(&mut out, name, t.texts.get(kind));
            }
            field(&mut out, "ISRC", &t.isrc);
        }
        out.push('\n');
    }
    out
}

fn normalized(s: &str) -> Vec<String> {
    s.lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

fn check_file(name: &str, packs_expected: usize, tab: bool) -> (Vec<Pack>, CdText) {
    let bytes = read(&format!("libcdio/{name}.cdt"));
    let packs = read_cdt(&bytes).unwrap();
    assert_eq!(packs.len(), packs_expected);
    let text = CdText::decode(&packs).unwrap();
    let right = String::from_utf8(read(&format!("libcdio/{name}.right"))).unwrap();
    assert!(
        normalized(&right).len() > 20,
        "{name}: .right too short to compare"
    );
    assert_eq!(normalized(&render(&text)), normalized(&right), "{name}");
    let again = text.encode(&EncodeOptions { tab_shortcut: tab }).unwrap();
    assert_eq!(again, packs, "{name}: re-encoded packs differ");
    assert_eq!(write_cdt(&again, false), bytes[..packs_expected * 18]);
    (packs, text)
}

#[test]
#[ignore = "needs ../shared/testdata"]
fn cdtext_cdt_decodes_and_reencodes_with_tab_off() {
    let (packs, text) = check_file("cdtext", 96, false);
    assert_eq!(read("libcdio/cdtext.cdt").len(), 96 * 18 + 1);
    let langs: Vec<(u8, u8)> = text
        .blocks
        .iter()
        .map(|b| (b.charset.code(), b.language))
        .collect();
    assert_eq!(langs, [(0x01, 0x09), (0x00, 0x08)]);
    assert_eq!(
        text.blocks[0].closed_info,
        b"This is not to be shown by CD players"
    );
    assert_eq!(text.blocks[1].disc.title, b"Freudvolle N\xe4chte");
    // §9.5: 96 packs → 24 sectors per lead-in cycle.
    let leadin = LeadinCdText::new(&packs);
    assert_eq!(leadin.sectors_per_cycle(), 24);
    // One cycle of lead-in sectors from LBA −22650 gives the packs back in order.
    let mut back = Vec::new();
    for x in -22650..-22650 + 24 {
        let rw = leadin.rw_for_lba(x);
        for q in 0..4 {
            let sym: [u8; 24] = rw[24 * q..24 * q + 24].try_into().unwrap();
            back.push(Pack(symbols_to_pack(&sym)));
        }
    }
    assert_eq!(back, packs);
}

#[test]
#[ignore = "needs ../shared/testdata"]
fn cdtext_libburnia_cdt_reencodes_with_tab_on() {
    let (packs, _) = check_file("cdtext-libburnia", 91, true);
    assert_eq!(LeadinCdText::new(&packs).padded_len(), 364);
}

#[test]
#[ignore = "needs ../shared/testdata"]
fn cdtext_krosis_cdt_reencodes_with_tab_on() {
    let (packs, text) = check_file("cdtext-krosis", 47, true);
    assert_eq!(text.blocks[0].tracks.len(), 10);
    assert_eq!(LeadinCdText::new(&packs).padded_len(), 188);
}

/// The CDTX chunk of a Nero v2 image: footer `NER5` + 64-bit offset of the chunk list, chunks
/// of 4-byte id + 32-bit big-endian length.
fn nero_chunk(image: &[u8], id: &[u8; 4]) -> Option<Vec<u8>> {
    let foot = &image[image.len() - 12..];
    assert_eq!(&foot[..4], b"NER5");
    let mut at = usize::try_from(u64::from_be_bytes(foot[4..12].try_into().unwrap())).unwrap();
    while at + 8 <= image.len() {
        let cid = &image[at..at + 4];
        let len = u32::from_be_bytes(image[at + 4..at + 8].try_into().unwrap()) as usize;
        if cid == id {
            return Some(image[at + 8..at + 8 + len].to_vec());
        }
        if cid == b"END!" {
            break;
        }
        at += 8 + len;
    }
    None
}

#[test]
#[ignore = "needs ../shared/testdata"]
fn nero_cdtx_packs_are_reproduced() {
    let chunk = nero_chunk(&read("libcdio/p1.nrg"), b"CDTX").unwrap();
    let packs = read_cdt(&chunk).unwrap();
    assert_eq!(packs.len(), 8);
    let text = CdText::decode(&packs).unwrap();
    let b: &Block = &text.blocks[0];
    assert_eq!(b.disc.title, b"Join us now we have the software");
    assert_eq!(b.disc.performer, b"Richard Stallman");
    assert_eq!(b.tracks.len(), 2);
    assert_eq!(text.encode(&EncodeOptions::default()).unwrap(), packs);
    assert_eq!(LeadinCdText::new(&packs).sectors_per_cycle(), 2);
}

#[test]
#[ignore = "needs ../shared/testdata"]
fn nightcats_sheet_gives_block_0_of_cdtext_cdt() {
    let sheet = read("libburn/NIGHTCATS.TXT");
    let block = parse_v07t(&sheet, "NIGHTCATS.TXT").unwrap();
    let packs = CdText {
        blocks: vec![block],
    }
    .encode(&EncodeOptions {
        tab_shortcut: false,
    })
    .unwrap();
    let reference = read_cdt(&read("libcdio/cdtext.cdt")).unwrap();
    assert_eq!(packs.len(), 46);
    assert_eq!(packs[..43], reference[..43]);
    // The size packs differ by design (§9.6): character code 00 vs 01, one block vs two.
    assert_eq!(packs[43].payload()[0], 0x00);
    assert_eq!(reference[43].payload()[0], 0x01);
}

//! CD-Text (cd-format.md §9): the 18-byte pack, the text model of up to 8 language blocks, the
//! pack encoder and decoder, and the placement of packs in the lead-in R–W symbols (§9.5).
//!
//! Vocabulary: a *pack* is 18 bytes (4 header bytes, 12 payload bytes, CRC); a *block* is one
//! language: its text packs in ascending type order followed by 3 size packs (0x8F); a *string*
//! is the bytes of one field in the block's character code, without its terminator.
//!
//! Text is kept as bytes, never as Rust strings: ISO-8859-1 and ASCII blocks hold one byte per
//! character, MS-JIS blocks two. rawcd does not transcode; double-byte blocks are encoded from
//! the caller's raw bytes (each string an even number of bytes), and the double-byte flag is set
//! on their packs of types 0x80–0x85 only (**unverified**: no double-byte fixture exists).
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::fmt;

use thiserror::Error;

use super::q::crc16;

/// Bytes in one pack.
pub const PACK_SIZE: usize = 18;
/// Payload bytes in one pack (bytes 4–15).
pub const PAYLOAD_SIZE: usize = 12;
/// At most this many blocks (languages) on a disc.
pub const MAX_BLOCKS: usize = 8;
/// At most this many packs per block, the 3 size packs included (the sequence counter is a byte).
pub const MAX_PACKS_PER_BLOCK: usize = 256;
/// Pack type of the size information.
pub const SIZE_INFO: u8 = 0x8F;
/// The TAB byte that stands for "same as the previous track" (D18).
pub const TAB: u8 = 0x09;

/// One 18-byte CD-Text pack (§9.1).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pack(pub [u8; PACK_SIZE]);

impl Pack {
    /// Byte 0: pack type 0x80..0x8F.
    pub fn pack_type(&self) -> u8 {
        self.0[0]
    }
    /// Byte 1: track number owning the first payload byte (0 = disc), or the part of the size
    /// record for 0x8F.
    pub fn track(&self) -> u8 {
        self.0[1]
    }
    /// Byte 2: sequence counter within the block.
    pub fn sequence(&self) -> u8 {
        self.0[2]
    }
    /// Byte 3 bits 6–4: block number 0..7.
    pub fn block(&self) -> u8 {
        (self.0[3] >> 4) & 0x07
    }
    /// Byte 3 bit 7: double-byte characters.
    pub fn double_byte(&self) -> bool {
        self.0[3] & 0x80 != 0
    }
    /// Byte 3 bits 3–0: character position (capped at 15).
    pub fn char_position(&self) -> u8 {
        self.0[3] & 0x0F
    }
    /// Bytes 4–15.
    pub fn payload(&self) -> &[u8] {
        &self.0[4..16]
    }
    /// The CRC stored in bytes 16–17 (big-endian).
    pub fn stored_crc(&self) -> u16 {
        u16::from_be_bytes([self.0[16], self.0[17]])
    }
    /// CRC-16/GSM of bytes 0–15 (§6.3).
    pub fn computed_crc(&self) -> u16 {
        crc16(&self.0[..16])
    }
    /// True when the stored CRC matches.
    pub fn crc_ok(&self) -> bool {
        self.stored_crc() == self.computed_crc()
    }
    /// Writes the CRC of bytes 0–15 into bytes 16–17.
    pub fn seal(&mut self) {
        let crc = self.computed_crc();
        self.0[16..18].copy_from_slice(&crc.to_be_bytes());
    }
}

impl fmt::Debug for Pack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pack(")?;
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                write!(f, " ")?;
            }
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// Character code of a block (size record byte 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Charset {
    /// `00`: ISO-8859-1 (rawcd's default).
    #[default]
    Iso8859_1,
    /// `01`: ISO-646, ASCII.
    Ascii,
    /// `80`: MS-JIS, two bytes per character.
    MsJis,
}

impl Charset {
    /// The code byte.
    pub fn code(self) -> u8 {
        match self {
            Charset::Iso8859_1 => 0x00,
            Charset::Ascii => 0x01,
            Charset::MsJis => 0x80,
        }
    }
    /// The charset of a code byte, if known.
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            0x00 => Some(Charset::Iso8859_1),
            0x01 => Some(Charset::Ascii),
            0x80 => Some(Charset::MsJis),
            _ => None,
        }
    }
    /// Bytes per character: 2 for MS-JIS, else 1.
    pub fn width(self) -> usize {
        match self {
            Charset::MsJis => 2,
            _ => 1,
        }
    }
}

/// The six text fields that exist for the disc and for every track (types 0x80–0x85).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextKind {
    /// 0x80.
    Title,
    /// 0x81.
    Performer,
    /// 0x82.
    Songwriter,
    /// 0x83.
    Composer,
    /// 0x84.
    Arranger,
    /// 0x85.
    Message,
}

impl TextKind {
    /// All six, in pack-type order.
    pub const ALL: [TextKind; 6] = [
        TextKind::Title,
        TextKind::Performer,
        TextKind::Songwriter,
        TextKind::Composer,
        TextKind::Arranger,
        TextKind::Message,
    ];
    /// The pack type 0x80..0x85.
    pub fn pack_type(self) -> u8 {
        0x80 + self as u8
    }
    /// The field's name in lower case, as messages and JSON keys spell it (`title`, …).
    pub fn name(self) -> &'static str {
        match self {
            TextKind::Title => "title",
            TextKind::Performer => "performer",
            TextKind::Songwriter => "songwriter",
            TextKind::Composer => "composer",
            TextKind::Arranger => "arranger",
            TextKind::Message => "message",
        }
    }
}

/// Title, performer, songwriter, composer, arranger and message of the disc or of one track,
/// as bytes in the block's character code (empty = absent).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Texts {
    /// 0x80.
    pub title: Vec<u8>,
    /// 0x81.
    pub performer: Vec<u8>,
    /// 0x82.
    pub songwriter: Vec<u8>,
    /// 0x83.
    pub composer: Vec<u8>,
    /// 0x84.
    pub arranger: Vec<u8>,
    /// 0x85.
    pub message: Vec<u8>,
}

impl Texts {
    /// The field of `kind`.
    pub fn get(&self, kind: TextKind) -> &[u8] {
        match kind {
            TextKind::Title => &self.title,
            TextKind::Performer => &self.performer,
            TextKind::Songwriter => &self.songwriter,
            TextKind::Composer => &self.composer,
            TextKind::Arranger => &self.arranger,
            TextKind::Message => &self.message,
        }
    }
    /// The field of `kind`, mutable.
    pub fn get_mut(&mut self, kind: TextKind) -> &mut Vec<u8> {
        match kind {
            TextKind::Title => &mut self.title,
            TextKind::Performer => &mut self.performer,
            TextKind::Songwriter => &mut self.songwriter,
            TextKind::Composer => &mut self.composer,
            TextKind::Arranger => &mut self.arranger,
            TextKind::Message => &mut self.message,
        }
    }
}

/// The text of one track.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrackText {
    /// Types 0x80–0x85.
    pub texts: Texts,
    /// Type 0x8E: ISRC text (empty = absent).
    pub isrc: Vec<u8>,
}

/// Type 0x87: genre code and supplementary text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Genre {
    /// Genre code, written big-endian (5 = Classical).
    pub code: u16,
    /// Supplementary genre text.
    pub text: Vec<u8>,
}

/// One language block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Language code (EBU: `09` English, `08` German).
    pub language: u8,
    /// Character code of every string of the block.
    pub charset: Charset,
    /// Copyright flags byte of the size record (`00`; v07t "copy protection ON" is `03`).
    pub copyright: u8,
    /// Number of the first track (1..=99); tracks are numbered consecutively from it.
    pub first_track: u8,
    /// Disc-level types 0x80–0x85.
    pub disc: Texts,
    /// Per-track text, first track first; its length fixes the last track number.
    pub tracks: Vec<TrackText>,
    /// Type 0x86: disc identification (catalogue number text).
    pub disc_id: Vec<u8>,
    /// Type 0x87 (emitted when `Some`).
    pub genre: Option<Genre>,
    /// Type 0x8D: closed information, not for display.
    pub closed_info: Vec<u8>,
    /// Type 0x8E at disc level: UPC/EAN.
    pub upc_ean: Vec<u8>,
}

impl Block {
    /// An empty block for tracks `first_track ..= first_track + track_count − 1`.
    pub fn new(language: u8, charset: Charset, first_track: u8, track_count: usize) -> Self {
        Self {
            language,
            charset,
            copyright: 0,
            first_track,
            disc: Texts::default(),
            tracks: vec![TrackText::default(); track_count],
            disc_id: Vec::new(),
            genre: None,
            closed_info: Vec::new(),
            upc_ean: Vec::new(),
        }
    }

    /// Number of the last track (saturating; validated by the encoder).
    pub fn last_track(&self) -> u8 {
        let n = u8::try_from(self.tracks.len()).unwrap_or(u8::MAX);
        self.first_track.saturating_add(n).saturating_sub(1)
    }
}

/// CD-Text of a disc: up to 8 blocks, written in this order (block number = index).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CdText {
    /// The language blocks.
    pub blocks: Vec<Block>,
}

/// Options of the pack encoder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeOptions {
    /// Write a track string equal to the previous track's as a TAB (D18). Default on.
    pub tab_shortcut: bool,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        Self { tab_shortcut: true }
    }
}

/// An error of the CD-Text encoder or decoder.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CdTextError {
    /// More than 8 blocks.
    #[error("{blocks} CD-Text blocks, at most 8")]
    TooManyBlocks {
        /// Blocks given.
        blocks: usize,
    },
    /// A block needs more than 256 packs (253 text packs + 3 size packs).
    #[error("CD-Text block {block} needs {packs} packs, at most 256 including the 3 size packs")]
    TooManyPacks {
        /// Block number.
        block: usize,
        /// Packs the block would need.
        packs: usize,
    },
    /// A track range outside 1..=99, or no track at all.
    #[error("CD-Text block {block}: track range {first}..={last} (need 1 <= first <= last <= 99)")]
    TrackRange {
        /// Block number.
        block: usize,
        /// First track.
        first: u32,
        /// Last track.
        last: u32,
    },
    /// A string contains its own terminator (a NUL character).
    #[error("CD-Text block {block}, type {pack_type:#04x}, track {track}: NUL inside the string")]
    NulInText {
        /// Block number.
        block: usize,
        /// Pack type.
        pack_type: u8,
        /// Track number (0 = disc).
        track: u8,
    },
    /// A track string that is exactly the TAB character, which readers take as "same as the
    /// previous track" (D18), so it cannot be written as text.
    #[error("CD-Text block {block}, type {pack_type:#04x}, track {track}: a string that is only a TAB reads as \"same as previous track\"")]
    TabString {
        /// Block number.
        block: usize,
        /// Pack type.
        pack_type: u8,
        /// Track number.
        track: u8,
    },
    /// A double-byte string with an odd number of bytes.
    #[error("CD-Text block {block}, type {pack_type:#04x}, track {track}: odd length {len} in a double-byte block")]
    OddLength {
        /// Block number.
        block: usize,
        /// Pack type.
        pack_type: u8,
        /// Track number (0 = disc).
        track: u8,
        /// Bytes in the string.
        len: usize,
    },
    /// A pack whose CRC does not match.
    #[error("CD-Text pack {index}: CRC {stored:#06x}, computed {computed:#06x}")]
    BadCrc {
        /// Index of the pack in the input.
        index: usize,
        /// CRC in bytes 16–17.
        stored: u16,
        /// CRC of bytes 0–15.
        computed: u16,
    },
    /// A pack type outside 0x80..=0x8F.
    #[error("CD-Text pack {index}: type {pack_type:#04x} outside 0x80..=0x8f")]
    BadPackType {
        /// Index of the pack in the input.
        index: usize,
        /// Byte 0.
        pack_type: u8,
    },
    /// Two different packs with the same block and sequence number.
    #[error("CD-Text block {block}: two different packs with sequence number {sequence}")]
    DuplicateSequence {
        /// Block number.
        block: usize,
        /// Sequence number.
        sequence: u8,
    },
    /// A block without its 3 size packs.
    #[error("CD-Text block {block}: size information (0x8f, part {part}) missing")]
    MissingSizeInfo {
        /// Block number.
        block: usize,
        /// Missing part 0..2.
        part: u8,
    },
    /// A character code rawcd does not know.
    #[error("CD-Text block {block}: unknown character code {code:#04x}")]
    UnknownCharset {
        /// Block number.
        block: usize,
        /// Size record byte 0.
        code: u8,
    },
}

/// Pack types whose strings use double-byte characters in an MS-JIS block.
fn double_byte_type(pack_type: u8, charset: Charset) -> bool {
    charset == Charset::MsJis && (0x80..=0x85).contains(&pack_type)
}

/// One byte of a type's stream, with the track owning it and its character index in the
/// owner's string (`None` for the genre code bytes).
#[derive(Clone, Copy)]
struct Annotated {
    byte: u8,
    track: u8,
    pos: Option<usize>,
}

struct StreamBuilder {
    bytes: Vec<Annotated>,
    width: usize,
    block: usize,
    pack_type: u8,
}

impl StreamBuilder {
    fn new(block: usize, pack_type: u8, width: usize) -> Self {
        Self {
            bytes: Vec::new(),
            width,
            block,
            pack_type,
        }
    }

    fn raw(&mut self, byte: u8, track: u8) {
        self.bytes.push(Annotated {
            byte,
            track,
            pos: None,
        });
    }

    /// Appends a track's TAB shortcut ("same as the previous track") and its terminator.
    fn tab(&mut self, track: u8) -> Result<(), CdTextError> {
        let w = self.width;
        self.text(&[TAB; 2][..w], track, true)
    }

    /// Appends `s` and its terminator (one NUL per byte of a character).
    fn string(&mut self, s: &[u8], track: u8) -> Result<(), CdTextError> {
        self.text(s, track, false)
    }

    fn text(&mut self, s: &[u8], track: u8, shortcut: bool) -> Result<(), CdTextError> {
        let w = self.width;
        if s.len() % w != 0 {
            return Err(CdTextError::OddLength {
                block: self.block,
                pack_type: self.pack_type,
                track,
                len: s.len(),
            });
        }
        if s.chunks_exact(w).any(|c| c.iter().all(|&b| b == 0)) {
            return Err(CdTextError::NulInText {
                block: self.block,
                pack_type: self.pack_type,
                track,
            });
        }
        if !shortcut && track != 0 && s.len() == w && s.iter().all(|&b| b == TAB) {
            return Err(CdTextError::TabString {
                block: self.block,
                pack_type: self.pack_type,
                track,
            });
        }
        for (i, &byte) in s.iter().enumerate() {
            self.bytes.push(Annotated {
                byte,
                track,
                pos: Some(i / w),
            });
        }
        for _ in 0..w {
            self.bytes.push(Annotated {
                byte: 0,
                track,
                pos: Some(s.len() / w),
            });
        }
        Ok(())
    }

    /// Cuts the stream into packs (header bytes 0, 1, 3 and payload; sequence and CRC later).
    fn packs(&self, block: u8, double_byte: bool) -> Vec<Pack> {
        self.bytes
            .chunks(PAYLOAD_SIZE)
            .map(|chunk| {
                let mut p = [0u8; PACK_SIZE];
                p[0] = self.pack_type;
                p[1] = chunk[0].track;
                let pos = chunk[0].pos.unwrap_or(0).min(15) as u8;
                p[3] = (u8::from(double_byte) << 7) | (block << 4) | pos;
                for (d, a) in p[4..16].iter_mut().zip(chunk) {
                    *d = a.byte;
                }
                Pack(p)
            })
            .collect()
    }
}

/// Text packs (no size packs, unsequenced) of one block, with the per-type pack counts.
fn encode_block_text(
    b: &Block,
    index: usize,
    opts: &EncodeOptions,
) -> Result<(Vec<Pack>, [u8; 16]), CdTextError> {
    let first = u32::from(b.first_track);
    let last = first + b.tracks.len() as u32;
    if b.tracks.is_empty() || first == 0 || last - 1 > 99 {
        return Err(CdTextError::TrackRange {
            block: index,
            first,
            last: last.saturating_sub(1),
        });
    }
    let block_no = index as u8;
    let mut out = Vec::new();
    let mut counts = [0u8; 16];
    let mut emit = |builder: &StreamBuilder, double: bool, out: &mut Vec<Pack>| {
        let packs = builder.packs(block_no, double);
        counts[usize::from(builder.pack_type - 0x80)] =
            u8::try_from(packs.len()).unwrap_or(u8::MAX);
        out.extend(packs);
    };
    let track_no = |i: usize| b.first_track + i as u8;

    for kind in TextKind::ALL {
        let t = kind.pack_type();
        let present = !b.disc.get(kind).is_empty()
            || b.tracks.iter().any(|tr| !tr.texts.get(kind).is_empty());
        if !present {
            continue;
        }
        let double = double_byte_type(t, b.charset);
        let width = if double { 2 } else { 1 };
        let mut sb = StreamBuilder::new(index, t, width);
        sb.string(b.disc.get(kind), 0)?;
        let mut prev: Option<&[u8]> = None;
        for (i, tr) in b.tracks.iter().enumerate() {
            let s = tr.texts.get(kind);
            if opts.tab_shortcut && !s.is_empty() && prev == Some(s) {
                sb.tab(track_no(i))?;
            } else {
                sb.string(s, track_no(i))?;
            }
            prev = Some(s);
        }
        emit(&sb, double, &mut out);
    }
    if !b.disc_id.is_empty() {
        let mut sb = StreamBuilder::new(index, 0x86, 1);
        sb.string(&b.disc_id, 0)?;
        emit(&sb, false, &mut out);
    }
    if let Some(g) = &b.genre {
        let mut sb = StreamBuilder::new(index, 0x87, 1);
        for byte in g.code.to_be_bytes() {
            sb.raw(byte, 0);
        }
        sb.string(&g.text, 0)?;
        emit(&sb, false, &mut out);
    }
    if !b.closed_info.is_empty() {
        let mut sb = StreamBuilder::new(index, 0x8D, 1);
        sb.string(&b.closed_info, 0)?;
        emit(&sb, false, &mut out);
    }
    if !b.upc_ean.is_empty() || b.tracks.iter().any(|t| !t.isrc.is_empty()) {
        let mut sb = StreamBuilder::new(index, 0x8E, 1);
        sb.string(&b.upc_ean, 0)?;
        for (i, tr) in b.tracks.iter().enumerate() {
            sb.string(&tr.isrc, track_no(i))?;
        }
        emit(&sb, false, &mut out);
    }
    counts[usize::from(SIZE_INFO - 0x80)] = 3;
    let total = out.len() + 3;
    if total > MAX_PACKS_PER_BLOCK {
        return Err(CdTextError::TooManyPacks {
            block: index,
            packs: total,
        });
    }
    Ok((out, counts))
}

impl CdText {
    /// Encodes all blocks into packs (§9.3–9.4): per block the text types present in ascending
    /// order, then the 3 size packs, whose record lists every block's last sequence number and
    /// language. Sequence counters restart at 0 in each block; CRCs are sealed.
    ///
    /// # Errors
    /// [`CdTextError::TooManyBlocks`], [`CdTextError::TooManyPacks`],
    /// [`CdTextError::TrackRange`], [`CdTextError::NulInText`], [`CdTextError::OddLength`].
    pub fn encode(&self, opts: &EncodeOptions) -> Result<Vec<Pack>, CdTextError> {
        if self.blocks.len() > MAX_BLOCKS {
            return Err(CdTextError::TooManyBlocks {
                blocks: self.blocks.len(),
            });
        }
        let mut per_block = Vec::with_capacity(self.blocks.len());
        for (i, b) in self.blocks.iter().enumerate() {
            per_block.push(encode_block_text(b, i, opts)?);
        }
        let mut last_seq = [0u8; MAX_BLOCKS];
        let mut languages = [0u8; MAX_BLOCKS];
        for (i, ((text, _), b)) in per_block.iter().zip(&self.blocks).enumerate() {
            // At most 256 packs per block, checked above, so the last index fits a byte.
            last_seq[i] = u8::try_from(text.len() + 2).unwrap_or(u8::MAX);
            languages[i] = b.language;
        }
        let mut out = Vec::new();
        for (i, ((text, counts), b)) in per_block.into_iter().zip(&self.blocks).enumerate() {
            let mut record = [0u8; 3 * PAYLOAD_SIZE];
            record[0] = b.charset.code();
            record[1] = b.first_track;
            record[2] = b.last_track();
            record[3] = b.copyright;
            record[4..20].copy_from_slice(&counts);
            record[20..28].copy_from_slice(&last_seq);
            record[28..36].copy_from_slice(&languages);
            let block_no = i as u8;
            let mut packs = text;
            for part in 0..3u8 {
                let mut p = [0u8; PACK_SIZE];
                p[0] = SIZE_INFO;
                p[1] = part;
                p[3] = block_no << 4;
                let at = usize::from(part) * PAYLOAD_SIZE;
                p[4..16].copy_from_slice(&record[at..at + PAYLOAD_SIZE]);
                packs.push(Pack(p));
            }
            for (seq, p) in packs.iter_mut().enumerate() {
                p.0[2] = seq as u8;
                p.seal();
            }
            out.extend(packs);
        }
        Ok(out)
    }

    /// Decodes packs into blocks: checks every CRC, groups packs by block and sequence number
    /// (identical repeats, as in the padded lead-in list, are dropped), reassembles the strings
    /// of each type and expands TABs. Types 0x88–0x8C are ignored. Blocks are returned in block
    /// number order.
    ///
    /// # Errors
    /// [`CdTextError::BadCrc`], [`CdTextError::BadPackType`],
    /// [`CdTextError::DuplicateSequence`], [`CdTextError::MissingSizeInfo`],
    /// [`CdTextError::UnknownCharset`], [`CdTextError::TrackRange`].
    pub fn decode(packs: &[Pack]) -> Result<CdText, CdTextError> {
        let mut blocks: [BTreeMap<u8, Pack>; MAX_BLOCKS] = Default::default();
        for (index, p) in packs.iter().enumerate() {
            if !(0x80..=0x8F).contains(&p.pack_type()) {
                return Err(CdTextError::BadPackType {
                    index,
                    pack_type: p.pack_type(),
                });
            }
            if !p.crc_ok() {
                return Err(CdTextError::BadCrc {
                    index,
                    stored: p.stored_crc(),
                    computed: p.computed_crc(),
                });
            }
            let block = usize::from(p.block());
            match blocks[block].get(&p.sequence()) {
                Some(q) if q != p => {
                    return Err(CdTextError::DuplicateSequence {
                        block,
                        sequence: p.sequence(),
                    })
                }
                Some(_) => {}
                None => {
                    blocks[block].insert(p.sequence(), *p);
                }
            }
        }
        let mut out = CdText::default();
        for (bi, map) in blocks.iter().enumerate() {
            if map.is_empty() {
                continue;
            }
            out.blocks.push(decode_block(bi, map)?);
        }
        Ok(out)
    }
}

/// Splits a stream at terminators of `width` NUL bytes (character aligned).
fn split_strings(stream: &[u8], width: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for c in stream.chunks(width) {
        if c.iter().all(|&b| b == 0) {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.extend_from_slice(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn decode_block(bi: usize, map: &BTreeMap<u8, Pack>) -> Result<Block, CdTextError> {
    let mut record = [0u8; 3 * PAYLOAD_SIZE];
    for part in 0..3u8 {
        let p = map
            .values()
            .find(|p| p.pack_type() == SIZE_INFO && p.track() == part)
            .ok_or(CdTextError::MissingSizeInfo { block: bi, part })?;
        let at = usize::from(part) * PAYLOAD_SIZE;
        record[at..at + PAYLOAD_SIZE].copy_from_slice(p.payload());
    }
    let charset = Charset::from_code(record[0]).ok_or(CdTextError::UnknownCharset {
        block: bi,
        code: record[0],
    })?;
    let (first, last) = (record[1], record[2]);
    if first == 0 || last < first || last > 99 {
        return Err(CdTextError::TrackRange {
            block: bi,
            first: first.into(),
            last: last.into(),
        });
    }
    let count = usize::from(last - first) + 1;
    let mut b = Block::new(record[28 + bi], charset, first, count);
    b.copyright = record[3];

    let mut streams: BTreeMap<u8, Vec<u8>> = BTreeMap::new();
    for p in map.values() {
        streams
            .entry(p.pack_type())
            .or_default()
            .extend_from_slice(p.payload());
    }
    for (&t, stream) in &streams {
        let width = if double_byte_type(t, charset) { 2 } else { 1 };
        match t {
            0x80..=0x85 | 0x8E => {
                let strings = split_strings(stream, width);
                let mut it = strings.into_iter();
                let disc = it.next().unwrap_or_default();
                let tab = [TAB; 2];
                let mut prev: Vec<u8> = Vec::new();
                let mut tracks = Vec::with_capacity(count);
                for i in 0..count {
                    let mut s = it.next().unwrap_or_default();
                    if i > 0 && s == tab[..width] {
                        s.clone_from(&prev);
                    }
                    prev.clone_from(&s);
                    tracks.push(s);
                }
                if t == 0x8E {
                    b.upc_ean = disc;
                    for (tr, s) in b.tracks.iter_mut().zip(tracks) {
                        tr.isrc = s;
                    }
                } else {
                    let kind = TextKind::ALL[usize::from(t - 0x80)];
                    *b.disc.get_mut(kind) = disc;
                    for (tr, s) in b.tracks.iter_mut().zip(tracks) {
                        *tr.texts.get_mut(kind) = s;
                    }
                }
            }
            0x86 => {
                b.disc_id = split_strings(stream, 1)
                    .into_iter()
                    .next()
                    .unwrap_or_default()
            }
            0x8D => {
                b.closed_info = split_strings(stream, 1)
                    .into_iter()
                    .next()
                    .unwrap_or_default()
            }
            0x87 => {
                let code = match stream.as_slice() {
                    [hi, lo, ..] => u16::from_be_bytes([*hi, *lo]),
                    _ => 0,
                };
                let text = split_strings(stream.get(2..).unwrap_or(&[]), 1)
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                b.genre = Some(Genre { code, text });
            }
            _ => {}
        }
    }
    Ok(b)
}

/// The 24 six-bit lead-in symbols of a pack (§9.5): the 144 bits, byte 0 first and MSB first,
/// cut into 6-bit groups.
pub fn pack_to_symbols(pack: &[u8; PACK_SIZE]) -> [u8; 24] {
    let mut out = [0u8; 24];
    for (g, sym) in pack.chunks_exact(3).zip(out.chunks_exact_mut(4)) {
        let v = u32::from(g[0]) << 16 | u32::from(g[1]) << 8 | u32::from(g[2]);
        sym[0] = (v >> 18) as u8 & 0x3F;
        sym[1] = (v >> 12) as u8 & 0x3F;
        sym[2] = (v >> 6) as u8 & 0x3F;
        sym[3] = v as u8 & 0x3F;
    }
    out
}

/// Inverse of [`pack_to_symbols`] (bits 7 and 6 of the symbols are ignored).
pub fn symbols_to_pack(symbols: &[u8; 24]) -> [u8; PACK_SIZE] {
    let mut out = [0u8; PACK_SIZE];
    for (sym, g) in symbols.chunks_exact(4).zip(out.chunks_exact_mut(3)) {
        let v = u32::from(sym[0] & 0x3F) << 18
            | u32::from(sym[1] & 0x3F) << 12
            | u32::from(sym[2] & 0x3F) << 6
            | u32::from(sym[3] & 0x3F);
        g[0] = (v >> 16) as u8;
        g[1] = (v >> 8) as u8;
        g[2] = v as u8;
    }
    out
}

/// CD-Text laid out for the lead-in (§9.5): the pack list padded to a multiple of 4 by
/// repetition, 4 packs per sector, cycling from LBA −22650. No parity, no interleave (D17).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadinCdText {
    /// Symbols of the padded pack list.
    symbols: Vec<[u8; 24]>,
    /// The packs as given (before padding).
    packs: Vec<Pack>,
}

impl LeadinCdText {
    /// Lays out `packs`: as is if N mod 4 = 0, twice if N mod 4 = 2, four times if N is odd.
    pub fn new(packs: &[Pack]) -> Self {
        let repeat = match packs.len() % 4 {
            0 => 1,
            2 => 2,
            _ => 4,
        };
        let one: Vec<[u8; 24]> = packs.iter().map(|p| pack_to_symbols(&p.0)).collect();
        let mut symbols = Vec::with_capacity(one.len() * repeat);
        for _ in 0..repeat {
            symbols.extend_from_slice(&one);
        }
        Self {
            symbols,
            packs: packs.to_vec(),
        }
    }

    /// The packs as given (before padding), e.g. for a `.ccd` `[CDText]` section.
    pub fn packs(&self) -> &[Pack] {
        &self.packs
    }

    /// Packs after padding (N′).
    pub fn padded_len(&self) -> usize {
        self.symbols.len()
    }

    /// Sectors in one cycle of the list (N′ / 4).
    pub fn sectors_per_cycle(&self) -> usize {
        self.symbols.len() / 4
    }

    /// The 96 six-bit R–W symbols of the lead-in sector at `lba`: packs 4g..4g+3 with
    /// g = (lba + 22650) mod (N′/4), mathematical modulo. All zero when there are no packs.
    pub fn rw_for_lba(&self, lba: i32) -> [u8; 96] {
        let mut out = [0u8; 96];
        let cycle = self.sectors_per_cycle() as i64;
        if cycle == 0 {
            return out;
        }
        let g = (i64::from(lba) + 22650).rem_euclid(cycle) as usize;
        for (q, chunk) in out.chunks_exact_mut(24).enumerate() {
            chunk.copy_from_slice(&self.symbols[4 * g + q]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pack(bytes: [u8; 18]) -> Pack {
        Pack(bytes)
    }

    const SIZE_PACK: [u8; 16] = [
        0x8F, 0x00, 0x2A, 0x00, 0x01, 0x01, 0x03, 0x00, 0x06, 0x05, 0x04, 0x05, 0x07, 0x06, 0x01,
        0x02,
    ];

    #[test]
    fn crc_vector_9_6() {
        let mut p = [0u8; 18];
        p[..16].copy_from_slice(&SIZE_PACK);
        let mut p = Pack(p);
        p.seal();
        assert_eq!(&p.0[16..], &[0x48, 0x65]);
        assert!(p.crc_ok());
        p.0[5] ^= 1;
        assert!(!p.crc_ok());
    }

    #[test]
    fn symbols_vector_9_6() {
        let mut p = [0u8; 18];
        p[..16].copy_from_slice(&SIZE_PACK);
        p[16] = 0x48;
        p[17] = 0x65;
        let expected = [
            0x23, 0x30, 0x00, 0x2A, 0x00, 0x00, 0x04, 0x01, 0x00, 0x30, 0x00, 0x06, 0x01, 0x10,
            0x10, 0x05, 0x01, 0x30, 0x18, 0x01, 0x00, 0x24, 0x21, 0x25,
        ];
        assert_eq!(pack_to_symbols(&p), expected);
        assert_eq!(symbols_to_pack(&expected), p);
    }

    #[test]
    fn libburn_example_packs_have_valid_crcs() {
        // cd-format.md §12.3, from libburn's CD-Text documentation.
        for p in [
            [
                0x88, 0x00, 0x23, 0x00, 0x01, 0x0e, 0x00, 0x3f, 0x02, 0x12, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x12, 0x00,
            ],
            [
                0x8f, 0x01, 0x2b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x03, 0x2c, 0x00,
                0x00, 0x00, 0xc0, 0x20,
            ],
            [
                0x8f, 0x02, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x11, 0x45,
            ],
        ] {
            assert!(pack(p).crc_ok(), "{:?}", pack(p));
        }
    }

    fn one_block(title: Vec<u8>, tracks: usize) -> CdText {
        let mut b = Block::new(0x09, Charset::Iso8859_1, 1, tracks);
        b.disc.title = title;
        CdText { blocks: vec![b] }
    }

    #[test]
    fn size_limits() {
        // Title + NUL + one empty track NUL: L + 2 bytes → ceil((L + 2) / 12) packs.
        let ok = one_block(vec![b'a'; 253 * 12 - 2], 1);
        let packs = ok.encode(&EncodeOptions::default()).unwrap();
        assert_eq!(packs.len(), 256);
        assert_eq!(packs[255].sequence(), 255);
        let over = one_block(vec![b'a'; 253 * 12 - 1], 1);
        assert_eq!(
            over.encode(&EncodeOptions::default()),
            Err(CdTextError::TooManyPacks {
                block: 0,
                packs: 257
            })
        );
        let nine = CdText {
            blocks: vec![one_block(b"x".to_vec(), 1).blocks[0].clone(); 9],
        };
        assert_eq!(
            nine.encode(&EncodeOptions::default()),
            Err(CdTextError::TooManyBlocks { blocks: 9 })
        );
        assert_eq!(
            one_block(b"x".to_vec(), 0).encode(&EncodeOptions::default()),
            Err(CdTextError::TrackRange {
                block: 0,
                first: 1,
                last: 0
            })
        );
        assert_eq!(
            one_block(b"x".to_vec(), 100).encode(&EncodeOptions::default()),
            Err(CdTextError::TrackRange {
                block: 0,
                first: 1,
                last: 100
            })
        );
        assert_eq!(
            one_block(b"a\0b".to_vec(), 1).encode(&EncodeOptions::default()),
            Err(CdTextError::NulInText {
                block: 0,
                pack_type: 0x80,
                track: 0
            })
        );
    }

    #[test]
    fn tab_shortcut_and_positions() {
        let mut b = Block::new(0x09, Charset::Iso8859_1, 1, 3);
        b.tracks[0].texts.performer = b"Same".to_vec();
        b.tracks[1].texts.performer = b"Same".to_vec();
        b.tracks[2].texts.performer = b"Other".to_vec();
        let text = CdText { blocks: vec![b] };
        let packs = text.encode(&EncodeOptions::default()).unwrap();
        // Disc "" NUL, "Same" NUL, TAB NUL, "Other" NUL.
        assert_eq!(packs[0].payload(), b"\0Same\0\t\0Othe");
        assert_eq!(packs[0].track(), 0);
        assert_eq!(&packs[1].payload()[..3], b"r\0\0");
        assert_eq!((packs[1].track(), packs[1].char_position()), (3, 4));
        assert_eq!(packs.len(), 5);
        assert_eq!(CdText::decode(&packs).unwrap(), text);
        let off = text
            .encode(&EncodeOptions {
                tab_shortcut: false,
            })
            .unwrap();
        assert_eq!(&off[0].payload()[..12], b"\0Same\0Same\0O");
        assert_eq!(off[1].track(), 3);
        assert_eq!(off[1].char_position(), 1);
        assert_eq!(CdText::decode(&off).unwrap(), text);
    }

    #[test]
    fn double_byte_block() {
        let mut b = Block::new(0x69, Charset::MsJis, 1, 2);
        b.disc.title = vec![0x82, 0xa0, 0x82, 0xa2];
        b.tracks[0].texts.title = vec![0x82, 0xa0];
        b.tracks[1].texts.title = vec![0x82, 0xa0];
        let text = CdText {
            blocks: vec![b.clone()],
        };
        let packs = text.encode(&EncodeOptions::default()).unwrap();
        assert!(packs[0].double_byte());
        assert_eq!(
            &packs[0].payload()[..12],
            &[0x82, 0xa0, 0x82, 0xa2, 0, 0, 0x82, 0xa0, 0, 0, 9, 9]
        );
        assert_eq!(CdText::decode(&packs).unwrap(), text);
        b.disc.title.push(1);
        assert!(matches!(
            CdText { blocks: vec![b] }.encode(&EncodeOptions::default()),
            Err(CdTextError::OddLength { len: 5, .. })
        ));
    }

    #[test]
    fn decode_errors() {
        let packs = one_block(b"x".to_vec(), 1)
            .encode(&EncodeOptions::default())
            .unwrap();
        let mut bad = packs.clone();
        bad[1].0[6] ^= 0x10;
        assert!(matches!(
            CdText::decode(&bad),
            Err(CdTextError::BadCrc { index: 1, .. })
        ));
        let mut no_size = packs.clone();
        no_size.truncate(2);
        assert_eq!(
            CdText::decode(&no_size),
            Err(CdTextError::MissingSizeInfo { block: 0, part: 1 })
        );
        let mut ty = packs.clone();
        ty[0].0[0] = 0x7F;
        ty[0].seal();
        assert_eq!(
            CdText::decode(&ty),
            Err(CdTextError::BadPackType {
                index: 0,
                pack_type: 0x7F
            })
        );
        // The padded lead-in list (repeats) decodes to the same text.
        let mut twice = packs.clone();
        twice.extend_from_slice(&packs);
        assert_eq!(
            CdText::decode(&twice).unwrap(),
            CdText::decode(&packs).unwrap()
        );
    }

    #[test]
    fn leadin_padding_and_cycle() {
        let base = one_block(b"x".to_vec(), 1)
            .encode(&EncodeOptions::default())
            .unwrap(); // 1 text pack + 3 size packs
        for (n, padded) in [(4, 4), (5, 20), (6, 12), (7, 28), (8, 8)] {
            let packs: Vec<Pack> = base.iter().cycle().take(n).copied().collect();
            let l = LeadinCdText::new(&packs);
            assert_eq!(l.padded_len(), padded, "N = {n}");
            let cycle = padded / 4;
            // LBA −22650 carries packs 0..3; the list cycles with period N′/4 both ways.
            let first = l.rw_for_lba(-22650);
            assert_eq!(&first[..24], &pack_to_symbols(&packs[0].0));
            for x in [-22650, -20000, -151, -3] {
                assert_eq!(l.rw_for_lba(x), l.rw_for_lba(x + cycle as i32));
                assert_eq!(l.rw_for_lba(x), l.rw_for_lba(x - cycle as i32));
            }
            let last = l.rw_for_lba(-22651);
            let k = 4 * (cycle - 1) + 3;
            assert_eq!(&last[72..], &pack_to_symbols(&packs[k % n].0));
        }
        assert_eq!(LeadinCdText::new(&[]).rw_for_lba(-1000), [0u8; 96]);
    }

    fn text_strategy() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(Vec::new()),
            Just(b"Same".to_vec()),
            proptest::collection::vec(prop_oneof![0x20u8..0x7F, 0xA0u8..=0xFF], 0..40),
        ]
    }

    fn texts_strategy() -> impl Strategy<Value = Texts> {
        proptest::collection::vec(text_strategy(), 6).prop_map(|v| {
            let mut t = Texts::default();
            for (k, s) in TextKind::ALL.into_iter().zip(v) {
                *t.get_mut(k) = s;
            }
            t
        })
    }

    fn block_strategy() -> impl Strategy<Value = Block> {
        (
            1u8..=90,
            proptest::collection::vec((texts_strategy(), text_strategy()), 1..6),
            texts_strategy(),
            (text_strategy(), text_strategy(), text_strategy()),
            proptest::option::of((any::<u16>(), text_strategy())),
            (
                any::<u8>(),
                prop_oneof![Just(Charset::Iso8859_1), Just(Charset::Ascii)],
            ),
        )
            .prop_map(
                |(first, tracks, disc, (disc_id, closed, upc), genre, (language, charset))| {
                    let mut b = Block::new(language, charset, first, tracks.len());
                    for (t, (texts, isrc)) in b.tracks.iter_mut().zip(tracks) {
                        t.texts = texts;
                        t.isrc = isrc;
                    }
                    b.disc = disc;
                    b.disc_id = disc_id;
                    b.closed_info = closed;
                    b.upc_ean = upc;
                    b.genre = genre.map(|(code, text)| Genre { code, text });
                    b
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn encode_decode_round_trip(
            blocks in proptest::collection::vec(block_strategy(), 1..4),
            tab in any::<bool>(),
        ) {
            let text = CdText { blocks };
            let packs = text.encode(&EncodeOptions { tab_shortcut: tab }).unwrap();
            for p in &packs {
                prop_assert!(p.crc_ok());
            }
            prop_assert_eq!(CdText::decode(&packs).unwrap(), text);
        }

        #[test]
        fn decode_never_panics(raw in proptest::collection::vec(any::<[u8; 18]>(), 0..12)) {
            let packs: Vec<Pack> = raw
                .into_iter()
                .map(|mut b| {
                    b[0] = 0x80 | (b[0] & 0x0F);
                    let mut p = Pack(b);
                    p.seal();
                    p
                })
                .collect();
            let _ = CdText::decode(&packs);
        }
    }
}

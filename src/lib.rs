//! # rawcd
//!
//! Turns user data (ISO images, WAV audio, Mode 2 data, cue sheets, cdrdao TOC files) into the
//! exact raw stream a CD burner sends to a drive in raw disc-at-once mode: 2352-byte sectors with
//! sync, header, EDC, ECC and scrambling, plus the full P–W subchannel.
//!
//! The layers, bottom up (imports flow one way):
//!
//! * [`units`]: LBA, MSF and BCD.
//! * [`codec`]: one sector at a time (EDC, ECC, scrambler, Q frames, P–W forms, R–W, CD-Text);
//!   reference and fast engines behind one trait. No files, no threads, no disc knowledge.
//! * [`layout`]: the disc model (`ImageCreator`, `DiscMap`): tracks, gaps, lead-in, lead-out.
//! * [`formats`]: readers (sheets, audio files, other tools' images) that give a disc plan, and
//!   writers of cue, cdrdao TOC and CloneCD descriptors.
//! * [`pipeline`]: the parallel, ordered, bounded stream of encoded sectors.
//! * [`sink`]: consumers of the stream, atomic output files and the output-set writer.
//! * [`verify`]: checks of finished images, and repair.
//! * `capi` (feature `capi`): the C ABI of `include/rawcd.h`, on top of everything; the layers
//!   below do not know it exists.
//!
//! ## Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `cli` | yes | the `rawcd` binary (clap, indicatif, signal handling, completions, man pages); the library does not use it |
//! | `audio` | yes | decoded audio inputs: FLAC, AIFF, ALAC, WAV of any layout, Ogg Vorbis, MP3 (symphonia), resampling (rubato); `formats::audio`'s decoder, `Segment::Decoded` |
//! | `capi` | no | the C ABI (`rawcd_*` functions of `include/rawcd.h`); build the C libraries with `cargo rustc --release --lib --features capi --crate-type staticlib --crate-type cdylib` |
//!
//! Library users who want neither clap nor symphonia: `default-features = false`. Without
//! `audio`, WAV files in the CD layout (44.1 kHz, 16-bit, stereo PCM) are still read.
//!
//! ```
//! use rawcd::codec::{encode_sector, engine::Auto, SectorType, SECTOR_SIZE};
//! use rawcd::units::Lba;
//!
//! let engine = Auto::detect();
//! let user = [0u8; 2048];
//! let mut sector = [0u8; SECTOR_SIZE];
//! encode_sector(&engine, SectorType::Mode1, Lba(0), &user, &mut sector).unwrap();
//! assert_eq!(&sector[12..16], &[0x00, 0x02, 0x00, 0x01]);
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "capi")]
pub mod capi;
pub mod codec;
pub mod error;
pub mod formats;
pub mod layout;
pub mod pipeline;
pub mod sink;
pub mod source;
pub mod units;
pub mod verify;

pub use error::Error;

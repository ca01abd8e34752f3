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
//! * [`formats`]: parsers for cue sheets, cdrdao TOC files, WAV headers, CD-Text sheets.
//! * `capi` (feature `capi`): the C ABI of `include/rawcd.h`, on top of everything; the layers
//!   below do not know it exists.
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

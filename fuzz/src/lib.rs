//! The bodies of the fuzz targets, one module per area; each target in `fuzz_targets/` stays one
//! line calling the function of its name, and each function asserts an oracle.

mod audio;
mod capi;
mod cdtext;
mod codec;
pub mod images_b;
mod layout;
mod ops;
mod sheets;
mod verify;

pub use audio::{audio_file, wav_header};
pub use capi::capi_calls;
pub use cdtext::{cdtext_build, cdtext_packs, rw_decode};
pub use codec::{sector_codec, sector_correct};
pub use images_b::{ccd_image, mds_image, nrg_image};
pub use layout::disc_layout;
pub use sheets::{ccd_sheet, cue_sheet, toc_file};
pub use verify::raw_verify;

mod images;
pub use images::{chd_image, ecm_stream};

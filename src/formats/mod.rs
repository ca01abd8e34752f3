//! Input and output file formats: parsers take bytes and give layout values; writers take
//! layout values and give bytes. No threads, no sector encoding.
#![forbid(unsafe_code)]

pub mod cdt;
pub mod v07t;

//! `rawcd_write_image`: the file sets of `rawcd image`, written by the library's one set writer
//! ([`write_set`], which `rawcd image` calls too), so that the files are identical
//! (tests/capi_c.rs checks it against the binary).

use std::path::Path;

use crate::layout::DiscMap;
use crate::pipeline::PipelineOptions;
use crate::sink::set::{write_set, SetFormat};

use super::{Failure, RawFormat};

/// `rawcd_format`, checked.
pub(crate) fn format_from_c(v: RawFormat) -> Result<SetFormat, Failure> {
    match v {
        0 => Ok(SetFormat::Bin),
        1 => Ok(SetFormat::CloneCd),
        2 => Ok(SetFormat::Raw),
        3 => Ok(SetFormat::Cdrdao),
        _ => Err(Failure::invalid(format!("format {v} is not one of 0..=3"))),
    }
}

/// Writes `map` under `out` in `format` (the files of `rawcd image --format`), silently.
pub(crate) fn write_image(
    map: &DiscMap,
    out: &Path,
    format: SetFormat,
    opts: PipelineOptions,
) -> Result<(), Failure> {
    write_set(map, out, format, opts, &mut ())?;
    Ok(())
}

//! `rawcd_write_image`: the three file sets of `rawcd image`, made from the library's pieces
//! (pipeline, split/raw sinks, cue and ccd writers) exactly as the CLI makes them, so that the
//! files are identical (tests/capi_c.rs checks it against the binary).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::codec::cdtext::CdText;
use crate::formats::ccd::write_ccd;
use crate::formats::cue_write::write_cue;
use crate::layout::DiscMap;
use crate::pipeline::{PipelineOptions, ResultImage, SectorForm};
use crate::sink::{drain_into, AtomicFile, RawSink, SplitSink};

use super::{Failure, RawFormat};

/// `rawcd_format`, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Bin,
    Clonecd,
    Raw,
}

impl Format {
    pub(crate) fn from_c(v: RawFormat) -> Result<Format, Failure> {
        match v {
            0 => Ok(Format::Bin),
            1 => Ok(Format::Clonecd),
            2 => Ok(Format::Raw),
            _ => Err(Failure::invalid(format!("format {v} is not one of 0..=2"))),
        }
    }
}

fn with_ext(out: &Path, ext: &str) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

fn write_text(path: &Path, text: &str) -> Result<(), Failure> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(text.as_bytes()).map_err(|e| {
        Failure::new(
            super::rawcd_status::RAWCD_E_IO,
            format!("{}: {e}", path.display()),
        )
    })?;
    Ok(f.commit()?)
}

/// Streams `map` (program area only, unscrambled, in `form`) into `main` (+ `sub`).
fn split(
    map: &DiscMap,
    opts: PipelineOptions,
    form: SectorForm,
    main: &Path,
    sub: Option<&Path>,
) -> Result<(), Failure> {
    let mut img = ResultImage::new(
        map,
        PipelineOptions {
            form: Some(form),
            scramble: false,
            range: Some((0, map.start_of_leadout())),
            ..opts
        },
    )?;
    let mut sink = SplitSink::create(main, sub)?;
    Ok(drain_into(&mut img, &mut sink)?)
}

/// Writes `map` under `out` in `format` (the files of `rawcd image --format`).
pub(crate) fn write_image(
    map: &DiscMap,
    out: &Path,
    format: Format,
    opts: PipelineOptions,
) -> Result<(), Failure> {
    match format {
        Format::Bin => {
            let bin = with_ext(out, "bin");
            split(map, opts, SectorForm::Main, &bin, None)?;
            let name = bin
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let text = map.cdtext().and_then(|c| CdText::decode(c.packs()).ok());
            write_text(&with_ext(out, "cue"), &write_cue(map, &name, text.as_ref()))
        }
        Format::Clonecd => {
            let (img, sub) = (with_ext(out, "img"), with_ext(out, "sub"));
            split(map, opts, SectorForm::Linear96, &img, Some(&sub))?;
            let packs = map.cdtext().map(|c| c.packs().to_vec());
            write_text(&with_ext(out, "ccd"), &write_ccd(map, packs.as_deref()))
        }
        Format::Raw => {
            let mut img = ResultImage::new(
                map,
                PipelineOptions {
                    scramble: true,
                    ..opts
                },
            )?;
            let mut sink = RawSink::create(&with_ext(out, "raw"))?;
            Ok(drain_into(&mut img, &mut sink)?)
        }
    }
}

//! `rawcd_write_image`: the three file sets of `rawcd image`, made from the library's pieces
//! (pipeline, split/raw sinks, cue and ccd writers) exactly as the CLI makes them, so that the
//! files are identical (tests/capi_c.rs checks it against the binary).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::codec::cdtext::CdText;
use crate::formats::ccd::write_ccd;
use crate::formats::cue_write::{track_file_start, write_cue, write_cue_per_track};
use crate::layout::DiscMap;
use crate::pipeline::{PipelineOptions, ResultImage, SectorForm};
use crate::sink::{drain_into, AtomicFile, ImageSink, RawSink, SplitSink};

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

/// Streams the LBA `ranges` of `map` (unscrambled, in `form`), one after the other, into
/// `main` (+ `sub`): the program area, one track of the redump form, or every session's
/// program area without the gaps (CloneCD, D27).
fn split(
    map: &DiscMap,
    opts: PipelineOptions,
    form: SectorForm,
    ranges: &[(i32, i32)],
    main: &Path,
    sub: Option<&Path>,
) -> Result<(), Failure> {
    let mut sink = SplitSink::create(main, sub)?;
    let total = ranges.iter().map(|&(a, b)| (b - a).max(0) as u64).sum();
    sink.begin(form, total)?;
    for &r in ranges {
        let mut img = ResultImage::new(
            map,
            PipelineOptions {
                form: Some(form),
                scramble: false,
                range: Some(r),
                ..opts.clone()
            },
        )?;
        while let Some(b) = img.next_batch() {
            sink.write_batch(&b?)?;
        }
    }
    Ok(sink.finish()?)
}

/// Every session's program area: session 1 from LBA 0, a later one from its first INDEX 01,
/// each to its lead-out (what CloneCD's `.img` holds, D27).
fn program_ranges(map: &DiscMap) -> Vec<(i32, i32)> {
    map.sessions()
        .iter()
        .map(|s| {
            let from = if s.number == 1 {
                0
            } else {
                map.tracks()
                    .iter()
                    .find(|t| t.number == s.first_track)
                    .map_or(s.first_lba, |t| t.index01)
            };
            (from, s.leadout_lba)
        })
        .collect()
}

/// Writes `map` under `out` in `format` (the files of `rawcd image --format`).
pub(crate) fn write_image(
    map: &DiscMap,
    out: &Path,
    format: Format,
    opts: PipelineOptions,
) -> Result<(), Failure> {
    let text = map.cdtext().and_then(|c| CdText::decode(c.packs()).ok());
    match format {
        Format::Bin if map.sessions().len() > 1 => {
            // The redump form (D27): `OUT (Track NN).bin` per track, `OUT.cue`.
            let mut names = Vec::new();
            for t in map.tracks() {
                let mut p = out.as_os_str().to_owned();
                p.push(format!(" (Track {:02}).bin", t.number));
                let p = PathBuf::from(p);
                let range = (track_file_start(map, t), t.end);
                split(map, opts.clone(), SectorForm::Main, &[range], &p, None)?;
                names.push(
                    p.file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default(),
                );
            }
            let cue = write_cue_per_track(map, &names, text.as_ref());
            write_text(&with_ext(out, "cue"), &cue)
        }
        Format::Bin => {
            let bin = with_ext(out, "bin");
            let range = (0, map.start_of_leadout());
            split(map, opts, SectorForm::Main, &[range], &bin, None)?;
            let name = bin
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            write_text(&with_ext(out, "cue"), &write_cue(map, &name, text.as_ref()))
        }
        Format::Clonecd => {
            let (img, sub) = (with_ext(out, "img"), with_ext(out, "sub"));
            let ranges = program_ranges(map);
            split(map, opts, SectorForm::Linear96, &ranges, &img, Some(&sub))?;
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

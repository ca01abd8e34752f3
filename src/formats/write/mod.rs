//! Writers of rawcd's output descriptors: the cue sheet of a bin/cue set ([`cue`]), the cdrdao
//! TOC file ([`toc`]), the CloneCD control file ([`ccd`]), and the small ISO 9660 file system
//! of the demo disc ([`iso9660`]). Text out of a finished [`DiscMap`](crate::layout::DiscMap);
//! no sector data, no files opened.
#![forbid(unsafe_code)]

pub mod ccd;
pub mod cue;
pub mod iso9660;
pub mod toc;

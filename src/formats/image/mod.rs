//! Readers of disc images made by other tools: CloneCD control files ([`ccd`]) today; Nero,
//! Alcohol 120%, MAME CHD and ECM readers join here, one file each, recognised by content. Each
//! gives the neutral [`DiscPlan`](super::DiscPlan) the sheets give, plus the sources of its
//! sectors. Readers never import writers.
#![forbid(unsafe_code)]

pub mod ccd;

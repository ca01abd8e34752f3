//! Helpers for tests, benches and fuzz targets: every engine this CPU can run.
#![forbid(unsafe_code)]

use super::{Auto, EngineKind};

/// Every engine available on this CPU, reference first.
pub fn available() -> Vec<Auto> {
    [EngineKind::Reference, EngineKind::Table, EngineKind::X86]
        .into_iter()
        .filter_map(Auto::try_with_kind)
        .collect()
}

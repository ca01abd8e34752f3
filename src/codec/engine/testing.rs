//! Helpers for tests, benches and fuzz targets: every engine this CPU can run.
#![forbid(unsafe_code)]

use super::{Auto, EngineKind};

/// Every engine available on this CPU, reference first.
pub fn available() -> Vec<Auto> {
    vec![
        Auto::with_kind(EngineKind::Reference),
        Auto::with_kind(EngineKind::Table),
    ]
}

//! Helpers for tests, benches and fuzz targets: every engine this CPU can run.
#![forbid(unsafe_code)]

use super::{Auto, EngineKind};

/// Every engine available on this CPU, reference first.
pub fn available() -> Vec<Auto> {
    EngineKind::ALL
        .into_iter()
        .filter_map(Auto::try_with_kind)
        .collect()
}

/// The SIMD engine kinds this CPU (or this build) cannot run, each with the reason, so tests
/// can say what they skipped instead of passing silently.
pub fn missing() -> Vec<(EngineKind, &'static str)> {
    EngineKind::ALL
        .into_iter()
        .filter(|&k| Auto::try_with_kind(k).is_none())
        .map(|k| (k, Auto::requirement(k)))
        .collect()
}

/// Prints one line per engine this CPU lacks (for tests that iterate [`available`]).
pub fn report_missing(test: &str) {
    for (k, why) in missing() {
        eprintln!("{test}: skipped engine {}: needs {why}", k.name());
    }
}

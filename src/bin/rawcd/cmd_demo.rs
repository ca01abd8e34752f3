//! `rawcd demo`: a synthesised mixed-mode disc in all three formats, verified.

use crate::args::DemoArgs;
use crate::{CliError, CliResult};

/// Runs `rawcd demo`.
pub fn run(_a: DemoArgs) -> CliResult {
    Err(CliError::Io("demo: not built yet".into()))
}

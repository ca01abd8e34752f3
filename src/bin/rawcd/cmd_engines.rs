//! `rawcd engines`: which codec engine runs, why, and the CPU features it was chosen from, so
//! users and bug reports can tell.

use rawcd::codec::engine::{Auto, Chosen, EngineKind, ENGINE_ENV};

use crate::{CliError, CliResult};

/// Prints the engine in use, how it was chosen, the CPU features and every engine's status.
pub fn run() -> CliResult {
    // An unusable RAWCD_ENGINE is refused by `main` before any command runs.
    let (engine, how) = Auto::choice();
    let how = match how {
        Chosen::BuildCfg => "forced at build time (--cfg rawcd_engine)".to_owned(),
        Chosen::Env => format!("forced by {ENGINE_ENV}"),
        Chosen::Best => format!("the best this CPU runs; {ENGINE_ENV} forces another"),
    };
    let features = Auto::cpu_features()
        .iter()
        .map(|&(name, has)| format!("{}{name}", if has { "+" } else { "-" }))
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = format!(
        "engine: {} ({how})\nkernels: {}: {}\ncpu features: {}\n",
        engine.kind_name(),
        engine.label(),
        engine.kernels(),
        if features.is_empty() {
            "(none checked on this architecture)"
        } else {
            &features
        }
    );
    let available: Vec<EngineKind> = EngineKind::ALL
        .into_iter()
        .filter(|&k| Auto::try_with_kind(k).is_some())
        .collect();
    for k in EngineKind::ALL {
        if available.contains(&k) {
            out.push_str(&format!("  {:<10} available\n", k.name()));
        } else {
            out.push_str(&format!(
                "  {:<10} not available: needs {}\n",
                k.name(),
                Auto::requirement(k)
            ));
        }
    }
    use std::io::Write;
    std::io::stdout()
        .write_all(out.as_bytes())
        .map_err(|e| CliError::Io(format!("<stdout>: {e}")))?;
    Ok(0)
}

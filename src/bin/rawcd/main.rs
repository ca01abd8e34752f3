//! The `rawcd` command line: `image`, `toc`, `verify`, `repair`, `demo`, `simulate`,
//! `engines`, `completions`, `man`.
//!
//! Exit codes: 0 ok, 2 bad input (including a missing input file), 1 I/O or internal failure,
//! 3 `simulate` saw an underrun, 1 `verify` found problems or `repair` left something wrong.
//!
//! No `unsafe` anywhere in the binary.
#![forbid(unsafe_code)]

mod args;
mod audio_src;
mod cmd_demo;
mod cmd_engines;
mod cmd_image;
mod cmd_repair;
mod cmd_simulate;
mod cmd_toc;
mod cmd_verify;
mod json;
mod man;
mod plan;
mod progress;

use std::process::ExitCode;

/// A CLI failure: one line, and the exit code it maps to.
#[derive(Debug)]
pub enum CliError {
    /// The input is wrong (exit 2).
    BadInput(String),
    /// Output I/O or an internal failure (exit 1).
    Io(String),
}

impl CliError {
    fn code(&self) -> u8 {
        match self {
            CliError::BadInput(_) => 2,
            CliError::Io(_) => 1,
        }
    }
    fn message(&self) -> &str {
        match self {
            CliError::BadInput(m) | CliError::Io(m) => m,
        }
    }
}

impl From<rawcd::Error> for CliError {
    fn from(e: rawcd::Error) -> Self {
        if e.is_bad_input() {
            CliError::BadInput(e.to_string())
        } else {
            CliError::Io(e.to_string())
        }
    }
}

impl From<rawcd::layout::LayoutError> for CliError {
    fn from(e: rawcd::layout::LayoutError) -> Self {
        CliError::BadInput(e.to_string())
    }
}

/// The exit status of a command that ran.
pub type CliResult = Result<u8, CliError>;

/// Where each `--new-session` stood among the sources of a subcommand: the number of sources
/// before it. clap counts the flag but keeps one index for it, so the places come from the
/// command line itself: clap's indices of the sources, counted from the subcommand's name.
fn session_breaks(m: &clap::ArgMatches) -> Vec<usize> {
    let Some((name, sub)) = m.subcommand() else {
        return Vec::new();
    };
    let given = matches!(
        sub.try_contains_id("new_session")
            .map(|_| sub.value_source("new_session")),
        Ok(Some(clap::parser::ValueSource::CommandLine))
    );
    if !given || !matches!(sub.try_contains_id("sources"), Ok(true)) {
        return Vec::new();
    }
    let sources: Vec<usize> = sub
        .indices_of("sources")
        .map(|i| i.collect())
        .unwrap_or_default();
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let Some(at) = args.iter().position(|a| a == name) else {
        return Vec::new();
    };
    args[at..]
        .iter()
        .enumerate()
        .filter(|(_, a)| *a == "--new-session")
        .map(|(k, _)| sources.iter().filter(|&&s| s < k).count())
        .collect()
}

fn main() -> ExitCode {
    let matches = <args::Cli as clap::CommandFactory>::command().get_matches();
    let mut cli = match <args::Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    let breaks = session_breaks(&matches);
    match &mut cli.command {
        args::Command::Image(a) => a.src.session_breaks = breaks,
        args::Command::Toc(a) => a.src.session_breaks = breaks,
        args::Command::Simulate(a) => a.src.session_breaks = breaks,
        _ => {}
    }
    // A RAWCD_ENGINE this machine cannot honour is bad input, said before any work is done.
    if let Err(e) = rawcd::codec::engine::Auto::from_env() {
        eprintln!("rawcd: {e}");
        return ExitCode::from(2);
    }
    let r = match cli.command {
        args::Command::Image(a) => cmd_image::run(a),
        args::Command::Toc(a) => cmd_toc::run(a),
        args::Command::Verify(a) => cmd_verify::run(a),
        args::Command::Repair(a) => cmd_repair::run(a),
        args::Command::Demo(a) => cmd_demo::run(a),
        args::Command::Simulate(a) => cmd_simulate::run(a),
        args::Command::Engines => cmd_engines::run(),
        args::Command::Completions(a) => {
            let mut cmd = <args::Cli as clap::CommandFactory>::command();
            clap_complete::generate(a.shell, &mut cmd, "rawcd", &mut std::io::stdout());
            Ok(0)
        }
        args::Command::Man(a) => man::run(a),
    };
    match r {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("rawcd: {}", e.message());
            ExitCode::from(e.code())
        }
    }
}

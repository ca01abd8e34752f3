//! The `rawcd` command line: `image`, `toc`, `verify`, `repair`, `demo`, `simulate`,
//! `completions`, `man`.
//!
//! Exit codes: 0 ok, 2 bad input (including a missing input file), 1 I/O or internal failure,
//! 3 `simulate` saw an underrun, 1 `verify` found problems or `repair` left something wrong.
//!
//! No `unsafe` anywhere in the binary.
#![forbid(unsafe_code)]

mod args;
mod audio_src;
mod cmd_demo;
mod cmd_image;
mod cmd_repair;
mod cmd_simulate;
mod cmd_toc;
mod cmd_verify;
mod json;
mod plan;
mod progress;

use std::process::ExitCode;

use clap::Parser;

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

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let r = match cli.command {
        args::Command::Image(a) => cmd_image::run(a),
        args::Command::Toc(a) => cmd_toc::run(a),
        args::Command::Verify(a) => cmd_verify::run(a),
        args::Command::Repair(a) => cmd_repair::run(a),
        args::Command::Demo(a) => cmd_demo::run(a),
        args::Command::Simulate(a) => cmd_simulate::run(a),
        args::Command::Completions(a) => {
            let mut cmd = <args::Cli as clap::CommandFactory>::command();
            clap_complete::generate(a.shell, &mut cmd, "rawcd", &mut std::io::stdout());
            Ok(0)
        }
        args::Command::Man => {
            let cmd = <args::Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd)
                .render(&mut std::io::stdout())
                .map(|_| 0)
                .map_err(|e| CliError::Io(format!("<stdout>: {e}")))
        }
    };
    match r {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("rawcd: {}", e.message());
            ExitCode::from(e.code())
        }
    }
}

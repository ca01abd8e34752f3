//! The progress line (on a terminal only, fitted to its width) and the handling of Ctrl-C,
//! SIGTERM and SIGHUP.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rawcd::pipeline::ProgressHandle;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler of SIGINT, SIGTERM and SIGHUP once: it only raises a flag, the stream
/// loop cancels the pipeline and the output files, which have no name yet, are dropped.
pub fn install_interrupt() {
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

/// True after Ctrl-C.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Whether progress is drawn: only for a person watching, so quiet when stdout is not a
/// terminal (interface §2: a script, a log, or `-o -` piping the stream to a burner) and when
/// stderr, where it is drawn, is not one either.
fn shown() -> bool {
    std::io::stdout().is_terminal() && std::io::stderr().is_terminal()
}

/// A progress line that updates from the stream's progress handle.
pub struct Line {
    bar: Option<ProgressBar>,
    handle: ProgressHandle,
}

impl Line {
    /// A line on stderr when stdout and stderr are terminals (see [`shown`]) and not `quiet`.
    pub fn new(handle: ProgressHandle, quiet: bool) -> Line {
        let total = handle.snapshot().total_sectors;
        let bar = (!quiet && shown()).then(|| {
            let b =
                ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(8));
            b.set_style(style());
            b.enable_steady_tick(Duration::from_millis(250));
            b
        });
        Line { bar, handle }
    }

    /// Refreshes from the handle.
    pub fn tick(&self, elapsed: Duration) {
        if let Some(b) = &self.bar {
            let p = self.handle.snapshot();
            b.set_position(p.sectors_written);
            let mbs = p.bytes_written as f64 / elapsed.as_secs_f64().max(1e-6) / 1e6;
            let fill = 100.0 * p.buffer_fill as f64 / p.buffer_capacity.max(1) as f64;
            let lu = p
                .last_used_user_sector
                .map_or("-".to_string(), |v| v.to_string());
            b.set_message(format!(
                "{}/{} sectors  {mbs:.1} MB/s  buffer {fill:.0}%  last used user sector {lu}",
                p.sectors_written, p.total_sectors
            ));
        }
    }

    /// Removes the line.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// The line's layout: a short bar, percent and ETA, then the details, cut to the terminal's
/// width (`wide_msg`) so the line never wraps.
fn style() -> ProgressStyle {
    ProgressStyle::with_template("{bar:20} {percent:>3}% ETA {eta:>3} {wide_msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// A plain progress line with a message (for `simulate`), on a terminal only.
pub struct Bar(Option<ProgressBar>);

impl Bar {
    /// A bar of `total` steps on stderr when stdout and stderr are terminals (see [`shown`])
    /// and not `quiet`.
    pub fn new(total: u64, quiet: bool) -> Bar {
        Bar((!quiet && shown()).then(|| {
            let b =
                ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(8));
            b.set_style(style());
            b
        }))
    }

    /// Sets the position and the details.
    pub fn show(&self, pos: u64, msg: String) {
        if let Some(b) = &self.0 {
            b.set_position(pos);
            b.set_message(format!("{pos} sectors  {msg}"));
        }
    }

    /// Removes the line.
    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

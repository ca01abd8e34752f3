//! `rawcd man`: the manual pages (roff) — the top page on stdout, or with `--dir DIR` every
//! page (`rawcd.1` and `rawcd-SUB.1` for each subcommand) written into DIR.

use std::io::Write;
use std::path::Path;

use crate::args::ManArgs;
use crate::{CliError, CliResult};

/// Exit statuses and examples of one page, beyond what clap_mangen renders from the arguments.
struct Extra {
    /// (status, meaning).
    exit: &'static [(&'static str, &'static str)],
    /// (command line, what it does).
    examples: &'static [(&'static str, &'static str)],
}

const BAD_INPUT: (&str, &str) = (
    "2",
    "bad input: one line on standard error names the file, its line/column or LBA, and the problem",
);
const IO: (&str, &str) = ("1", "an I/O failure on output, or an internal error");

/// The extra sections of the page of `sub` (`None`: the top page).
fn extra(sub: Option<&str>) -> Extra {
    match sub {
        None => Extra {
            exit: &[
                ("0", "success"),
                IO,
                BAD_INPUT,
                ("1", "verify found problems, or repair left something wrong"),
                ("3", "simulate saw a drive-buffer underrun"),
            ],
            examples: &[
                ("rawcd demo out/", "make, write and verify a small mixed-mode disc"),
                ("rawcd image album.cue -o album", "album.bin and album.cue"),
                ("rawcd verify album.cue", "check an image"),
                ("rawcd man --dir ~/.local/share/man/man1", "install every manual page"),
            ],
        },
        Some("image") => Extra {
            exit: &[("0", "the output set was written"), IO, BAD_INPUT],
            examples: &[
                (
                    "rawcd image album.cue -o album",
                    "album.bin + album.cue (FILE lines may name WAV, FLAC, AIFF, ALAC, Vorbis or MP3)",
                ),
                (
                    "rawcd image data.iso a.flac b.mp3 -o disc --format clonecd",
                    "a plain list: disc.img + disc.ccd + disc.sub",
                ),
                (
                    "rawcd image album.cue -o disc --format cdrdao",
                    "disc.bin + disc.toc for cdrdao write",
                ),
                (
                    "rawcd image disc.toc -o - --format raw --subchannel raw96 | burner -",
                    "the raw drive stream to standard output",
                ),
            ],
        },
        Some("toc") => Extra {
            exit: &[("0", "the layout was printed"), IO, BAD_INPUT],
            examples: &[
                (
                    "rawcd toc data.iso song.wav --catalog 0724385356926",
                    "the layout of a plain list as a table",
                ),
                (
                    "rawcd toc album.cue --json",
                    "one JSON object (tracks, indexes, ISRC, CD-Text)",
                ),
            ],
        },
        Some("verify") => Extra {
            exit: &[
                ("0", "no problem found"),
                ("1", "problems found (one line each), or an I/O failure"),
                BAD_INPUT,
            ],
            examples: &[
                ("rawcd verify album.cue", "a bin/cue image"),
                ("rawcd verify disc.ccd", "a CloneCD image: .img and .sub"),
                (
                    "rawcd verify disc.raw --json",
                    "a raw stream (subchannel form and lead-in start detected), as JSON",
                ),
            ],
        },
        Some("repair") => Extra {
            exit: &[
                ("0", "the copy was written and nothing is left wrong"),
                (
                    "1",
                    "something could not be repaired (the copy is still written), or an I/O failure",
                ),
                BAD_INPUT,
            ],
            examples: &[
                (
                    "rawcd repair disc.ccd -o fixed",
                    "fixed.ccd + fixed.img + fixed.sub; disc.* is untouched",
                ),
                (
                    "rawcd repair game.chd -o fixed",
                    "fixed.bin + fixed.cue: Nero, Alcohol, ECM and CHD images are repaired as \
                     bin/cue, since rawcd writes none of those formats and bin/cue keeps every \
                     stored sector as it is (CloneCD would add a .sub the image never had)",
                ),
            ],
        },
        Some("demo") => Extra {
            exit: &[
                ("0", "every image was written and verified"),
                ("1", "an I/O failure, or a verify problem"),
            ],
            examples: &[("rawcd demo out/", "out/inputs/ and the images made of them")],
        },
        Some("simulate") => Extra {
            exit: &[
                ("0", "no underrun"),
                ("3", "the drive buffer ran empty at least once"),
                IO,
                BAD_INPUT,
            ],
            examples: &[
                (
                    "rawcd simulate album.cue --speed 52 --load 2",
                    "a 52x burn while two threads keep the CPU busy",
                ),
                (
                    "rawcd simulate --generate 80 --json",
                    "a generated 80-minute disc, one JSON object",
                ),
            ],
        },
        Some("completions") => Extra {
            exit: &[("0", "the script was printed"), IO],
            examples: &[(
                "mkdir -p ~/.local/share/bash-completion/completions && rawcd completions bash > ~/.local/share/bash-completion/completions/rawcd",
                "install bash completion",
            )],
        },
        Some("engines") => Extra {
            exit: &[
                ("0", "the engines were listed"),
                (
                    "2",
                    "RAWCD_ENGINE names an engine this CPU or build cannot run (one line says what it needs)",
                ),
            ],
            examples: &[
                ("rawcd engines", "the engine in use and the CPU features behind the choice"),
                (
                    "RAWCD_ENGINE=reference rawcd engines",
                    "force the reference engine (for any command)",
                ),
            ],
        },
        Some("man") => Extra {
            exit: &[("0", "the pages were written"), IO],
            examples: &[
                ("rawcd man | man -l -", "read the top page"),
                (
                    "rawcd man --dir ~/.local/share/man/man1",
                    "write rawcd.1 and rawcd-SUB.1 for every subcommand (the folder is created)",
                ),
            ],
        },
        // A subcommand without its own entry: the statuses every command shares.
        Some(_) => Extra {
            exit: &[("0", "success"), IO, BAD_INPUT],
            examples: &[],
        },
    }
}

/// Text for a roff body line: backslashes, hyphens, and a leading dot or quote escaped.
fn roff(s: &str) -> String {
    let t = s.replace('\\', "\\e").replace('-', "\\-");
    if t.starts_with('.') || t.starts_with('\'') {
        format!("\\&{t}")
    } else {
        t
    }
}

/// The EXIT STATUS and EXAMPLES sections in roff.
fn extra_roff(e: &Extra) -> String {
    let mut s = String::from(".SH \"EXIT STATUS\"\n");
    for (code, what) in e.exit {
        s += &format!(".TP\n\\fB{code}\\fR\n{}\n", roff(what));
    }
    if !e.examples.is_empty() {
        s += ".SH EXAMPLES\n";
    }
    for (cmd, what) in e.examples {
        s += &format!(".TP\n\\fB{}\\fR\n{}\n", roff(cmd), roff(what));
    }
    s
}

/// One page: clap_mangen's sections from the arguments, then exit status and examples.
fn page(cmd: clap::Command, sub: Option<&str>) -> Result<Vec<u8>, std::io::Error> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut out)?;
    out.extend_from_slice(extra_roff(&extra(sub)).as_bytes());
    Ok(out)
}

/// The command tree as clap_mangen names it (`rawcd-image` for `rawcd image`).
fn command() -> clap::Command {
    let mut cmd =
        <crate::args::Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

fn write_dir(dir: &Path) -> CliResult {
    let io = |p: &Path, e: std::io::Error| CliError::Io(format!("{}: {e}", p.display()));
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let cmd = command();
    let mut pages = vec![("rawcd.1".to_string(), page(cmd.clone(), None))];
    for s in cmd.get_subcommands() {
        pages.push((
            format!("rawcd-{}.1", s.get_name()),
            page(s.clone(), Some(s.get_name())),
        ));
    }
    for (name, body) in pages {
        let p = dir.join(name);
        let body = body.map_err(|e| io(&p, e))?;
        std::fs::write(&p, body).map_err(|e| io(&p, e))?;
        println!("{}", p.display());
    }
    Ok(0)
}

/// Runs `rawcd man`.
pub fn run(a: ManArgs) -> CliResult {
    if let Some(dir) = &a.dir {
        return write_dir(dir);
    }
    let body = page(command(), None).map_err(|e| CliError::Io(format!("<stdout>: {e}")))?;
    std::io::stdout()
        .write_all(&body)
        .map(|_| 0)
        .map_err(|e| CliError::Io(format!("<stdout>: {e}")))
}

//! Command-line arguments (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// rawcd: the raw disc-at-once CD stream, bit-exact (sectors with EDC/ECC/scrambling and the
/// full P–W subchannel), from ISO/WAV files, cue sheets and cdrdao TOC files.
#[derive(Debug, Parser)]
#[command(name = "rawcd", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a disc image: bin/cue, CloneCD (img/ccd/sub) or the raw drive stream.
    Image(ImageArgs),
    /// Print the layout: tracks, indexes, LBAs/MSF, flags, ISRC, MCN, lead-out.
    Toc(TocArgs),
    /// Check an image (.cue, .toc, .ccd, Nero .nrg, Alcohol .mds, ECM, CHD or .raw): sync,
    /// address, mode, EDC, ECC, Q CRC and positions.
    Verify(VerifyArgs),
    /// Write a corrected copy of an image (.cue, .ccd, .raw; Nero, Alcohol, ECM and CHD images
    /// as bin/cue): ECC-correct data sectors, rebuild headers, regenerate damaged Q frames. The
    /// input is not modified.
    Repair(RepairArgs),
    /// Synthesise a small mixed-mode disc, write it in all four formats (bin/cue, CloneCD, raw,
    /// cdrdao TOC) and verify each.
    Demo(DemoArgs),
    /// Dry-run a burn: stream into a simulated drive buffer at a write speed.
    // The sources are optional here: `--generate` stands in for them (checked by the command).
    #[command(mut_arg("sources", |a| a.required(false)))]
    Simulate(SimulateArgs),
    /// Print the codec engine in use, how it was chosen and the CPU features it was chosen
    /// from (RAWCD_ENGINE=reference|table|x86|avx512|neon forces one).
    Engines,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) on stdout.
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on stdout (`rawcd man | man -l -`), or write every page
    /// (rawcd.1 and rawcd-SUB.1 for each subcommand) into a folder with `--dir`.
    Man(ManArgs),
}

/// `man` arguments.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write rawcd.1 and one rawcd-SUB.1 per subcommand into this folder (created if missing)
    /// instead of printing the top page.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

/// `completions` arguments.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Where the disc comes from.
#[derive(Debug, Args, Clone)]
pub struct SourceArgs {
    /// A .cue sheet, a cdrdao .toc file, or a list of files, one track each: .iso (Mode 1) and
    /// audio (WAV, FLAC, AIFF, ALAC in .m4a, MP3, Ogg Vorbis; by content). A single FLAC with an
    /// embedded cue sheet is a whole disc.
    #[arg(required = true)]
    pub sources: Vec<PathBuf>,
    /// MCN (13 digits) for a plain file list.
    #[arg(long)]
    pub catalog: Option<String>,
    /// ISRC of track N for a plain file list, as N=CODE (repeatable).
    #[arg(long, value_name = "N=CODE")]
    pub isrc: Vec<String>,
    /// CD-Text disc title for a plain file list.
    #[arg(long)]
    pub title: Option<String>,
    /// CD-Text disc performer for a plain file list.
    #[arg(long)]
    pub performer: Option<String>,
    /// CD-Text for the lead-in from a file: a `.cdt` pack file or a Sony input sheet (v07t text).
    #[arg(long, value_name = "FILE")]
    pub cdtext: Option<PathBuf>,
    /// No 2-second gaps between audio tracks of a plain file list.
    #[arg(long)]
    pub gapless: bool,
    /// For cue MODE2/2336: recompute EDC/ECC from each subheader instead of passing through.
    #[arg(long)]
    pub regenerate_edc: bool,
    /// For a CloneCD image, and Nero or Alcohol tracks stored with their subchannel (clone
    /// mode): generate P–W as for any other input instead of carrying the bytes as read (a
    /// Nero/Alcohol track keeps its R–W).
    #[arg(long)]
    pub regenerate_subchannel: bool,
    /// Accept tracks shorter than 4 seconds (300 sectors) with a warning (real discs have them).
    #[arg(long)]
    pub allow_short_tracks: bool,
    /// Accept every rule a real disc may break (short tracks; gap rules only ever warn).
    #[arg(long)]
    pub relaxed: bool,
    /// Let a sheet's FILE lines name files outside its folder (absolute, `..`, symlinks).
    #[arg(long)]
    pub allow_any_path: bool,
    /// Convert decoded audio that is not 16-bit stereo 44.1 kHz (mono → stereo, 24/32-bit →
    /// 16-bit with TPDF dither) instead of refusing it.
    #[arg(long)]
    pub convert_audio: bool,
    /// Do not fill CD-Text, ISRC and MCN from the audio files' tags.
    #[arg(long)]
    pub no_tags: bool,
    /// Start the next session before the next listed file (a multi-session disc, e.g. an
    /// Enhanced CD: `a.flac b.flac --new-session data.iso`); repeatable.
    #[arg(long = "new-session", action = clap::ArgAction::Count)]
    pub new_session: u8,
    /// Where each `--new-session` stood: the number of sources before it (filled from the
    /// command line's order after parsing).
    #[arg(skip)]
    pub session_breaks: Vec<usize>,
}

/// Output formats of `image`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// OUT.bin + OUT.cue (program area, unscrambled).
    Bin,
    /// OUT.img + OUT.ccd + OUT.sub (CloneCD).
    Clonecd,
    /// OUT.raw: the drive stream from the lead-in start (`-o -`: to stdout).
    Raw,
    /// OUT.bin + OUT.toc for `cdrdao write` (CATALOG, ISRC, pre-gaps, indexes, flags, CD_TEXT).
    Cdrdao,
}

/// Subchannel forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sub {
    /// 2352 bytes per sector.
    None,
    /// 2368: 16-byte PQ.
    Pq16,
    /// 2448: packed P–W.
    Packed96,
    /// 2448: raw interleaved P–W.
    Raw96,
}

/// `image` arguments.
#[derive(Debug, Args)]
pub struct ImageArgs {
    /// Inputs.
    #[command(flatten)]
    pub src: SourceArgs,
    /// Output path prefix (OUT.bin, OUT.cue, …); `-` writes a raw stream to stdout.
    #[arg(short, long)]
    pub out: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "bin")]
    pub format: Format,
    /// Subchannel of the raw stream [default: raw96] (raw format only).
    #[arg(long, value_enum)]
    pub subchannel: Option<Sub>,
    /// With `--format raw`: write session N only (its lead-in through its lead-out, what a
    /// burner writes for it) instead of the whole disc.
    #[arg(long, value_name = "N")]
    pub session: Option<u32>,
    /// Lead-in start of the raw stream: imapi (95:00:00), none (LBA −150) or MM:SS:FF
    /// [default: imapi] (raw format only).
    #[arg(long)]
    pub leadin: Option<String>,
    /// Encoder threads, 1 to 256 (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Memory for encoded sectors in flight, in MiB (1 to 4096).
    #[arg(long, default_value_t = 16)]
    pub buffer_mb: usize,
    /// No progress line.
    #[arg(short, long)]
    pub quiet: bool,
    /// One JSON object on stdout: the files written and the disc's layout summary.
    #[arg(long)]
    pub json: bool,
}

/// `toc` arguments.
#[derive(Debug, Args)]
pub struct TocArgs {
    /// Inputs.
    #[command(flatten)]
    pub src: SourceArgs,
    /// One JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// `verify` arguments.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A .cue or cdrdao .toc (with the files it names), a .ccd (with .img and .sub), a Nero or
    /// Alcohol image, or a .raw stream.
    pub image: PathBuf,
    /// Subchannel form of a .raw stream (default: detected from size and content).
    #[arg(long, value_enum)]
    pub subchannel: Option<Sub>,
    /// Lead-in start of a .raw stream (default: detected from the first sector's Q).
    #[arg(long)]
    pub leadin: Option<String>,
    /// Problems to print at most (all are counted).
    #[arg(long, default_value_t = 100)]
    pub max_problems: usize,
    /// One JSON object on stdout: what was checked and every problem with its LBA.
    #[arg(long)]
    pub json: bool,
    /// Let the sheet's FILE lines name files outside its folder.
    #[arg(long)]
    pub allow_any_path: bool,
}

/// `repair` arguments.
#[derive(Debug, Args)]
pub struct RepairArgs {
    /// A .cue (with its files), a .ccd (with .img and .sub), a .raw stream, or a Nero, Alcohol,
    /// ECM or CHD image. Those four are repaired as bin/cue: rawcd writes none of their formats,
    /// and bin/cue keeps every stored sector as it is (CloneCD would add a .sub the image never
    /// had) and is the form every burner and reader takes.
    pub image: PathBuf,
    /// Output prefix: writes OUT.cue + OUT.bin, OUT.ccd/.img/.sub, or OUT.raw.
    #[arg(short, long)]
    pub output: PathBuf,
    /// LBAs to print at most per list (all are counted).
    #[arg(long, default_value_t = 100)]
    pub max_problems: usize,
}

/// `demo` arguments.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Directory to write the demo disc into (created if missing).
    pub out_dir: PathBuf,
}

/// `simulate` arguments.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Inputs, with every option `image` takes for them (or `--generate MINUTES` for a
    /// generated data disc).
    #[command(flatten)]
    pub src: SourceArgs,
    /// Instead of sources: a generated Mode 1 disc of this many minutes (0.07 to 79.9).
    #[arg(long, value_name = "MINUTES")]
    pub generate: Option<f64>,
    /// Write speed, 1 to 100 (1× = 75 sectors/s).
    #[arg(long, default_value_t = 52.0)]
    pub speed: f64,
    /// Drive buffer in MiB, 0.25 to 1024.
    #[arg(long, default_value_t = 2.0)]
    pub drive_buffer_mb: f64,
    /// Subchannel form sent to the drive.
    #[arg(long, value_enum, default_value = "raw96")]
    pub subchannel: Sub,
    /// Extra threads that keep the CPU busy during the burn (0 to 64).
    #[arg(long, default_value_t = 0)]
    pub load: usize,
    /// Encoder threads, 1 to 256 (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// One JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// How sheets are loaded.
pub fn load_options(allow_any_path: bool) -> rawcd::formats::LoadOptions {
    rawcd::formats::LoadOptions {
        paths: if allow_any_path {
            rawcd::formats::PathPolicy::AnyPath
        } else {
            rawcd::formats::PathPolicy::SheetFolder
        },
    }
}

/// Text as ISO-8859-1 bytes (characters outside Latin-1 become '?').
pub fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| {
            if (c as u32) < 256 {
                c as u32 as u8
            } else {
                b'?'
            }
        })
        .collect()
}

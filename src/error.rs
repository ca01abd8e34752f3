//! `rawcd::Error`: every layer's error in one type, grouped for callers into bad input,
//! unsupported, limits and I/O.
#![forbid(unsafe_code)]

use thiserror::Error;

use crate::codec::CodecError;

/// Any error of the library.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// From the sector codec.
    #[error(transparent)]
    Codec(#[from] CodecError),
    /// From the disc model.
    #[error(transparent)]
    Layout(#[from] crate::layout::LayoutError),
    /// From the streaming pipeline.
    #[error(transparent)]
    Pipeline(#[from] crate::pipeline::PipelineError),
    /// I/O on a source or an output.
    #[error("{}{source}", if path.is_empty() { String::new() } else { format!("{path}: ") })]
    Io {
        /// The file involved (may be empty for streams).
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// I/O on an output file (always the environment's fault, never the input's).
    #[error("{path}: {}", output_reason(path, source))]
    Output {
        /// The output file.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// Words for an output failure: a missing folder is named as such (the OS error alone says only
/// "No such file or directory").
fn output_reason(path: &str, e: &std::io::Error) -> String {
    let dir = std::path::Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty());
    match dir {
        Some(d) if e.kind() == std::io::ErrorKind::NotFound && !d.is_dir() => {
            format!(
                "cannot create it: the folder {} does not exist",
                d.display()
            )
        }
        _ => e.to_string(),
    }
}

impl Error {
    /// True when the error is the input's fault (the CLI exits with 2), false for I/O and
    /// internal failures (exit 1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            Error::Codec(_) | Error::Layout(_) => true,
            Error::Pipeline(_) | Error::Output { .. } => false,
            Error::Io { source, .. } => matches!(
                source.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidData
            ),
        }
    }
}

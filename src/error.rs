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
}

impl Error {
    /// True when the error is the input's fault (the CLI exits with 2), false for I/O and
    /// internal failures (exit 1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            Error::Codec(_) | Error::Layout(_) => true,
            Error::Pipeline(_) => false,
            Error::Io { source, .. } => matches!(
                source.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidData
            ),
        }
    }
}

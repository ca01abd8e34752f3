//! Audio inputs: [`wav`] finds the samples of a CD-layout WAV file without copying them
//! (always built); with feature `audio`, decoded inputs: FLAC, AIFF/AIFC, ALAC in MP4, WAV of any layout, Ogg
//! Vorbis and MP3, decoded with symphonia while the disc streams.
//!
//! Vocabulary: a *frame* is one sample of every channel (1/44100 s on a CD; 588 frames make a
//! sector). The *announced* length of a file is the frame count rawcd learns before the first
//! sector, because the disc's TOC is written before any audio: FLAC STREAMINFO, the AIFF/WAV/MP4
//! container's count, the LAME/Xing header of an MP3 (encoder delay and padding removed), the
//! last Ogg granule position of a Vorbis stream. Where nothing states it (STREAMINFO total 0, an
//! MP3 without a LAME header) the file is decoded once to count, with a warning. While streaming,
//! a file that decodes to another count stops the stream with [`AudioError::LengthMismatch`].
//!
//! The pieces: [`probe()`] learns a file's format, length and tags; [`stream`] decodes a file on
//! its own thread into a small bounded read-ahead and gives [`Source`](crate::source::Source)s over byte ranges of the
//! 16-bit stereo PCM; [`sheet`] loads cue sheets, TOC files and single files with an embedded
//! cue sheet into the neutral [`DiscPlan`](crate::formats::DiscPlan) (decoded files become
//! [`Segment::Decoded`](crate::formats::Segment::Decoded)) and fills CD-Text, ISRC and MCN from tags.
//! The rest of rawcd meets decoded audio only through `Source` and the plan, as it meets WAV.
//!
//! Only 44,100 Hz 16-bit stereo goes on a CD. Other layouts are refused with
//! [`AudioError::NotCdAudio`] unless [`AudioOptions::convert`] is set: mono is copied to both
//! channels, 24/32-bit samples become 16-bit with TPDF dither (seeded, so the output is the same
//! on every run), more than two channels are downmixed to stereo (ITU-R BS.775) and other
//! sample rates are resampled to 44,100 Hz with a length fixed by a formula of the announced
//! length ([`resample`]).
#![forbid(unsafe_code)]

pub mod wav;

#[cfg(feature = "audio")]
mod decode;
#[cfg(feature = "audio")]
pub mod flac_meta;
#[cfg(feature = "audio")]
pub mod pcm;
#[cfg(feature = "audio")]
mod probe;
#[cfg(feature = "audio")]
pub mod resample;
#[cfg(feature = "audio")]
pub mod sheet;
#[cfg(feature = "audio")]
pub mod stream;

#[cfg(feature = "audio")]
pub use decode::*;
#[cfg(feature = "audio")]
pub use probe::{open_regular, probe, probe_bytes, source};
#[cfg(feature = "audio")]
pub use sheet::{load_cue, load_embedded, load_toc, open_track, TagNote};
#[cfg(feature = "audio")]
pub use stream::DecodedFile;

//! The fuzz input read as a little program of calls.

/// Reads the fuzz input from the front as a little program: opcodes, operands, sizes (the
/// `ImageCreator` calls of `disc_layout`, the C ABI calls of `capi_calls`, the cut and
/// corruptions of `raw_verify`).
pub(crate) struct Ops<'a>(pub(crate) &'a [u8]);

impl Ops<'_> {
    pub(crate) fn u8(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    pub(crate) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes([
            self.u8()?,
            self.u8()?,
            self.u8()?,
            self.u8()?,
        ]))
    }
    /// A size biased towards the interesting range (a few sectors to past the disc's end).
    pub(crate) fn sectors(&mut self) -> Option<u32> {
        let v = self.u32()?;
        Some(match v >> 30 {
            0 => v & 0x3ff,
            1 => v & 0x7ffff,
            _ => v,
        })
    }
}

//! Recycled batch buffers. A worker takes a buffer, encodes into it (every byte is written, so
//! it is never zeroed) and hands it out as `Bytes`; when the last `Bytes` view of it is dropped
//! (the sink wrote it), the buffer goes back to the pool instead of to the allocator. The pool
//! keeps at most `keep` buffers, so memory stays bounded by the stream's credits.
#![forbid(unsafe_code)]

use std::sync::{Arc, Mutex};

use bytes::Bytes;

/// Free buffers of one size.
#[derive(Debug)]
pub(crate) struct BufferPool {
    size: usize,
    keep: usize,
    free: Mutex<Vec<Vec<u8>>>,
}

/// A buffer on loan: returns to its pool when dropped.
struct Loan {
    buf: Vec<u8>,
    len: usize,
    pool: Arc<BufferPool>,
}

impl AsRef<[u8]> for Loan {
    fn as_ref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Drop for Loan {
    fn drop(&mut self) {
        self.pool.put(std::mem::take(&mut self.buf));
    }
}

impl BufferPool {
    /// A pool of `size`-byte buffers that keeps up to `keep` free ones.
    pub(crate) fn new(size: usize, keep: usize) -> Arc<BufferPool> {
        Arc::new(BufferPool {
            size,
            keep,
            free: Mutex::new(Vec::with_capacity(keep)),
        })
    }

    /// A buffer of `size` bytes with unspecified content (a recycled one when available).
    pub(crate) fn take(&self) -> Vec<u8> {
        let recycled = self.free.lock().ok().and_then(|mut f| f.pop());
        match recycled {
            Some(b) if b.len() == self.size => b,
            _ => vec![0; self.size],
        }
    }

    fn put(&self, buf: Vec<u8>) {
        if buf.len() != self.size {
            return;
        }
        if let Ok(mut f) = self.free.lock() {
            if f.len() < self.keep {
                f.push(buf);
            }
        }
    }

    /// Freezes the first `len` bytes of `buf` (taken from this pool) into `Bytes` that give the
    /// buffer back when their last clone is dropped.
    pub(crate) fn share(self: &Arc<Self>, buf: Vec<u8>, len: usize) -> Bytes {
        let len = len.min(buf.len());
        Bytes::from_owner(Loan {
            buf,
            len,
            pool: self.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_bytes_return_their_buffer() {
        let pool = BufferPool::new(64, 2);
        let mut b = pool.take();
        b[0] = 7;
        let ptr = b.as_ptr();
        let bytes = pool.share(b, 10);
        assert_eq!(bytes.len(), 10);
        assert_eq!(bytes[0], 7);
        let clone = bytes.clone();
        drop(bytes);
        assert_eq!(pool.free.lock().unwrap().len(), 0, "a clone still holds it");
        drop(clone);
        let again = pool.take();
        assert_eq!(again.as_ptr(), ptr, "the same buffer, not a new allocation");
        assert_eq!(again.len(), 64);
    }

    #[test]
    fn pool_keeps_at_most_keep_buffers() {
        let pool = BufferPool::new(8, 1);
        let a = pool.share(pool.take(), 8);
        let b = pool.share(pool.take(), 8);
        drop(a);
        drop(b);
        assert_eq!(pool.free.lock().unwrap().len(), 1);
    }
}

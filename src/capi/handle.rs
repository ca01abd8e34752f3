//! The registry of live handles: every `rawcd_creator`, `rawcd_disc` and `rawcd_stream` handed
//! to C is recorded with its kind, so a NULL, freed or wrong-kind pointer is refused
//! (`RAWCD_E_INVALID_ARGUMENT`) before it is dereferenced.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use super::Failure;

/// The kinds of handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Creator,
    Disc,
    Stream,
}

static LIVE: Mutex<Option<HashMap<usize, Kind>>> = Mutex::new(None);

fn live() -> MutexGuard<'static, Option<HashMap<usize, Kind>>> {
    // A panic while the lock was held cannot leave the map half-updated (single inserts and
    // removes), so a poisoned lock is still usable.
    LIVE.lock().unwrap_or_else(|p| p.into_inner())
}

/// A Rust object behind a C handle.
pub(crate) trait Handle: Sized {
    const KIND: Kind;
    const NAME: &'static str;
}

/// Moves `v` to the heap, records it, and returns the pointer C gets.
pub(crate) fn into_raw<T: Handle>(v: T) -> *mut T {
    let p = Box::into_raw(Box::new(v));
    live()
        .get_or_insert_with(HashMap::new)
        .insert(p as usize, T::KIND);
    p
}

fn check<T: Handle>(p: *const T) -> Result<(), Failure> {
    let ok = live()
        .as_ref()
        .and_then(|m| m.get(&(p as usize)))
        .is_some_and(|&k| k == T::KIND);
    if ok {
        Ok(())
    } else if p.is_null() {
        Err(Failure::invalid(format!("the {} is NULL", T::NAME)))
    } else {
        Err(Failure::invalid(format!(
            "{p:p} is not a live {} (freed, or another kind of handle)",
            T::NAME
        )))
    }
}

/// The object behind a live handle.
///
/// # Safety
/// The caller of the C function does not free the handle while the call runs (the registry
/// proves it is live and of this kind when the call starts).
pub(crate) unsafe fn get<'a, T: Handle>(p: *const T) -> Result<&'a T, Failure> {
    check(p)?;
    // SAFETY: `p` came from `into_raw::<T>` (the registry records it with T's kind) and has not
    // been freed (freeing removes it); the caller does not free it during this call. Only
    // shared references are ever made, so concurrent calls on the same handle do not alias a
    // `&mut`.
    Ok(unsafe { &*p })
}

/// The object behind a live handle, for changing it.
///
/// # Safety
/// As [`get`], and no other call on the same handle runs at the same time (the header's
/// threading rule for creators).
pub(crate) unsafe fn get_mut<'a, T: Handle>(p: *mut T) -> Result<&'a mut T, Failure> {
    check(p)?;
    // SAFETY: as in `get`; exclusivity is the caller's documented obligation.
    Ok(unsafe { &mut *p })
}

/// Unregisters and drops the object behind a handle; NULL and unknown pointers are ignored.
///
/// # Safety
/// No other call on the same handle runs at the same time.
pub(crate) unsafe fn free<T: Handle>(p: *mut T) {
    let known = {
        let mut g = live();
        match g.as_mut() {
            Some(m) if m.get(&(p as usize)) == Some(&T::KIND) => m.remove(&(p as usize)).is_some(),
            _ => false,
        }
    };
    if known {
        // SAFETY: `p` came from `Box::into_raw` in `into_raw::<T>` and was live until the
        // removal above, which makes this the only drop; no other call uses it concurrently.
        drop(unsafe { Box::from_raw(p) });
    }
}

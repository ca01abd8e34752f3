//! The C ABI: arbitrary call sequences.

use crate::ops::Ops;

/// Callback state of a fuzzed `rawcd_creator_add_track_callback` track.
struct FuzzReader {
    given: u64,
    /// Return −1 once this many bytes were given.
    fail_at: Option<u64>,
    /// Return 0 (end) once this many bytes were given.
    end_at: Option<u64>,
}

static RELEASED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

unsafe extern "C" fn fuzz_read(user: *mut std::ffi::c_void, buf: *mut u8, len: usize) -> isize {
    // SAFETY: `user` is the `FuzzReader` this file boxed; rawcd calls `read` from one thread at
    // a time; `buf` holds `len` writable bytes.
    let (r, out) = unsafe {
        (
            &mut *user.cast::<FuzzReader>(),
            std::slice::from_raw_parts_mut(buf, len),
        )
    };
    if r.fail_at.is_some_and(|f| r.given >= f) {
        return -1;
    }
    if r.end_at.is_some_and(|e| r.given >= e) {
        return 0;
    }
    let n = len.min(3000);
    for (i, b) in out[..n].iter_mut().enumerate() {
        *b = (r.given as usize + i) as u8;
    }
    r.given += n as u64;
    n as isize
}

unsafe extern "C" fn fuzz_release(user: *mut std::ffi::c_void) {
    // SAFETY: `user` came from `Box::into_raw` in `capi_calls`; release is called once.
    drop(unsafe { Box::from_raw(user.cast::<FuzzReader>()) });
    RELEASED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

/// Arbitrary sequences of C ABI calls (creators, discs and streams in a few slots; every
/// setter with arbitrary values; callbacks that fail or end early; reads of any length;
/// cancel; handles used after free or as the wrong kind; NULL arguments): no call panics or
/// crashes, every status is one of the seven, every failure leaves a message, reads never
/// claim more than asked, the running last used user sector never decreases, and every
/// callback's `user` is released exactly once when everything is freed (LeakSanitizer checks
/// the rest).
pub fn capi_calls(data: &[u8]) {
    use rawcd::capi::*;
    use std::ffi::{c_char, CStr, CString};
    use std::ptr::null_mut;
    use std::sync::atomic::Ordering;

    fn check(st: rawcd_status) -> bool {
        // The enum is repr(C): rawcd only returns its seven values.
        if st != rawcd_status::RAWCD_OK {
            // SAFETY: rawcd_last_error returns a valid NUL-terminated string.
            let m = unsafe { CStr::from_ptr(rawcd_last_error()) };
            assert!(!m.to_bytes().is_empty(), "{st:?} without a message");
        }
        st == rawcd_status::RAWCD_OK
    }

    let released_before = RELEASED.load(Ordering::SeqCst);
    let mut added = 0u64;
    let mut ops = Ops(data);
    let mut creators: [*mut rawcd_creator; 2] = [null_mut(); 2];
    let mut discs: [*mut rawcd_disc; 2] = [null_mut(); 2];
    let mut streams: [*mut rawcd_stream; 2] = [null_mut(); 2];
    let mut luus = [-151i32; 2];
    let mut budget: usize = 4 << 20; // bytes read per input at most
    let mut buf = vec![0u8; 1 << 17];
    let text = |ops: &mut Ops, n: usize| -> CString {
        let v: Vec<u8> = (0..n)
            .filter_map(|_| ops.u8())
            .filter(|&b| b != 0)
            .collect();
        CString::new(v).unwrap_or_default()
    };
    // SAFETY: every pointer passed is NULL, a handle rawcd returned (live, freed
    // or of another kind, which rawcd must refuse), or a buffer of the stated length.
    unsafe {
        while let Some(op) = ops.u8() {
            let slot = (op >> 7) as usize;
            let c = creators[slot];
            match op & 0x1f {
                0 => {
                    rawcd_creator_free(creators[slot]);
                    creators[slot] = rawcd_creator_new();
                }
                1 => rawcd_creator_free(c), // the slot keeps the stale pointer
                2 => {
                    let (Some(ty), Some(n), Some(extra)) = (ops.u8(), ops.u8(), ops.u8()) else {
                        break;
                    };
                    let ty = u32::from(ty % 12);
                    let size = [2352usize, 2336, 2048][ty as usize % 3];
                    let len = (300 + usize::from(n)) * size + usize::from(extra % 4);
                    let mut t = 0u32;
                    check(rawcd_creator_add_track_memory(
                        c,
                        ty,
                        vec![7u8; len].as_ptr(),
                        len,
                        &mut t,
                    ));
                }
                3 => {
                    let (Some(ty), Some(n), Some(mode)) = (ops.u8(), ops.u8(), ops.u8()) else {
                        break;
                    };
                    let ty = u32::from(ty % 11);
                    let len = (300 + u64::from(n)) * 2352 + u64::from(mode & 3);
                    let r = Box::into_raw(Box::new(FuzzReader {
                        given: 0,
                        fail_at: (mode & 4 != 0).then_some(u64::from(mode) * 1000),
                        end_at: (mode & 8 != 0).then_some(u64::from(mode) * 2000),
                    }));
                    let mut t = 0u32;
                    let st = rawcd_creator_add_track_callback(
                        c,
                        ty,
                        len,
                        Some(fuzz_read),
                        Some(fuzz_release),
                        r.cast(),
                        &mut t,
                    );
                    if check(st) {
                        added += 1;
                    } else {
                        drop(Box::from_raw(r));
                    }
                }
                4 => {
                    let s = text(&mut ops, usize::from(op >> 5) * 3);
                    check(rawcd_creator_set_media_catalog_number(c, s.as_ptr()));
                }
                5 => {
                    let Some(t) = ops.u8() else { break };
                    let s = text(&mut ops, 12);
                    check(rawcd_creator_set_isrc(c, u32::from(t % 5), s.as_ptr()));
                }
                6 => {
                    let (Some(t), Some(f)) = (ops.u8(), ops.u8()) else {
                        break;
                    };
                    check(rawcd_creator_set_track_flags(
                        c,
                        u32::from(t % 5),
                        i32::from(f & 1),
                        i32::from(f & 2),
                    ));
                }
                7 => {
                    let (Some(t), Some(o)) = (ops.u8(), ops.u32()) else {
                        break;
                    };
                    check(rawcd_creator_add_track_index(c, u32::from(t % 5), o % 1000));
                }
                8 => {
                    let Some(v) = ops.u8() else { break };
                    check(rawcd_creator_set_disable_gapless_audio(c, i32::from(v & 1)));
                    check(rawcd_creator_set_starting_track_number(
                        c,
                        u32::from(v % 101),
                    ));
                    check(rawcd_creator_set_result_type(c, u32::from(v % 5)));
                }
                9 => {
                    let Some(v) = ops.u32() else { break };
                    check(rawcd_creator_set_start_of_leadout_limit(
                        c,
                        (v % 500_000) as i32,
                    ));
                }
                10 => {
                    let Some(n) = ops.u8() else { break };
                    let packs: Vec<u8> = (0..usize::from(n)).filter_map(|_| ops.u8()).collect();
                    check(rawcd_creator_set_cdtext_packs(
                        c,
                        packs.as_ptr(),
                        packs.len(),
                    ));
                }
                11 => {
                    let Some(n) = ops.u8() else { break };
                    let len = (150 + usize::from(n)) * 2352;
                    check(rawcd_creator_add_special_pregap_memory(
                        c,
                        vec![1u8; len].as_ptr(),
                        len,
                    ));
                }
                12 => {
                    rawcd_disc_free(discs[slot]);
                    discs[slot] = null_mut();
                    check(rawcd_creator_build(c, &mut discs[slot]));
                }
                13 => rawcd_disc_free(discs[slot]),
                14 => {
                    let d = discs[slot];
                    let (Some(t), Some(cap)) = (ops.u8(), ops.u8()) else {
                        break;
                    };
                    let _ = rawcd_disc_last_used_user_sector(d);
                    let _ = rawcd_disc_start_of_leadout(d);
                    let (first, last) = (rawcd_disc_first_track(d), rawcd_disc_last_track(d));
                    assert!(first <= last);
                    let mut ti = std::mem::MaybeUninit::<rawcd_track_info>::uninit();
                    if check(rawcd_disc_track_info(
                        d,
                        u32::from(t % 101),
                        ti.as_mut_ptr(),
                    )) {
                        let ti = ti.assume_init();
                        assert!(ti.number >= first && ti.number <= last);
                        assert_eq!(ti.isrc[12], 0 as c_char);
                    }
                    let mut len = 0usize;
                    let mut toc = [0u8; 512];
                    let cap = usize::from(cap) * 2;
                    if check(rawcd_disc_expected_toc(d, toc.as_mut_ptr(), cap, &mut len)) {
                        assert!(len <= cap);
                    }
                }
                15 => {
                    let (Some(d), Some(o)) = (ops.u8(), ops.u8()) else {
                        break;
                    };
                    rawcd_stream_free(streams[slot]);
                    streams[slot] = null_mut();
                    luus[slot] = -151;
                    let opts = rawcd_stream_options {
                        threads: u32::from(o & 1) + 1,
                        buffer_bytes: 1 << (16 + (o >> 1) % 4),
                        leadin_start_lba: [-150, -22_650, -11_634, 7][usize::from(o >> 4) % 4],
                    };
                    let p = if o & 0x40 != 0 {
                        std::ptr::null()
                    } else {
                        &opts as *const _
                    };
                    check(rawcd_stream_open(
                        discs[usize::from(d & 1)],
                        p,
                        &mut streams[slot],
                    ));
                }
                16 => {
                    let Some(n) = ops.u32() else { break };
                    let len = (n as usize % buf.len()).min(budget);
                    let mut w = usize::MAX;
                    if check(rawcd_stream_read(
                        streams[slot],
                        buf.as_mut_ptr(),
                        len,
                        &mut w,
                    )) {
                        assert!(w <= len);
                        budget -= w;
                    } else {
                        assert_eq!(w, 0);
                    }
                    let mut p = std::mem::MaybeUninit::<rawcd_progress>::uninit();
                    if check(rawcd_stream_progress(streams[slot], p.as_mut_ptr())) {
                        let p = p.assume_init();
                        assert!(p.last_used_user_sector >= luus[slot]);
                        assert!(p.sectors_written <= p.total_sectors);
                        luus[slot] = p.last_used_user_sector;
                    }
                }
                17 => rawcd_stream_cancel(streams[slot]),
                18 => rawcd_stream_free(streams[slot]),
                19 => {
                    // Handles of the wrong kind, and NULL.
                    let mut w = 0usize;
                    check(rawcd_stream_read(
                        discs[slot].cast(),
                        buf.as_mut_ptr(),
                        10,
                        &mut w,
                    ));
                    check(rawcd_creator_set_isrc(
                        streams[slot].cast(),
                        1,
                        c"USRC17607839".as_ptr(),
                    ));
                    check(rawcd_disc_track_info(c.cast(), 1, null_mut()));
                    check(rawcd_stream_read(streams[slot], null_mut(), 10, &mut w));
                }
                20 => {
                    let (Some(ty), Some(lba), Some(n)) = (ops.u8(), ops.u32(), ops.u8()) else {
                        break;
                    };
                    let payload: Vec<u8> = (0..2352).map(|i| (i as u8) ^ n).collect();
                    let len = [2352usize, 2336, 2048, usize::from(n)][usize::from(n & 3)];
                    let mut out = [0u8; 2352];
                    check(rawcd_encode_sector(
                        u32::from(ty % 12),
                        lba as i32 % 500_000,
                        payload.as_ptr(),
                        len,
                        out.as_mut_ptr(),
                    ));
                    rawcd_scramble(out.as_mut_ptr());
                    let _ = rawcd_edc(out.as_ptr(), usize::from(n) * 9);
                }
                _ => {}
            }
        }
        for s in streams {
            rawcd_stream_free(s);
        }
        for d in discs {
            rawcd_disc_free(d);
        }
        for c in creators {
            rawcd_creator_free(c);
        }
    }
    assert_eq!(
        RELEASED.load(Ordering::SeqCst) - released_before,
        added,
        "each callback released once"
    );
}

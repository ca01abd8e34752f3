/* Must show 4: every error path gives the right status and a message, and nothing crashes:
 * each NULL argument, bad enum values, out-of-range tracks, calls in the wrong state,
 * unreadable files, failing and short callbacks, a disc past start_of_leadout_limit, freed and
 * wrong-kind handles. */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "common.h"

static uint8_t zeros[2352 * 300];

/* Streams `d` to the end; returns the first failure (or RAWCD_OK). */
static rawcd_status drain(rawcd_disc *d) {
  rawcd_stream *s = NULL;
  rawcd_stream_options o = rawcd_stream_options_default();
  o.leadin_start_lba = -150;
  OK(rawcd_stream_open(d, &o, &s));
  static uint8_t buf[2448 * 26];
  rawcd_status st;
  for (;;) {
    size_t n = 0;
    st = rawcd_stream_read(s, buf, sizeof buf, &n);
    if (st != RAWCD_OK || n == 0) break;
  }
  if (st != RAWCD_OK) {
    /* The failure sticks: the next read repeats it. */
    size_t n = 5;
    CHECK(rawcd_stream_read(s, buf, sizeof buf, &n) == st);
    CHECK(n == 0);
  }
  rawcd_stream_free(s);
  return st;
}

static void callback_failure(long fail_after, long end_after, const char *needle) {
  int released = 0;
  rawcd_creator *c = mixed_creator(fail_after, end_after, &released);
  rawcd_disc *d = NULL;
  OK(rawcd_creator_build(c, &d));
  FAILS(drain(d), RAWCD_E_IO, needle);
  FAILS(drain(d), RAWCD_E_IO, "track 3"); /* it fails again on a second stream */
  rawcd_disc_free(d);
  rawcd_creator_free(c);
  CHECK(released == 1);
}

/* A callback track is read once: the second stream of the disc fails in words (issue 18). */
static void callback_read_twice(void) {
  int released = 0;
  rawcd_creator *c = mixed_creator(-1, -1, &released);
  rawcd_disc *d = NULL;
  OK(rawcd_creator_build(c, &d));
  OK(drain(d));
  FAILS(drain(d), RAWCD_E_IO, "is read once, front to back, and an earlier stream has already read it");
  rawcd_disc_free(d);
  rawcd_creator_free(c);
  CHECK(released == 1);
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  fixture_dir = argv[1];
  CHECK(strcmp(rawcd_last_error(), "") == 0); /* no failure yet in this thread */

  rawcd_creator *c = rawcd_creator_new();
  uint32_t t = 0;
  uint8_t sector[2352];
  size_t len = 0;

  /* NULL handles. */
  FAILS(rawcd_creator_set_result_type(NULL, RAWCD_SUB_RAW96), RAWCD_E_INVALID_ARGUMENT, "NULL");
  FAILS(rawcd_creator_add_track_file(NULL, RAWCD_SECTOR_AUDIO, "x", &t), RAWCD_E_INVALID_ARGUMENT, "NULL");
  FAILS(rawcd_creator_add_track_memory(NULL, RAWCD_SECTOR_AUDIO, zeros, sizeof zeros, &t), RAWCD_E_INVALID_ARGUMENT, "NULL");
  FAILS(rawcd_creator_add_track_callback(NULL, RAWCD_SECTOR_AUDIO, 10, file_read, NULL, NULL, &t), RAWCD_E_INVALID_ARGUMENT, "NULL");
  FAILS(rawcd_creator_add_special_pregap_memory(NULL, zeros, sizeof zeros), RAWCD_E_INVALID_ARGUMENT, "NULL");
  FAILS(rawcd_creator_add_subcode_rw_memory(NULL, zeros, 96), RAWCD_E_INVALID_ARGUMENT, "NULL");
  FAILS(rawcd_creator_set_media_catalog_number(NULL, "1"), RAWCD_E_INVALID_ARGUMENT, "NULL");
  FAILS(rawcd_creator_set_isrc(NULL, 1, "USRC17607839"), RAWCD_E_INVALID_ARGUMENT, "NULL");
  FAILS(rawcd_creator_set_track_flags(NULL, 1, 1, 1), RAWCD_E_INVALID_ARGUMENT, "NULL");
  FAILS(rawcd_creator_add_track_index(NULL, 1, 10), RAWCD_E_INVALID_ARGUMENT, "NULL");
  FAILS(rawcd_creator_set_disable_gapless_audio(NULL, 1), RAWCD_E_INVALID_ARGUMENT, "NULL");
  FAILS(rawcd_creator_set_starting_track_number(NULL, 1), RAWCD_E_INVALID_ARGUMENT, "NULL");
  FAILS(rawcd_creator_set_start_of_leadout_limit(NULL, 1000), RAWCD_E_INVALID_ARGUMENT, "NULL");
  FAILS(rawcd_creator_set_cdtext_packs(NULL, zeros, 18), RAWCD_E_INVALID_ARGUMENT, "NULL");
  rawcd_disc *d = (rawcd_disc *)(uintptr_t)1;
  FAILS(rawcd_creator_build(NULL, &d), RAWCD_E_INVALID_ARGUMENT, "NULL");
  CHECK(d == NULL); /* *out is cleared on failure */
  FAILS(rawcd_disc_track_info(NULL, 1, NULL), RAWCD_E_INVALID_ARGUMENT, "NULL");
  FAILS(rawcd_disc_expected_toc(NULL, sector, sizeof sector, &len), RAWCD_E_INVALID_ARGUMENT, "NULL");
  FAILS(rawcd_write_image(NULL, "x", RAWCD_FORMAT_BIN, RAWCD_SUB_RAW96, NULL), RAWCD_E_INVALID_ARGUMENT, "NULL");
  rawcd_stream *s = (rawcd_stream *)(uintptr_t)1;
  FAILS(rawcd_stream_open(NULL, NULL, &s), RAWCD_E_INVALID_ARGUMENT, "NULL");
  CHECK(s == NULL);
  FAILS(rawcd_stream_read(NULL, sector, sizeof sector, &len), RAWCD_E_INVALID_ARGUMENT, "NULL");
  rawcd_progress pr;
  FAILS(rawcd_stream_progress(NULL, &pr), RAWCD_E_INVALID_ARGUMENT, "NULL");
  CHECK(rawcd_disc_last_used_user_sector(NULL) == INT32_MIN);
  CHECK(rawcd_disc_start_of_leadout(NULL) == INT32_MIN);
  CHECK(rawcd_disc_first_track(NULL) == 0);
  CHECK(rawcd_disc_last_track(NULL) == 0);
  CHECK(rawcd_stream_sector_size(NULL) == 0);
  rawcd_stream_cancel(NULL);
  rawcd_creator_free(NULL);
  rawcd_disc_free(NULL);
  rawcd_stream_free(NULL);

  /* NULL pointer arguments. */
  FAILS(rawcd_creator_add_track_file(c, RAWCD_SECTOR_AUDIO, NULL, &t), RAWCD_E_INVALID_ARGUMENT, "path");
  FAILS(rawcd_creator_add_track_memory(c, RAWCD_SECTOR_AUDIO, NULL, 2352, &t), RAWCD_E_INVALID_ARGUMENT, "data");
  FAILS(rawcd_creator_add_track_callback(c, RAWCD_SECTOR_AUDIO, 2352, NULL, NULL, NULL, &t), RAWCD_E_INVALID_ARGUMENT, "read callback");
  FAILS(rawcd_creator_add_special_pregap_memory(c, NULL, 2352 * 150), RAWCD_E_INVALID_ARGUMENT, "pcm");
  FAILS(rawcd_creator_add_subcode_rw_memory(c, NULL, 96), RAWCD_E_INVALID_ARGUMENT, "rw96");
  /* A NULL track_out fails before anything is added (interface §3: only options may be NULL). */
  FAILS(rawcd_creator_add_track_memory(c, RAWCD_SECTOR_AUDIO, zeros, sizeof zeros, NULL), RAWCD_E_INVALID_ARGUMENT, "track_out");
  FAILS(rawcd_creator_add_track_file(c, RAWCD_SECTOR_AUDIO, "no-such-file", NULL), RAWCD_E_INVALID_ARGUMENT, "track_out");
  FAILS(rawcd_creator_add_track_audio_file(c, "no-such-file", NULL), RAWCD_E_INVALID_ARGUMENT, "track_out");
  FAILS(rawcd_creator_add_track_callback(c, RAWCD_SECTOR_AUDIO, 2352, file_read, NULL, NULL, NULL), RAWCD_E_INVALID_ARGUMENT, "track_out");
  {
    /* Nothing was added: the next track is track 1. */
    rawcd_creator *c1 = rawcd_creator_new();
    FAILS(rawcd_creator_add_track_memory(c1, RAWCD_SECTOR_AUDIO, zeros, sizeof zeros, NULL), RAWCD_E_INVALID_ARGUMENT, "track_out");
    uint32_t t1 = 0;
    OK(rawcd_creator_add_track_memory(c1, RAWCD_SECTOR_AUDIO, zeros, sizeof zeros, &t1));
    CHECK(t1 == 1);
    rawcd_creator_free(c1);
  }
  FAILS(rawcd_creator_set_media_catalog_number(c, NULL), RAWCD_E_INVALID_ARGUMENT, "digits13");
  FAILS(rawcd_creator_set_cdtext_packs(c, NULL, 18), RAWCD_E_INVALID_ARGUMENT, "packs");
  FAILS(rawcd_creator_set_isrc(c, 1, NULL), RAWCD_E_INVALID_ARGUMENT, "isrc12");
  FAILS(rawcd_creator_build(c, NULL), RAWCD_E_INVALID_ARGUMENT, "out");
  FAILS(rawcd_encode_sector(RAWCD_SECTOR_AUDIO, 0, NULL, 2352, sector), RAWCD_E_INVALID_ARGUMENT, "payload");
  FAILS(rawcd_encode_sector(RAWCD_SECTOR_AUDIO, 0, zeros, 2352, NULL), RAWCD_E_INVALID_ARGUMENT, "out");
  CHECK(rawcd_edc(NULL, 10) == 0);
  CHECK(strstr(rawcd_last_error(), "data") != NULL);
  rawcd_scramble(NULL);
  CHECK(strstr(rawcd_last_error(), "sector") != NULL);

  /* A sector type of 42 and other bad enum values. */
  FAILS(rawcd_creator_add_track_memory(c, (rawcd_sector_type)42, zeros, 2352 * 300, &t), RAWCD_E_INVALID_ARGUMENT, "sector type 42");
  char *a2 = fixture_path("audio2.pcm");
  FAILS(rawcd_creator_add_track_file(c, (rawcd_sector_type)42, a2, &t), RAWCD_E_INVALID_ARGUMENT, "sector type 42");
  FAILS(rawcd_creator_add_track_callback(c, (rawcd_sector_type)42, 2352, file_read, NULL, NULL, &t), RAWCD_E_INVALID_ARGUMENT, "sector type 42");
  FAILS(rawcd_encode_sector((rawcd_sector_type)42, 0, zeros, 2352, sector), RAWCD_E_INVALID_ARGUMENT, "sector type 42");
  FAILS(rawcd_creator_set_result_type(c, (rawcd_subchannel)7), RAWCD_E_INVALID_ARGUMENT, "subchannel 7");
  FAILS(rawcd_creator_add_track_memory(c, (rawcd_sector_type)-1, zeros, 2352, &t), RAWCD_E_INVALID_ARGUMENT, "sector type");

  /* Out-of-range tracks (none added yet, then 1..2). */
  FAILS(rawcd_creator_set_isrc(c, 1, "USRC17607839"), RAWCD_E_INVALID_ARGUMENT, "no track 1");
  OK(rawcd_creator_add_track_memory(c, RAWCD_SECTOR_AUDIO, zeros, sizeof zeros, &t));
  OK(rawcd_creator_add_track_file(c, RAWCD_SECTOR_AUDIO, a2, &t));
  CHECK(t == 2);
  FAILS(rawcd_creator_set_isrc(c, 3, "USRC17607839"), RAWCD_E_INVALID_ARGUMENT, "no track 3");
  FAILS(rawcd_creator_set_isrc(c, 0, "USRC17607839"), RAWCD_E_INVALID_ARGUMENT, "no track 0");
  FAILS(rawcd_creator_set_track_flags(c, 99, 1, 0), RAWCD_E_INVALID_ARGUMENT, "no track 99");
  FAILS(rawcd_creator_add_track_index(c, 4000000000u, 10), RAWCD_E_INVALID_ARGUMENT, "no track");

  /* Malformed input. */
  FAILS(rawcd_creator_set_isrc(c, 1, "US-RC1760783"), RAWCD_E_BAD_INPUT, "ISRC");
  FAILS(rawcd_creator_set_media_catalog_number(c, "12345678901234"), RAWCD_E_BAD_INPUT, "MCN");
  FAILS(rawcd_creator_set_cdtext_packs(c, zeros, 17), RAWCD_E_BAD_INPUT, "CD-Text");
  FAILS(rawcd_creator_add_track_index(c, 1, 0), RAWCD_E_BAD_INPUT, "index");
  FAILS(rawcd_creator_add_track_memory(c, RAWCD_SECTOR_MODE1, zeros, 2047, &t), RAWCD_E_BAD_INPUT, "not a multiple of 2048");
  FAILS(rawcd_encode_sector(RAWCD_SECTOR_MODE1, 0, zeros, 2047, sector), RAWCD_E_BAD_INPUT, "2048");
  FAILS(rawcd_encode_sector(RAWCD_SECTOR_MODE1, 500000, zeros, 2048, sector), RAWCD_E_BAD_INPUT, "500000");
  FAILS(rawcd_creator_set_start_of_leadout_limit(c, 400000), RAWCD_E_BAD_INPUT, "398099");

  /* Calls in the wrong state: settings that must come before the first track. */
  FAILS(rawcd_creator_set_disable_gapless_audio(c, 1), RAWCD_E_STATE, "before adding tracks");
  FAILS(rawcd_creator_set_starting_track_number(c, 5), RAWCD_E_STATE, "before adding tracks");
  FAILS(rawcd_creator_add_special_pregap_memory(c, zeros, sizeof zeros), RAWCD_E_STATE, "before any track");

  /* build; then the creator stays usable and the disc does not change. */
  d = NULL;
  OK(rawcd_creator_build(c, &d));
  int32_t luus = rawcd_disc_last_used_user_sector(d);
  OK(rawcd_creator_add_track_memory(c, RAWCD_SECTOR_AUDIO, zeros, sizeof zeros, &t));
  CHECK(t == 3);
  CHECK(rawcd_disc_last_used_user_sector(d) == luus);
  FAILS(rawcd_creator_set_disable_gapless_audio(c, 0), RAWCD_E_STATE, "before adding tracks");
  FAILS(rawcd_disc_track_info(d, 3, &(rawcd_track_info){0}), RAWCD_E_INVALID_ARGUMENT, "no track 3");
  FAILS(rawcd_disc_track_info(d, 1, NULL), RAWCD_E_INVALID_ARGUMENT, "out");
  FAILS(rawcd_disc_expected_toc(d, sector, 3, &len), RAWCD_E_INVALID_ARGUMENT, "buffer holds 3");
  CHECK(len > 3);
  FAILS(rawcd_disc_expected_toc(d, sector, sizeof sector, NULL), RAWCD_E_INVALID_ARGUMENT, "len_out");
  FAILS(rawcd_disc_expected_toc(d, NULL, sizeof sector, &len), RAWCD_E_INVALID_ARGUMENT, "buf");

  /* Stream arguments. */
  rawcd_stream_options o = rawcd_stream_options_default();
  CHECK(o.threads == 0 && o.buffer_bytes == 0 && o.leadin_start_lba == -22650);
  o.leadin_start_lba = 5;
  FAILS(rawcd_stream_open(d, &o, &s), RAWCD_E_INVALID_ARGUMENT, "leadin_start_lba 5");
  FAILS(rawcd_stream_open(d, NULL, NULL), RAWCD_E_INVALID_ARGUMENT, "out");
  OK(rawcd_stream_open(d, NULL, &s));
  FAILS(rawcd_stream_read(s, NULL, 10, &len), RAWCD_E_INVALID_ARGUMENT, "buf");
  FAILS(rawcd_stream_read(s, sector, sizeof sector, NULL), RAWCD_E_INVALID_ARGUMENT, "written");
  FAILS(rawcd_stream_progress(s, NULL), RAWCD_E_INVALID_ARGUMENT, "out");
  OK(rawcd_stream_read(s, sector, 0, &len)); /* zero bytes asked: fine */
  CHECK(len == 0);

  /* Wrong-kind and freed handles are refused, not dereferenced. */
  FAILS(rawcd_stream_read((rawcd_stream *)d, sector, 10, &len), RAWCD_E_INVALID_ARGUMENT, "not a live rawcd_stream");
  FAILS(rawcd_creator_set_isrc((rawcd_creator *)s, 1, "USRC17607839"), RAWCD_E_INVALID_ARGUMENT, "not a live rawcd_creator");
  FAILS(rawcd_disc_track_info((rawcd_disc *)c, 1, &(rawcd_track_info){0}), RAWCD_E_INVALID_ARGUMENT, "not a live rawcd_disc");
  rawcd_disc_free((rawcd_disc *)c); /* a creator is not a disc: ignored */
  rawcd_stream_free(s);
  FAILS(rawcd_stream_read(s, sector, 10, &len), RAWCD_E_INVALID_ARGUMENT, "not a live rawcd_stream");
  rawcd_stream_free(s); /* a second free is ignored */
  rawcd_stream_cancel(s);

  /* Writing images: bad format, bad subchannel, unwritable place. */
  FAILS(rawcd_write_image(d, "/tmp/x", (rawcd_format)9, RAWCD_SUB_RAW96, NULL), RAWCD_E_INVALID_ARGUMENT, "format 9");
  FAILS(rawcd_write_image(d, "/tmp/x", RAWCD_FORMAT_RAW, (rawcd_subchannel)4, NULL), RAWCD_E_INVALID_ARGUMENT, "subchannel 4");
  FAILS(rawcd_write_image(d, NULL, RAWCD_FORMAT_RAW, RAWCD_SUB_RAW96, NULL), RAWCD_E_INVALID_ARGUMENT, "out_prefix");
  FAILS(rawcd_write_image(d, "/nonexistent-dir/x", RAWCD_FORMAT_BIN, RAWCD_SUB_RAW96, NULL), RAWCD_E_IO, "/nonexistent-dir/x.bin");
  CHECK(access("/nonexistent-dir", F_OK) != 0);
  rawcd_disc_free(d);
  FAILS(rawcd_disc_track_info(d, 1, &(rawcd_track_info){0}), RAWCD_E_INVALID_ARGUMENT, "not a live rawcd_disc");

  /* Unreadable files. */
  FAILS(rawcd_creator_add_track_file(c, RAWCD_SECTOR_AUDIO, "/nonexistent/track.pcm", &t), RAWCD_E_IO, "/nonexistent/track.pcm");
  FAILS(rawcd_creator_add_track_file(c, RAWCD_SECTOR_AUDIO, fixture_dir, &t), RAWCD_E_IO, fixture_dir);
  FAILS(rawcd_creator_add_track_file(c, RAWCD_SECTOR_AUDIO, "", &t), RAWCD_E_INVALID_ARGUMENT, "empty");
  free(a2);

  /* A partial data sector, a too-short track, no track. */
  rawcd_creator *c2 = rawcd_creator_new();
  FAILS(rawcd_creator_build(c2, &d), RAWCD_E_BAD_INPUT, "no track");
  FAILS(rawcd_creator_add_track_memory(c2, RAWCD_SECTOR_MODE1, zeros, 2048 * 10 + 1, &t), RAWCD_E_BAD_INPUT, "not a multiple of 2048");
  OK(rawcd_creator_add_track_memory(c2, RAWCD_SECTOR_MODE1, zeros, 2048 * 10, &t));
  FAILS(rawcd_creator_build(c2, &d), RAWCD_E_BAD_INPUT, "minimum is 300");
  rawcd_creator_free(c2);

  /* A disc past start_of_leadout_limit. */
  c2 = rawcd_creator_new();
  OK(rawcd_creator_set_start_of_leadout_limit(c2, 400));
  OK(rawcd_creator_add_track_memory(c2, RAWCD_SECTOR_AUDIO, zeros, sizeof zeros, &t));
  OK(rawcd_creator_add_track_memory(c2, RAWCD_SECTOR_AUDIO, zeros, sizeof zeros, &t));
  FAILS(rawcd_creator_build(c2, &d), RAWCD_E_BAD_INPUT, "past the limit 400");
  CHECK(d == NULL);
  rawcd_creator_free(c2);

  /* A callback added by a failing call is not kept and not released. */
  c2 = rawcd_creator_new();
  int released = 0;
  file_reader *fr = file_reader_new("audio3.pcm", -1, -1, &released);
  FAILS(rawcd_creator_add_track_callback(c2, RAWCD_SECTOR_MODE1, 2049, file_read, file_release, fr, &t), RAWCD_E_BAD_INPUT, "not a multiple of 2048");
  CHECK(released == 0);
  file_release(fr); /* still ours */
  rawcd_creator_free(c2);

  /* A callback that fails, and one that ends early: RAWCD_E_IO naming the track. */
  callback_failure(2352 * 50, -1, "track 3 (read callback)");
  callback_failure(2352 * 50, -1, "returned -1");
  callback_failure(-1, 2352 * 10 + 5, "track 3 (read callback)");
  callback_failure(-1, 2352 * 10 + 5, "ended after");
  callback_read_twice();

  rawcd_creator_free(c);
  return finish("t_errors");
}

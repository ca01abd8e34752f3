/* Issue 20: a CD-Extra built through the C ABI (three audio tracks, rawcd_creator_new_session,
 * one Mode 2 Form 1 track), streamed per session and whole, equals the Rust streams by
 * SHA-256; rawcd_disc_session_info gives the Rust values. */
#include "common.h"

static rawcd_creator *cd_extra(void) {
  rawcd_creator *c = rawcd_creator_new();
  uint32_t t = 0;
  OK(rawcd_creator_set_result_type(c, RAWCD_SUB_RAW96));
  /* A session with no track is refused. */
  FAILS(rawcd_creator_new_session(c), RAWCD_E_STATE, "no track");
  const char *audio[3] = {"audio2.pcm", "audio3.pcm", "audio2.pcm"};
  for (int i = 0; i < 3; i++) {
    char *p = fixture_path(audio[i]);
    OK(rawcd_creator_add_track_file(c, RAWCD_SECTOR_AUDIO, p, &t));
    free(p);
    CHECK(t == (uint32_t)i + 1);
  }
  OK(rawcd_creator_new_session(c));
  FAILS(rawcd_creator_new_session(c), RAWCD_E_STATE, "session 2 has no track");
  char *p = fixture_path("data.iso");
  OK(rawcd_creator_add_track_file(c, RAWCD_SECTOR_MODE2FORM1, p, &t));
  free(p);
  CHECK(t == 4); /* track numbers continue across sessions */
  return c;
}

/* SHA-256 of session `session` (0 = the whole disc), read in odd-sized chunks. */
static void stream_hash(const rawcd_disc *d, uint32_t session, char hex[65]) {
  rawcd_stream_options o = rawcd_stream_options_default();
  o.threads = 2;
  rawcd_stream *s = NULL;
  if (session == 0)
    OK(rawcd_stream_open(d, &o, &s));
  else
    OK(rawcd_stream_open_session(d, session, &o, &s));
  enum { CHUNK = 100003 };
  uint8_t *buf = (uint8_t *)malloc(CHUNK);
  sha256_ctx h;
  sha256_init(&h);
  uint64_t total = 0;
  for (;;) {
    size_t n = 0;
    OK(rawcd_stream_read(s, buf, CHUNK, &n));
    if (n == 0) break;
    sha256_update(&h, buf, n);
    total += n;
  }
  rawcd_progress pr;
  OK(rawcd_stream_progress(s, &pr));
  CHECK(total == pr.total_sectors * 2448);
  if (session != 0) {
    rawcd_session_info si;
    OK(rawcd_disc_session_info(d, session, &si));
    /* The running last used user sector of a session stream is that session's. */
    CHECK(pr.last_used_user_sector == si.leadout_lba - 1);
  } else {
    CHECK(pr.last_used_user_sector == rawcd_disc_last_used_user_sector(d));
  }
  sha256_hex(&h, hex);
  free(buf);
  rawcd_stream_free(s);
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  fixture_dir = argv[1];
  rawcd_creator *c = cd_extra();
  rawcd_disc *d = NULL;
  OK(rawcd_creator_build(c, &d));
  rawcd_creator_free(c);

  CHECK(rawcd_disc_session_count(d) == 2);
  CHECK(rawcd_disc_session_count(NULL) == 0);
  for (uint32_t n = 1; n <= 2; n++) {
    rawcd_session_info si;
    memset(&si, 0xEE, sizeof si);
    OK(rawcd_disc_session_info(d, n, &si));
    char key[16], got[160];
    snprintf(key, sizeof key, "sess_info%u", n);
    snprintf(got, sizeof got, "%u %u %u %d %d %u %u", si.number, si.first_track, si.last_track,
             si.leadin_lba, si.leadout_lba, si.leadout_sectors, si.disc_type);
    if (strcmp(got, expected(key)) != 0) {
      fprintf(stderr, "%s: got %s, want %s\n", key, got, expected(key));
      CHECK(0);
    }
  }
  rawcd_session_info si;
  FAILS(rawcd_disc_session_info(d, 3, &si), RAWCD_E_INVALID_ARGUMENT, "no session 3");
  FAILS(rawcd_disc_session_info(d, 0, &si), RAWCD_E_INVALID_ARGUMENT, "no session 0");
  FAILS(rawcd_disc_session_info(d, 1, NULL), RAWCD_E_INVALID_ARGUMENT, "out");
  rawcd_stream *s = NULL;
  FAILS(rawcd_stream_open_session(d, 3, NULL, &s), RAWCD_E_INVALID_ARGUMENT, "no session 3");
  CHECK(s == NULL);
  CHECK(rawcd_disc_last_track(d) == 4);
  CHECK(rawcd_disc_start_of_leadout(d) == atoi(expected("sess_leadout")));

  const char *keys[3] = {"sess_sha_whole", "sess_sha1", "sess_sha2"};
  for (uint32_t n = 0; n <= 2; n++) {
    char hex[65];
    stream_hash(d, n, hex);
    if (strcmp(hex, expected(keys[n])) != 0) {
      fprintf(stderr, "%s: got %s, want %s\n", keys[n], hex, expected(keys[n]));
      CHECK(0);
    }
  }
  rawcd_disc_free(d);
  return finish("t_sessions");
}

/* Must show 1: the stream of the mixed disc read with odd buffer sizes equals, by SHA-256, the
 * Rust ResultImage's bytes; the TOC, track info and last used user sector equal the Rust
 * values. */
#include "common.h"

/* Streams a fresh mixed disc (a callback track is read once) with reads of `chunk` bytes. */
static void stream_hash(int32_t leadin, size_t chunk, char hex[65]) {
  rawcd_creator *c = mixed_creator(-1, -1, NULL);
  rawcd_disc *d = NULL;
  rawcd_stream *s = NULL;
  OK(rawcd_creator_build(c, &d));
  rawcd_creator_free(c); /* the disc does not need its creator */
  rawcd_stream_options o = rawcd_stream_options_default();
  o.leadin_start_lba = leadin;
  o.threads = 2;
  OK(rawcd_stream_open(d, &o, &s));
  CHECK(rawcd_stream_sector_size(s) == 2448);
  uint8_t *buf = (uint8_t *)malloc(chunk);
  sha256_ctx h;
  sha256_init(&h);
  uint64_t total = 0;
  for (;;) {
    size_t n = 0;
    OK(rawcd_stream_read(s, buf, chunk, &n));
    if (n == 0) break;
    CHECK(n <= chunk);
    sha256_update(&h, buf, n);
    total += n;
  }
  /* The end stays the end. */
  size_t n = 99;
  OK(rawcd_stream_read(s, buf, chunk, &n));
  CHECK(n == 0);
  rawcd_progress p;
  OK(rawcd_stream_progress(s, &p));
  CHECK(p.sectors_written == p.total_sectors);
  CHECK(total == p.total_sectors * 2448);
  CHECK(p.last_used_user_sector == rawcd_disc_last_used_user_sector(d));
  sha256_hex(&h, hex);
  free(buf);
  rawcd_stream_free(s);
  rawcd_disc_free(d);
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  fixture_dir = argv[1];

  /* The hash itself, on the FIPS 180-2 vector "abc". */
  {
    sha256_ctx h;
    char hex[65];
    sha256_init(&h);
    sha256_update(&h, (const uint8_t *)"abc", 3);
    sha256_hex(&h, hex);
    CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
  }

  CHECK(rawcd_abi_version() == RAWCD_ABI_VERSION);
  CHECK(strcmp(rawcd_version(), expected("version")) == 0);

  /* Facts of the built disc. */
  {
    rawcd_creator *c = mixed_creator(-1, -1, NULL);
    rawcd_disc *d = NULL;
    OK(rawcd_creator_build(c, &d));
    CHECK(rawcd_disc_last_used_user_sector(d) == atoi(expected("luus")));
    CHECK(rawcd_disc_start_of_leadout(d) == atoi(expected("leadout")));
    CHECK(rawcd_disc_first_track(d) == 1);
    CHECK(rawcd_disc_last_track(d) == 3);
    size_t len = 0;
    FAILS(rawcd_disc_expected_toc(d, NULL, 0, &len), RAWCD_E_INVALID_ARGUMENT, "buffer");
    uint8_t toc[1024];
    OK(rawcd_disc_expected_toc(d, toc, sizeof toc, &len));
    char hex[2049] = {0};
    for (size_t i = 0; i < len; i++) sprintf(hex + 2 * i, "%02x", toc[i]);
    CHECK(strcmp(hex, expected("toc")) == 0);
    for (uint32_t t = 1; t <= 3; t++) {
      rawcd_track_info ti;
      OK(rawcd_disc_track_info(d, t, &ti));
      char got[256], key[16];
      snprintf(got, sizeof got, "%u %d %d %u %u %u %u %s", ti.number, (int)ti.sector_type,
               ti.start_lba, ti.sector_count, ti.control, ti.copy_permitted, ti.preemphasis,
               ti.isrc[0] ? ti.isrc : "-");
      snprintf(key, sizeof key, "track%u", t);
      if (strcmp(got, expected(key)) != 0) {
        fprintf(stderr, "track %u: got \"%s\", want \"%s\"\n", t, got, expected(key));
        failures++;
      }
    }
    rawcd_disc_free(d);
    rawcd_creator_free(c);
  }

  /* The stream, with odd buffer sizes, with and without the lead-in. */
  const size_t sizes[] = {1, 2351, 2448 * 26 + 7, (1u << 22) + 1};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    for (int k = 0; k < 2; k++) {
      int32_t leadin = k == 0 ? -150 : -22650;
      if (sizes[i] == 1 && leadin != -150) continue; /* one byte per call: the short stream */
      char hex[65];
      stream_hash(leadin, sizes[i], hex);
      const char *want = expected(leadin == -150 ? "sha256_none" : "sha256_imapi");
      if (strcmp(hex, want) != 0) {
        fprintf(stderr, "stream lead-in %d, reads of %zu: sha256 %s, Rust %s\n", leadin,
                sizes[i], hex, want);
        failures++;
      } else {
        printf("lead-in %d, reads of %zu bytes: sha256 equal\n", leadin, sizes[i]);
      }
    }
  }
  return finish("t_stream");
}

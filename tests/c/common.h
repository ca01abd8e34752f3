/* Shared helpers of the C tests (tests/c/t_*.c): checks, a SHA-256, fixture files, and the
 * 3-track disc every test builds. Each test is run by tests/capi_c.rs as
 * `t_NAME FIXTURE_DIR`, compiled with -fsanitize=address,undefined and run with leak
 * detection on. */
#ifndef RAWCD_TEST_COMMON_H
#define RAWCD_TEST_COMMON_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawcd.h"

static int failures = 0;

#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__, __LINE__, \
              #cond, rawcd_last_error());                                            \
      failures++;                                                                    \
    }                                                                                \
  } while (0)

/* A call that must succeed; the test stops when it does not. */
#define OK(call)                                                                         \
  do {                                                                                   \
    rawcd_status st_ = (call);                                                           \
    if (st_ != RAWCD_OK) {                                                               \
      fprintf(stderr, "%s:%d: %s -> %d: %s\n", __FILE__, __LINE__, #call, (int)st_,     \
              rawcd_last_error());                                                       \
      exit(1);                                                                           \
    }                                                                                    \
  } while (0)

/* A call that must fail with STATUS and leave a message containing NEEDLE. */
#define FAILS(call, status, needle)                                                       \
  do {                                                                                    \
    rawcd_status st_ = (call);                                                            \
    const char *m_ = rawcd_last_error();                                                  \
    if (st_ != (status) || m_ == NULL || m_[0] == '\0' || strstr(m_, (needle)) == NULL) { \
      fprintf(stderr, "%s:%d: %s -> %d (want %d), message \"%s\" (want \"%s\")\n",        \
              __FILE__, __LINE__, #call, (int)st_, (int)(status), m_ ? m_ : "(null)",     \
              (needle));                                                                  \
      failures++;                                                                         \
    }                                                                                     \
  } while (0)

static inline int finish(const char *name) {
  if (failures) {
    fprintf(stderr, "%s: %d check(s) failed\n", name, failures);
    return 1;
  }
  printf("%s: ok\n", name);
  return 0;
}

/* ---- SHA-256 (FIPS 180-4) ---- */

typedef struct {
  uint32_t h[8];
  uint64_t len;
  uint8_t buf[64];
  size_t fill;
} sha256_ctx;

static const uint32_t SHA_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

static inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static inline void sha256_block(sha256_ctx *c, const uint8_t *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
           p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4], f = c->h[5],
           g = c->h[6], h = c->h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + SHA_K[i] + w[i];
    uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = cc;
    cc = b;
    b = a;
    a = t1 + t2;
  }
  c->h[0] += a;
  c->h[1] += b;
  c->h[2] += cc;
  c->h[3] += d;
  c->h[4] += e;
  c->h[5] += f;
  c->h[6] += g;
  c->h[7] += h;
}

static inline void sha256_init(sha256_ctx *c) {
  static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(c->h, H0, sizeof H0);
  c->len = 0;
  c->fill = 0;
}

static inline void sha256_update(sha256_ctx *c, const uint8_t *p, size_t n) {
  c->len += n;
  if (c->fill) {
    size_t k = 64 - c->fill < n ? 64 - c->fill : n;
    memcpy(c->buf + c->fill, p, k);
    c->fill += k;
    p += k;
    n -= k;
    if (c->fill == 64) {
      sha256_block(c, c->buf);
      c->fill = 0;
    }
  }
  while (n >= 64) {
    sha256_block(c, p);
    p += 64;
    n -= 64;
  }
  if (n) {
    memcpy(c->buf, p, n);
    c->fill = n;
  }
}

/* Finishes into 65 bytes of lowercase hex. */
static inline void sha256_hex(sha256_ctx *c, char out[65]) {
  uint64_t bits = c->len * 8;
  uint8_t pad = 0x80;
  sha256_update(c, &pad, 1);
  pad = 0;
  while (c->fill != 56) sha256_update(c, &pad, 1);
  uint8_t l[8];
  for (int i = 0; i < 8; i++) l[i] = (uint8_t)(bits >> (56 - 8 * i));
  sha256_update(c, l, 8);
  for (int i = 0; i < 8; i++) sprintf(out + 8 * i, "%08x", c->h[i]);
}

/* ---- fixtures ---- */

static const char *fixture_dir;

static inline char *fixture_path(const char *name) {
  size_t n = strlen(fixture_dir) + strlen(name) + 2;
  char *p = (char *)malloc(n);
  snprintf(p, n, "%s/%s", fixture_dir, name);
  return p;
}

/* The whole file, malloc'd; its size in *len. */
static inline uint8_t *read_fixture(const char *name, size_t *len) {
  char *p = fixture_path(name);
  FILE *f = fopen(p, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", p);
    exit(1);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = (uint8_t *)malloc(n > 0 ? (size_t)n : 1);
  if (n > 0 && fread(b, 1, (size_t)n, f) != (size_t)n) exit(1);
  fclose(f);
  free(p);
  *len = (size_t)n;
  return b;
}

/* A value of expected.txt ("key value" lines written by tests/capi_c.rs). */
static inline char *expected(const char *key) {
  static char line[4096];
  char *p = fixture_path("expected.txt");
  FILE *f = fopen(p, "r");
  free(p);
  if (!f) exit(1);
  size_t kl = strlen(key);
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, key, kl) == 0 && line[kl] == ' ') {
      fclose(f);
      line[strcspn(line, "\n")] = 0;
      return line + kl + 1;
    }
  }
  fclose(f);
  fprintf(stderr, "expected.txt has no %s\n", key);
  exit(1);
}

/* ---- the read callback: a FILE, optionally failing or ending early ---- */

typedef struct {
  FILE *f;
  long given;
  long fail_after; /* -1: never; else return -1 once this many bytes were given */
  long end_after;  /* -1: never; else return 0 (end) once this many bytes were given */
  int *released;   /* set to 1 by release (may be NULL) */
} file_reader;

static inline intptr_t file_read(void *user, uint8_t *buf, size_t len) {
  file_reader *r = (file_reader *)user;
  if (r->fail_after >= 0 && r->given >= r->fail_after) return -1;
  if (r->end_after >= 0 && r->given >= r->end_after) return 0;
  size_t n = fread(buf, 1, len, r->f);
  r->given += (long)n;
  return (intptr_t)n;
}

static inline void file_release(void *user) {
  file_reader *r = (file_reader *)user;
  if (r->released) *r->released = 1;
  fclose(r->f);
  free(r);
}

static inline file_reader *file_reader_new(const char *name, long fail_after, long end_after,
                                    int *released) {
  file_reader *r = (file_reader *)calloc(1, sizeof *r);
  char *p = fixture_path(name);
  r->f = fopen(p, "rb");
  free(p);
  if (!r->f) exit(1);
  r->fail_after = fail_after;
  r->end_after = end_after;
  r->released = released;
  return r;
}

static inline long file_size(const char *name) {
  char *p = fixture_path(name);
  FILE *f = fopen(p, "rb");
  free(p);
  if (!f) exit(1);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fclose(f);
  return n;
}

/* The disc of Must show 1: Mode 1 from memory, audio from a file, audio through the callback
 * (its reader configured by fail_after/end_after), MCN, ISRC, flags, an index 2, CD-Text
 * packs, raw96. The Rust side (tests/capi_c.rs, `mixed_disc`) builds the same one. */
static inline rawcd_creator *mixed_creator(long fail_after, long end_after, int *released) {
  rawcd_creator *c = rawcd_creator_new();
  uint32_t t = 0;
  size_t n;
  uint8_t *data = read_fixture("data.iso", &n);
  OK(rawcd_creator_set_result_type(c, RAWCD_SUB_RAW96));
  OK(rawcd_creator_add_track_memory(c, RAWCD_SECTOR_MODE1, data, n, &t));
  free(data); /* copied */
  CHECK(t == 1);
  char *p = fixture_path("audio2.pcm");
  OK(rawcd_creator_add_track_file(c, RAWCD_SECTOR_AUDIO, p, &t));
  free(p);
  CHECK(t == 2);
  file_reader *r = file_reader_new("audio3.pcm", fail_after, end_after, released);
  OK(rawcd_creator_add_track_callback(c, RAWCD_SECTOR_AUDIO, (uint64_t)file_size("audio3.pcm"),
                                      file_read, file_release, r, &t));
  CHECK(t == 3);
  OK(rawcd_creator_set_media_catalog_number(c, expected("mcn")));
  OK(rawcd_creator_set_isrc(c, 2, expected("isrc2")));
  OK(rawcd_creator_set_track_flags(c, 2, 1, 0));
  OK(rawcd_creator_set_track_flags(c, 3, 0, 1));
  OK(rawcd_creator_add_track_index(c, 3, 100));
  uint8_t *cdt = read_fixture("cdtext.cdt", &n);
  OK(rawcd_creator_set_cdtext_packs(c, cdt, n));
  free(cdt);
  return c;
}

/* Threads of this process (from /proc/self/task). */
static inline int thread_count(void) {
  DIR *d = opendir("/proc/self/task");
  int n = 0;
  struct dirent *e;
  if (!d) return -1;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

#endif

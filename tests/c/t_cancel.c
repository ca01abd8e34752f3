/* Must show 3: cancel from another thread mid-stream, then free: the reader gets
 * RAWCD_E_CANCELLED, every worker thread is joined, the callback's user data is released, and
 * (under LeakSanitizer) nothing leaks. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "common.h"

typedef struct {
  rawcd_stream *s;
  atomic_int status; /* -1 while reading */
  atomic_ullong bytes;
} reader;

static void *read_thread(void *arg) {
  reader *r = (reader *)arg;
  size_t chunk = 2448 * 26;
  uint8_t *buf = (uint8_t *)malloc(chunk);
  rawcd_status st;
  for (;;) {
    size_t n = 0;
    st = rawcd_stream_read(r->s, buf, chunk, &n);
    if (st != RAWCD_OK || n == 0) break;
    atomic_fetch_add(&r->bytes, n);
  }
  free(buf);
  atomic_store(&r->status, (int)st);
  return NULL;
}

/* A slow callback: the pipeline's reader blocks in C while the consumer waits. */
static intptr_t slow_read(void *user, uint8_t *buf, size_t len) {
  struct timespec ts = {0, 200000};
  nanosleep(&ts, NULL);
  return file_read(user, buf, len);
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
  nanosleep(&ts, NULL);
}

/* A creator holding data.iso as its one (Mode 1) track. */
static rawcd_creator *data_creator(void) {
  rawcd_creator *c = rawcd_creator_new();
  size_t n;
  uint8_t *data = read_fixture("data.iso", &n);
  uint32_t t = 0;
  OK(rawcd_creator_add_track_memory(c, RAWCD_SECTOR_MODE1, data, n, &t));
  CHECK(t == 1);
  free(data);
  return c;
}

/* One round: open, let `delay_sectors` flow, cancel from this thread, join the reader, free. */
static void round_trip(int slow, uint64_t delay_sectors) {
  int threads_before = thread_count();
  int released = 0;
  rawcd_creator *c = data_creator();
  file_reader *fr = file_reader_new("audio3.pcm", -1, -1, &released);
  uint32_t t = 0;
  OK(rawcd_creator_add_track_callback(c, RAWCD_SECTOR_AUDIO, (uint64_t)file_size("audio3.pcm"),
                                      slow ? slow_read : file_read, file_release, fr, &t));
  CHECK(t == 2);
  rawcd_disc *d = NULL;
  OK(rawcd_creator_build(c, &d));
  rawcd_creator_free(c);
  rawcd_stream *s = NULL;
  rawcd_stream_options o = rawcd_stream_options_default();
  o.buffer_bytes = 1 << 20;
  OK(rawcd_stream_open(d, &o, &s));
  CHECK(thread_count() > threads_before); /* the workers run */

  reader r;
  r.s = s;
  atomic_init(&r.status, -1);
  atomic_init(&r.bytes, 0);
  pthread_t th;
  CHECK(pthread_create(&th, NULL, read_thread, &r) == 0);
  for (int i = 0; i < 20000; i++) {
    rawcd_progress p;
    OK(rawcd_stream_progress(s, &p));
    if (p.sectors_written >= delay_sectors || atomic_load(&r.status) != -1) break;
    sleep_ms(1);
  }
  rawcd_stream_cancel(s);
  pthread_join(th, NULL);
  int st = atomic_load(&r.status);
  rawcd_progress p;
  OK(rawcd_stream_progress(s, &p));
  printf("slow=%d: cancelled after %llu bytes (%llu of %llu sectors), read returned %d\n", slow,
         (unsigned long long)atomic_load(&r.bytes), (unsigned long long)p.sectors_written,
         (unsigned long long)p.total_sectors, st);
  CHECK(st == RAWCD_E_CANCELLED);
  CHECK(p.sectors_written < p.total_sectors);
  /* Every later read says cancelled too. */
  uint8_t b[16];
  size_t w = 7;
  FAILS(rawcd_stream_read(s, b, sizeof b, &w), RAWCD_E_CANCELLED, "cancel");
  CHECK(w == 0);
  rawcd_stream_free(s);
  CHECK(thread_count() == threads_before); /* every pipeline thread joined */
  CHECK(released == 0);                    /* the disc still holds the callback track */
  rawcd_disc_free(d);
  CHECK(released == 1);
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  fixture_dir = argv[1];
  round_trip(0, 2000);
  round_trip(1, 23000); /* into the slow callback track */
  round_trip(0, 0);     /* at once */

  /* Cancelled before any read, freed without reading. */
  {
    int before = thread_count();
    rawcd_creator *c = data_creator();
    rawcd_disc *d = NULL;
    rawcd_stream *s = NULL;
    OK(rawcd_creator_build(c, &d));
    OK(rawcd_stream_open(d, NULL, &s));
    rawcd_stream_cancel(s);
    rawcd_stream_cancel(s); /* twice is fine */
    uint8_t b[4096];
    size_t w = 0;
    FAILS(rawcd_stream_read(s, b, sizeof b, &w), RAWCD_E_CANCELLED, "cancel");
    rawcd_stream_free(s);
    CHECK(thread_count() == before);
    rawcd_disc_free(d);
    rawcd_creator_free(c);
  }
  /* Freed mid-stream without cancel (the free stops and joins the workers). */
  {
    int before = thread_count();
    rawcd_creator *c = data_creator();
    rawcd_disc *d = NULL;
    rawcd_stream *s = NULL;
    OK(rawcd_creator_build(c, &d));
    rawcd_creator_free(c);
    OK(rawcd_stream_open(d, NULL, &s));
    rawcd_disc_free(d); /* the stream keeps the layout */
    uint8_t b[4096];
    size_t w = 0;
    OK(rawcd_stream_read(s, b, sizeof b, &w));
    CHECK(w == sizeof b);
    rawcd_stream_free(s);
    CHECK(thread_count() == before);
  }
  return finish("t_cancel");
}

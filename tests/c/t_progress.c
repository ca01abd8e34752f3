/* Must show 2: progress polled from a second thread while the stream flows: the running last
 * used user sector never decreases and ends at the disc's value. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>

#include "common.h"

typedef struct {
  rawcd_stream *s;
  atomic_int done;
  long polls;
  long changes;
  int32_t last;
  uint64_t last_written;
  int bad;
} poller;

static void *poll_thread(void *arg) {
  poller *p = (poller *)arg;
  p->last = -151;
  while (!atomic_load(&p->done)) {
    rawcd_progress pr;
    if (rawcd_stream_progress(p->s, &pr) != RAWCD_OK) {
      fprintf(stderr, "rawcd_stream_progress failed: %s\n", rawcd_last_error());
      p->bad++;
      continue;
    }
    if (pr.last_used_user_sector < p->last) {
      fprintf(stderr, "last used user sector went from %d to %d\n", p->last,
              pr.last_used_user_sector);
      p->bad++;
    }
    if (pr.sectors_written < p->last_written) {
      fprintf(stderr, "sectors written went from %llu to %llu\n",
              (unsigned long long)p->last_written, (unsigned long long)pr.sectors_written);
      p->bad++;
    }
    /* The fill is bounded by the capacity exactly, at every instant. */
    if (pr.buffer_fill_bytes > pr.buffer_capacity_bytes) {
      fprintf(stderr, "buffer fill %llu above its capacity %llu\n",
              (unsigned long long)pr.buffer_fill_bytes,
              (unsigned long long)pr.buffer_capacity_bytes);
      p->bad++;
    }
    if (pr.last_used_user_sector != p->last) p->changes++;
    p->last = pr.last_used_user_sector;
    p->last_written = pr.sectors_written;
    p->polls++;
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  fixture_dir = argv[1];
  rawcd_creator *c = mixed_creator(-1, -1, NULL);
  rawcd_disc *d = NULL;
  rawcd_stream *s = NULL;
  OK(rawcd_creator_build(c, &d));
  OK(rawcd_stream_open(d, NULL, &s)); /* defaults: lead-in from 95:00:00, all cores */
  rawcd_progress first;
  OK(rawcd_stream_progress(s, &first));
  CHECK(first.last_used_user_sector == -151);
  CHECK(first.sectors_written == 0);

  poller p;
  memset(&p, 0, sizeof p);
  p.s = s;
  atomic_init(&p.done, 0);
  pthread_t th;
  CHECK(pthread_create(&th, NULL, poll_thread, &p) == 0);

  size_t sector = rawcd_stream_sector_size(s);
  size_t chunk = sector * 26; /* a typical WRITE(10) */
  uint8_t *buf = (uint8_t *)malloc(chunk);
  for (;;) {
    size_t n = 0;
    OK(rawcd_stream_read(s, buf, chunk, &n));
    if (n == 0) break;
  }
  atomic_store(&p.done, 1);
  pthread_join(th, NULL);
  free(buf);

  rawcd_progress end;
  OK(rawcd_stream_progress(s, &end));
  printf("%ld polls, %ld changes of the running value, final %d\n", p.polls, p.changes,
         end.last_used_user_sector);
  CHECK(p.bad == 0);
  CHECK(p.last <= end.last_used_user_sector);
  CHECK(end.last_used_user_sector == rawcd_disc_last_used_user_sector(d));
  CHECK(end.sectors_written == end.total_sectors);
  rawcd_stream_free(s);
  rawcd_disc_free(d);
  rawcd_creator_free(c);
  return finish("t_progress");
}

/* burn_loop: what a burner's write loop looks like on top of rawcd's C ABI.
 *
 * Builds a disc from the files on the command line (*.iso: a Mode 1 track from the file,
 * memory-mapped; *.wav: an audio track fed through a read callback, as a burner feeds audio it
 * decodes itself; anything else: raw 16-bit stereo PCM from the file), opens the raw stream
 * (lead-in, program area, lead-out; raw P-W subchannel: 2448 bytes per sector), and reads it
 * in blocks of 26 whole sectors, the size of a typical WRITE(10), into one buffer. A second
 * thread prints the running last used user sector while the stream flows. The blocks go to a
 * file (-o FILE) or to stdout, where a real burner would send them to the drive.
 *
 *   cargo rustc --release --lib --features capi --crate-type staticlib --crate-type cdylib
 *   cc -O2 -Wall -Iinclude examples/c/burn_loop.c target/release/librawcd.a \
 *      -lpthread -ldl -lm -o burn_loop
 *   ./burn_loop -o disc.raw data.iso track2.wav track3.wav
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rawcd.h"

#define BLOCK_SECTORS 26

static int fail(const char *what, rawcd_status st) {
  fprintf(stderr, "burn_loop: %s: %s (status %d)\n", what, rawcd_last_error(), (int)st);
  return 1;
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* ---- a .wav track through the read callback ---- */

typedef struct {
  FILE *f;
} wav_reader;

static intptr_t wav_read(void *user, uint8_t *buf, size_t len) {
  wav_reader *w = (wav_reader *)user;
  size_t n = fread(buf, 1, len, w->f);
  if (n == 0 && ferror(w->f)) return -1;
  return (intptr_t)n;
}

static void wav_release(void *user) {
  wav_reader *w = (wav_reader *)user;
  fclose(w->f);
  free(w);
}

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Opens a WAV file at the start of its "data" chunk; its length in *len. */
static FILE *open_wav(const char *path, uint64_t *len) {
  FILE *f = fopen(path, "rb");
  uint8_t h[12];
  if (!f || fread(h, 1, 12, f) != 12 || memcmp(h, "RIFF", 4) || memcmp(h + 8, "WAVE", 4)) {
    if (f) fclose(f);
    return NULL;
  }
  for (;;) {
    uint8_t c[8];
    if (fread(c, 1, 8, f) != 8) break;
    uint32_t size = le32(c + 4);
    if (memcmp(c, "data", 4) == 0) {
      *len = size;
      return f;
    }
    if (fseek(f, (long)size + (size & 1), SEEK_CUR) != 0) break;
  }
  fclose(f);
  return NULL;
}

/* ---- the progress thread ---- */

typedef struct {
  rawcd_stream *stream;
  atomic_int done;
} watcher;

static void *watch(void *arg) {
  watcher *w = (watcher *)arg;
  struct timespec pause = {0, 200 * 1000 * 1000};
  while (!atomic_load(&w->done)) {
    rawcd_progress p;
    if (rawcd_stream_progress(w->stream, &p) == RAWCD_OK)
      fprintf(stderr, "\rlast used user sector %6d, %llu of %llu sectors, buffer %llu KiB ",
              (int)p.last_used_user_sector, (unsigned long long)p.sectors_written,
              (unsigned long long)p.total_sectors,
              (unsigned long long)(p.buffer_fill_bytes >> 10));
    nanosleep(&pause, NULL);
  }
  return NULL;
}

int main(int argc, char **argv) {
  const char *out_path = "-";
  rawcd_stream_options opts = rawcd_stream_options_default();
  int first = 1;
  while (first < argc && argv[first][0] == '-' && argv[first][1] != '\0') {
    if (strcmp(argv[first], "-o") == 0 && first + 1 < argc) {
      out_path = argv[first + 1];
      first += 2;
    } else if (strcmp(argv[first], "--no-leadin") == 0) {
      opts.leadin_start_lba = -150;
      first++;
    } else {
      break;
    }
  }
  if (first >= argc) {
    fprintf(stderr, "usage: burn_loop [-o OUT|-] [--no-leadin] FILE.iso|FILE.wav|FILE.pcm ...\n");
    return 2;
  }

  rawcd_creator *creator = rawcd_creator_new();
  rawcd_status st;
  for (int i = first; i < argc; i++) {
    uint32_t track = 0;
    if (ends_with(argv[i], ".iso")) {
      st = rawcd_creator_add_track_file(creator, RAWCD_SECTOR_MODE1, argv[i], &track);
    } else if (ends_with(argv[i], ".wav")) {
      uint64_t len = 0;
      FILE *f = open_wav(argv[i], &len);
      if (!f) {
        fprintf(stderr, "burn_loop: %s: not a readable WAV file\n", argv[i]);
        return 2;
      }
      wav_reader *w = (wav_reader *)malloc(sizeof *w);
      w->f = f;
      st = rawcd_creator_add_track_callback(creator, RAWCD_SECTOR_AUDIO, len, wav_read,
                                            wav_release, w, &track);
      if (st != RAWCD_OK) wav_release(w); /* not kept on failure */
    } else {
      st = rawcd_creator_add_track_file(creator, RAWCD_SECTOR_AUDIO, argv[i], &track);
    }
    if (st != RAWCD_OK) return fail(argv[i], st);
    fprintf(stderr, "track %u: %s\n", track, argv[i]);
  }

  rawcd_disc *disc = NULL;
  if ((st = rawcd_creator_build(creator, &disc)) != RAWCD_OK) return fail("build", st);
  rawcd_creator_free(creator);
  fprintf(stderr, "tracks %u..%u, lead-out at LBA %d, last used user sector %d\n",
          rawcd_disc_first_track(disc), rawcd_disc_last_track(disc),
          rawcd_disc_start_of_leadout(disc), rawcd_disc_last_used_user_sector(disc));

  rawcd_stream *stream = NULL;
  if ((st = rawcd_stream_open(disc, &opts, &stream)) != RAWCD_OK) return fail("open", st);
  FILE *out = strcmp(out_path, "-") == 0 ? stdout : fopen(out_path, "wb");
  if (!out) {
    perror(out_path);
    return 1;
  }

  watcher w = {stream, 0};
  pthread_t th;
  pthread_create(&th, NULL, watch, &w);

  /* The write loop: whole sectors, 26 at a time. */
  size_t block = BLOCK_SECTORS * rawcd_stream_sector_size(stream);
  uint8_t *buf = (uint8_t *)malloc(block);
  int rc = 0;
  for (;;) {
    size_t n = 0;
    st = rawcd_stream_read(stream, buf, block, &n);
    if (st != RAWCD_OK) {
      rc = fail("stream", st);
      break;
    }
    if (n == 0) break; /* the end of the lead-out */
    if (fwrite(buf, 1, n, out) != n) { /* a burner: WRITE(10) of n / sector_size sectors */
      perror(out_path);
      rawcd_stream_cancel(stream);
      rc = 1;
      break;
    }
  }
  atomic_store(&w.done, 1);
  pthread_join(th, NULL);

  rawcd_progress p;
  rawcd_stream_progress(stream, &p);
  fprintf(stderr, "\nwrote %llu sectors; last used user sector %d\n",
          (unsigned long long)p.sectors_written, (int)p.last_used_user_sector);
  free(buf);
  if (out != stdout) fclose(out);
  rawcd_stream_free(stream);
  rawcd_disc_free(disc);
  return rc;
}

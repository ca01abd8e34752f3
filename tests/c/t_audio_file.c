/* Audio files through the C ABI: rawcd_creator_add_track_file refuses a file that is an audio
 * container (its header would become samples) and names rawcd_creator_add_track_audio_file;
 * that function gives the same disc from a WAV (samples in place) and from a FLAC (decoded)
 * as the raw PCM does; a missing file is "no such file", as the CLI says it. */
#include "common.h"

/* SHA-256 of the whole raw96 stream of a one-track disc. */
static void disc_sha(rawcd_creator *c, char out[65]) {
  rawcd_disc *d = NULL;
  rawcd_stream *s = NULL;
  OK(rawcd_creator_build(c, &d));
  OK(rawcd_stream_open(d, NULL, &s));
  static uint8_t buf[26 * 2448];
  sha256_ctx h;
  sha256_init(&h);
  size_t n = 0;
  while (rawcd_stream_read(s, buf, sizeof buf, &n) == RAWCD_OK && n > 0) sha256_update(&h, buf, n);
  CHECK(n == 0);
  sha256_hex(&h, out);
  rawcd_stream_free(s);
  rawcd_disc_free(d);
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  fixture_dir = argv[1];
  char *wav = fixture_path("audio3.wav");
  char *flac = fixture_path("audio3.flac");
  char *pcm = fixture_path("audio3.pcm");
  uint32_t t = 0;

  /* The reference: the raw PCM as plain bytes. */
  char want[65], got[65];
  rawcd_creator *c = rawcd_creator_new();
  OK(rawcd_creator_add_track_file(c, RAWCD_SECTOR_AUDIO, pcm, &t));
  CHECK(t == 1);
  disc_sha(c, want);
  rawcd_creator_free(c);

  /* Containers are refused by the plain-bytes function, naming the right one. */
  c = rawcd_creator_new();
  FAILS(rawcd_creator_add_track_file(c, RAWCD_SECTOR_AUDIO, wav, &t), RAWCD_E_BAD_INPUT,
        "is a WAV file, not raw sector bytes: add it with rawcd_creator_add_track_audio_file");
  FAILS(rawcd_creator_add_track_file(c, RAWCD_SECTOR_AUDIO, flac, &t), RAWCD_E_BAD_INPUT,
        "is a FLAC file, not raw sector bytes: add it with rawcd_creator_add_track_audio_file");
  FAILS(rawcd_creator_add_track_file(c, RAWCD_SECTOR_MODE1, flac, &t), RAWCD_E_BAD_INPUT,
        "rawcd_creator_add_track_audio_file");
  /* Missing files: the CLI's words, not the system's "(os error 2)". */
  FAILS(rawcd_creator_add_track_file(c, RAWCD_SECTOR_AUDIO, "/nonexistent/a.pcm", &t), RAWCD_E_IO,
        "/nonexistent/a.pcm: no such file");
  CHECK(strstr(rawcd_last_error(), "os error") == NULL);
  FAILS(rawcd_creator_add_track_audio_file(c, "/nonexistent/a.flac", &t), RAWCD_E_IO,
        "/nonexistent/a.flac: no such file");
  /* Bytes that are no audio file: refused, and the creator is still usable. */
  FAILS(rawcd_creator_add_track_audio_file(c, pcm, &t), RAWCD_E_BAD_INPUT, "audio3.pcm");
  FAILS(rawcd_creator_add_track_audio_file(NULL, wav, &t), RAWCD_E_INVALID_ARGUMENT, "NULL");
  FAILS(rawcd_creator_add_track_audio_file(c, NULL, &t), RAWCD_E_INVALID_ARGUMENT, "NULL");

  /* WAV: the samples after the header, the same disc as the raw PCM. */
  OK(rawcd_creator_add_track_audio_file(c, wav, &t));
  CHECK(t == 1);
  disc_sha(c, got);
  CHECK(strcmp(got, want) == 0);
  rawcd_creator_free(c);

  /* FLAC: decoded while streaming, the same disc again. */
  c = rawcd_creator_new();
  OK(rawcd_creator_add_track_audio_file(c, flac, &t));
  disc_sha(c, got);
  CHECK(strcmp(got, want) == 0);
  rawcd_creator_free(c);

  free(wav);
  free(flac);
  free(pcm);
  return finish("t_audio_file");
}

/* Must show 5: rawcd_write_image for the three formats. tests/capi_c.rs compares the files
 * with `rawcd image` of the same disc (data.iso audio2.wav audio3.wav --catalog --isrc
 * --cdtext). Usage: t_write_image FIXTURE_DIR (writes FIXTURE_DIR/c/img.*). */
#include "common.h"

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  fixture_dir = argv[1];
  rawcd_creator *c = rawcd_creator_new();
  const char *tracks[][2] = {{"data.iso", "2"}, {"audio2.pcm", "0"}, {"audio3.pcm", "0"}};
  for (int i = 0; i < 3; i++) {
    char *p = fixture_path(tracks[i][0]);
    uint32_t t = 0;
    OK(rawcd_creator_add_track_file(c, (rawcd_sector_type)atoi(tracks[i][1]), p, &t));
    CHECK(t == (uint32_t)i + 1);
    free(p);
  }
  OK(rawcd_creator_set_media_catalog_number(c, expected("mcn")));
  OK(rawcd_creator_set_isrc(c, 2, expected("isrc2")));
  size_t n;
  uint8_t *cdt = read_fixture("cdtext.cdt", &n);
  OK(rawcd_creator_set_cdtext_packs(c, cdt, n));
  free(cdt);
  rawcd_disc *d = NULL;
  OK(rawcd_creator_build(c, &d));
  char *prefix = fixture_path("c/img");
  OK(rawcd_write_image(d, prefix, RAWCD_FORMAT_BIN, RAWCD_SUB_RAW96, NULL));
  OK(rawcd_write_image(d, prefix, RAWCD_FORMAT_CLONECD, RAWCD_SUB_RAW96, NULL));
  rawcd_stream_options o = rawcd_stream_options_default();
  o.threads = 1;
  o.buffer_bytes = 1 << 20;
  OK(rawcd_write_image(d, prefix, RAWCD_FORMAT_RAW, RAWCD_SUB_RAW96, &o));
  /* Other subchannels and lead-in starts for the raw stream. */
  char *p2 = fixture_path("c/img-pq16-none");
  o.leadin_start_lba = -150;
  OK(rawcd_write_image(d, p2, RAWCD_FORMAT_RAW, RAWCD_SUB_PQ16, &o));
  char *p3 = fixture_path("c/img-packed96-atip");
  o.leadin_start_lba = -11634; /* 97:26:66 */
  OK(rawcd_write_image(d, p3, RAWCD_FORMAT_RAW, RAWCD_SUB_PACKED96, &o));
  free(p2);
  free(p3);
  free(prefix);
  rawcd_disc_free(d);
  rawcd_creator_free(c);
  return finish("t_write_image");
}

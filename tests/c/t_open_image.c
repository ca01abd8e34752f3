/* rawcd_disc_open_image (issue 19): a Nero image the Rust side wrote (disc.nrg: track-at-once,
 * data.iso as Mode 1, audio3.pcm as audio) opens as a disc with the track-at-once layout, and
 * writes the same bin/cue as `rawcd image disc.nrg` (tests/capi_c.rs compares). A missing
 * file, a damaged image and NULL arguments fail with the documented status and a message
 * naming the file. Usage: t_open_image FIXTURE_DIR (writes FIXTURE_DIR/c/nrg.*). */
#include "common.h"

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  fixture_dir = argv[1];
  char *nrg = fixture_path("disc.nrg");
  rawcd_disc *d = NULL;
  OK(rawcd_disc_open_image(nrg, &d));
  CHECK(rawcd_disc_first_track(d) == 1);
  CHECK(rawcd_disc_last_track(d) == 2);
  rawcd_track_info t;
  OK(rawcd_disc_track_info(d, 1, &t));
  CHECK(t.sector_type == RAWCD_SECTOR_MODE1 && t.start_lba == 0 && t.control == 4);
  OK(rawcd_disc_track_info(d, 2, &t));
  /* 400 data sectors, then the 150-sector pre-gap a track-at-once writer leaves. */
  CHECK(t.sector_type == RAWCD_SECTOR_AUDIO && t.start_lba == 550 && t.sector_count == 320);
  CHECK(rawcd_disc_start_of_leadout(d) == 870);
  char *prefix = fixture_path("c/nrg");
  OK(rawcd_write_image(d, prefix, RAWCD_FORMAT_BIN, RAWCD_SUB_RAW96, NULL));
  free(prefix);
  rawcd_disc_free(d);

  /* Failures: *out is NULL afterwards, the message names the file. */
  rawcd_disc *x = (rawcd_disc *)&failures; /* any non-NULL value: must be overwritten */
  char *missing = fixture_path("missing.nrg");
  FAILS(rawcd_disc_open_image(missing, &x), RAWCD_E_BAD_INPUT, "missing.nrg");
  CHECK(x == NULL);
  char *bad = fixture_path("bad.nrg");
  FAILS(rawcd_disc_open_image(bad, &x), RAWCD_E_BAD_INPUT, "bad.nrg");
  FAILS(rawcd_disc_open_image(bad, &x), RAWCD_E_BAD_INPUT, "byte ");
  CHECK(x == NULL);
  FAILS(rawcd_disc_open_image(NULL, &x), RAWCD_E_INVALID_ARGUMENT, "path");
  FAILS(rawcd_disc_open_image(nrg, NULL), RAWCD_E_INVALID_ARGUMENT, "out");
  free(missing);
  free(bad);
  free(nrg);
  return finish("t_open_image");
}

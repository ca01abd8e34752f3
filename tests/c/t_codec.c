/* rawcd_encode_sector equals the Rust codec for every sector type; rawcd_scramble and
 * rawcd_edc agree with it. codec_cases.bin (written by tests/capi_c.rs) holds records of
 * type (u8), LBA (i32 LE), payload length (u32 LE), payload, then the 2352 bytes Rust's
 * encode_sector gives. */
#include "common.h"

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  fixture_dir = argv[1];
  size_t len;
  uint8_t *b = read_fixture("codec_cases.bin", &len);
  size_t off = 0;
  int cases = 0, types_seen[10] = {0};
  while (off < len) {
    unsigned ty = b[off];
    int32_t lba = (int32_t)le32(b + off + 1);
    uint32_t n = le32(b + off + 5);
    const uint8_t *payload = b + off + 9;
    const uint8_t *want = payload + n;
    uint8_t out[2352];
    memset(out, 0xAA, sizeof out);
    OK(rawcd_encode_sector((rawcd_sector_type)ty, lba, payload, n, out));
    if (memcmp(out, want, 2352) != 0) {
      fprintf(stderr, "type %u LBA %d: encode differs from Rust\n", ty, lba);
      failures++;
    }
    /* The EDC of a Mode 1 sector is stored at 2064, over bytes 0..2063. */
    if (ty == RAWCD_SECTOR_MODE1) CHECK(rawcd_edc(out, 2064) == le32(out + 2064));
    /* Scrambling twice gives the sector back; once changes it. */
    uint8_t s[2352];
    memcpy(s, out, sizeof s);
    rawcd_scramble(s);
    CHECK(memcmp(s, out, 12) == 0 && memcmp(s, out, sizeof s) != 0);
    rawcd_scramble(s);
    CHECK(memcmp(s, out, sizeof s) == 0);
    types_seen[ty % 10] = 1;
    cases++;
    off += 9 + n + 2352;
  }
  for (int t = 0; t < 10; t++) CHECK(types_seen[t]);
  printf("%d sectors equal\n", cases);
  free(b);
  return finish("t_codec");
}

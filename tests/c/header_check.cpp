// The header compiles as C++17 with -Wall -Wextra -Werror (tests/capi_c.rs and .ci/run build
// this file) and the types behave as C++ callers expect.
#include "rawcd.h"

#include <cstring>

static_assert(RAWCD_ABI_VERSION == 1, "ABI version");
static_assert(sizeof(rawcd_track_info::isrc) == 13, "ISRC field");

int main() {
  rawcd_stream_options o = rawcd_stream_options_default();
  rawcd_creator *c = rawcd_creator_new();
  rawcd_status st = rawcd_creator_set_result_type(c, RAWCD_SUB_PQ16);
  rawcd_creator_free(c);
  return (st == RAWCD_OK && o.leadin_start_lba == -22650 &&
          std::strlen(rawcd_version()) > 0 && rawcd_abi_version() == RAWCD_ABI_VERSION)
             ? 0
             : 1;
}

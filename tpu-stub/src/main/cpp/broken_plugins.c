// Two deliberately broken PJRT plugins for Kiln's tests. Built without KILN_BAD_VERSION it is
// a shared library with no GetPjrtApi at all; with it, a GetPjrtApi that reports a PJRT major
// version Kiln does not speak (and no usable slots).
#ifdef KILN_BAD_VERSION
#include <string.h>

#include "xla/pjrt/c/pjrt_c_api.h"

static PJRT_Api api;

const PJRT_Api* GetPjrtApi(void) {
  memset(&api, 0, sizeof(api));
  api.struct_size = PJRT_Api_STRUCT_SIZE;
  api.pjrt_api_version.struct_size = PJRT_Api_Version_STRUCT_SIZE;
  api.pjrt_api_version.major_version = PJRT_API_MAJOR + 1;
  api.pjrt_api_version.minor_version = 0;
  return &api;
}
#else
int kiln_not_a_pjrt_plugin(void) { return 42; }
#endif

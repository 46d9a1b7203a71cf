#define _GNU_SOURCE
#include <fcntl.h>
#include "CLinuxShims.h"

int CLinuxShims_openFlagDirect(void) {
#ifdef O_DIRECT
  return O_DIRECT;
#else
  return 0;
#endif
}

int CLinuxShims_startWriteback(int fd, long long offset, long long count) {
#ifdef SYNC_FILE_RANGE_WRITE
  return sync_file_range(fd, offset, count, SYNC_FILE_RANGE_WRITE);
#else
  (void)fd; (void)offset; (void)count;
  return 0;
#endif
}

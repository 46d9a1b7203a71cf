#pragma once
// Linux calls and flags that Swift's Glibc module does not expose, because glibc declares
// them only under _GNU_SOURCE. They are defined in shims.c, which is compiled with it.
// Remove a shim once the Glibc module exports the call.

/// O_DIRECT, to write packs without copying them through the page cache.
int CLinuxShims_openFlagDirect(void);

/// sync_file_range(fd, offset, count, SYNC_FILE_RANGE_WRITE): start writing back a range.
int CLinuxShims_startWriteback(int fd, long long offset, long long count);

#include <sys/types.h>

/// Starts `path` with `argv` and `envp` in directory `cwd`, as the leader of a new process
/// group (so a Ctrl-C can be passed on to everything it starts), with default signal
/// handling and an empty signal mask. Returns 0 and sets *pid, or an errno value.
int CLinuxShims_spawnInNewGroup(pid_t *pid, const char *path, char *const argv[],
                                char *const envp[], const char *cwd);

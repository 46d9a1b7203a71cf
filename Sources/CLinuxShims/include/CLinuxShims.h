#pragma once
// Linux calls and flags that Swift's Glibc module does not expose, because glibc declares
// them only under _GNU_SOURCE. They are defined in shims.c, which is compiled with it.
// Remove a shim once the Glibc module exports the call.

/// O_DIRECT, to write packs without copying them through the page cache.
int CLinuxShims_openFlagDirect(void);

/// sync_file_range(fd, offset, count, SYNC_FILE_RANGE_WRITE): start writing back a range.
int CLinuxShims_startWriteback(int fd, long long offset, long long count);

/// fallocate(fd, 0, 0, length): reserve a new file's blocks before writing it. Returns 0, or
/// -1 with errno (EOPNOTSUPP where the file system cannot, ENOSPC when the disk is full).
int CLinuxShims_preallocate(int fd, long long length);

#include <sys/types.h>

/// prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants become this process's children, so
/// it can reap what an interrupted command left behind.
int CLinuxShims_becomeSubreaper(void);

/// pipe2(fds, O_CLOEXEC): a pipe whose ends a spawned program does not inherit.
int CLinuxShims_pipeCloseOnExec(int fds[2]);

/// Starts `path` with `argv` and `envp` in directory `cwd` (NULL: the current one), as the
/// leader of a new process group (so a Ctrl-C can be passed on to everything it starts),
/// with default signal handling and an empty signal mask; `input`, `output` and `error`
/// become its standard streams (-1: inherited). Returns 0 and sets *pid, or an errno value.
int CLinuxShims_spawnInNewGroup(pid_t *pid, const char *path, char *const argv[],
                                char *const envp[], const char *cwd, int input, int output,
                                int error);

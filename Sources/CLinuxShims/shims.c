#define _GNU_SOURCE
#include <errno.h>
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

int CLinuxShims_preallocate(int fd, long long length) {
#ifdef __linux__
  return fallocate(fd, 0, 0, (off_t)length);
#else
  (void)fd; (void)length;
  errno = EOPNOTSUPP;
  return -1;
#endif
}

#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <unistd.h>

int CLinuxShims_becomeSubreaper(void) {
#ifdef PR_SET_CHILD_SUBREAPER
  return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#else
  return -1;
#endif
}

int CLinuxShims_pipeCloseOnExec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int CLinuxShims_spawnInNewGroup(pid_t *pid, const char *path, char *const argv[],
                                char *const envp[], const char *cwd, int input, int output,
                                int error) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  int result = posix_spawn_file_actions_init(&actions);
  if (result != 0) return result;
  result = posix_spawnattr_init(&attributes);
  if (result != 0) {
    posix_spawn_file_actions_destroy(&actions);
    return result;
  }
  if (cwd != NULL) result = posix_spawn_file_actions_addchdir_np(&actions, cwd);
  if (result == 0 && input >= 0) result = posix_spawn_file_actions_adddup2(&actions, input, 0);
  if (result == 0 && output >= 0) result = posix_spawn_file_actions_adddup2(&actions, output, 1);
  if (result == 0 && error >= 0) result = posix_spawn_file_actions_adddup2(&actions, error, 2);
  sigset_t defaults, empty;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGQUIT);
  sigaddset(&defaults, SIGPIPE);
  if (result == 0) result = posix_spawnattr_setsigdefault(&attributes, &defaults);
  if (result == 0) result = posix_spawnattr_setsigmask(&attributes, &empty);
  if (result == 0) result = posix_spawnattr_setpgroup(&attributes, 0);
  if (result == 0)
    result = posix_spawnattr_setflags(
        &attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  if (result == 0) result = posix_spawn(pid, path, &actions, &attributes, argv, envp);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  return result;
}


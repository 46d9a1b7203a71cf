import SystemPackage

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// An exclusive lock held through `flock(2)` on a lock file.
///
/// A second mlx process waits for the first instead of failing (DVC's lock gives up after
/// 3 s). The kernel drops the lock when its process dies, even under SIGKILL, so a killed
/// command never leaves a stale lock behind.
final class FileLock {
  private let descriptor: Int32

  /// Blocks until the lock at `path` is held; `onWait` runs once if another process has it.
  init(path: String, onWait: () -> Void = {}) throws {
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw SystemError.last("open lock", path: path)
    }
    if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return }
    onWait()
    while flock(descriptor, LOCK_EX) != 0 {
      guard errno == EINTR else {
        let code = errno
        close(descriptor)
        throw SystemError("lock", path: path, code: code)
      }
    }
  }

  deinit {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}

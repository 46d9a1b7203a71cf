import Dispatch

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Waits, bounded and with a message, while another process holds Git's `index.lock`.
///
/// `git add`, `git commit` or an editor's Git integration hold the lock for moments; mlx
/// waits for them rather than failing on them. A lock that outlives the wait (a crashed git
/// left it) is an error that says what to do; by then mlx has written nothing to the index.
final class IndexLockWaiter {
  let lockPath: String
  let timeoutSeconds: Double
  private let started = DispatchTime.now()
  private var announced = false

  /// `timeoutSeconds` defaults to `MLX_GIT_LOCK_TIMEOUT`, else 10.
  init(lockPath: String, timeoutSeconds: Double? = nil) {
    self.lockPath = lockPath
    self.timeoutSeconds =
      timeoutSeconds ?? Environment.value("MLX_GIT_LOCK_TIMEOUT").flatMap(Double.init) ?? 10
  }

  /// Returns once `lockPath` does not exist.
  /// - Throws: a ``GitError`` whose ``GitError/isLocked`` holds, when the wait runs out.
  func waitWhileLocked() throws(GitError) {
    while access(lockPath, F_OK) == 0 {
      let waited = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
      guard waited < timeoutSeconds else {
        throw GitError(
          code: -14, function: "index.lock",
          message:
            "\(lockPath) has been held by another process for \(Int(timeoutSeconds)) s; mlx left "
            + "Git's index as it was: if no git command is running, delete that file, then run "
            + "the mlx command again")
      }
      if !announced {
        announced = true
        StandardError.write(
          "mlx: waiting for Git's index.lock (another git process is using the index)…\n")
      }
      usleep(10_000)
    }
  }
}

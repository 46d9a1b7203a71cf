internal import CLinuxShims
import Dispatch

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// How a stage's command ended.
public enum CommandOutcome: Sendable, Equatable {
  case exited(Int32)
  case signalled(Int32)

  public var succeeded: Bool { self == .exited(0) }
}

/// Runs a stage's shell command with its output going straight to mlx's own (live), in a
/// process group of its own.
///
/// While a command runs, mlx ignores SIGINT, SIGTERM and SIGHUP itself and passes them on
/// to the command's whole process group; once the shell has exited, what is left of the group
/// (background jobs, which a shell shields from SIGINT) gets SIGTERM. So Ctrl-C stops the
/// command and everything it started, and mlx reports the interruption and records nothing
/// as the stage's output.
enum CommandRunner {
  /// Runs `/bin/sh -c command` in `directory` with `environment`.
  static func run(
    _ command: String, in directory: String, environment: [String: String]
  ) throws -> CommandOutcome {
    let arguments = ["/bin/sh", "-c", command]
    let variables = environment.map { "\($0.key)=\($0.value)" }
    let group = ForwardedSignals()
    defer { group.restore() }

    var pid: pid_t = 0
    let result = withCStrings(arguments) { argv in
      withCStrings(variables) { envp in
        CLinuxShims_spawnInNewGroup(&pid, "/bin/sh", argv, envp, directory)
      }
    }
    guard result == 0 else {
      throw SystemError("start /bin/sh in", path: directory, code: result)
    }
    group.forward(to: pid)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      guard errno == EINTR else { throw SystemError.last("wait for", path: command) }
    }
    // WIFEXITED / WEXITSTATUS / WTERMSIG are macros; these are their definitions.
    let signal = status & 0x7f
    if signal != 0 || group.wasSignalled {
      // Background jobs of a non-interactive shell ignore SIGINT; stop what is left of the
      // group so an interrupted stage leaves nothing running.
      kill(-pid, SIGTERM)
    }
    return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
  }

  private static func withCStrings<T>(
    _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> T
  ) -> T {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}

/// Catches terminal signals while a child runs and sends them to its process group.
private final class ForwardedSignals: @unchecked Sendable {
  private static let signals = [SIGINT, SIGTERM, SIGHUP]
  private let queue = DispatchQueue(label: "mlx.signals")
  private var sources: [DispatchSourceSignal] = []
  private var child: pid_t = 0
  private var received = false

  /// Whether a signal arrived and was passed on.
  var wasSignalled: Bool { queue.sync { received } }

  init() {
    for number in Self.signals {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      source.setEventHandler { [self] in
        received = true
        if child > 0 { kill(-child, number) }
      }
      source.resume()
      sources.append(source)
    }
  }

  func forward(to pid: pid_t) { queue.sync { child = pid } }

  func restore() {
    for source in sources { source.cancel() }
    for number in Self.signals { signal(number, SIG_DFL) }
  }
}

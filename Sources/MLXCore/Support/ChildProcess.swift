internal import CLinuxShims
import Foundation

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Every program mlx starts — stage commands, `gpg`, `ssh-keygen`, Graphviz's `dot` — is
/// started here, one way: `posix_spawn` into a process group of its own, with default signal
/// handling. Never used for Git itself, which goes through libgit2.
///
/// While a program runs, mlx ignores SIGINT, SIGTERM and SIGHUP itself and passes them on to
/// the program's whole process group; after an interruption, what is left of the group
/// (background jobs, which a shell shields from SIGINT) gets SIGTERM. So Ctrl-C or a killed
/// `mlx run` stops the program and everything it started.
enum ChildProcess {
  /// How a program ended.
  enum Outcome: Sendable, Equatable {
    case exited(Int32)
    case signalled(Int32)

    /// The exit status a shell would report: the code, or 128 plus the signal.
    var status: Int32 {
      switch self {
      case .exited(let code): code
      case .signalled(let signal): 128 + signal
      }
    }
  }

  /// A program's outcome with its captured output.
  struct Captured {
    var outcome: Outcome
    var stdout: [UInt8]
    var stderr: String
    /// The exit status a shell would report.
    var status: Int32 { outcome.status }
  }

  /// The full path of `name` on `PATH`, or nil.
  static func find(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = "\(directory)/\(name)"
      if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
  }

  /// Runs `executable` with its output going straight to mlx's own (live).
  ///
  /// - Parameters:
  ///   - directory: where it runs; nil for mlx's own directory.
  ///   - environment: its whole environment; nil for mlx's.
  ///   - outputToStandardError: its standard output goes to mlx's standard error (when
  ///     mlx's standard output carries JSON).
  static func run(
    _ executable: String, _ arguments: [String], in directory: String? = nil,
    environment: [String: String]? = nil, outputToStandardError: Bool = false
  ) throws -> Outcome {
    _ = reaper
    let signals = ForwardedSignals()
    defer { signals.restore() }
    let pid = try spawn(
      executable, arguments, in: directory, environment: environment,
      streams: (-1, outputToStandardError ? STDERR_FILENO : -1, -1))
    signals.forward(to: pid)
    return try wait(for: pid, signals: signals, shownAs: executable)
  }

  /// Runs `program` (a name looked up on `PATH`, or a path) with `input` on its standard
  /// input, and captures both outputs. A program that exits before reading all its input is
  /// not an error.
  static func capture(_ program: String, _ arguments: [String], input: [UInt8] = []) throws
    -> Captured
  {
    guard let executable = program.hasPrefix("/") ? program : find(program) else {
      throw SystemError("run", path: program, code: ENOENT)
    }
    _ = reaper
    let stdin = try Pipe.make(), stdout = try Pipe.make(), stderr = try Pipe.make()
    let signals = ForwardedSignals()
    defer { signals.restore() }
    let pid: pid_t
    do {
      pid = try spawn(
        executable, arguments, in: nil, environment: nil,
        streams: (stdin.read, stdout.write, stderr.write))
    } catch {
      for pipe in [stdin, stdout, stderr] { pipe.closeBoth() }
      throw error
    }
    signals.forward(to: pid)
    close(stdin.read)
    close(stdout.write)
    close(stderr.write)
    // The input is written and standard error read on threads of their own, so a program
    // that fills one pipe while mlx waits on another cannot stall.
    let done = DispatchGroup()
    let errorOutput = Collected()
    let writer = Thread {
      writeAll(input, to: stdin.write)
      close(stdin.write)
      done.leave()
    }
    let errorReader = Thread {
      errorOutput.bytes = readAll(stderr.read)
      close(stderr.read)
      done.leave()
    }
    done.enter()
    done.enter()
    writer.start()
    errorReader.start()
    let output = readAll(stdout.read)
    close(stdout.read)
    done.wait()
    let outcome = try wait(for: pid, signals: signals, shownAs: program)
    return Captured(
      outcome: outcome, stdout: output, stderr: String(decoding: errorOutput.bytes, as: UTF8.self))
  }

  // MARK: - Starting and waiting

  private static func spawn(
    _ executable: String, _ arguments: [String], in directory: String?,
    environment: [String: String]?, streams: (Int32, Int32, Int32)
  ) throws -> pid_t {
    let variables = (environment ?? ProcessInfo.processInfo.environment).map {
      "\($0.key)=\($0.value)"
    }
    var pid: pid_t = 0
    let result = withCStrings([executable] + arguments) { argv in
      withCStrings(variables) { envp in
        CLinuxShims_spawnInNewGroup(
          &pid, executable, argv, envp, directory, streams.0, streams.1, streams.2)
      }
    }
    guard result == 0 else {
      throw SystemError("start \(executable) in", path: directory ?? ".", code: result)
    }
    return pid
  }

  private static func wait(for pid: pid_t, signals: ForwardedSignals, shownAs name: String) throws
    -> Outcome
  {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      guard errno == EINTR else { throw SystemError.last("wait for", path: name) }
    }
    // WIFEXITED / WEXITSTATUS / WTERMSIG are macros; these are their definitions.
    let signal = status & 0x7f
    if signal != 0 || signals.wasSignalled { stopGroup(pid) }
    return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
  }

  /// Stops what is left of an interrupted program's process group: background jobs of a
  /// non-interactive shell ignore SIGINT, so they get SIGTERM, and SIGKILL if they are still
  /// there a second later; mlx returns once the group is gone (or after that second).
  private static func stopGroup(_ group: pid_t) {
    guard kill(-group, SIGTERM) == 0 else { return }
    for _ in 0..<100 {
      // Orphans of the group are mlx's children (it is their subreaper): reap the ones that
      // have exited, so the group can vanish.
      while waitpid(-group, nil, WNOHANG) > 0 {}
      if kill(-group, 0) != 0 { return }
      usleep(10_000)
    }
    kill(-group, SIGKILL)
    while waitpid(-group, nil, WNOHANG) > 0 {}
  }

  /// Makes mlx the reaper of its orphaned descendants, once, before it starts anything.
  private static let reaper: Void = { _ = CLinuxShims_becomeSubreaper() }()

  private static func withCStrings<T>(
    _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> T
  ) -> T {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
  }

  // MARK: - Pipes

  private struct Pipe {
    let read: Int32
    let write: Int32

    /// A pipe whose ends no spawned program inherits (only the end handed to it).
    static func make() throws -> Pipe {
      var ends: [Int32] = [-1, -1]
      guard CLinuxShims_pipeCloseOnExec(&ends) == 0 else {
        throw SystemError.last("create a pipe for", path: "a helper program")
      }
      return Pipe(read: ends[0], write: ends[1])
    }

    func closeBoth() {
      close(read)
      close(write)
    }
  }

  /// Writes everything it can; stops quietly when the reader has gone. SIGPIPE is blocked
  /// on this (the calling) thread, so a reader that exits early gives EPIPE rather than
  /// killing mlx, whatever the process's own disposition; the pending signal is taken back.
  private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
    var pipeSignal = sigset_t()
    sigemptyset(&pipeSignal)
    sigaddset(&pipeSignal, SIGPIPE)
    pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
    defer {
      var pending = sigset_t()
      sigpending(&pending)
      if sigismember(&pending, SIGPIPE) == 1 {
        var taken: Int32 = 0
        sigwait(&pipeSignal, &taken)
      }
    }
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes {
        Glibc.write(descriptor, $0.baseAddress, $0.count)
      }
      if written < 0 {
        if errno == EINTR { continue }
        return
      }
      offset += written
    }
  }

  private static func readAll(_ descriptor: Int32) -> [UInt8] {
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { return result }
      result += buffer[..<count]
    }
  }

  /// Bytes a reader thread hands back; read only after the thread has finished.
  private final class Collected: @unchecked Sendable {
    var bytes: [UInt8] = []
  }
}

/// Catches terminal signals while a child runs and sends them to its process group.
private final class ForwardedSignals: @unchecked Sendable {
  private static let signals = [SIGINT, SIGTERM, SIGHUP]
  private let queue = DispatchQueue(label: "mlx.signals")
  private var sources: [DispatchSourceSignal] = []
  private var child: pid_t = 0
  /// The last signal that arrived, passed on once the child is known.
  private var received: Int32?

  /// Whether a signal arrived and was passed on.
  var wasSignalled: Bool { queue.sync { received != nil } }

  init() {
    for number in Self.signals {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      source.setEventHandler { [self] in
        received = number
        if child > 0 { kill(-child, number) }
      }
      source.resume()
      sources.append(source)
    }
  }

  /// Passes signals on to `pid`'s group from now on, and one that arrived while it was being
  /// started at once.
  func forward(to pid: pid_t) {
    queue.sync {
      child = pid
      if let received { kill(-pid, received) }
    }
  }

  func restore() {
    for source in sources { source.cancel() }
    for number in Self.signals { signal(number, SIG_DFL) }
  }
}

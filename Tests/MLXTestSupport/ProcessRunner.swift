import Foundation

/// The outcome of running a program: exit status and what it printed, kept apart.
public struct ProcessResult: Sendable, CustomStringConvertible {
  public let status: Int32
  public let stdout: String
  public let stderr: String

  public var succeeded: Bool { status == 0 }
  public var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// Runs programs for tests, with a hermetic environment for Git.
public enum ProcessRunner {
  /// Environment that keeps `git` (and mlx's libgit2) away from the user's own config. The
  /// identity is set in each test repository's config (``TestRepository``), so tests can
  /// change it with `git config` as a user would.
  public static func hermeticEnvironment(extra: [String: String] = [:]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    for key in environment.keys where key.hasPrefix("GIT_") || key == "MLX_CACHE_DIR" || key == "CI"
    {
      environment[key] = nil
    }
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
    environment["HOME"] = NSTemporaryDirectory()
    for (key, value) in extra { environment[key] = value }
    return environment
  }

  /// Runs `executable` with `arguments` in `directory`, optionally feeding `input`.
  @discardableResult
  public static func run(
    _ executable: String,
    _ arguments: [String],
    in directory: String,
    environment: [String: String] = [:],
    input: String? = nil
  ) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.environment = hermeticEnvironment(extra: environment)
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    let inputPipe = Pipe()
    process.standardInput = inputPipe
    try process.run()
    if let input { inputPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try? inputPipe.fileHandleForWriting.close()
    // Read both pipes concurrently so neither fills up and blocks the child.
    let group = DispatchGroup()
    nonisolated(unsafe) var errorData = Data()
    group.enter()
    DispatchQueue.global().async {
      errorData = errors.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(
      status: process.terminationStatus,
      stdout: String(decoding: outputData, as: UTF8.self),
      stderr: String(decoding: errorData, as: UTF8.self))
  }

  /// The full path of a program on `PATH`.
  public static func which(_ program: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = "\(directory)/\(program)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }
}

extension ProcessResult {
  /// Standard output parsed as a JSON object.
  public func json() throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
    else { throw TestFailure("not a JSON object: \(stdout)") }
    return object
  }

  /// Standard error as one trimmed line; tests use it to check errors are one line.
  public var errorLines: [Substring] {
    stderr.split(separator: "\n", omittingEmptySubsequences: true)
  }
}

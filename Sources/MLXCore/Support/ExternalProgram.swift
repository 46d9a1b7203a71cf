import Foundation

/// Runs a helper program (`gpg`, `ssh-keygen`, `dot`) the way git runs it: arguments, bytes
/// on standard input, both outputs captured. Never used for Git itself, which goes through
/// libgit2.
enum ExternalProgram {
  struct Output {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String
  }

  /// The full path of `name` on `PATH`, or nil.
  static func find(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = "\(directory)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  static func run(_ program: String, _ arguments: [String], input: [UInt8] = []) throws -> Output {
    guard let executable = program.hasPrefix("/") ? program : find(program) else {
      throw SystemError("run", path: program, code: ENOENT)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    let writer = Thread {
      // A program may exit before reading all its input: the write then fails with EPIPE
      // (mlx ignores SIGPIPE), which is not an error of mlx's.
      try? stdin.fileHandleForWriting.write(contentsOf: Data(input))
      try? stdin.fileHandleForWriting.close()
    }
    writer.start()
    let group = DispatchGroup()
    let errors = ErrorBox()
    group.enter()
    DispatchQueue.global().async {
      errors.data = stderr.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Output(
      status: process.terminationStatus, stdout: Array(output),
      stderr: String(decoding: errors.data, as: UTF8.self))
  }

  private final class ErrorBox: @unchecked Sendable {
    var data = Data()
  }
}

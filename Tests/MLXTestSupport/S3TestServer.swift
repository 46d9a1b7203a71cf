import Foundation

/// A real S3-protocol server for tests: moto's S3 server (PyPI `moto[server]`, installed by
/// `.ci/run`) on 127.0.0.1 at a free port, with a fault-injecting proxy in front of it, both
/// run by `s3_server.py` beside this file. The helper exits when the test process does, since
/// it ends when its stdin closes.
public final class S3TestServer: @unchecked Sendable {
  /// `http://127.0.0.1:PORT` of moto itself.
  public let endpoint: String
  /// `http://127.0.0.1:PORT` of the proxy, which injects the faults ``setFaults(_:)`` names.
  public let proxyEndpoint: String

  private let process: Process
  private let input: FileHandle
  private let output: FileHandle
  private let lock = NSLock()
  private var buffered = Data()
  private var bucketCount = 0

  /// One server shared by every test that injects no faults.
  public static let shared: S3TestServer = {
    do {
      return try S3TestServer()
    } catch {
      fatalError("cannot start the S3 test server: \(error)")
    }
  }()

  /// Starts a server of its own (for a test that injects faults).
  public init() throws {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("s3_server.py").path
    guard let python = ProcessRunner.which("python3") else {
      throw S3TestServerError(message: "python3 is not installed")
    }
    process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script]
    var environment = ProcessInfo.processInfo.environment
    environment["AWS_ACCESS_KEY_ID"] = "test"
    environment["AWS_SECRET_ACCESS_KEY"] = "test"
    process.environment = environment
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    try process.run()
    input = stdin.fileHandleForWriting
    output = stdout.fileHandleForReading
    let ready = try Self.readLine(output, buffer: &buffered)
    let words = ready.split(separator: " ")
    guard words.count == 3, words[0] == "ready" else {
      throw S3TestServerError(
        message: "s3_server.py did not start (is moto[server] installed? `pip install "
          + "'moto[server]'`): \(ready)")
    }
    endpoint = "http://127.0.0.1:\(words[1])"
    proxyEndpoint = "http://127.0.0.1:\(words[2])"
  }

  /// Sends one command to the helper and returns its one-line answer.
  @discardableResult
  public func command(_ words: String...) throws -> String { try command(words) }

  @discardableResult
  public func command(_ words: [String]) throws -> String {
    try lock.withLock {
      input.write(Data((words.joined(separator: " ") + "\n").utf8))
      let answer = try Self.readLine(output, buffer: &buffered)
      if answer.hasPrefix("error") { throw S3TestServerError(message: answer) }
      return answer
    }
  }

  /// Creates a new, empty bucket and returns its name.
  public func newBucket() throws -> String {
    let name = lock.withLock {
      bucketCount += 1
      return "mlx-test-\(ProcessInfo.processInfo.processIdentifier)-\(bucketCount)"
    }
    try command("bucket", name)
    return name
  }

  /// Replaces the proxy's faults: rules such as `500:2`, `drop:1:PUT`, `500:always:PUT:.ready`.
  public func setFaults(_ rules: String...) throws {
    try command(["faults"] + rules)
  }

  /// Requests the proxy has received so far.
  public func proxiedRequests() throws -> Int { Int(try command("requests")) ?? -1 }

  /// The keys in `bucket` under `prefix`.
  public func keys(in bucket: String, prefix: String = "") throws -> [String] {
    try command("keys", bucket, prefix).split(separator: " ").map(String.init)
  }

  /// The environment an `mlx` talking to this server needs (any key works with moto).
  public static let credentials = ["AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"]

  private static func readLine(_ handle: FileHandle, buffer: inout Data) throws -> String {
    while true {
      if let newline = buffer.firstIndex(of: 0x0A) {
        let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
        buffer.removeSubrange(buffer.startIndex...newline)
        return line
      }
      let chunk = handle.availableData
      if chunk.isEmpty { throw S3TestServerError(message: "s3_server.py exited") }
      buffer.append(chunk)
    }
  }
}

public struct S3TestServerError: Error, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

import Foundation

/// A temporary Git repository for end-to-end tests, driven with the real `git` and `mlx`.
public struct TestRepository: Sendable {
  public let directory: TemporaryDirectory
  public var path: String { directory.path }

  /// Creates an empty repository with a hermetic identity; call ``remove()`` when done.
  public init() throws {
    directory = try TemporaryDirectory()
    try git("init", "-q", "-b", "main")
    try git("config", "commit.gpgsign", "false")
    try git("config", "user.name", "Test Author")
    try git("config", "user.email", "author@example.com")
  }

  /// A `git clone` of `source` (its committed files, no mlx cache), with the same identity.
  public init(cloning source: TestRepository) throws {
    directory = try TemporaryDirectory()
    try source.git("clone", "-q", source.path, path)
    try git("config", "commit.gpgsign", "false")
    try git("config", "user.name", "Test Author")
    try git("config", "user.email", "author@example.com")
  }

  /// A linked work tree of `source` (`git worktree add PATH -b BRANCH`), sharing its
  /// references and objects; remove it before `source`.
  public init(workTreeOf source: TestRepository, branch: String) throws {
    directory = try TemporaryDirectory()
    try source.git("worktree", "add", "-q", path, "-b", branch)
  }

  public func remove() { directory.remove() }

  /// Commits everything with author and committer dates of `date` (before any registry
  /// event a test makes), so the policy a commit brings is in force for those events.
  public func commitAll(_ message: String, date: String = "2025-12-01T00:00:00Z") throws {
    try git("add", "-A")
    try git(
      ["commit", "-qm", message],
      environment: ["GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date])
  }

  /// The built `mlx` next to the test bundle.
  public static var mlxExecutable: String {
    var products = Bundle.main.bundleURL
    if products.pathExtension == "xctest" { products.deleteLastPathComponent() }
    return products.appendingPathComponent("mlx").path
  }

  /// Runs `mlx` with `arguments` in the repository (or a subdirectory of it).
  @discardableResult
  public func mlx(
    _ arguments: String...,
    in subdirectory: String = "",
    environment: [String: String] = [:]
  ) throws -> ProcessResult {
    try mlx(arguments, in: subdirectory, environment: environment)
  }

  /// Runs `mlx` with an argument list built at run time.
  @discardableResult
  public func mlx(
    _ arguments: [String],
    in subdirectory: String = "",
    environment: [String: String] = [:]
  ) throws -> ProcessResult {
    try ProcessRunner.run(
      Self.mlxExecutable, arguments,
      in: subdirectory.isEmpty ? path : directory(subdirectory), environment: environment)
  }

  /// Starts `mlx` in the repository and returns at once (to kill it mid-way, or to run two
  /// at once); its output is discarded.
  public func launchMLX(_ arguments: String...) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.mlxExecutable)
    process.arguments = arguments
    process.currentDirectoryURL = directory.url
    process.environment = ProcessRunner.hermeticEnvironment()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  /// Runs stock `git`, the reference the tests check mlx's libgit2 writes against; throws
  /// when it fails or is not installed.
  @discardableResult
  public func git(_ arguments: String...) throws -> String {
    try git(arguments)
  }

  /// Runs stock `git` with extra environment (`GIT_COMMITTER_DATE`, …).
  @discardableResult
  public func git(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
    guard let git = ProcessRunner.which("git") else {
      throw TestFailure(
        "the tests need the git program on PATH to cross-check mlx (apt-get install git)")
    }
    let result = try ProcessRunner.run(git, arguments, in: path, environment: environment)
    guard result.succeeded else {
      throw TestFailure("git \(arguments.joined(separator: " ")) failed: \(result)")
    }
    return result.stdout
  }

  /// Runs any program in the repository.
  @discardableResult
  public func run(_ program: String, _ arguments: String...) throws -> ProcessResult {
    try ProcessRunner.run(ProcessRunner.which(program) ?? program, arguments, in: path)
  }

  public func write(_ text: String, to relative: String) throws {
    try directory.write(text, to: relative)
  }

  public func write(_ data: Data, to relative: String) throws {
    try directory.write(data, to: relative)
  }

  public func read(_ relative: String) throws -> String { try directory.read(relative) }

  public func exists(_ relative: String) -> Bool { directory.exists(relative) }

  /// `sha256sum`'s digest of a file, as `sha256:<hex>`.
  public func sha256sum(_ relative: String) throws -> String {
    let result = try run("sha256sum", relative)
    guard result.succeeded, let hex = result.stdout.split(separator: " ").first else {
      throw TestFailure("sha256sum failed: \(result)")
    }
    return "sha256:\(hex)"
  }
}

/// A failure in test setup, with a message.
public struct TestFailure: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// Deterministic pseudo-random bytes (xorshift), so tests and fixtures are repeatable.
public func pseudoRandomBytes(count: Int, seed: UInt64) -> Data {
  var state = seed | 1
  var bytes = [UInt8]()
  bytes.reserveCapacity(count + 8)
  while bytes.count < count {
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    withUnsafeBytes(of: state) { bytes.append(contentsOf: $0) }
  }
  return Data(bytes[0..<count])
}

extension TestRepository {
  /// Whether `mlx verify` finds the store sound: what every error case must leave behind.
  public func storeIsSound() throws -> Bool {
    try mlx("verify").succeeded
  }
}

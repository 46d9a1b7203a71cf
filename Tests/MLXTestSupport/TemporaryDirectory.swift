import Foundation

/// A fresh directory under the system's temporary directory, removed by ``remove()``.
///
/// Every test that touches the disk makes its own, so tests run in parallel without sharing
/// state and never write into the source tree or `$HOME`.
public struct TemporaryDirectory: Sendable {
  public let path: String
  public var url: URL { URL(fileURLWithPath: path) }

  public init(prefix: String = "mlx-test") throws {
    let template = NSTemporaryDirectory() + "/\(prefix)-XXXXXX"
    var bytes = Array(template.utf8CString)
    guard let created = mkdtemp(&bytes) else {
      throw CocoaError(.fileWriteUnknown)
    }
    let raw = String(cString: created)
    // Resolve symbolic links (such as /tmp on some systems) so paths compare with libgit2's.
    path = URL(fileURLWithPath: raw).resolvingSymlinksInPath().path
  }

  public func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }

  /// The absolute path of `relative` inside this directory.
  public func callAsFunction(_ relative: String) -> String { path + "/" + relative }

  /// Writes text to a file, creating parent directories.
  public func write(_ text: String, to relative: String) throws {
    try write(Data(text.utf8), to: relative)
  }

  /// Writes bytes to a file, creating parent directories.
  public func write(_ data: Data, to relative: String) throws {
    let url = URL(fileURLWithPath: self(relative))
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: url)
  }

  public func read(_ relative: String) throws -> String {
    try String(contentsOfFile: self(relative), encoding: .utf8)
  }

  public func exists(_ relative: String) -> Bool {
    FileManager.default.fileExists(atPath: self(relative))
  }
}

/// Runs `body` with a temporary directory that is removed afterwards.
@discardableResult
public func withTemporaryDirectory<T>(
  _ body: (TemporaryDirectory) throws -> T
) throws -> T {
  let directory = try TemporaryDirectory()
  defer { directory.remove() }
  return try body(directory)
}

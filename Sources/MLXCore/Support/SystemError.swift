import SystemPackage

/// A failed system call on a path, as the user should read it.
///
/// Foundation's and swift-system's own errors print without the path or in a long dump;
/// every file-system failure inside MLXCore is reported through this type instead.
public struct SystemError: Error, CustomStringConvertible, Equatable, Sendable {
  /// What mlx was doing: "open", "read", "rename", …
  public let operation: String
  /// The path the call was about, as given to the user (repository-relative where possible).
  public let path: String
  /// The `errno` value.
  public let errno: Errno

  public init(_ operation: String, path: String, errno: Errno) {
    self.operation = operation
    self.path = path
    self.errno = errno
  }

  /// True when the path does not exist.
  public var isNotFound: Bool { errno == .noSuchFileOrDirectory }

  public var description: String {
    switch errno {
    case .noSuchFileOrDirectory: "\(path): no such file or directory"
    case .permissionDenied:
      "\(path): permission denied (\(operation)); check the file's permissions"
    case .noSpace: "\(path): no space left on device (\(operation)); free some space and run again"
    default: "\(path): cannot \(operation): \(errno.description)"
    }
  }
}

extension Errno {
  /// Runs `body` and rethrows a swift-system `Errno` as a ``SystemError`` naming `path`.
  static func wrap<T>(_ operation: String, path: String, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let errno as Errno {
      throw SystemError(operation, path: path, errno: errno)
    }
  }
}

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

extension SystemError {
  /// The error for a C call that just failed, read from `errno`.
  static func last(_ operation: String, path: String) -> SystemError {
    SystemError(operation, path: path, errno: Errno(rawValue: Glibc.errno))
  }

  /// The error for an `errno` value saved earlier.
  init(_ operation: String, path: String, code: Int32) {
    self.init(operation, path: path, errno: Errno(rawValue: code))
  }
}

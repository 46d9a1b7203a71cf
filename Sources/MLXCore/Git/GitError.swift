/// A libgit2 call that returned an error code, with libgit2's own message.
///
/// libgit2's error space is open (any call can fail in many ways), so this is a struct with
/// named predicates rather than an enum, as GRDB does for SQLite result codes.
public struct GitError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The negative `git_error_code` returned.
  public let code: Int32
  /// The libgit2 function that failed.
  public let function: String
  /// `git_error_last()`'s message at the time of failure.
  public let message: String

  public var description: String { "git: \(message) (\(function))" }

  /// The object, reference or path asked for does not exist (`GIT_ENOTFOUND`).
  public var isNotFound: Bool { code == -3 }
  /// Another process holds a lock file such as `index.lock` (`GIT_ELOCKED`).
  public var isLocked: Bool { code == -14 }
}

internal import CGit2

/// A Git object id (SHA-1 in the repositories libgit2 1.5 opens), as hex.
public struct GitOID: Hashable, Sendable, CustomStringConvertible {
  public let hex: String

  init(_ oid: git_oid) {
    var copy = oid
    hex = withUnsafeBytes(of: &copy.id) { Hex.encode($0) }
  }

  init(_ pointer: UnsafePointer<git_oid>) { self.init(pointer.pointee) }

  public var description: String { hex }
  /// The first 7 hex digits, as `git log --oneline` shows.
  public var short: String { String(hex.prefix(7)) }
}

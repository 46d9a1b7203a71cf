import Foundation

/// What a commit holds as the mlx pointer of a path: read once, so a caller can tell a pointer
/// that is not there from one that does not parse.
enum CommittedPointer {
  /// No pointer there, or a path mlx may not read (it could name `.git` or `.mlx`).
  case absent
  case pointer(PointerFile)
  /// A pointer that does not parse, and why.
  case unreadable(String)

  /// The recorded digest; nil when absent or unreadable.
  var digest: ObjectID? {
    if case .pointer(let pointer) = self { return pointer.digest }
    return nil
  }
}

extension Repository {
  /// The mlx pointer of `path` at `commit`.
  func committedPointer(path: String, commit: String) throws -> CommittedPointer {
    guard RelativePath.isSafe(path), let id = GitOID(hex: commit),
      let bytes = try file(path + PointerFile.suffix, inCommit: id)
    else { return .absent }
    do {
      return .pointer(
        try PointerFile(parsing: String(decoding: bytes, as: UTF8.self), pointerPath: path))
    } catch {
      return .unreadable("\(error)")
    }
  }

  /// The digest `path`'s mlx pointer records at `commit`; nil when there is none or it does
  /// not parse (the commit then records no content for the path).
  func pointerDigest(path: String, commit: String) throws -> ObjectID? {
    try committedPointer(path: path, commit: commit).digest
  }

  /// The content `commit` holds at `path`, as `mlx.lock` records a dependency: its pointer's
  /// digest, or, for a file committed to Git itself, the SHA-256 of its bytes; nil when the
  /// commit holds neither (or the pointer does not parse).
  func heldDigest(path: String, commit: GitOID) throws -> ObjectID? {
    switch try committedPointer(path: path, commit: commit.hex) {
    case .pointer(let pointer): return pointer.digest
    case .unreadable: return nil
    case .absent:
      guard RelativePath.isSafe(path) else { return nil }
      return try file(path, inCommit: commit).map { $0.withUnsafeBytes { ObjectID(hashing: $0) } }
    }
  }
}

import Foundation

extension Repository {
  /// The digest `path`'s mlx pointer records at `commit`; nil when the commit has no pointer
  /// there, when the path is not one mlx may read, or when the pointer does not parse (the
  /// commit then records no content for the path).
  func pointerDigest(path: String, commit: String) throws -> ObjectID? {
    guard RelativePath.isSafe(path), let id = GitOID(hex: commit),
      let bytes = try file(path + PointerFile.suffix, inCommit: id)
    else { return nil }
    return try? PointerFile(parsing: String(decoding: bytes, as: UTF8.self), pointerPath: path)
      .digest
  }

  /// Why `path`'s mlx pointer at `commit` does not parse; nil when it parses or is absent.
  func pointerProblem(path: String, commit: String) throws -> String? {
    guard RelativePath.isSafe(path), let id = GitOID(hex: commit),
      let bytes = try file(path + PointerFile.suffix, inCommit: id)
    else { return nil }
    do {
      _ = try PointerFile(parsing: String(decoding: bytes, as: UTF8.self), pointerPath: path)
      return nil
    } catch {
      return "\(error)"
    }
  }
}

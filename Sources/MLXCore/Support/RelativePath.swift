/// Rules for the slash-separated relative paths mlx reads from commits (pointers, manifests,
/// pipelines, lock files) and writes into them.
///
/// Everything a commit says is untrusted: a path is data, never control. A safe path can
/// neither leave the directory it is relative to nor reach Git's or mlx's own metadata
/// (`.git`, `.mlx`, in any letter case, at any depth), so no committed file can make mlx
/// write a Git hook or empty the object store.
enum RelativePath {
  /// Directory names mlx never reads data from or writes data into, compared without case.
  static let reservedNames = [".git", ".mlx"]

  /// True for a non-empty relative path with no `.`, `..` or empty component, no control
  /// characters and no `.git` or `.mlx` component (any case): a path mlx may write data to.
  static func isSafe(_ path: String) -> Bool {
    isInside(path) && !path.split(separator: "/").contains(where: isReserved)
  }

  /// True for a non-empty relative path with no `.`, `..` or empty component and no control
  /// characters: a path that stays inside the directory it is relative to. mlx reads its own
  /// committed settings (`.mlx/allowed_signers`) through such paths, never writes data there.
  static func isInside(_ path: String) -> Bool {
    guard !path.isEmpty, !path.hasPrefix("/"), !path.hasSuffix("/") else { return false }
    if path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f }) { return false }
    return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
      !$0.isEmpty && $0 != "." && $0 != ".."
    }
  }

  /// Whether one path component is `.git` or `.mlx` in any letter case.
  static func isReserved(_ component: Substring) -> Bool {
    component.utf8.count == 4 && reservedNames.contains(component.lowercased())
  }

  /// The first `.git` or `.mlx` component of a relative path, if any.
  static func reservedComponent(of path: String) -> String? {
    path.split(separator: "/").first(where: isReserved).map(String.init)
  }

  /// True when a single file name has a control character (such as a newline), which
  /// manifests cannot hold.
  static func hasControlCharacters(_ name: String) -> Bool {
    name.utf8.contains { $0 < 0x20 || $0 == 0x7f }
  }
}

/// Rules for the slash-separated relative paths mlx writes into pointers and manifests.
enum RelativePath {
  /// True for a non-empty relative path with no `.`, `..` or empty component and no control
  /// characters: a path that cannot point outside the directory it is relative to.
  static func isSafe(_ path: String) -> Bool {
    guard !path.isEmpty, !path.hasPrefix("/") else { return false }
    if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
      return false
    }
    for component in path.split(separator: "/", omittingEmptySubsequences: false) {
      if component.isEmpty || component == "." || component == ".." { return false }
    }
    return true
  }
}

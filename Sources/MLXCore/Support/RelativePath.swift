/// Rules for the slash-separated relative paths mlx writes into pointers and manifests.
enum RelativePath {
  /// True for a non-empty relative path with no `.`, `..` or empty component and no control
  /// characters: a path that cannot point outside the directory it is relative to.
  static func isSafe(_ path: String) -> Bool {
    var componentLength = 0
    var dots = 0
    for byte in path.utf8 {
      if byte < 0x20 || byte == 0x7f { return false }
      if byte == UInt8(ascii: "/") {
        if componentLength == 0 || componentLength == dots && dots <= 2 { return false }
        componentLength = 0
        dots = 0
      } else {
        componentLength += 1
        if byte == UInt8(ascii: ".") { dots += 1 }
      }
    }
    return componentLength > 0 && !(componentLength == dots && dots <= 2)
  }

  /// True when a single file name has a control character (such as a newline), which
  /// manifests cannot hold.
  static func hasControlCharacters(_ name: String) -> Bool {
    name.utf8.contains { $0 < 0x20 || $0 == 0x7f }
  }
}

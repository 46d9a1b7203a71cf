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

  /// The longest file or directory name, in bytes, mlx tracks: it writes `NAME.mlx` and
  /// temporary files (`.NAME.NONCE-TAG.tmp-PID`, up to 44 bytes more) beside it, and
  /// file systems allow 255 bytes a name.
  static let maximumNameLength = 200

  /// The first component of `path` longer than ``maximumNameLength`` bytes, if any.
  static func overlongComponent(of path: String) -> Substring? {
    path.split(separator: "/").first { $0.utf8.count > maximumNameLength }
  }

  /// The start of a long text and its length, for a one-line message (`abc…` (5000
  /// characters)).
  static func abbreviated(_ text: some StringProtocol, to limit: Int = 40) -> String {
    text.count <= limit ? String(text) : "\(text.prefix(limit))… (\(text.count) characters)"
  }

  /// True when a single file name has a control character (such as a newline), which
  /// manifests cannot hold.
  static func hasControlCharacters(_ name: String) -> Bool {
    name.utf8.contains { $0 < 0x20 || $0 == 0x7f }
  }

  /// `path` with its control characters written as escapes (`\n`, `\t`, `\x1b`; a backslash
  /// then doubled), so a message naming it stays on one line and shows what is there.
  static func escaped(_ path: String) -> String {
    guard hasControlCharacters(path) else { return path }
    var shown = ""
    for scalar in path.unicodeScalars {
      switch scalar {
      case "\n": shown += "\\n"
      case "\t": shown += "\\t"
      case "\r": shown += "\\r"
      case "\\": shown += "\\\\"
      case _ where scalar.value < 0x20 || scalar.value == 0x7f:
        shown += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
      default: shown.unicodeScalars.append(scalar)
      }
    }
    return shown
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    String(repeating: "0", count: max(0, width - count)) + self
  }
}

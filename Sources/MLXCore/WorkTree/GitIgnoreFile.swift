/// Adds and removes the `/name` lines mlx keeps in a directory's `.gitignore`, so tracked data
/// stays out of Git while its pointer goes in.
enum GitIgnoreFile {
  /// The line that ignores `name` in its own directory only, with gitignore's special
  /// characters escaped.
  static func line(for name: String) -> String {
    var escaped = ""
    for character in name {
      if "*?[]\\!# ".contains(character) { escaped.append("\\") }
      escaped.append(character)
    }
    return "/" + escaped
  }

  /// Adds the line for `name` to the `.gitignore` at `path`; returns whether it changed.
  static func add(_ name: String, to path: String, temporaryDirectory: String) throws -> Bool {
    let text = try FileSystem.readTextIfPresent(path) ?? ""
    let entry = line(for: name)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.contains(where: { $0 == Substring(entry) }) { return false }
    let separator = text.isEmpty || text.hasSuffix("\n") ? "" : "\n"
    try FileSystem.write(
      Array((text + separator + entry + "\n").utf8), atomicallyTo: path,
      temporaryDirectory: temporaryDirectory)
    return true
  }

  /// Removes the line for `name`; deletes the file if nothing else is left in it. Returns
  /// whether the file changed.
  static func remove(_ name: String, from path: String, temporaryDirectory: String) throws -> Bool {
    guard let text = try FileSystem.readTextIfPresent(path) else { return false }
    let entry = Substring(line(for: name))
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let kept = lines.filter { $0 != entry }
    guard kept.count != lines.count else { return false }
    let remaining = kept.joined(separator: "\n")
    if remaining.allSatisfy(\.isWhitespace) {
      try FileSystem.removeFile(path)
    } else {
      try FileSystem.write(
        Array(remaining.utf8), atomicallyTo: path, temporaryDirectory: temporaryDirectory)
    }
    return true
  }
}

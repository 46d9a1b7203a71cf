/// Where the work tree is and how its paths are shown: repository-relative paths made
/// absolute, and shown to the user relative to the directory mlx was run from.
struct WorkTreeLocation: Sendable {
  /// The work tree's absolute path.
  let root: String
  /// The directory the user ran mlx from.
  let currentDirectory: String

  /// Where work-tree writes stage their temporary files (`.mlx/tmp`, ignored by Git).
  var temporaryDirectory: String { root + "/.mlx/tmp" }

  /// An absolute path for a repository-relative one.
  func absolute(_ relative: String) -> String {
    relative.isEmpty ? root : root + "/" + relative
  }

  /// How to show a repository-relative path to the user: relative to where mlx was run.
  func display(_ relative: String) -> String {
    let here = currentDirectory == root ? "" : String(currentDirectory.dropFirst(root.count + 1))
    guard currentDirectory.hasPrefix(root), !here.isEmpty else { return relative }
    if relative.hasPrefix(here + "/") { return String(relative.dropFirst(here.count + 1)) }
    let depth = here.split(separator: "/").count
    return String(repeating: "../", count: depth) + relative
  }
}

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Names of temporary files, and the cleanup of those a killed process left behind.
///
/// Every temporary file mlx creates ends in `.tmp-<pid>`, the id of the process writing it.
/// A file whose process no longer runs is abandoned (the process was killed before its
/// rename) and is deleted the next time mlx writes in that directory.
enum TemporaryFiles {
  /// A fresh temporary path in `directory`, or hidden beside `path` when `directory` is nil.
  static func path(in directory: String?, beside path: String) -> String {
    let random = String(UInt64.random(in: 0...UInt64.max), radix: 36)
    if let directory { return "\(directory)/\(random).tmp-\(getpid())" }
    let name = path.split(separator: "/").last.map(String.init) ?? path
    let parent = FileSystem.parent(of: path)
    return (parent.isEmpty ? "" : parent + "/") + ".\(name).\(random).tmp-\(getpid())"
  }

  /// The id of the process that wrote a temporary file named `name`, or nil when the name
  /// is not one of mlx's temporary names.
  static func writer(of name: String) -> Int32? {
    guard let dash = name.lastIndex(of: "-"), name[..<dash].hasSuffix(".tmp") else { return nil }
    return Int32(name[name.index(after: dash)...])
  }

  /// Whether `name` is a temporary file whose process is gone (killed before its rename).
  static func isAbandoned(_ name: String) -> Bool {
    guard let pid = writer(of: name) else { return false }
    return kill(pid, 0) != 0 && errno == ESRCH
  }

  /// Deletes files in `directory` written by mlx processes that are gone.
  static func removeAbandoned(in directory: String) {
    guard let entries = try? FileSystem.entries(of: directory) else { return }
    for entry in entries where isAbandoned(entry.name) {
      unlink("\(directory)/\(entry.name)")
    }
  }
}

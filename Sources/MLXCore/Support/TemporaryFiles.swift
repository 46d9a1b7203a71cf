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

  /// Deletes files in `directory` written by mlx processes that are gone.
  static func removeAbandoned(in directory: String) {
    guard let entries = try? FileSystem.entries(of: directory) else { return }
    for entry in entries {
      guard let dash = entry.name.lastIndex(of: "-"),
        entry.name[..<dash].hasSuffix(".tmp"),
        let pid = Int32(entry.name[entry.name.index(after: dash)...])
      else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH {
        unlink("\(directory)/\(entry.name)")
      }
    }
  }
}

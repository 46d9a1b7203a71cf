internal import CLinuxShims

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Names of temporary files, and the cleanup of those a killed process left behind.
///
/// Every temporary file mlx creates ends in `.tmp-<pid>`, the id of the process writing it.
/// A file whose process no longer runs is abandoned (the process was killed before its
/// rename) and is deleted the next time mlx writes in that directory. In the work tree, where
/// a user's files live too, a name is not proof enough: there mlx only skips and deletes
/// files that also carry its mark (``mark(_:path:)``).
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

  /// The extended attribute that marks a temporary file as mlx's: it holds the file's own
  /// name, so a user's file that merely looks like one (`.name.v2.tmp-4000000`), or a copy of
  /// mlx's under another name, is never taken for it.
  private static let markAttribute = "user.mlx.temporary"

  /// Marks the temporary file open at `descriptor`, named `path`, as mlx's. Where the file
  /// system keeps no extended attributes the file stays unmarked, and a killed process's copy
  /// is left for the user rather than deleted on a guess.
  static func mark(_ descriptor: Int32, path: String) {
    let name = Array((path.split(separator: "/").last.map(String.init) ?? path).utf8)
    _ = name.withUnsafeBytes {
      CLinuxShims_setAttribute(descriptor, markAttribute, $0.baseAddress, UInt($0.count))
    }
  }

  /// Takes the mark off a file that was renamed into place: it is no longer temporary.
  static func unmark(renamedTo path: String) {
    _ = CLinuxShims_removeAttribute(path, markAttribute)
  }

  /// Whether the entry `name` of the directory open at `directory` is a temporary file mlx
  /// made: a temporary name carrying mlx's mark with that same name.
  static func isMarked(_ name: String, inDirectory directory: Int32) -> Bool {
    guard writer(of: name) != nil else { return false }
    let descriptor = openat(directory, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var value = [UInt8](repeating: 0, count: 256)
    let count = value.withUnsafeMutableBytes {
      CLinuxShims_getAttribute(descriptor, markAttribute, $0.baseAddress, UInt($0.count))
    }
    return count > 0 && Array(value[..<count]) == Array(name.utf8)
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

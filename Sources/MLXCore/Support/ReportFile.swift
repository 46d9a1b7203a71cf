import SystemPackage

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// A file the user asked a command to write (`--output`, `--html`, `schema infer -o`): written
/// whole through a temporary file beside it, so the path never holds half a report; a failure
/// is one of mlx's errors naming the path the user gave.
///
/// A character device, pipe or socket (`/dev/null`, `/dev/stdout`, a FIFO) is written into,
/// as `cp` does: a rename would replace it with a file (and, run as root, remove `/dev/null`
/// for everyone). A block device is refused.
public enum ReportFile {
  public static func write(_ text: String, to path: String, durable: Bool = false) throws {
    if isInsideMetadata(path) {
      throw Refused(
        path: path,
        reason: "is inside .git or .mlx, which only Git and mlx write; choose another path")
    }
    do {
      switch try kind(of: path) {
      case .stream:
        let descriptor = try FileSystem.open(path, .writeOnly, options: [])
        defer { try? descriptor.close() }
        try Errno.wrap("write", path: path) { _ = try descriptor.writeAll(Array(text.utf8)) }
      case .blockDevice:
        throw Refused(path: path, reason: "is a block device, not a file; choose another path")
      case .fileOrAbsent:
        try FileSystem.write(Array(text.utf8), atomicallyTo: path, durable: durable)
      }
    } catch let error as SystemError {
      throw SystemError("write", path: path, errno: error.errno)
    }
  }

  /// A path a report is never written to.
  public struct Refused: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String
    public var description: String { "\(path) \(reason)" }
  }

  enum Kind { case fileOrAbsent, stream, blockDevice }

  /// Whether `path`, its directory's symbolic links resolved, has a `.git` or `.mlx`
  /// component (in any letter case): a report there would overwrite Git's or mlx's files.
  static func isInsideMetadata(_ path: String) -> Bool {
    let directory = FileSystem.parent(of: path)
    let resolved = FileSystem.realPath(directory.isEmpty ? "." : directory) ?? directory
    let name = String(path.split(separator: "/").last ?? "")
    return (resolved.split(separator: "/") + [Substring(name)]).contains(
      where: RelativePath.isReserved)
  }

  /// What `path` is, its symbolic links followed.
  static func kind(of path: String) throws -> Kind {
    var raw = stat()
    guard stat(path, &raw) == 0 else { return .fileOrAbsent }
    switch raw.st_mode & S_IFMT {
    case S_IFCHR, S_IFIFO, S_IFSOCK: return .stream
    case S_IFBLK: return .blockDevice
    default: return .fileOrAbsent
    }
  }
}

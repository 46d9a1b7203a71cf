import SystemPackage

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// What `lstat(2)` says about a path, reduced to what mlx compares.
public struct FileStatus: Equatable, Sendable {
  /// The kind of directory entry; symbolic links are never followed.
  public enum Kind: Sendable { case regular, directory, symbolicLink, other }

  public var kind: Kind
  public var size: Int64
  /// Modification time in nanoseconds since the epoch.
  public var modifiedNanoseconds: Int64
  /// Status-change time in nanoseconds since the epoch; no user call can set it back.
  public var changedNanoseconds: Int64
  public var inode: UInt64
  public var device: UInt64
  /// The owner's execute bit, the one bit of mode mlx records (as Git does).
  public var isExecutable: Bool

  /// What changes whenever the file's content may have: size, both times and inode. An equal
  /// stamp means an unchanged file, as Git's index trusts it; the times are the ones no user
  /// call sets back together, so an edit in place shows even at the same size.
  public struct Stamp: Equatable, Sendable {
    public var size: Int64
    public var modifiedNanoseconds: Int64
    public var changedNanoseconds: Int64
    public var inode: UInt64

    /// The later of the two times, in whole seconds.
    var newestSecond: Int { Int(max(modifiedNanoseconds, changedNanoseconds) / 1_000_000_000) }
  }

  public var stamp: Stamp {
    Stamp(
      size: size, modifiedNanoseconds: modifiedNanoseconds, changedNanoseconds: changedNanoseconds,
      inode: inode)
  }

  init(_ raw: stat) {
    switch raw.st_mode & S_IFMT {
    case S_IFREG: kind = .regular
    case S_IFDIR: kind = .directory
    case S_IFLNK: kind = .symbolicLink
    default: kind = .other
    }
    size = Int64(raw.st_size)
    modifiedNanoseconds = Int64(raw.st_mtim.tv_sec) * 1_000_000_000 + Int64(raw.st_mtim.tv_nsec)
    changedNanoseconds = Int64(raw.st_ctim.tv_sec) * 1_000_000_000 + Int64(raw.st_ctim.tv_nsec)
    inode = UInt64(raw.st_ino)
    device = UInt64(raw.st_dev)
    isExecutable = raw.st_mode & S_IXUSR != 0
  }

  /// `lstat` of `path`, or nil when nothing is there.
  public static func of(_ path: String) throws -> FileStatus? {
    var raw = stat()
    guard lstat(path, &raw) == 0 else {
      let code = Glibc.errno
      if code == ENOENT || code == ENOTDIR { return nil }
      throw SystemError("stat", path: path, code: code)
    }
    return FileStatus(raw)
  }

  /// `fstat` of an open descriptor.
  static func of(descriptor: Int32, path: String) throws -> FileStatus {
    var raw = stat()
    guard fstat(descriptor, &raw) == 0 else {
      throw SystemError("stat", path: path, code: Glibc.errno)
    }
    return FileStatus(raw)
  }
}

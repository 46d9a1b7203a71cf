#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// A remote that is a directory: on this machine, or a mounted share.
///
/// An upload is copied into the remote's `tmp/`, flushed to disk, then renamed to its key, so
/// a reader never sees part of a file. The directory must exist: mlx never creates it, so a
/// mistyped path is an error rather than a new, empty remote.
struct DirectoryRemote: RemoteStorage {
  let root: String

  var displayName: String { root }

  init(root: String) throws {
    // A share is often reached through a symbolic link; use the directory it names.
    let root = FileSystem.realPath(root) ?? root
    guard let status = try FileStatus.of(root) else {
      throw RemoteError.unreachable(root, reason: "does not exist; create the directory first")
    }
    guard status.kind == .directory else {
      throw RemoteError.unreachable(root, reason: "is not a directory")
    }
    self.root = root
  }

  private func path(_ key: String) -> String { root + "/" + key }
  private var temporaryDirectory: String { root + "/tmp" }

  func list(prefix: String) throws -> [ListedObject] {
    let directory = path(String(prefix.dropLast()))
    guard try FileStatus.of(directory) != nil else { return [] }
    return try FileSystem.entries(of: directory).compactMap { entry in
      guard let status = try FileStatus.of(directory + "/" + entry.name),
        status.kind == .regular
      else { return nil }
      return ListedObject(
        key: prefix + entry.name, size: status.size,
        modified: status.modifiedNanoseconds / 1_000_000_000)
    }
  }

  func read(_ key: String, maximumLength: Int) throws -> [UInt8] {
    let (descriptor, size) = try openRegularFile(key)
    defer { close(descriptor) }
    guard size <= Int64(maximumLength) else {
      throw RemoteError.unreachable(
        path(key), reason: "holds \(size) bytes, more than the \(maximumLength) it may")
    }
    var bytes = [UInt8](repeating: 0, count: Int(size))
    let count = try bytes.withUnsafeMutableBytes {
      try FileSystem.readFully(descriptor, into: $0, at: 0, path: path(key))
    }
    bytes.removeSubrange(count...)
    return bytes
  }

  func read(_ key: String, offset: UInt64, length: Int) throws -> [UInt8] {
    let (descriptor, size) = try openRegularFile(key)
    defer { close(descriptor) }
    guard offset <= UInt64(size), UInt64(length) <= UInt64(size) - offset else {
      throw RemoteError.unreachable(
        path(key), reason: "holds \(size) bytes, fewer than its index says")
    }
    var bytes = [UInt8](repeating: 0, count: length)
    let count = try bytes.withUnsafeMutableBytes {
      try FileSystem.readFully(descriptor, into: $0, at: Int64(offset), path: path(key))
    }
    guard count == length else {
      throw RemoteError.unreachable(path(key), reason: "ended before the bytes its index names")
    }
    return bytes
  }

  func delete(_ key: String) throws {
    try FileSystem.removeFile(path(key))
    try FileSystem.syncDirectory(containing: path(key))
  }

  func download(_ key: String, length: UInt64, to destination: String) throws {
    let (descriptor, size) = try openRegularFile(key)
    defer { close(descriptor) }
    guard size == Int64(length) else {
      throw RemoteError.unreachable(
        path(key), reason: "holds \(size) bytes where its marker says \(length)")
    }
    if linksImmutable(descriptor, to: destination) { return }
    try FileSystem.copy(from: descriptor, length: size, source: path(key), to: destination)
  }

  /// Hard-links the open file to `destination` instead of copying it, when it is on the
  /// store's file system, belongs to this user and nobody may write to it: a pack is
  /// immutable, so the store and the remote can share its bytes (git-lfs links the same
  /// way), and no one else can change them afterwards. The fetch checks every object of the
  /// pack either way. Links the very file opened (through `/proc/self/fd`), never whatever
  /// the key's path names by then.
  private func linksImmutable(_ descriptor: Int32, to destination: String) -> Bool {
    var status = stat()
    guard fstat(descriptor, &status) == 0, status.st_uid == geteuid(),
      status.st_mode & 0o222 == 0
    else { return false }
    return linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, destination, AT_SYMLINK_FOLLOW)
      == 0
  }

  /// Opens a key's file for reading, refusing anything but a regular file (a FIFO would
  /// block, a device never end); symbolic links are followed.
  private func openRegularFile(_ key: String) throws -> (Int32, Int64) {
    let descriptor = open(path(key), O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else { throw SystemError.last("open", path: path(key)) }
    do {
      let status = try FileStatus.of(descriptor: descriptor, path: path(key))
      guard status.kind == .regular else {
        throw RemoteError.unreachable(path(key), reason: "is not a regular file")
      }
      return (descriptor, status.size)
    } catch {
      close(descriptor)
      throw error
    }
  }

  func upload(file source: String, to key: String) throws {
    try prepare(key)
    let temporary = TemporaryFiles.path(in: temporaryDirectory, beside: path(key))
    do {
      try FileSystem.copyFile(from: source, to: temporary, durable: true)
      try FileSystem.rename(temporary, to: path(key))
      try FileSystem.syncDirectory(containing: path(key))
    } catch {
      unlink(temporary)
      throw error
    }
  }

  /// A hard link when the remote is on the store's file system (the pack is immutable and
  /// already durable), a copy otherwise.
  func upload(immutableFile source: String, to key: String) throws {
    try prepare(key)
    let temporary = TemporaryFiles.path(in: temporaryDirectory, beside: path(key))
    guard link(source, temporary) == 0 else { return try upload(file: source, to: key) }
    do {
      try FileSystem.rename(temporary, to: path(key))
      try FileSystem.syncDirectory(containing: path(key))
    } catch {
      unlink(temporary)
      throw error
    }
  }

  func write(_ bytes: [UInt8], to key: String) throws {
    try prepare(key)
    try FileSystem.write(
      bytes, atomicallyTo: path(key), mode: 0o444, temporaryDirectory: temporaryDirectory)
  }

  /// Creates the key's folder and the remote's `tmp/`.
  private func prepare(_ key: String) throws {
    try FileSystem.createDirectories(FileSystem.parent(of: path(key)))
    try FileSystem.createDirectories(temporaryDirectory)
  }
}

import SystemPackage

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// The file-system operations mlx needs, with errors that name the path.
///
/// Every write that replaces a file goes through ``write(_:atomicallyTo:mode:)``: a temporary
/// file in the same directory, `fsync`, `rename`, then `fsync` of the directory, so a crash
/// leaves either the old file or the new one, never a torn one.
enum FileSystem {
  /// One entry of a directory listing.
  struct DirectoryEntry {
    var name: String
    var isDirectory: Bool?
  }

  // MARK: - Reading

  /// Reads a whole (small) file.
  static func read(_ path: String) throws -> [UInt8] {
    let descriptor = try open(path, .readOnly)
    defer { try? descriptor.close() }
    var bytes = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = try Errno.wrap("read", path: path) {
        try buffer.withUnsafeMutableBytes { try descriptor.read(into: $0) }
      }
      if count == 0 { return bytes }
      bytes.append(contentsOf: buffer[0..<count])
    }
  }

  /// Reads a whole file as UTF-8 text, or nil when it does not exist.
  static func readTextIfPresent(_ path: String) throws -> String? {
    do {
      return String(decoding: try read(path), as: UTF8.self)
    } catch let error as SystemError where error.isNotFound {
      return nil
    }
  }

  static func open(
    _ path: String,
    _ mode: FileDescriptor.AccessMode,
    options: FileDescriptor.OpenOptions = [],
    permissions: FilePermissions? = nil
  ) throws -> FileDescriptor {
    try Errno.wrap("open", path: path) {
      try FileDescriptor.open(
        FilePath(path), mode, options: options.union(.closeOnExec), permissions: permissions)
    }
  }

  /// Lists a directory (without `.` and `..`), sorted by name bytes.
  static func entries(of path: String) throws -> [DirectoryEntry] {
    guard let directory = opendir(path) else {
      throw SystemError.last("list", path: path)
    }
    defer { closedir(directory) }
    var entries = [DirectoryEntry]()
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
      }
      if name == "." || name == ".." { continue }
      let type = entry.pointee.d_type
      let isDirectory: Bool? =
        switch Int32(type) {
        case Int32(DT_DIR): true
        case Int32(DT_UNKNOWN): nil
        default: false
        }
      entries.append(DirectoryEntry(name: name, isDirectory: isDirectory))
    }
    entries.sort { PathOrder.precedes($0.name, $1.name) }
    return entries
  }

  // MARK: - Writing

  /// Replaces `path` with `bytes`: temporary file, fsync, rename, fsync of the directory.
  /// With `durable: false` (caches that are checked when read and rebuilt when damaged) the
  /// two fsyncs are skipped: readers still see the old file or the new one, never a mix.
  ///
  /// The temporary file goes in `temporaryDirectory` when given (so a process killed midway
  /// leaves nothing in the user's directories; see ``TemporaryFiles``), or beside `path` when
  /// that directory is on another file system.
  static func write(
    _ bytes: some Collection<UInt8>,
    atomicallyTo path: String,
    mode: mode_t = 0o644,
    temporaryDirectory: String? = nil,
    durable: Bool = true
  ) throws {
    let temporary = TemporaryFiles.path(in: temporaryDirectory, beside: path)
    do {
      let descriptor = try open(
        temporary, .writeOnly, options: [.create, .exclusiveCreate],
        permissions: FilePermissions(rawValue: mode))
      do {
        try Errno.wrap("write", path: path) {
          _ = try descriptor.writeAll(bytes)
        }
        if durable { try sync(descriptor, path: path) }
        try descriptor.close()
      } catch {
        try? descriptor.close()
        throw error
      }
      if Glibc.rename(temporary, path) != 0 {
        let code = errno
        unlink(temporary)
        guard code == EXDEV, temporaryDirectory != nil else {
          throw SystemError("rename", path: path, code: code)
        }
        // `path` is on another file system than the temporary directory: write beside it.
        try write(bytes, atomicallyTo: path, mode: mode, temporaryDirectory: nil, durable: durable)
        return
      }
      if durable { try syncDirectory(containing: path) }
    } catch {
      unlink(temporary)
      throw error
    }
  }

  static func sync(_ descriptor: FileDescriptor, path: String) throws {
    guard fsync(descriptor.rawValue) == 0 else {
      throw SystemError.last("fsync", path: path)
    }
  }

  /// Flushes the file at `path` to disk.
  static func syncFile(at path: String) throws {
    let descriptor = try open(path, .readOnly)
    defer { try? descriptor.close() }
    try sync(descriptor, path: path)
  }

  /// Makes a rename or a new entry in `path`'s directory durable.
  static func syncDirectory(containing path: String) throws {
    let directory = parent(of: path)
    let fd = Glibc.open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    defer { Glibc.close(fd) }
    _ = fsync(fd)
  }

  static func rename(_ source: String, to destination: String) throws {
    guard Glibc.rename(source, destination) == 0 else {
      throw SystemError.last("rename", path: destination)
    }
  }

  /// Creates `path` and its missing parents.
  static func createDirectories(_ path: String) throws {
    if path.isEmpty || path == "/" { return }
    if mkdir(path, 0o755) == 0 { return }
    let code = errno
    if code == EEXIST {
      if try FileStatus.of(path)?.kind == .directory { return }
      throw SystemError("create directory", path: path, errno: .notDirectory)
    }
    guard code == ENOENT else {
      throw SystemError("create directory", path: path, code: code)
    }
    try createDirectories(parent(of: path))
    guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
      throw SystemError.last("create directory", path: path)
    }
  }

  /// Removes a file; a missing file is not an error.
  static func removeFile(_ path: String) throws {
    guard unlink(path) == 0 || errno == ENOENT else {
      throw SystemError.last("remove", path: path)
    }
  }

  /// Removes an empty directory; returns false when it is not empty or is missing.
  @discardableResult
  static func removeEmptyDirectory(_ path: String) -> Bool {
    rmdir(path) == 0
  }

  /// Copies the regular file at `source` into the new file `destination` (mode 0444), flushed
  /// to disk when `durable`. The destination is removed again when the copy fails.
  static func copyFile(from source: String, to destination: String, durable: Bool) throws {
    let input = try open(source, .readOnly)
    defer { try? input.close() }
    let size = try FileStatus.of(descriptor: input.rawValue, path: source).size
    try copy(from: input.rawValue, length: size, source: source, to: destination, durable: durable)
  }

  /// Copies exactly `length` bytes from the open `descriptor` (named `source` in errors) into
  /// the new file `destination` (mode 0444); never more, so a file that grows, or a device,
  /// cannot fill the disk. The destination is removed again when the copy fails.
  static func copy(
    from descriptor: Int32, length: Int64, source: String, to destination: String,
    durable: Bool = false
  ) throws {
    let output = try open(
      destination, .writeOnly, options: [.create, .exclusiveCreate],
      permissions: FilePermissions(rawValue: 0o444))
    do {
      let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 << 20, alignment: 64)
      defer { buffer.deallocate() }
      var done: Int64 = 0
      while done < length {
        let want = Int(min(Int64(buffer.count), length - done))
        let count = try readFully(
          descriptor, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]), at: done,
          path: source)
        guard count == want else {
          throw SystemError("read", path: source, code: EIO)
        }
        _ = try Errno.wrap("write", path: destination) {
          try output.writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        done += Int64(count)
      }
      if durable { try sync(output, path: destination) }
      try output.close()
    } catch {
      try? output.close()
      unlink(destination)
      throw error
    }
  }

  /// Reads exactly `buffer.count` bytes at `offset`; returns fewer only at the end of the file.
  static func readFully(
    _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64,
    path: String
  ) throws -> Int {
    var done = 0
    while done < buffer.count {
      let count = pread(
        descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
      if count < 0 {
        if errno == EINTR { continue }
        throw SystemError.last("read", path: path)
      }
      if count == 0 { break }
      done += count
    }
    return done
  }

  /// Writes all of `bytes` at `offset`.
  static func writeFully(
    _ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64, path: String
  ) throws {
    var done = 0
    while done < bytes.count {
      let count = pwrite(
        descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
      if count < 0 {
        if errno == EINTR { continue }
        throw SystemError.last("write", path: path)
      }
      done += count
    }
  }

  static func setExecutable(_ isExecutable: Bool, descriptor: Int32, path: String) throws {
    var raw = stat()
    guard fstat(descriptor, &raw) == 0 else {
      throw SystemError.last("stat", path: path)
    }
    var mode = raw.st_mode & 0o7777
    if isExecutable {
      // Give execute permission wherever read permission is, as Git does.
      mode |= (mode & 0o444) >> 2
    } else {
      mode &= ~0o111
    }
    guard fchmod(descriptor, mode) == 0 else {
      throw SystemError.last("chmod", path: path)
    }
  }

  // MARK: - Paths

  /// The directory part of a slash-separated path ("" for a bare name).
  static func parent(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
  }

  /// Joins two slash-separated paths, treating "" as the current directory.
  static func join(_ base: String, _ child: String) -> String {
    if base.isEmpty { return child }
    if child.isEmpty { return base }
    return base.hasSuffix("/") ? base + child : base + "/" + child
  }

  /// How many names (hard links) the file at `path` has; nil when it cannot be read.
  static func linkCount(_ path: String) -> Int? {
    var raw = stat()
    return lstat(path, &raw) == 0 ? Int(raw.st_nlink) : nil
  }

  /// The current directory.
  static func currentDirectory() throws -> String {
    guard let cwd = getcwd(nil, 0) else {
      throw SystemError.last("get current directory", path: ".")
    }
    defer { free(cwd) }
    return String(cString: cwd)
  }

  /// The absolute, symlink-free form of an existing path.
  /// `path` with symbolic links resolved as far as it exists (the rest appended as written).
  static func resolvedPath(_ path: String) -> String {
    if let real = realPath(path) { return real }
    let parent = parent(of: path)
    guard parent != path, !parent.isEmpty else { return path }
    return join(resolvedPath(parent), String(path.dropFirst(parent.count).drop { $0 == "/" }))
  }

  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}

import Dispatch
import SystemPackage

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Writes files from the object store into the work tree: each through a temporary file and
/// a rename, on all cores, never through a symbolic link, never deleting a directory.
struct WorkTreeWriter {
  /// One file to write: where (repository-relative), what, and its mode.
  struct File: Sendable {
    var path: String
    var digest: ObjectID
    var size: Int64
    var isExecutable: Bool
  }

  let location: WorkTreeLocation
  let store: ObjectStore

  /// Writes files from the store, on all cores; returns how many were written. With
  /// `stagingBeside`, even a single file is staged beside its destination (a destination
  /// outside the work tree, where `.mlx/tmp` is on another file system or absent).
  func write(
    _ files: [File],
    statCache: inout StatCache,
    stagingBeside: Bool = false,
    progress: ProgressReporter
  ) throws -> Int {
    var directories: Set<String> = []
    for file in files { directories.insert(FileSystem.parent(of: file.path)) }
    var checked: Set<String> = []
    for directory in directories.sorted() {
      try prepareDirectory(directory, checked: &checked)
    }
    let store = self.store
    store.prefetch(files.map(\.digest))
    let root = location.root
    // A single file is staged in .mlx/tmp. The many files of a directory are staged beside
    // their destinations: thousands of creations in one directory contend for the same ext4
    // inode group (seconds, after a large delete), and the scanner cleans up any left behind.
    let temporaryDirectory =
      files.count == 1 && !stagingBeside ? location.temporaryDirectory : nil
    let results = ConcurrentResults<FileStatus>(count: files.count)
    DispatchQueue.concurrentPerform(iterations: files.count) { position in
      let file = files[position]
      results.record(position) {
        let status = try Self.materialize(
          file, root: root, temporaryDirectory: temporaryDirectory, store: store)
        progress.advance(by: file.size)
        return status
      }
    }
    for (file, status) in zip(files, try results.values()) {
      statCache.record(file.path, status: status, digest: file.digest)
    }
    return files.count
  }

  /// Writes one file through a temporary file and a rename, so the path never holds a
  /// partial file; returns its status after the rename.
  ///
  /// Work-tree files are not fsynced: the store, which is, can always write them again.
  private static func materialize(
    _ file: File,
    root: String,
    temporaryDirectory: String?,
    store: ObjectStore
  ) throws -> FileStatus {
    let destination = root + "/" + file.path
    let temporary = TemporaryFiles.path(in: temporaryDirectory, beside: destination)
    let descriptor = try FileSystem.open(
      temporary, .writeOnly, options: [.create, .exclusiveCreate],
      permissions: .init(rawValue: 0o666))
    do {
      try store.writeContent(of: file.digest, to: descriptor.rawValue, displayPath: file.path)
      try FileSystem.setExecutable(
        file.isExecutable, descriptor: descriptor.rawValue, path: file.path)
      try descriptor.close()
    } catch {
      try? descriptor.close()
      unlink(temporary)
      throw error
    }
    if rename(temporary, destination) != 0 {
      let code = errno
      unlink(temporary)
      if code == EXDEV && temporaryDirectory != nil {
        // The destination is on another file system than .mlx: write beside it instead.
        return try materialize(file, root: root, temporaryDirectory: nil, store: store)
      }
      throw SystemError("rename", path: file.path, code: code)
    }
    guard let status = try FileStatus.of(destination) else {
      throw SystemError("write", path: file.path, code: ENOENT)
    }
    return status
  }

  /// Creates `directory` (repository-relative) and its parents, refusing to go through a
  /// symbolic link, which could lead outside the work tree.
  private func prepareDirectory(_ directory: String, checked: inout Set<String>) throws {
    guard !directory.isEmpty, !checked.contains(directory) else { return }
    try prepareDirectory(FileSystem.parent(of: directory), checked: &checked)
    let path = location.absolute(directory)
    switch try FileStatus.of(path)?.kind {
    case nil:
      try FileSystem.createDirectories(path)
    case .directory:
      break
    case .symbolicLink:
      throw WorkspaceError.unsafeWrite(
        path: location.display(directory), through: location.display(directory))
    default:
      throw SystemError("create directory", path: location.display(directory), code: ENOTDIR)
    }
    checked.insert(directory)
  }

  /// Removes one file, symbolic link or special file; never a directory, which a checkout
  /// did not write and so may not delete.
  func removeFile(_ path: String) throws {
    let full = location.absolute(path)
    guard let status = try FileStatus.of(full) else { return }
    guard status.kind != .directory else {
      throw SystemError("remove", path: location.display(path), code: EISDIR)
    }
    try FileSystem.removeFile(full)
  }
}

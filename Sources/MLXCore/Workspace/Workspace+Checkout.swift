import Dispatch
import SystemPackage

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// What `mlx checkout` did.
public struct CheckoutReport: Codable, Sendable {
  /// A path that was not restored, and why.
  public struct Problem: Codable, Sendable, Equatable {
    public let path: String
    public let reason: String
  }

  /// Artifacts written (wholly or partly).
  public var restored: [String] = []
  /// Artifacts that already matched their pointers.
  public var unchanged: [String] = []
  /// Artifacts with local changes, left alone because `--force` was not given.
  public var refused: [Problem] = []
  /// Artifacts that could not be restored (content missing from the store, corrupt, …).
  public var failed: [Problem] = []
  /// Files written.
  public var filesWritten = 0

  public var succeeded: Bool { refused.isEmpty && failed.isEmpty }
}

extension Workspace {
  /// Makes the work tree match the pointers: restores missing files and directories exactly
  /// (bytes and executable bit). A file or directory with changes not recorded in its pointer
  /// is left alone unless `force` is set; with `force`, extra files inside a tracked directory
  /// are deleted too.
  public func checkout(
    _ userPaths: [String] = [],
    force: Bool,
    progress: ProgressReporter
  ) throws -> CheckoutReport {
    let lock = try self.lock()
    defer { withExtendedLifetime(lock) {} }
    return try restore(try self.artifacts(named: userPaths), force: force, progress: progress)
  }

  /// Restores artifacts; the caller holds the workspace lock.
  func restore(
    _ artifacts: [TrackedArtifact], force: Bool, progress: ProgressReporter
  ) throws -> CheckoutReport {
    var statCache = StatCache.load(from: statCachePath)
    var report = CheckoutReport()
    progress.begin(
      "Checking out", total: artifacts.reduce(0) { $0 + $1.pointer.size }, unit: .bytes)
    defer { progress.finish() }
    for artifact in artifacts {
      do {
        if artifact.pointerIsMissing {
          try FileSystem.write(
            Array(artifact.pointer.encoded.utf8), atomicallyTo: absolute(artifact.pointerPath),
            temporaryDirectory: temporaryDirectory)
        }
        let plan = try checkoutPlan(for: artifact, force: force, statCache: &statCache)
        switch plan {
        case .unchanged:
          report.unchanged.append(artifact.path)
        case .refuse(let reason):
          report.refused.append(.init(path: artifact.path, reason: reason))
        case .impossible(let reason):
          report.failed.append(.init(path: artifact.path, reason: reason))
        case .write(let files, let removals):
          for path in removals { try removeFile(path) }
          let written = try write(files, statCache: &statCache, progress: progress)
          report.filesWritten += written
          report.restored.append(artifact.path)
        }
      } catch let error as ObjectStoreError {
        report.failed.append(.init(path: artifact.path, reason: error.description))
      }
    }
    try statCache.save(to: statCachePath, temporaryDirectory: temporaryDirectory)
    return report
  }

  // MARK: - Planning

  /// One file to write: where, what, and its mode.
  struct FileToRestore: Sendable {
    init(path: String, digest: ObjectID, size: Int64, isExecutable: Bool) {
      (self.path, self.digest, self.size, self.isExecutable) = (path, digest, size, isExecutable)
    }

    var path: String
    var digest: ObjectID
    var size: Int64
    var isExecutable: Bool
  }

  private enum CheckoutPlan {
    case unchanged
    /// Local changes that `--force` may overwrite.
    case refuse(String)
    /// Something not even `--force` touches: a directory mlx did not write.
    case impossible(String)
    /// Files to remove first (repository-relative; never directories), then files to write.
    case write([FileToRestore], removing: [String])
  }

  /// Decides what restoring one artifact writes and removes. Only the files its pointer or
  /// manifest lists are written, and with `force` only files (never a directory) are
  /// removed, so no pointer can make mlx delete a tree it did not create. Recorded sizes are
  /// checked against the stored content first: a pointer or manifest that lies about a size
  /// writes nothing.
  private func checkoutPlan(
    for artifact: TrackedArtifact,
    force: Bool,
    statCache: inout StatCache
  ) throws -> CheckoutPlan {
    let pointer = artifact.pointer
    let store = try self.store()
    guard store.contains(pointer.digest) else { throw ObjectStoreError.missing(pointer.digest) }
    let content = try currentContent(
      of: artifact.path, asDirectory: pointer.isDirectory, statCache: &statCache)
    if case .otherKind(.directory) = content {
      return .impossible(
        "it is a directory, and \(display(artifact.pointerPath)) tracks a file; mlx never deletes a "
          + "directory it did not write: move it away, then run `mlx checkout` again")
    }
    guard pointer.isDirectory else {
      let size = try store.contentSize(of: pointer.digest)
      guard size == pointer.size else {
        throw ObjectStoreError.sizeMismatch(
          pointer.digest, recordedBy: display(artifact.pointerPath), recorded: pointer.size,
          actual: size)
      }
      let whole = FileToRestore(
        path: artifact.path, digest: pointer.digest, size: pointer.size,
        isExecutable: pointer.isExecutable)
      switch content {
      case .missing:
        return .write([whole], removing: [])
      case .file(let digest, let status) where digest == pointer.digest:
        return status.isExecutable == pointer.isExecutable
          ? .unchanged : .write([whole], removing: [])
      default:
        return force
          ? .write([whole], removing: content.isOtherKind ? [artifact.path] : [])
          : .refuse("it has changes not recorded in \(display(artifact.pointerPath))")
      }
    }
    guard let manifest = try storedManifest(pointer.digest, for: artifact.path) else {
      throw ObjectStoreError.missing(pointer.digest)
    }
    try checkSizes(of: manifest, against: pointer, artifact: artifact, store: store)
    let all = manifest.entries.map {
      FileToRestore(
        path: artifact.path + "/" + $0.path, digest: $0.digest, size: $0.size,
        isExecutable: $0.isExecutable)
    }
    switch content {
    case .missing:
      return .write(all, removing: [])
    case .otherKind:
      return force
        ? .write(all, removing: [artifact.path])
        : .refuse("it is not a directory; it was tracked as one")
    case .file:
      return .unchanged  // not reached: a directory pointer never reads a file's content
    case .directory(let current):
      let changes = FileChanges(from: manifest, to: current)
      if changes.isEmpty { return .unchanged }
      let local = changes.added + changes.modified
      if !local.isEmpty && !force {
        let sample = local.prefix(3).joined(separator: ", ")
        let more = local.count > 3 ? " and \(local.count - 3) more" : ""
        return .refuse("files with changes not recorded in its pointer: \(sample)\(more)")
      }
      let wanted = Set(changes.modified + changes.deleted)
      return .write(
        all.filter { wanted.contains(String($0.path.dropFirst(artifact.path.count + 1))) },
        removing: changes.added.map { artifact.path + "/" + $0 })
    }
  }

  /// Checks a directory pointer's totals against its manifest, and every entry's size
  /// against its stored content.
  private func checkSizes(
    of manifest: DirectoryManifest, against pointer: PointerFile, artifact: TrackedArtifact,
    store: ObjectStore
  ) throws {
    let shown = display(artifact.pointerPath)
    guard manifest.totalSize == pointer.size else {
      throw ObjectStoreError.sizeMismatch(
        pointer.digest, recordedBy: shown, recorded: pointer.size, actual: manifest.totalSize)
    }
    guard manifest.entries.count == pointer.fileCount else {
      throw ObjectStoreError.sizeMismatch(
        pointer.digest, recordedBy: "\(shown) (files)", recorded: Int64(pointer.fileCount ?? 0),
        actual: Int64(manifest.entries.count))
    }
    for entry in manifest.entries {
      let size = try store.contentSize(of: entry.digest)
      guard size == entry.size else {
        throw ObjectStoreError.sizeMismatch(
          entry.digest, recordedBy: "the manifest of \(display(artifact.path)) for \(entry.path)",
          recorded: entry.size, actual: size)
      }
    }
  }

  // MARK: - Writing

  /// Writes files from the store, on all cores; returns how many were written.
  func write(
    _ files: [FileToRestore],
    statCache: inout StatCache,
    progress: ProgressReporter
  ) throws -> Int {
    var directories: Set<String> = []
    for file in files { directories.insert(FileSystem.parent(of: file.path)) }
    var checked: Set<String> = []
    for directory in directories.sorted() {
      try prepareDirectory(directory, checked: &checked)
    }
    let store = try self.store()
    store.prefetch(files.map(\.digest))
    let root = self.root
    // A single file is staged in .mlx/tmp. The many files of a directory are staged beside
    // their destinations: thousands of creations in one directory contend for the same ext4
    // inode group (seconds, after a large delete), and the scanner cleans up any left behind.
    let temporaryDirectory = files.count == 1 ? self.temporaryDirectory : nil
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
    _ file: FileToRestore,
    root: String,
    temporaryDirectory: String?,
    store: ObjectStore
  ) throws -> FileStatus {
    let destination = root + "/" + file.path
    let temporary = TemporaryFiles.path(in: temporaryDirectory, beside: destination)
    if file.size >= Int64(DirectFileWriter.blockSize) {
      let writer = try DirectFileWriter(path: temporary, mode: 0o666)
      do {
        try store.streamContent(of: file.digest) { try writer.append($0) }
        try FileSystem.setExecutable(
          file.isExecutable, descriptor: writer.rawDescriptor, path: file.path)
        try writer.finish(sync: false)
      } catch {
        writer.abandon()
        throw error
      }
    } else {
      let descriptor = try FileSystem.open(
        temporary, .writeOnly, options: [.create, .exclusiveCreate],
        permissions: .init(rawValue: 0o666))
      do {
        try store.streamContent(of: file.digest) { bytes in
          _ = try Errno.wrap("write", path: file.path) { try descriptor.writeAll(bytes) }
        }
        try FileSystem.setExecutable(
          file.isExecutable, descriptor: descriptor.rawValue, path: file.path)
        try descriptor.close()
      } catch {
        try? descriptor.close()
        unlink(temporary)
        throw error
      }
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
    let path = absolute(directory)
    switch try FileStatus.of(path)?.kind {
    case nil:
      try FileSystem.createDirectories(path)
    case .directory:
      break
    case .symbolicLink:
      throw WorkspaceError.unsafeWrite(path: display(directory), through: display(directory))
    default:
      throw SystemError("create directory", path: display(directory), code: ENOTDIR)
    }
    checked.insert(directory)
  }

  /// Removes one file, symbolic link or special file; never a directory, which a checkout
  /// did not write and so may not delete.
  func removeFile(_ path: String) throws {
    let full = absolute(path)
    guard let status = try FileStatus.of(full) else { return }
    guard status.kind != .directory else {
      throw SystemError("remove", path: display(path), code: EISDIR)
    }
    try FileSystem.removeFile(full)
  }
}

extension WorkTreeContent {
  var isOtherKind: Bool {
    if case .otherKind = self { return true }
    return false
  }
}

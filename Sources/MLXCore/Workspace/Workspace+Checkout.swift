import Foundation

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
    var statCache = StatCache.load(from: statCachePath)
    // A pointer that cannot be read fails alone; every other artifact is restored.
    let scan = try scanArtifacts(named: userPaths)
    var report = try restore(
      scan.artifacts, force: force, statCache: &statCache, progress: progress)
    try statCache.save(to: statCachePath, temporaryDirectory: temporaryDirectory)
    report.failed += scan.unreadable.map {
      .init(path: $0.pointerPath, reason: $0.error.description)
    }
    return report
  }

  /// Restores paths as they were at `revision` (`mlx checkout --rev REV PATH`): their data
  /// from the store, then their pointer files as that commit holds them, so the work tree
  /// shows them as changed against HEAD until committed. A path whose data cannot be
  /// restored keeps its current pointer.
  public func checkout(
    _ userPaths: [String], at revision: String, force: Bool, progress: ProgressReporter
  ) throws -> CheckoutReport {
    let lock = try self.lock()
    defer { withExtendedLifetime(lock) {} }
    let recorded = try artifacts(at: revision)
    let wanted = try userPaths.map { path -> String in
      let path = try repositoryPath(for: path)
      return recorded.contains { $0.pointerPath == path }
        ? String(path.dropLast(PointerFile.suffix.count)) : path
    }
    for path in wanted
    where !recorded.contains(where: { $0.path == path || $0.path.hasPrefix(path + "/") }) {
      throw WorkspaceError.notTrackedAt(path: display(path), revision: revision)
    }
    let selected = recorded.filter { artifact in
      wanted.isEmpty || wanted.contains { artifact.path == $0 || artifact.path.hasPrefix($0 + "/") }
    }
    var statCache = StatCache.load(from: statCachePath)
    let report = try restore(selected, force: force, statCache: &statCache, progress: progress)
    try statCache.save(to: statCachePath, temporaryDirectory: temporaryDirectory)
    let blobs = try repository.blobs(at: revision, withSuffix: PointerFile.suffix)
    for artifact in selected
    where report.restored.contains(artifact.path) || report.unchanged.contains(artifact.path) {
      guard let blob = blobs.first(where: { $0.path == artifact.pointerPath }) else { continue }
      if (try? FileSystem.read(absolute(artifact.pointerPath))) != blob.content {
        try FileSystem.createDirectories(FileSystem.parent(of: absolute(artifact.pointerPath)))
        try FileSystem.write(
          blob.content, atomicallyTo: absolute(artifact.pointerPath),
          temporaryDirectory: temporaryDirectory)
      }
    }
    return report
  }

  /// Restores artifacts, recording what it writes in `statCache` (the caller loads and saves
  /// it once); the caller holds the workspace lock.
  func restore(
    _ artifacts: [TrackedArtifact], force: Bool, statCache: inout StatCache,
    progress: ProgressReporter
  ) throws -> CheckoutReport {
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
        let plan = try location.checkoutPlan(
          path: artifact.path, pointerPath: artifact.pointerPath, pointer: artifact.pointer,
          store: try store(), force: force, statCache: &statCache)
        switch plan {
        case .unchanged:
          report.unchanged.append(artifact.path)
        case .refuse(let reason):
          report.refused.append(.init(path: artifact.path, reason: reason))
        case .impossible(let reason):
          report.failed.append(.init(path: artifact.path, reason: reason))
        case .write(let files, let removals):
          let writer = try workTreeWriter()
          for path in removals { try writer.removeFile(path) }
          let written = try writer.write(files, statCache: &statCache, progress: progress)
          report.filesWritten += written
          report.restored.append(artifact.path)
        }
      } catch let error as ObjectStoreError {
        report.failed.append(.init(path: artifact.path, reason: error.description))
      }
    }
    return report
  }
}

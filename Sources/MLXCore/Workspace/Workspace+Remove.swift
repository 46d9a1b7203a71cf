extension Workspace {
  /// Stops tracking artifacts: deletes their pointers (and stages the deletion), removes
  /// their `.gitignore` lines, and leaves the data itself where it is.
  public func remove(_ userPaths: [String]) throws -> [TrackedArtifact] {
    let lock = try self.lock()
    defer { withExtendedLifetime(lock) {} }
    let artifacts = try self.artifacts(named: userPaths)
    var statCache = StatCache.load(from: statCachePath)
    var changed: Set<String> = []
    for artifact in artifacts {
      try FileSystem.removeFile(absolute(artifact.pointerPath))
      changed.insert(artifact.pointerPath)
      let ignorePath = FileSystem.join(FileSystem.parent(of: artifact.path), ".gitignore")
      if try GitIgnoreFile.remove(
        artifact.pointer.path, from: absolute(ignorePath), temporaryDirectory: temporaryDirectory)
      {
        changed.insert(ignorePath)
      }
      statCache.forget(artifact.path)
    }
    try syncIndex(with: changed.sorted())
    try statCache.save(to: statCachePath, temporaryDirectory: temporaryDirectory)
    return artifacts
  }

  /// Stages each path as it is now on disk: added if present, removed from the index if not.
  func syncIndex(with paths: [String]) throws {
    var present: [String] = []
    var absent: [String] = []
    for path in paths {
      if try FileStatus.of(absolute(path)) != nil {
        present.append(path)
      } else if try repository.isIndexed(path) {
        absent.append(path)
      }
    }
    if !present.isEmpty { try repository.stage(present) }
    if !absent.isEmpty { try repository.unstage(absent) }
  }
}

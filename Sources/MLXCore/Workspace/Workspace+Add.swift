import Dispatch

/// What `mlx add` did for one path.
public struct AddResult: Sendable {
  public let artifact: TrackedArtifact
  /// False when the pointer already recorded exactly this content.
  public let changed: Bool
}

/// What `mlx add` did overall.
public struct AddSummary: Sendable {
  public let results: [AddResult]
  /// New objects written to the store and the bytes they take there.
  public let newObjects: Int
  public let newBytes: Int64
  /// Paths that Git tracked before and that were removed from Git's index.
  public let untrackedFromGit: [String]
}

extension Workspace {
  /// Stores files and directories, writes their pointers and `.gitignore` entries, and stages
  /// both in the Git index.
  ///
  /// Everything is checked before anything is written; objects are durable before any
  /// pointer refers to them, so a process killed at any point leaves a consistent store and a
  /// work tree that running the same command again completes.
  public func add(
    _ userPaths: [String],
    kind: ArtifactKind?,
    description: String? = nil,
    progress: ProgressReporter
  ) throws -> AddSummary {
    let lock = try self.lock()
    defer { withExtendedLifetime(lock) {} }

    let existing = try artifacts()
    var targets: [AddTarget] = []
    for userPath in userPaths {
      let path = try repositoryPath(for: userPath)
      if path.hasSuffix(PointerFile.suffix) { throw WorkspaceError.pointerGiven(path: userPath) }
      var target = try addTarget(path, shownAs: userPath, existing: existing)
      target.kind = kind
      target.description = description
      if !targets.contains(where: { $0.path == target.path }) { targets.append(target) }
    }
    return try track(targets, progress: progress)
  }

  /// Stores checked targets, writes their pointers and `.gitignore` lines, and stages them.
  /// The caller holds the workspace lock.
  func track(_ targets: [AddTarget], progress: ProgressReporter) throws -> AddSummary {
    var statCache = StatCache.load(from: statCachePath)
    let store = try self.store()
    let writer = store.makeWriter()
    let ingester = FileIngester(
      writer: writer, codecs: store.codecs, compressionLevel: compressionLevel,
      progress: progress)

    let total = targets.reduce(Int64(0)) { $0 + $1.byteCount }
    progress.begin("Adding", total: total, unit: .bytes)
    var stored: [(AddTarget, PointerFile)] = []
    for target in targets {
      let pointer = try storeArtifact(target, ingester: ingester, statCache: &statCache)
      stored.append((target, pointer))
    }
    try writer.commit()
    progress.finish()

    var results: [AddResult] = []
    var toStage: Set<String> = []
    var untracked: [String] = []
    for (target, pointer) in stored {
      let pointerPath = target.path + PointerFile.suffix
      let changed = target.previous?.pointer != pointer
      if changed {
        try FileSystem.write(
          Array(pointer.encoded.utf8), atomicallyTo: absolute(pointerPath),
          temporaryDirectory: temporaryDirectory)
      }
      let parent = FileSystem.parent(of: target.path)
      let ignorePath = FileSystem.join(parent, ".gitignore")
      _ = try GitIgnoreFile.add(
        pointer.path, to: absolute(ignorePath), temporaryDirectory: temporaryDirectory)
      toStage.insert(pointerPath)
      toStage.insert(ignorePath)
      if try untrackFromGit(target) { untracked.append(target.path) }
      results.append(
        AddResult(
          artifact: TrackedArtifact(path: target.path, pointerPath: pointerPath, pointer: pointer),
          changed: changed))
    }
    try repository.stage(toStage.sorted())
    try statCache.save(to: statCachePath, temporaryDirectory: temporaryDirectory)
    let written = writer.written
    return AddSummary(
      results: results, newObjects: written.objects, newBytes: written.bytes,
      untrackedFromGit: untracked)
  }

  // MARK: - Checking the paths

  /// One path to add, checked.
  struct AddTarget {
    var path: String
    var status: FileStatus
    /// For a directory, its files.
    var files: [WorkTreeScanner.File]?
    var previous: TrackedArtifact?
    /// The kind to record; nil keeps the previous pointer's kind (or `file`).
    var kind: ArtifactKind?
    /// The description to record; nil keeps the previous one.
    var description: String?

    var byteCount: Int64 { files.map { $0.reduce(0) { $0 + $1.status.size } } ?? status.size }
  }

  /// Checks a repository-relative path for adding; `shownAs` names it in errors.
  func addTarget(
    _ path: String, shownAs: String, existing: [TrackedArtifact]
  ) throws -> AddTarget {
    guard let status = try FileStatus.of(absolute(path)) else {
      throw WorkspaceError.missingFile(path: shownAs)
    }
    if let outer = existing.first(where: { path.hasPrefix($0.path + "/") }) {
      throw WorkspaceError.nestedArtifact(path: display(path), inside: display(outer.path))
    }
    if let inner = existing.first(where: { $0.path.hasPrefix(path + "/") }) {
      throw WorkspaceError.nestedArtifact(path: display(inner.path), inside: display(path))
    }
    let previous = existing.first { $0.path == path }
    switch status.kind {
    case .regular:
      return AddTarget(path: path, status: status, files: nil, previous: previous)
    case .directory:
      let files = try WorkTreeScanner.files(in: absolute(path), displayPath: display(path))
      return AddTarget(path: path, status: status, files: files, previous: previous)
    case .symbolicLink:
      throw WorkspaceError.symbolicLink(path: shownAs)
    case .other:
      throw WorkspaceError.unsupportedFileType(path: shownAs)
    }
  }

  // MARK: - Storing

  private func storeArtifact(
    _ target: AddTarget,
    ingester: FileIngester,
    statCache: inout StatCache
  ) throws -> PointerFile {
    let name = String(target.path.split(separator: "/").last!)
    let kind = target.kind ?? target.previous?.pointer.kind ?? .file
    let description = target.description ?? target.previous?.pointer.description
    guard let files = target.files else {
      let file = try storeFile(
        target.path, status: target.status, ingester: ingester, statCache: &statCache)
      return PointerFile(
        kind: kind, path: name, digest: file.digest, size: file.size,
        isExecutable: file.isExecutable, description: description)
    }
    let manifest = try storeDirectory(
      target.path, files: files, ingester: ingester, statCache: &statCache)
    let digest = try ingester.storeBlob(manifest.encoded)
    return PointerFile(
      kind: kind, path: name, digest: digest, size: manifest.totalSize,
      fileCount: manifest.entries.count, description: description)
  }

  private func storeFile(
    _ path: String,
    status: FileStatus,
    ingester: FileIngester,
    statCache: inout StatCache
  ) throws -> StoredFile {
    if let digest = statCache.digest(for: path, status: status), ingester.writer.contains(digest) {
      ingester.progress.advance(by: status.size)
      return StoredFile(
        digest: digest, size: status.size, isExecutable: status.isExecutable, status: status)
    }
    let file = try ingester.store(path: absolute(path), displayPath: display(path))
    statCache.record(path, status: file.status, digest: file.digest)
    return file
  }

  /// Stores every file of a directory (small files on all cores, large ones one at a time
  /// with their own parallelism) and returns its manifest.
  private func storeDirectory(
    _ directory: String,
    files: [WorkTreeScanner.File],
    ingester: FileIngester,
    statCache: inout StatCache
  ) throws -> DirectoryManifest {
    var entries = [DirectoryManifest.Entry?](repeating: nil, count: files.count)
    var pending: [Int] = []
    for (position, file) in files.enumerated() {
      let path = directory + "/" + file.path
      if let digest = statCache.digest(for: path, status: file.status),
        ingester.writer.contains(digest)
      {
        entries[position] = DirectoryManifest.Entry(
          path: file.path, digest: digest, size: file.status.size,
          isExecutable: file.status.isExecutable)
        ingester.progress.advance(by: file.status.size)
      } else {
        pending.append(position)
      }
    }

    let small = pending.filter { files[$0].status.size < FileIngester.chunkingThreshold }
    let results = ConcurrentResults<StoredFile>(count: small.count)
    let root = self.root
    let shown = display(directory)
    DispatchQueue.concurrentPerform(iterations: small.count) { index in
      let file = files[small[index]]
      results.record(index) {
        try ingester.store(
          path: root + "/" + directory + "/" + file.path, displayPath: shown + "/" + file.path)
      }
    }
    var stored = zip(small, try results.values()).map { ($0, $1) }
    for position in pending where files[position].status.size >= FileIngester.chunkingThreshold {
      let file = files[position]
      stored.append(
        (
          position,
          try ingester.store(
            path: absolute(directory + "/" + file.path),
            displayPath: shown + "/" + file.path)
        ))
    }
    for (position, file) in stored {
      let path = files[position].path
      statCache.record(directory + "/" + path, status: file.status, digest: file.digest)
      entries[position] = DirectoryManifest.Entry(
        path: path, digest: file.digest, size: file.size, isExecutable: file.isExecutable)
    }
    return DirectoryManifest(entries: entries.map { $0! })
  }

  /// If Git tracked the data itself, removes it from the index (the file stays).
  private func untrackFromGit(_ target: AddTarget) throws -> Bool {
    if target.files != nil {
      guard try repository.hasIndexedFiles(under: target.path) else { return false }
      try repository.unstage(directory: target.path)
      return true
    }
    guard try repository.isIndexed(target.path) else { return false }
    try repository.unstage([target.path])
    return true
  }
}

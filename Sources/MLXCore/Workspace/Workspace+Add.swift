import Foundation

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
  /// The files checked against their schema before anything was stored (all valid).
  public var validated: [TableValidation] = []
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
    definition: String? = nil,
    schema: String? = nil,
    progress: ProgressReporter
  ) throws -> AddSummary {
    let lock = try self.lock()
    defer { withExtendedLifetime(lock) {} }

    let existing = try artifacts()
    var targets: [AddTarget] = []
    for userPath in userPaths {
      let path = try repositoryPath(for: userPath)
      if path.hasSuffix(PointerFile.suffix) { throw WorkspaceError.pointerGiven(path: userPath) }
      var target = try AddTarget.check(
        path, shownAs: userPath, existing: existing, in: location)
      target.kind = kind
      target.description = description
      if let definition {
        target.definition = try featureDefinitionPath(definition, for: target)
      }
      target.schema = try schema.map { try pointerRelativeSchema($0, for: path) }
      if !targets.contains(where: { $0.path == target.path }) { targets.append(target) }
    }
    // Data with a schema (given now or recorded) is validated before anything is stored.
    let validated = try validateBeforeAdding(targets)
    var summary = try track(targets, progress: progress)
    summary.validated = validated
    return summary
  }

  /// Stores checked targets, writes their pointers and `.gitignore` lines, and stages them.
  /// The caller holds the workspace lock.
  func track(_ targets: [AddTarget], progress: ProgressReporter) throws -> AddSummary {
    var statCache = StatCache.load(from: statCachePath)
    let store = try self.store()
    let writer = store.makeWriter()
    let ingester = FileIngester(
      writer: writer, codecs: store.codecs, compression: compression,
      progress: progress)

    let total = targets.reduce(Int64(0)) { $0 + $1.byteCount }
    progress.begin("Adding", total: total, unit: .bytes)
    let storer = ArtifactStorer(location: location, ingester: ingester)
    var stored: [(AddTarget, PointerFile)] = []
    for target in targets {
      var pointer = try storer.store(
        target.path, status: target.status, files: target.files,
        kind: target.kind ?? target.previous?.pointer.kind ?? .file,
        description: target.description ?? target.previous?.pointer.description,
        statCache: &statCache)
      // A profile describes content: kept while the content is the same.
      if let previous = target.previous?.pointer, previous.digest == pointer.digest {
        pointer.profile = previous.profile
      }
      if pointer.kind == .features {
        pointer.features = target.definition ?? target.previous?.pointer.features
      }
      pointer.schema = target.schema ?? target.previous?.pointer.schema
      stored.append((target, pointer))
    }
    try writer.commit()
    progress.finish()

    var results: [AddResult] = []
    var toStage: Set<String> = []
    for (target, pointer) in stored {
      let pointerPath = target.path + PointerFile.suffix
      let changed = target.previous?.pointer != pointer
      // The pointer file itself may be gone or edited even when the recorded one is the same.
      let encoded = pointer.encoded
      if try changed || FileSystem.readTextIfPresent(absolute(pointerPath)) != encoded {
        try FileSystem.write(
          Array(encoded.utf8), atomicallyTo: absolute(pointerPath),
          temporaryDirectory: temporaryDirectory)
      }
      let parent = FileSystem.parent(of: target.path)
      let ignorePath = FileSystem.join(parent, ".gitignore")
      _ = try GitIgnoreFile.add(
        pointer.path, to: absolute(ignorePath), temporaryDirectory: temporaryDirectory)
      toStage.insert(pointerPath)
      toStage.insert(ignorePath)
      results.append(
        AddResult(
          artifact: TrackedArtifact(path: target.path, pointerPath: pointerPath, pointer: pointer),
          changed: changed))
    }
    // The `.gitignore` lines are written first, so a concurrent `git add -A` no longer adds
    // the data; one index write then takes out any data Git tracked and stages the pointers.
    let untracked = try repository.updateIndex(
      staging: toStage.sorted(), untracking: stored.map { $0.0.path })
    try statCache.save(to: statCachePath, temporaryDirectory: temporaryDirectory)
    let written = writer.written
    return AddSummary(
      results: results, newObjects: written.objects, newBytes: written.bytes,
      untrackedFromGit: untracked)
  }
}

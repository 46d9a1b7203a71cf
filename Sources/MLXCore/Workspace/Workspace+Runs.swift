import Foundation

/// One changed value between two versions of params or metrics.
public struct ValueChange: Codable, Sendable, Equatable {
  /// The params or metrics file.
  public let file: String
  /// The dotted key.
  public let key: String
  public let old: ParamValue?
  public let new: ParamValue?
  /// `new - old` when both are numbers.
  public let change: Double?
}

/// Two sides of a params or metrics comparison, as named by the user.
public struct ValueComparison: Codable, Sendable {
  public let from: String
  public let to: String
  public let changes: [ValueChange]
}

extension Workspace {
  // MARK: - Runs

  /// Run records, newest first; `stage` keeps runs in which that stage ran or was restored.
  public func runs(stage: String? = nil, limit: Int? = nil) throws -> [RunRecord] {
    var records = try RunStore(repository: repository).all()
    if let stage {
      records = records.filter { record in
        record.stages.contains {
          $0.name == stage && $0.status != .skipped && $0.status != .blocked
        }
      }
    }
    return limit.map { Array(records.prefix($0)) } ?? records
  }

  /// The record of one run; `id` may be a prefix or suffix of the id.
  public func run(id: String) throws -> RunRecord {
    let store = RunStore(repository: repository)
    return try store.load(try store.resolve(id))
  }

  /// Restores a run's params files and outputs into the work tree and its stages into
  /// `mlx.lock`, so the work tree is as that run left it.
  public func apply(run id: String) throws -> RunRecord {
    let record = try run(id: id)
    let lock = try self.lock()
    defer { withExtendedLifetime(lock) {} }
    for (file, text) in record.paramsFiles.sorted(by: { $0.key < $1.key }) {
      try FileSystem.write(
        Array(text.utf8), atomicallyTo: absolute(file), temporaryDirectory: temporaryDirectory)
    }
    let graph = try? pipeline()
    var lockFile = try self.lockFile()
    var artifacts: [TrackedArtifact] = []
    var metricFiles: [FileToRestore] = []
    for stage in record.stages where stage.status == .ran || stage.status == .restored {
      let outputs = graph?.spec.stage(named: stage.name)?.outputs ?? []
      for entry in stage.outs {
        if let output = outputs.first(where: { $0.path == entry.path }) {
          artifacts.append(try adoptOutput(entry, kind: output.kind))
        } else {
          metricFiles.append(
            FileToRestore(
              path: entry.path, digest: entry.digest, size: entry.size, isExecutable: false))
        }
      }
      lockFile.stages[stage.name] = LockFile.StageState(
        cmd: stage.cmd, deps: stage.deps, params: stage.params, outs: stage.outs,
        metrics: stage.metrics, run: stage.producedBy ?? record.id)
    }
    let report = try restore(artifacts, force: true, progress: SilentProgress())
    if let problem = report.failed.first {
      throw PipelineError.restoreFailed(stage: "-", path: problem.path, reason: problem.reason)
    }
    var statCache = StatCache.load(from: statCachePath)
    _ = try write(metricFiles, statCache: &statCache, progress: SilentProgress())
    try statCache.save(to: statCachePath, temporaryDirectory: temporaryDirectory)
    try FileSystem.write(
      Array(lockFile.encoded.utf8), atomicallyTo: absolute(LockFile.fileName),
      temporaryDirectory: temporaryDirectory)
    try syncIndex(with: [LockFile.fileName] + record.paramsFiles.keys.sorted())
    return record
  }

  /// Writes the pointer and `.gitignore` line of a pipeline output and stages them.
  func adoptOutput(_ entry: LockFile.Entry, kind: ArtifactKind) throws -> TrackedArtifact {
    let name = String(entry.path.split(separator: "/").last ?? Substring(entry.path))
    let pointer = PointerFile(
      kind: kind, path: name, digest: entry.digest, size: entry.size, fileCount: entry.files)
    let pointerPath = entry.path + PointerFile.suffix
    try FileSystem.write(
      Array(pointer.encoded.utf8), atomicallyTo: absolute(pointerPath),
      temporaryDirectory: temporaryDirectory)
    let ignorePath = FileSystem.join(FileSystem.parent(of: entry.path), ".gitignore")
    _ = try GitIgnoreFile.add(
      name, to: absolute(ignorePath), temporaryDirectory: temporaryDirectory)
    try repository.stage([pointerPath, ignorePath])
    return TrackedArtifact(path: entry.path, pointerPath: pointerPath, pointer: pointer)
  }

  // MARK: - Comparing params and metrics

  /// Metric values that differ between two sides: each a revision, a run id, or (nil) HEAD
  /// for the first and the work tree for the second.
  public func metricsDiff(from old: String?, to new: String?) throws -> ValueComparison {
    try compare(old, new) { try self.values(kind: .metrics, at: $0) }
  }

  /// Param values that differ between two sides, named as for ``metricsDiff(from:to:)``.
  public func paramsDiff(from old: String?, to new: String?) throws -> ValueComparison {
    try compare(old, new) { try self.values(kind: .params, at: $0) }
  }

  private enum ValuesKind { case params, metrics }

  /// One side of a comparison.
  private enum Side {
    case workTree
    case revision(String)
    case run(RunRecord)

    var name: String {
      switch self {
      case .workTree: Workspace.workTreeName
      case .revision(let revision): revision
      case .run(let record): "run \(record.id)"
      }
    }
  }

  private func compare(
    _ old: String?, _ new: String?,
    values: (Side) throws -> [String: [String: ParamValue]]
  ) throws -> ValueComparison {
    let before = try side(old ?? "HEAD", headMayBeUnborn: old == nil)
    let after: Side = try new.flatMap { try side($0, headMayBeUnborn: false) } ?? .workTree
    let oldValues = try before.map(values) ?? [:]
    let newValues = try values(after)
    var changes: [ValueChange] = []
    for file in Set(oldValues.keys).union(newValues.keys).sorted(by: PathOrder.precedes) {
      let a = oldValues[file] ?? [:]
      let b = newValues[file] ?? [:]
      for key in Set(a.keys).union(b.keys).sorted(by: PathOrder.precedes) where a[key] != b[key] {
        let delta = a[key]?.number.flatMap { old in b[key]?.number.map { $0 - old } }
        changes.append(ValueChange(file: file, key: key, old: a[key], new: b[key], change: delta))
      }
    }
    return ValueComparison(from: before?.name ?? "empty", to: after.name, changes: changes)
  }

  /// A revision or run id as a side; nil for HEAD before the first commit.
  private func side(_ name: String, headMayBeUnborn: Bool) throws -> Side? {
    if headMayBeUnborn, try repository.headCommit() == nil { return nil }
    if let id = try? RunStore(repository: repository).resolve(name) {
      return .run(try RunStore(repository: repository).load(id))
    }
    do {
      _ = try repository.commit(name)
    } catch {
      throw WorkspaceError.unknownRevision(revision: name)
    }
    return .revision(name)
  }

  private func values(kind: ValuesKind, at side: Side) throws -> [String: [String: ParamValue]] {
    switch side {
    case .run(let record):
      switch kind {
      case .metrics: return record.metrics
      case .params:
        var result = record.params
        for (file, text) in record.paramsFiles {
          if let tree = try? ValuesFile.parse(text, displayPath: file) {
            result[file] = ParamValue.flatten(tree)
          }
        }
        return result
      }
    case .workTree, .revision:
      let read: (String) throws -> String? = { path in
        if case .revision(let revision) = side {
          let commit = try self.repository.commit(revision)
          return try self.repository.file(path, inCommit: commit).map {
            String(decoding: $0, as: UTF8.self)
          }
        }
        return try FileSystem.readTextIfPresent(self.absolute(path))
      }
      guard let specText = try read(PipelineSpec.fileName),
        let spec = try? PipelineSpec(parsing: specText)
      else { return [:] }
      let files: [String] =
        switch kind {
        case .metrics: spec.stages.flatMap(\.metrics)
        case .params: Array(Set(spec.stages.flatMap { $0.params.map(\.file) }))
        }
      var result: [String: [String: ParamValue]] = [:]
      for file in files {
        guard let text = try read(file) else { continue }
        result[file] = ParamValue.flatten(try ValuesFile.parse(text, displayPath: file))
      }
      return result
    }
  }
}

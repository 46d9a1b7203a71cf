import Foundation

/// What every recorded run read and wrote, by digest: the index lineage searches to find
/// which run produced an artifact and which runs used it.
///
/// Built from the records under `refs/mlx/runs/` and kept in `.git/mlx/runs-cache`, keyed by
/// each run's commit id (a record never changes, so an entry never goes stale); only runs
/// not in the cache are read and decoded.
struct RunIndex {
  struct Stage: Equatable {
    var name: String
    var status: String
    var producedBy: String?
    var deps: [(path: String, digest: ObjectID)]
    var outs: [(path: String, digest: ObjectID)]

    static func == (a: Stage, b: Stage) -> Bool {
      a.name == b.name && a.status == b.status && a.producedBy == b.producedBy
        && a.deps.map(\.digest) == b.deps.map(\.digest)
        && a.outs.map(\.digest) == b.outs.map(\.digest)
    }

    var wroteOutputs: Bool { status == "ran" || status == "restored" }
  }

  struct Run {
    var id: String
    var startedAt: Double
    var codeCommit: String?
    var dirty: Bool
    var user: String
    var stages: [Stage]
  }

  private(set) var runs: [Run] = []

  /// Loads the index, reading only the records the cache does not know.
  static func load(_ repository: Repository) throws -> RunIndex {
    let path = repository.gitDirectory + "/mlx/runs-cache"
    var cache = (try? FileSystem.read(path)).flatMap(decode) ?? [:]
    let references = try ReferenceListCache.references(
      in: repository, namespace: RunStore.namespace, cacheName: "run-refs-cache")
    var changed = false
    var index = RunIndex()
    for (name, commit) in references {
      if let run = cache[commit.hex] {
        index.runs.append(run)
        continue
      }
      guard let bytes = try repository.file(RunStore.recordFile, inCommit: commit),
        let record = try? RunRecord.decoder().decode(RunRecord.self, from: Data(bytes))
      else { continue }
      let run = Run(
        id: record.id, startedAt: record.startedAt.timeIntervalSince1970,
        codeCommit: record.code.commit,
        dirty: record.code.dirty, user: record.user.email,
        stages: record.stages.map { stage in
          Stage(
            name: stage.name, status: stage.status.rawValue, producedBy: stage.producedBy,
            deps: stage.deps.map { ($0.path, $0.digest) },
            outs: stage.outs.map { ($0.path, $0.digest) })
        })
      _ = name
      cache[commit.hex] = run
      index.runs.append(run)
      changed = true
    }
    if changed || cache.count != references.count {
      let current = Set(references.map(\.target.hex))
      try? FileSystem.createDirectories(FileSystem.parent(of: path))
      try? FileSystem.write(
        encode(cache.filter { current.contains($0.key) }), atomicallyTo: path, durable: false)
    }
    index.runs.sort { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
    return index
  }

  /// The earliest run whose command wrote `digest` (preferably at `path`).
  func producer(of digest: ObjectID, path: String) -> (run: String, stage: String)? {
    var fallback: (String, String)?
    for run in runs {
      for stage in run.stages where stage.status == "ran" {
        for out in stage.outs where out.digest == digest {
          if out.path == path { return (run.id, stage.name) }
          fallback = fallback ?? (run.id, stage.name)
        }
      }
    }
    return fallback
  }

  // MARK: - Encoding

  private static let magic = "MLXRUN01"

  static func encode(_ runs: [String: Run]) -> [UInt8] {
    var writer = BinaryWriter(magic: magic)
    for (commit, run) in runs {
      writer.string(commit)
      writer.string(run.id)
      writer.integer(run.startedAt.bitPattern)
      writer.optionalString(run.codeCommit)
      writer.integer(UInt8(run.dirty ? 1 : 0))
      writer.string(run.user)
      writer.integer(UInt32(run.stages.count))
      for stage in run.stages {
        writer.string(stage.name)
        writer.string(stage.status)
        writer.optionalString(stage.producedBy)
        for list in [stage.deps, stage.outs] {
          writer.integer(UInt32(list.count))
          for entry in list {
            writer.string(entry.path)
            writer.string(entry.digest.description)
          }
        }
      }
    }
    return writer.bytes
  }

  static func decode(_ bytes: [UInt8]) -> [String: Run]? {
    guard var reader = BinaryReader(bytes, magic: magic) else { return nil }
    var runs: [String: Run] = [:]
    func entries() -> [(path: String, digest: ObjectID)]? {
      guard let count = reader.integer(UInt32.self) else { return nil }
      var result: [(path: String, digest: ObjectID)] = []
      for _ in 0..<count {
        guard let path = reader.string(), let text = reader.string(),
          let digest = ObjectID(parsing: text)
        else { return nil }
        result.append((path, digest))
      }
      return result
    }
    while !reader.isAtEnd {
      guard let commit = reader.string(), let id = reader.string(),
        let started = reader.integer(UInt64.self), let codeCommit = reader.optionalString(),
        let dirty = reader.integer(UInt8.self), let user = reader.string(),
        let stageCount = reader.integer(UInt32.self)
      else { return nil }
      var stages: [Stage] = []
      for _ in 0..<stageCount {
        guard let name = reader.string(), let status = reader.string(),
          let producedBy = reader.optionalString(), let deps = entries(), let outs = entries()
        else { return nil }
        stages.append(
          Stage(name: name, status: status, producedBy: producedBy, deps: deps, outs: outs))
      }
      runs[commit] = Run(
        id: id, startedAt: Double(bitPattern: started), codeCommit: codeCommit, dirty: dirty == 1,
        user: user, stages: stages)
    }
    return runs
  }
}

import Foundation

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
    // Without mlx.yaml every output comes back as a plain file; a broken one is an error.
    let graph: StageGraph?
    do {
      graph = try pipeline()
    } catch PipelineError.missingPipeline {
      graph = nil
    }
    var lockFile = try self.lockFile()
    var statCache = StatCache.load(from: statCachePath)
    for stage in record.stages where stage.status == .ran || stage.status == .restored {
      let outputs = graph?.spec.stage(named: stage.name)?.outputs ?? []
      try restoreOutputs(
        stage.outs.map { entry in (entry, outputs.first { $0.path == entry.path }?.kind) },
        of: stage.name, statCache: &statCache)
      lockFile.stages[stage.name] = LockFile.StageState(
        cmd: stage.cmd, deps: stage.deps, params: stage.params, outs: stage.outs,
        metrics: stage.metrics, run: stage.producedBy ?? record.id)
    }
    try statCache.save(to: statCachePath, temporaryDirectory: temporaryDirectory)
    try FileSystem.write(
      Array(lockFile.encoded.utf8), atomicallyTo: absolute(LockFile.fileName),
      temporaryDirectory: temporaryDirectory)
    try syncIndex(with: [LockFile.fileName] + record.paramsFiles.keys.sorted())
    return record
  }
}

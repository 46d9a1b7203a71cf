import Foundation

/// Runs the stages of one `mlx run`: decides for each stage whether it is up to date, can be
/// restored, or must run; runs it; stores its outputs; updates `mlx.lock`; and finally
/// writes the run record. One instance per run; the caller holds the workspace lock.
final class PipelineRunner {
  private let workTree: PipelineWorkTree
  private let graph: StageGraph
  private let options: RunOptions
  /// Stages to run even when up to date (`--force` applies to the selected stages only).
  private let forced: Set<String>
  private let log: (String) -> Void
  private let runID: String
  private let startedAt: Date
  private let code: RunRecord.CodeState
  private let overrides: ParamOverrides
  /// The params files with the `-S` overrides written in, for the run to save first.
  private let overriddenFiles: [(file: String, text: String)]
  private var lockFile: LockFile
  private var statCache: StatCache
  private var paramsFiles: [String: ParamValue] = [:]
  private var results: [RunRecord.StageResult] = []
  /// Stage commands started so far: a run that failed before starting any (a params file
  /// that does not parse, say) leaves no run record.
  private var commandsStarted = 0
  /// Inputs validated so far: a run that stopped on a failed validation is recorded too.
  private var validationsRun = 0
  /// Paths that stages planned in a dry run would run to write: their content is known only
  /// by running, so a stage reading them would run too.
  private var plannedWrites: [String: String] = [:]
  /// What stages planned in a dry run would restore, by path: a stage reading one is
  /// checked against it, as the real run would be.
  private var plannedRestores: [String: LockFile.Entry] = [:]
  /// Digests computed in this run, by path, so a directory many stages read is scanned once;
  /// cleared whenever a stage writes to the work tree.
  private var entries: [String: LockFile.Entry?] = [:]

  init(
    workTree: PipelineWorkTree, graph: StageGraph, options: RunOptions, forced: Set<String>,
    log: @escaping (String) -> Void
  ) throws {
    self.workTree = workTree
    self.graph = graph
    self.options = options
    self.forced = forced
    self.log = log
    startedAt = Date()
    runID = RunRecord.makeID(at: startedAt)
    overrides = try ParamOverrides(parsing: options.overrides)
    overriddenFiles = try overrides.editedFiles {
      try FileSystem.readTextIfPresent(workTree.absolute($0))
    }
    lockFile = try workTree.lockFile()
    statCache = StatCache.load(from: workTree.statCachePath)
    let repository = workTree.repository
    let unrecorded = try repository.uncommittedChanges().filter {
      !graph.spec.recordsContent(of: $0)
    }
    code = RunRecord.CodeState(
      commit: try repository.headCommit()?.hex, branch: repository.currentBranch(),
      dirty: !unrecorded.isEmpty,
      uncommitted: unrecorded.isEmpty
        ? nil : Array(unrecorded.prefix(RunRecord.CodeState.uncommittedLimit)))
  }

  // MARK: - The run

  func run(_ names: [String]) throws -> RunReport {
    if !options.dryRun {
      for (file, text) in overriddenFiles {
        try FileSystem.write(
          Array(text.utf8), atomicallyTo: workTree.absolute(file),
          temporaryDirectory: workTree.temporaryDirectory)
      }
    }
    var failure: (status: Int32, message: String)?
    var failed: Set<String> = []
    for name in names {
      let stage = graph.spec.stage(named: name)!
      if let blocker = failed.first(where: { graph.dependsOn(name, $0) }) {
        results.append(result(stage, .blocked, "stage '\(blocker)' failed", started: Date()))
        log("Not running '\(name)': stage '\(blocker)' failed")
        continue
      }
      do {
        let result = try process(stage)
        results.append(result)
        if result.status == .failed || result.status == .interrupted {
          let status = result.exitCode ?? 1
          let error: PipelineError =
            result.status == .interrupted
            ? .interrupted(stage: name, signal: status - 128)
            : .commandFailed(stage: name, status: status)
          failure = failure ?? (status, error.description)
          failed.insert(name)
          if !options.keepGoing || result.status == .interrupted { break }
        }
      } catch {
        results.append(result(stage, .failed, "\(error)", started: Date()))
        failure = failure ?? (1, "\(error)")
        failed.insert(name)
        if !options.keepGoing { break }
      }
    }
    do {
      try statCache.save(
        to: workTree.statCachePath, temporaryDirectory: workTree.temporaryDirectory)
    } catch {
      // Only speed depends on it: the next command hashes again what it would have trusted.
      StandardError.write("mlx: warning: the stat cache was not saved (\(error))\n")
    }
    return try finish(failure)
  }

  private func finish(_ failure: (status: Int32, message: String)?) throws -> RunReport {
    let exitStatus = failure?.status ?? 0
    var metrics: [String: [String: ParamValue]] = [:]
    for result in results { metrics.merge(result.metrics) { $1 } }
    var report = RunReport(
      runId: nil, dryRun: options.dryRun, stages: results, exitStatus: exitStatus,
      error: failure?.message, metrics: metrics)
    let executed =
      commandsStarted > 0 || validationsRun > 0
      || results.contains { $0.status == .ran || $0.status == .restored }
    guard !options.dryRun, executed else { return report }
    let endedAt = Date()
    var params: [String: [String: ParamValue]] = [:]
    for result in results { params.merge(result.params) { $0.merging($1) { $1 } } }
    let record = RunRecord(
      id: runID, command: options.commandLine, stages: results,
      user: workTree.repository.identity() ?? GitIdentity(name: "unknown", email: "unknown"),
      startedAt: startedAt, endedAt: endedAt,
      durationSeconds: endedAt.timeIntervalSince(startedAt), exitStatus: exitStatus, code: code,
      params: params, overrides: options.overrides, metrics: metrics,
      paramsFiles: try effectiveParamsTexts(), mlxVersion: MLXVersion.current,
      platform: .current)
    try RunStore(repository: workTree.repository).save(record)
    report.runId = runID
    return report
  }

  // MARK: - One stage

  private func process(_ stage: Stage) throws -> RunRecord.StageResult {
    let started = Date()
    if stage.isFrozen {
      log("Skipping '\(stage.name)': frozen")
      return result(stage, .skipped, "frozen", started: started)
    }
    let params = try currentParams(stage)
    let deps = try currentDeps(stage)
    let previous = lockFile.stages[stage.name]
    let key = RunCache.key(for: stage, deps: deps.entries, params: params)
    let store = try workTree.store()

    let schemas = try stage.validations.map { try workTree.schema(for: $0, of: stage.name) }
    let checks = zip(stage.validations, schemas).map {
      (path: $0.path, schema: $1.path, digest: $1.digest)
    }
    var reason =
      changeReason(stage, previous: previous, deps: deps, params: params)
      ?? previous.flatMap { Self.unvalidated(checks, in: $0) }
    let isForced = forced.contains(stage.name)
    if reason == nil, !isForced, !stage.isAlwaysChanged, let previous {
      switch try outputsState(previous) {
      case .intact:
        log("Skipping '\(stage.name)': up to date")
        return result(stage, .skipped, "up to date", started: started, state: previous)
      case .restorable(let problem):
        return try restore(
          stage, from: previous, because: "\(problem); restoring it from the store",
          started: started)
      case .lost(let problem):
        reason = "\(problem) and not in the store"
      }
    }
    if isForced { reason = "forced" } else if stage.isAlwaysChanged { reason = "always changed" }
    let why = reason ?? "never run"

    if !isForced, !stage.isAlwaysChanged, !deps.isIncomplete,
      let cached = RunCache(store: store).lookup(key),
      cached.outs.allSatisfy({ store.contains($0.digest) }),
      Self.unvalidated(checks, in: cached) == nil
    {
      let origin = cached.run.map { " (run \($0))" } ?? ""
      return try restore(
        stage, from: cached, because: "\(why); restored from the run cache\(origin)",
        started: started)
    }
    if options.dryRun {
      // A dry run reads no data: it names the checks a real run makes first.
      for check in checks { log("Would validate \(check.path) against \(check.schema)") }
      log("Would run '\(stage.name)': \(why)")
      for path in stage.writtenPaths { plannedWrites[path] = stage.name }
      return result(stage, .ran, why, started: started, params: params, deps: deps.entries)
    }
    log("Running '\(stage.name)': \(why)")
    let validated = try validate(stage, checks, deps: deps.entries)
    return try execute(
      stage, because: why, params: params, deps: deps.entries, validated: validated, key: key,
      started: started)
  }

  /// Why a recorded state does not show the stage's `validate:` inputs checked against the
  /// schemas as they are now, or nil when it does.
  private static func unvalidated(
    _ checks: [(path: String, schema: String, digest: ObjectID)], in state: LockFile.StageState
  ) -> String? {
    for check in checks {
      guard let recorded = state.validated.first(where: { $0.path == check.path }) else {
        return "\(check.path) not validated yet"
      }
      if recorded.schema != check.schema || recorded.schemaDigest != check.digest {
        return "schema \(check.schema) of \(check.path) changed"
      }
    }
    return nil
  }

  /// Checks the stage's `validate:` inputs before its commands run; throws
  /// ``PipelineError/validationFailed(stage:detail:)`` (after logging the report) when one
  /// fails, else returns what `mlx.lock` records.
  private func validate(
    _ stage: Stage, _ checks: [(path: String, schema: String, digest: ObjectID)],
    deps: [LockFile.Entry]
  ) throws -> [LockFile.Validated] {
    var records: [LockFile.Validated] = []
    for check in checks {
      validationsRun += 1
      let report = try workTree.validateInput(check.path, schema: check.schema)
      guard report.isEmpty else {
        for line in report { log(line) }
        let failures = report.filter { $0.hasPrefix(" ") }
        let shown = failures.prefix(3).map { $0.trimmingCharacters(in: .whitespaces) }
        let more = failures.count > 3 ? "; …" : ""
        throw PipelineError.validationFailed(
          stage: stage.name,
          detail:
            "\(check.path) does not match \(check.schema) (\(shown.joined(separator: "; "))\(more))"
        )
      }
      log("Validated \(check.path) against \(check.schema)")
      if let entry = deps.first(where: { $0.path == check.path }) {
        records.append(
          LockFile.Validated(
            path: check.path, digest: entry.digest, schema: check.schema,
            schemaDigest: check.digest))
      }
    }
    return records
  }

  private func execute(
    _ stage: Stage, because reason: String, params: [String: [String: ParamValue]],
    deps: [LockFile.Entry], validated: [LockFile.Validated], key: String, started: Date
  ) throws -> RunRecord.StageResult {
    let environment = commandEnvironment(stage, params: params)
    entries = [:]  // the commands change the work tree
    for command in stage.commands {
      commandsStarted += 1
      let outcome = try ChildProcess.run(
        "/bin/sh", ["-c", command], in: workTree.absolute(stage.workingDirectory),
        environment: environment, outputToStandardError: options.commandOutputToStandardError)
      switch outcome {
      case .exited(0):
        continue
      case .exited(let status):
        var failed = result(stage, .failed, reason, started: started, params: params, deps: deps)
        failed.exitCode = status
        return failed
      case .signalled(let signal):
        var stopped = result(
          stage, .interrupted, reason, started: started, params: params, deps: deps)
        stopped.exitCode = 128 + signal
        return stopped
      }
    }
    var state = try storeOutputs(stage, params: params, deps: deps)
    state.validated = validated
    lockFile.stages[stage.name] = state
    try writeLockFile()
    try RunCache(store: try workTree.store()).save(state, of: stage.name, for: key)
    var ran = result(stage, .ran, reason, started: started, state: state)
    ran.exitCode = 0
    return ran
  }

  /// Writes a recorded state's outputs back into the work tree and adopts it in the lock.
  private func restore(
    _ stage: Stage, from state: LockFile.StageState, because reason: String, started: Date
  ) throws -> RunRecord.StageResult {
    if options.dryRun {
      for entry in state.outs { plannedRestores[entry.path] = entry }
      log("Would restore '\(stage.name)': \(reason)")
      return result(stage, .restored, reason, started: started, state: state)
    }
    log("Restoring '\(stage.name)': \(reason)")
    entries = [:]
    let outputs = state.outs.map { entry in
      (entry: entry, kind: stage.outputs.first { $0.path == entry.path }?.kind)
    }
    try workTree.restoreOutputs(outputs, of: stage.name, statCache: &statCache)
    lockFile.stages[stage.name] = state
    try writeLockFile()
    return result(stage, .restored, reason, started: started, state: state)
  }

  // MARK: - Inputs

  /// A stage's dependencies as they are now.
  private struct Dependencies {
    var entries: [LockFile.Entry] = []
    /// Paths missing now that a stage planned in this dry run would write.
    var pending: [String] = []
    var isIncomplete: Bool { !pending.isEmpty }
  }

  private func currentDeps(_ stage: Stage) throws -> Dependencies {
    var dependencies = Dependencies()
    for path in stage.dependencies {
      if options.dryRun, let restored = plannedRestores[path] {
        dependencies.entries.append(restored)
      } else if options.dryRun,
        (Array(plannedWrites.keys) + plannedRestores.keys).contains(where: {
          StageGraph.overlaps($0, path)
        })
      {
        dependencies.pending.append(path)
      } else if let entry = try currentEntry(path) {
        dependencies.entries.append(entry)
      } else if (try? FileStatus.of(workTree.absolute(path + PointerFile.suffix))) != nil {
        throw PipelineError.dependencyNotCheckedOut(stage: stage.name, path: path)
      } else {
        throw PipelineError.missingDependency(stage: stage.name, path: path)
      }
    }
    return dependencies
  }

  /// The param values a stage reads, by file, with `-S` overrides applied (a dry run
  /// applies them here only; a real run has written them into the files).
  private func currentParams(_ stage: Stage) throws -> [String: [String: ParamValue]] {
    var values: [String: [String: ParamValue]] = [:]
    for reference in stage.params {
      let tree = try paramsFile(reference.file, stage: stage, key: reference.key)
      var group = values[reference.file] ?? [:]
      if let key = reference.key {
        guard let value = tree.lookup(key) else {
          throw PipelineError.missingParam(stage: stage.name, file: reference.file, key: key)
        }
        if case .map = value {
          group.merge(ParamValue.flatten(value, prefix: key)) { $1 }
        } else {
          group[key] = value
        }
      } else {
        group.merge(ParamValue.flatten(tree)) { $1 }
      }
      values[reference.file] = group
    }
    return values
  }

  private func paramsFile(_ file: String, stage: Stage, key: String?) throws -> ParamValue {
    if let cached = paramsFiles[file] { return cached }
    // Recorded by value: a symbolic link must not bring in a file from outside the
    // repository or from `.git`/`.mlx` (credentials).
    let absolute = workTree.absolute(file)
    if let real = FileSystem.realPath(absolute),
      let root = FileSystem.realPath(workTree.absolute("."))
    {
      let inside = real.hasPrefix(root + "/") ? String(real.dropFirst(root.count + 1)) : nil
      if inside == nil || RelativePath.reservedComponent(of: inside!) != nil {
        throw PipelineError.unreadableValues(
          path: file,
          problem:
            "a symbolic link to \(inside == nil ? "a file outside the repository" : inside!), "
            + "and params are recorded by value in mlx.lock, so mlx reads only the "
            + "repository's own files (not .git or .mlx)")
      }
    }
    guard let tree = try ValuesFile.read(absolute, displayPath: file) else {
      throw PipelineError.missingParam(stage: stage.name, file: file, key: key ?? "(any)")
    }
    let effective = overrides.apply(to: tree, file: file)
    paramsFiles[file] = effective
    return effective
  }

  private func currentEntry(_ path: String) throws -> LockFile.Entry? {
    if let known = entries[path] { return known }
    let entry = try workTree.entry(for: path, statCache: &statCache)
    entries[path] = entry
    return entry
  }

  private func changeReason(
    _ stage: Stage, previous: LockFile.StageState?, deps: Dependencies,
    params: [String: [String: ParamValue]]
  ) -> String? {
    guard let previous else { return "never run" }
    if previous.cmd != stage.commandText { return "command changed" }
    if let pending = deps.pending.first {
      return "dependency \(pending) will be written by an earlier stage"
    }
    let before = Dictionary(uniqueKeysWithValues: previous.deps.map { ($0.path, $0) })
    for entry in deps.entries where before[entry.path]?.digest != entry.digest {
      return before[entry.path] == nil
        ? "new dependency \(entry.path)" : "dependency \(entry.path) changed"
    }
    if let removed = previous.deps.first(where: { old in
      !deps.entries.contains { $0.path == old.path }
    }) {
      return "dependency \(removed.path) removed"
    }
    for (file, values) in params.sorted(by: { $0.key < $1.key }) {
      for (key, value) in values.sorted(by: { $0.key < $1.key })
      where previous.params[file]?[key] != value {
        let old = previous.params[file]?[key].map(\.description) ?? "unset"
        return "param \(key) changed: \(old) -> \(value)"
      }
    }
    if previous.params.values.reduce(0, { $0 + $1.count })
      != params.values.reduce(0, { $0 + $1.count })
    {
      return "params changed"
    }
    let recorded = Set(previous.outs.map(\.path))
    if recorded != Set(stage.writtenPaths) { return "outputs changed" }
    return nil
  }

  private enum OutputsState {
    case intact
    /// Something is missing or modified, but the store has the recorded content.
    case restorable(String)
    /// Something is missing or modified and the store lacks it.
    case lost(String)
  }

  private func outputsState(_ state: LockFile.StageState) throws -> OutputsState {
    let store = try workTree.store()
    var problem: String?
    for entry in state.outs {
      let current = try currentEntry(entry.path)
      guard current?.digest != entry.digest else { continue }
      let description =
        current == nil ? "output \(entry.path) is missing" : "output \(entry.path) was modified"
      guard store.contains(entry.digest) else { return .lost(description) }
      problem = problem ?? description
    }
    return problem.map(OutputsState.restorable) ?? .intact
  }

  // MARK: - Outputs

  /// Stores a finished stage's outputs (with pointers) and metrics files; returns its state.
  private func storeOutputs(
    _ stage: Stage, params: [String: [String: ParamValue]], deps: [LockFile.Entry]
  ) throws -> LockFile.StageState {
    var outs = try workTree.trackOutputs(stage.outputs, of: stage.name)
    var metrics: [String: [String: ParamValue]] = [:]
    let store = try workTree.store()
    let writer = store.makeWriter()
    let ingester = FileIngester(
      writer: writer, codecs: store.codecs, compression: workTree.compression,
      progress: SilentProgress())
    for path in stage.metrics {
      guard let text = try FileSystem.readTextIfPresent(workTree.absolute(path)) else {
        throw PipelineError.missingOutput(stage: stage.name, path: path)
      }
      metrics[path] = ParamValue.flatten(try ValuesFile.parse(text, displayPath: path))
      let bytes = Array(text.utf8)
      let digest = try ingester.storeBlob(bytes)
      outs.append(LockFile.Entry(path: path, digest: digest, size: Int64(bytes.count), files: nil))
    }
    try writer.commit()
    return LockFile.StageState(
      cmd: stage.commandText, deps: deps, params: params, outs: outs, metrics: metrics,
      run: runID)
  }

  private func writeLockFile() throws {
    try FileSystem.write(
      Array(lockFile.encoded.utf8), atomicallyTo: workTree.absolute(LockFile.fileName),
      temporaryDirectory: workTree.temporaryDirectory)
    try workTree.repository.stage([LockFile.fileName])
  }

  // MARK: - Environment

  /// mlx's environment, the stage's `env`, and the params: `MLX_PARAMS_FILE` (the root
  /// params file, `-S` overrides written in) and `MLX_PARAM_<KEY>` for each param read.
  private func commandEnvironment(
    _ stage: Stage, params: [String: [String: ParamValue]]
  ) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment.merge(stage.environment) { $1 }
    environment["MLX_RUN_ID"] = runID
    environment["MLX_STAGE"] = stage.name
    for values in params.values {
      for (key, value) in values {
        let name = key.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
        environment["MLX_PARAM_" + String(name)] = value.description
      }
    }
    environment["MLX_PARAMS_FILE"] = workTree.absolute(PipelineSpec.defaultParamsFile)
    return environment
  }

  /// The params files the run read, as text (the `-S` overrides are written in them).
  private func effectiveParamsTexts() throws -> [String: String] {
    var texts: [String: String] = [:]
    for file in paramsFiles.keys {
      texts[file] = try FileSystem.readTextIfPresent(workTree.absolute(file))
    }
    return texts
  }

  // MARK: - Results

  private func result(
    _ stage: Stage, _ status: RunRecord.StageStatus, _ reason: String, started: Date,
    state: LockFile.StageState? = nil, params: [String: [String: ParamValue]] = [:],
    deps: [LockFile.Entry] = []
  ) -> RunRecord.StageResult {
    RunRecord.StageResult(
      name: stage.name, status: status, reason: reason, cmd: stage.commandText, exitCode: nil,
      durationSeconds: Date().timeIntervalSince(started), deps: state?.deps ?? deps,
      params: state?.params ?? params, outs: state?.outs ?? [], metrics: state?.metrics ?? [:],
      producedBy: state?.run)
  }
}

extension RunRecord.Platform {
  /// This machine.
  static var current: RunRecord.Platform {
    var system = utsname()
    uname(&system)
    func text<T>(_ field: T) -> String {
      withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
    return RunRecord.Platform(
      host: ProcessInfo.processInfo.hostName, os: text(system.sysname),
      kernel: text(system.release), architecture: text(system.machine))
  }
}

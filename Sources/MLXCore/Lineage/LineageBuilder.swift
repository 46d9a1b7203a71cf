import Foundation

/// Walks upstream from a model (or any artifact) to everything it came from, checking every
/// link on the way: registry events and their signatures, the commit, the artifact's bytes,
/// the run that produced them, that run's inputs against its commit, recursively down to
/// the data that was added by hand.
final class LineageBuilder {
  let repository: Repository
  private(set) var graph: LineageGraph
  private let store: ObjectStore
  private let runs: RunStore
  private var records: [String: RunRecord?] = [:]
  private var index: RunIndex?
  private var verifiedObjects: [ObjectID: String?] = [:]
  private var lockFiles: [String: LockFile?] = [:]
  /// Skip re-hashing stored content (the `--no-rehash` option); presence is still checked.
  let rehash: Bool

  init(
    repository: Repository, store: ObjectStore, root: String, direction: LineageGraph.Direction,
    rehash: Bool
  ) {
    self.repository = repository
    graph = LineageGraph(direction: direction, root: root)
    self.store = store
    runs = RunStore(repository: repository)
    self.rehash = rehash
  }

  // MARK: - Versions and registry events

  /// A registered version: its events (each audited), its commit, and its artifact at
  /// `path` (the artifact's declared path, when known).
  func addVersion(
    artifact: String, version: String, events allEvents: [RegistryEvent], path: String?,
    audit: (RegistryEvent) throws -> AuditEntry?
  ) throws -> String {
    let events = allEvents.filter { $0.artifact == artifact && $0.version == version }
    guard let registration = events.first(where: { $0.kind == .registration }) else {
      throw RegistryError.unknownVersion(artifact: artifact, version: version)
    }
    let id = "version:\(artifact)@\(version)"
    graph.add(
      LineageNode(
        id: id, kind: .version, title: "\(artifact) \(version)",
        fields: [("artifact", artifact), ("version", version), ("commit", registration.commit)]
          + (path.map { [("path", $0)] } ?? [])))
    for event in events {
      let eventID = "event:\(event.tag)"
      var fields = [
        ("event", event.kind.rawValue), ("tag", event.tag),
        ("by", "\(event.tagger.name) <\(event.tagger.email)>"),
        ("at", Timestamp.format(event.time)),
      ]
      if let stage = event.stage { fields.insert(("stage", stage), at: 1) }
      var node = LineageNode(id: eventID, kind: .event, title: event.tag, fields: fields)
      if let entry = try audit(event) {
        for check in entry.checks where [.gates, .unverifiable].contains(check.kind) {
          let gate = check.name.hasPrefix("gate ") ? String(check.name.dropFirst(5)) : check.name
          node.fields.append(
            .init(
              name: "gate", value: "\(gate): \(check.passed ? "pass" : "FAIL") (\(check.detail))"))
        }
        node.fields.append(.init(name: "signature", value: Self.describe(entry)))
        if let policy = entry.policyCommit {
          node.fields.append(.init(name: "policy", value: String(policy.prefix(7))))
        }
        if entry.signature.status != .valid {
          node.status = entry.passed ? .unverified : node.status
        }
        graph.add(node)
        graph.link(id, eventID, event.kind.rawValue)
        for problem in entry.problems {
          graph.broken(eventID, Self.breakKind(entry.status), "\(event.tag): \(problem)")
        }
      } else {
        graph.add(node)
        graph.link(id, eventID, event.kind.rawValue)
      }
    }
    let commitID = addCommit(registration.commit)
    graph.link(id, commitID, "at commit")
    if let path {
      if let digest = try pointerDigest(path, commit: registration.commit) {
        let artifactID = try addArtifact(
          path: path, digest: digest, commit: registration.commit, context: nil)
        graph.link(id, artifactID, "is")
      } else {
        graph.broken(
          id, .unproducedArtifact,
          "\(path) has no mlx pointer at commit \(registration.commit.prefix(7)); the version's bytes cannot be traced"
        )
      }
    }
    return id
  }

  /// The lineage break an audit status makes.
  static func breakKind(_ status: String) -> LineageBreak.Kind {
    switch AuditStatus(rawValue: status) {
    case .invalid: .invalidSignature
    case .unauthorised: .unauthorisedPromotion
    case .unsigned: .unsignedPromotion
    case .replayed: .replayedTag
    default: .policyViolation
    }
  }

  static func describe(_ entry: AuditEntry) -> String {
    switch entry.signature.status {
    case .valid: "valid (\(entry.signature.format ?? ""), \(entry.signature.fingerprint ?? ""))"
    case .unsigned: entry.signatureRequired ? "missing (required)" : "unsigned"
    case .invalid: "INVALID"
    case .unverifiable: "cannot be checked"
    }
  }

  func link(_ from: String, _ to: String, _ label: String) { graph.link(from, to, label) }

  func addCommit(_ commit: String) -> String {
    let id = "commit:\(commit)"
    var fields = [("commit", commit)]
    if let oid = GitOID(hex: commit), let info = try? repository.commitInfo(oid) {
      fields += [
        ("author", "\(info.author.name) <\(info.author.email)>"),
        ("date", Timestamp.format(Date(timeIntervalSince1970: TimeInterval(info.time)))),
        ("message", String(info.message.split(separator: "\n").first ?? "")),
      ]
    }
    graph.add(
      LineageNode(id: id, kind: .commit, title: "commit \(commit.prefix(7))", fields: fields))
    return id
  }

  /// A commit and every output its `mlx.lock` records, each checked like any artifact.
  func addCommitWithOutputs(_ commit: String) throws -> String {
    let root = addCommit(commit)
    for (name, state) in (try lockFile(at: commit)?.stages ?? [:]).sorted(by: { $0.key < $1.key }) {
      for out in state.outs {
        let id = try addArtifact(path: out.path, digest: out.digest, commit: commit, context: nil)
        link(root, id, "stage \(name) wrote")
      }
    }
    return root
  }

  // MARK: - Artifacts

  /// An artifact version: its content checked in the store, and what produced it.
  @discardableResult
  func addArtifact(path: String, digest: ObjectID, commit: String?, context: RunRecord?) throws
    -> String
  {
    let id = "artifact:\(path)@\(digest)"
    let isCode = try isCodeFile(path, commit: commit)
    var node = LineageNode(
      id: id, kind: isCode ? .code : .artifact, title: path,
      fields: [("path", path), ("digest", digest.description)])
    guard graph.add(node) else { return id }
    if !isCode {
      switch verifyObject(digest) {
      case .some(nil):
        break
      case .some(let problem?):
        graph.broken(id, .corruptObject, "\(path) \(digest.short): \(problem)")
      case .none:
        node.status = .unverified
        node.notes.append(
          "content not available locally (not in the store), so it could not be re-hashed")
        replace(node)
      }
    }
    if isCode {
      replace(node)
      return id
    }
    if let commit { try checkLockAgainstRuns(path: path, commit: commit, node: id) }
    switch try producer(of: path, digest: digest, commit: commit, context: context) {
    case .run(let runID, let stage):
      let runID = try addRun(runID, stage: stage, output: (path, digest), claimedAt: commit)
      graph.link(id, runID, "produced by")
    case .added:
      node.fields.append(.init(name: "origin", value: "added by hand with mlx add"))
      replace(node)
    case .mismatch(let recorded):
      graph.broken(
        id, .unproducedArtifact,
        "\(path) is \(digest.short) but the run recorded for it wrote \(recorded.short): bytes no recorded run produced"
      )
    }
    return id
  }

  private func replace(_ node: LineageNode) {
    if let index = graph.nodes.firstIndex(where: { $0.id == node.id }) {
      let status = graph.nodes[index].status == .broken ? .broken : node.status
      graph.nodes[index] = node
      graph.nodes[index].status = status
    }
  }

  /// Nil when present and sound; the problem when corrupt; `.none` when not in the store.
  private func verifyObject(_ digest: ObjectID) -> String?? {
    if let known = verifiedObjects[digest] { return .some(known) }
    guard store.contains(digest) else { return .none }
    var problem: String?
    if rehash {
      do {
        try store.streamContent(of: digest, rehashWhole: true) { _ in }
      } catch {
        problem = "\(error)"
      }
    }
    verifiedObjects[digest] = .some(problem)
    return .some(problem)
  }

  private enum Producer {
    case run(String, stage: String?)
    case added
    /// The lock names this path as an output, with other bytes.
    case mismatch(ObjectID)
  }

  /// Who wrote `path` with `digest`: the run being walked, the lock file at `commit`, or any
  /// recorded run; `.added` for data no stage writes.
  private func producer(
    of path: String, digest: ObjectID, commit: String?, context: RunRecord?
  ) throws -> Producer {
    if let context {
      for stage in context.stages where stage.status == .ran || stage.status == .restored {
        if stage.outs.contains(where: { $0.path == path && $0.digest == digest }) {
          return .run(stage.producedBy ?? context.id, stage: stage.name)
        }
      }
    }
    var recordedElsewhere: ObjectID?
    if let commit, let lock = try lockFile(at: commit) {
      for (name, state) in lock.stages.sorted(by: { $0.key < $1.key }) {
        guard let out = state.outs.first(where: { $0.path == path }) else { continue }
        if out.digest == digest, let run = state.run { return .run(run, stage: name) }
        if out.digest != digest { recordedElsewhere = out.digest }
      }
    }
    if let found = try runIndex().producer(of: digest, path: path) {
      return .run(found.run, stage: found.stage)
    }
    if let recordedElsewhere { return .mismatch(recordedElsewhere) }
    return .added
  }

  /// Every entry the lock file at `commit` holds for `path` must be what the run it names
  /// recorded: a lock edited by hand (or by anything but `mlx run`) no longer matches.
  private func checkLockAgainstRuns(path: String, commit: String, node: String) throws {
    guard let lock = try lockFile(at: commit) else { return }
    for (name, state) in lock.stages.sorted(by: { $0.key < $1.key }) {
      guard let out = state.outs.first(where: { $0.path == path }), let runID = state.run,
        let record = try record(runID),
        let written = record.stages.first(where: { $0.name == name })?.outs.first(where: {
          $0.path == path
        }),
        written.digest != out.digest
      else { continue }
      graph.broken(
        node, .lockMismatch,
        "mlx.lock at commit \(commit.prefix(7)) says stage \(name) (run \(runID)) wrote \(path) as \(out.digest.short), but the run recorded \(written.digest.short): the lock file was edited"
      )
    }
  }

  func runIndex() throws -> RunIndex {
    if let index { return index }
    let built = try RunIndex.load(repository)
    index = built
    return built
  }

  // MARK: - Runs

  /// A run: who, where, when, clean or dirty; its params; and its inputs, each checked
  /// against `claimedAt` (the commit that records the run's outputs: what a user commits
  /// after `mlx run`) and walked upstream in turn. Without one, the commit whose `mlx.lock`
  /// names the run is looked for at HEAD.
  @discardableResult
  func addRun(_ runID: String, stage: String?, output: (String, ObjectID)?, claimedAt: String?)
    throws -> String
  {
    let id = "run:\(runID)" + (stage.map { ":\($0)" } ?? "")
    guard !graph.nodes.contains(where: { $0.id == id }) else { return id }
    guard let record = try record(runID) else {
      graph.add(
        LineageNode(
          id: id, kind: .run, title: "run \(runID)", fields: [("run", runID)], status: .broken))
      graph.broken(
        id, .missingRun,
        "run \(runID) is named by mlx.lock but refs/mlx/runs/\(runID) does not exist: who ran it, where and on what is unknown"
      )
      return id
    }
    // One stage when walking to an output; every stage that wrote something for a run target.
    let results =
      stage.map { name in record.stages.filter { $0.name == name } }
      ?? record.stages.filter { $0.status == .ran || $0.status == .restored }
    let result = results.count == 1 ? results.first : nil
    var fields: [(String, String)] = [
      ("run", record.id), ("stage", results.map(\.name).joined(separator: ", ")),
      ("by", "\(record.user.name) <\(record.user.email)>"), ("host", record.platform.host),
      ("started", Timestamp.format(record.startedAt)),
      ("duration", String(format: "%.2f s", record.durationSeconds)),
      ("exit status", String(record.exitStatus)),
      ("code", record.code.summary),
      ("mlx", record.mlxVersion),
    ]
    for result in results { fields.append(("command", result.cmd)) }
    let title =
      "run \(record.id)"
      + (results.isEmpty ? "" : " (\(results.map(\.name).joined(separator: ", ")))")
    var node = LineageNode(id: id, kind: .run, title: title, fields: fields)
    if record.code.commit == nil {
      node.status = .unverified
      node.notes.append(
        "made before the first commit: no commit holds the code it ran, only the inputs it records are checked"
      )
    }
    graph.add(node)
    if record.code.dirty {
      let files = record.code.uncommitted.map { ": " + $0.joined(separator: ", ") } ?? ""
      graph.broken(
        id, .dirtyRun,
        "run \(record.id) was made with uncommitted changes to files it does not record\(files): the code it ran is in no commit"
      )
    }
    if let (path, digest) = output, let result,
      !result.outs.contains(where: { $0.path == path && $0.digest == digest })
    {
      graph.broken(id, .runMismatch, "run \(record.id) did not write \(path) as \(digest.short)")
    }
    if let commit = record.code.commit {
      graph.link(id, addCommit(commit), "code")
    }
    let params = results.reduce(into: [String: [String: ParamValue]]()) { all, result in
      all.merge(result.params) { $0.merging($1) { $1 } }
    }
    let claimedAt = try claimedAt ?? headClaiming(record.id)
    if !params.isEmpty {
      let paramsID = "params:\(record.id):\(results.map(\.name).joined(separator: ","))"
      let values = params.sorted { $0.key < $1.key }.flatMap { file, values in
        values.sorted { $0.key < $1.key }.map { ("\(file): \($0.key)", $0.value.description) }
      }
      graph.add(LineageNode(id: paramsID, kind: .params, title: "params", fields: values))
      graph.link(id, paramsID, "params")
      if let claimedAt {
        try checkParams(params, of: record.id, at: claimedAt, node: paramsID)
      }
    }
    if claimedAt == nil, let index = graph.nodes.firstIndex(where: { $0.id == id }) {
      graph.nodes[index].notes.append(
        "no commit's mlx.lock at HEAD names this run: its inputs are not checked against a commit")
      if graph.nodes[index].status == .verified { graph.nodes[index].status = .unverified }
    }
    // Inputs a stage of the same run wrote are reached through that stage's own entry.
    let written = Set(results.flatMap { $0.outs.map(\.digest) })
    for dep in results.flatMap(\.deps) where !written.contains(dep.digest) || results.count == 1 {
      let depID = try addArtifact(
        path: dep.path, digest: dep.digest, commit: claimedAt, context: record)
      graph.link(id, depID, "used")
      // An input an earlier stage of this run wrote is checked against that stage instead.
      let writtenInRun = record.stages.contains { stage in
        (stage.status == .ran || stage.status == .restored)
          && stage.outs.contains { $0.path == dep.path && $0.digest == dep.digest }
      }
      if !writtenInRun, let commit = claimedAt,
        let recorded = try recordedDigest(dep.path, commit: commit), recorded != dep.digest
      {
        graph.broken(
          depID, .inputMismatch,
          "run \(record.id) read \(dep.path) as \(dep.digest.short) but commit \(commit.prefix(7)) records \(recorded.short)"
        )
      }
    }
    return id
  }

  /// Checks the param values a run read against the params files at `commit` (the commit
  /// that records the run's outputs): a commit whose params say one thing while its outputs
  /// came from another is a `params-mismatch` break on the run's params node.
  private func checkParams(
    _ params: [String: [String: ParamValue]], of runID: String, at commit: String,
    node: String
  ) throws {
    guard let oid = GitOID(hex: commit) else { return }
    for (file, values) in params.sorted(by: { $0.key < $1.key }) {
      // What a commit holds is untrusted: a file that does not parse disagrees with the run.
      let tree = try repository.file(file, inCommit: oid).flatMap {
        try? ValuesFile.parse(String(decoding: $0, as: UTF8.self), displayPath: file)
      }
      for (key, value) in values.sorted(by: { $0.key < $1.key })
      where tree?.lookup(key) != value {
        let committed =
          tree == nil
          ? "has no readable \(file)" : "records \(tree?.lookup(key)?.description ?? "no value")"
        graph.broken(
          node, .paramsMismatch,
          "run \(runID) read \(file) \(key) = \(value) but commit \(commit.prefix(7)) \(committed): the commit's params did not make its outputs"
        )
      }
    }
  }

  /// HEAD, when its `mlx.lock` names the run.
  private func headClaiming(_ runID: String) throws -> String? {
    guard let head = try repository.headCommit()?.hex,
      let lock = try lockFile(at: head), lock.stages.values.contains(where: { $0.run == runID })
    else { return nil }
    return head
  }

  func record(_ runID: String) throws -> RunRecord? {
    if let known = records[runID] { return known }
    // A run no record names is a break the caller shows; a record that does not read is an
    // error naming it (never quietly "missing").
    var record: RunRecord?
    do {
      record = try runs.load(runID)
    } catch PipelineError.unknownRun {
      record = nil
    }
    records[runID] = record
    return record
  }

  // MARK: - What commits record

  func lockFile(at commit: String) throws -> LockFile? {
    if let known = lockFiles[commit] { return known }
    var lock: LockFile?
    switch try GitOID(hex: commit).flatMap({ try repository.lockFile(inCommit: $0) }) {
    case .success(let parsed):
      lock = parsed
    case .failure(let error):
      graph.broken(
        addCommit(commit), .malformedRecord,
        "\(LockFile.fileName) at commit \(commit.prefix(7)) cannot be read: \(error)")
    case nil:
      break
    }
    lockFiles[commit] = lock
    return lock
  }

  /// The digest of `path`'s mlx pointer at `commit`.
  /// A pointer that is there but does not parse is a break on the commit, never "no pointer".
  func pointerDigest(_ path: String, commit: String) throws -> ObjectID? {
    let committed = try repository.committedPointer(path: path, commit: commit)
    if case .unreadable(let problem) = committed {
      graph.broken(
        addCommit(commit), .malformedRecord,
        "\(path)\(PointerFile.suffix) at commit \(commit.prefix(7)) cannot be read: \(problem)")
    }
    return committed.digest
  }

  /// What `commit` records for `path`: its pointer's digest, or the SHA-256 of the file Git
  /// holds there (code).
  private func recordedDigest(_ path: String, commit: String) throws -> ObjectID? {
    if let digest = try pointerDigest(path, commit: commit) { return digest }
    guard let oid = GitOID(hex: commit),
      let bytes = try repository.file(path, inCommit: oid)
    else {
      return nil
    }
    return ObjectID(hashing: bytes)
  }

  /// Whether `path` is a file Git itself tracks at `commit` (code), not mlx data.
  private func isCodeFile(_ path: String, commit: String?) throws -> Bool {
    guard let commit, let oid = GitOID(hex: commit) else { return false }
    if try repository.file(path + PointerFile.suffix, inCommit: oid) != nil {
      return false
    }
    return try repository.file(path, inCommit: oid) != nil
  }
}

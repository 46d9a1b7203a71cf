import Foundation

/// What `mlx lineage` starts from.
public enum LineageTarget: Sendable, Equatable {
  case version(artifact: String, version: String)
  case stage(artifact: String, stage: String)
  case path(String, revision: String?)
  case commit(String)
  case run(String)
  case digest(ObjectID)
}

/// Options of `mlx lineage`.
public struct LineageOptions: Sendable {
  public var downstream = false
  /// For `NAME#STAGE`: the version that held the stage at this time.
  public var at: Date?
  /// Re-hash stored content on every link (default); off, presence is still checked.
  public var rehash = true
  public init() {}
}

extension Workspace {
  /// Resolves what the user typed: `NAME@vX.Y.Z`, `NAME#STAGE` or `NAME:STAGE`, `PATH[@REV]`,
  /// a run id, a `sha256:` digest, or a commit.
  public func lineageTarget(_ text: String) throws -> LineageTarget {
    if let digest = ObjectID(parsing: text) { return .digest(digest) }
    if let stage = ArtifactStageReference(text) {
      return .stage(artifact: stage.artifact, stage: stage.stage)
    }
    if let at = text.lastIndex(of: "@") {
      let name = String(text[..<at])
      let suffix = String(text[text.index(after: at)...])
      if RegistryTagName.isValidArtifact(name), SemanticVersion(suffix) != nil {
        return .version(artifact: name, version: suffix)
      }
      if try isTrackedPath(name) { return .path(try repositoryPath(for: name), revision: suffix) }
    }
    if try isTrackedPath(text) { return .path(try repositoryPath(for: text), revision: nil) }
    if let id = try? RunStore(repository: repository).resolve(text) { return .run(id) }
    if let commit = try? repository.commit(text) { return .commit(commit.hex) }
    throw LineageError.unknownTarget(text)
  }

  private func isTrackedPath(_ text: String) throws -> Bool {
    guard let path = try? repositoryPath(for: text) else { return false }
    if try FileStatus.of(absolute(path + PointerFile.suffix)) != nil { return true }
    return try repository.isIndexed(path + PointerFile.suffix)
  }

  /// The lineage of `target`: upstream by default, downstream with `options.downstream`.
  public func lineage(of target: LineageTarget, options: LineageOptions = LineageOptions()) throws
    -> LineageGraph
  {
    options.downstream
      ? try downstreamLineage(of: target) : try upstreamLineage(of: target, options: options)
  }

  private func upstreamLineage(of target: LineageTarget, options: LineageOptions) throws
    -> LineageGraph
  {
    let builder = try LineageBuilder(
      workspace: self, root: "", direction: .upstream, rehash: options.rehash)
    let root: String
    switch target {
    case .version(let artifact, let version):
      root = try addVersion(artifact, version, to: builder)
    case .stage(let artifact, let stage):
      let snapshot = try registryReading().counted(all: false).snapshot
      guard snapshot.artifacts.contains(artifact) else {
        throw RegistryError.unknownArtifact(artifact, known: snapshot.artifacts)
      }
      guard let holder = snapshot.state(of: artifact, at: options.at).stages[stage] else {
        throw RegistryError.stageNotHeld(artifact: artifact, stage: stage)
      }
      root = try addVersion(artifact, holder.version, to: builder)
    case .path(let path, let revision):
      let commit = try resolveCommit(revision)
      guard
        let digest = try builder.pointerDigest(path, commit: commit)
          ?? (revision == nil ? try artifacts(named: [path]).first?.pointer.digest : nil)
      else { throw LineageError.notTracked(path: path, revision: revision ?? "HEAD") }
      root = try builder.addArtifact(path: path, digest: digest, commit: commit, context: nil)
    case .commit(let commit):
      root = builder.addCommit(commit)
      for (name, state) in (try builder.lockFile(at: commit)?.stages ?? [:]).sorted(by: {
        $0.key < $1.key
      }) {
        for out in state.outs {
          let id = try builder.addArtifact(
            path: out.path, digest: out.digest, commit: commit, context: nil)
          builder.link(root, id, "stage \(name) wrote")
        }
      }
    case .run(let id):
      root = try builder.addRun(id, stage: nil, output: nil, claimedAt: nil)
    case .digest(let digest):
      let commit = try? resolveCommit(nil)
      var path = try artifacts().first { $0.pointer.digest == digest }?.path
      if path == nil, let producer = try builder.runIndex().producer(of: digest, path: ""),
        let record = try builder.record(producer.run)
      {
        path = record.stages.flatMap(\.outs).first { $0.digest == digest }?.path
      }
      guard let path else { throw LineageError.unknownDigest(digest) }
      root = try builder.addArtifact(path: path, digest: digest, commit: commit, context: nil)
    }
    var graph = builder.graph
    graph.root = root
    return graph
  }

  private func addVersion(_ artifact: String, _ version: String, to builder: LineageBuilder) throws
    -> String
  {
    let reading = try registryReading()
    let entries = Dictionary(try reading.audit().entries.map { ($0.tag, $0) }) { first, _ in first }
    return try builder.addVersion(
      artifact: artifact, version: version, events: try reading.snapshot.events,
      path: try artifactPath(artifact, reading: reading, given: nil)
    ) { entries[$0.tag] }
  }

  // MARK: - Downstream

  /// Everything that consumed the target's content, directly or through other stages: runs
  /// (from every run record), the artifacts they wrote, the model versions registered with
  /// those bytes and their registry events, and stages recorded in `mlx.lock` on any branch.
  private func downstreamLineage(of target: LineageTarget) throws -> LineageGraph {
    let (path, digest) = try startingContent(of: target)
    var graph = LineageGraph(direction: .downstream, root: "artifact:\(path)@\(digest)")
    graph.add(
      LineageNode(
        id: graph.root, kind: .artifact, title: path,
        fields: [("path", path), ("digest", digest.description)]))
    let index = try RunIndex.load(repository)
    var reached: [ObjectID: String] = [digest: graph.root]
    var queue = [digest]
    while let current = queue.popLast() {
      for run in index.runs {
        for stage in run.stages
        where stage.wroteOutputs && stage.deps.contains(where: { $0.digest == current }) {
          let runID = "run:\(run.id):\(stage.name)"
          graph.add(
            LineageNode(
              id: runID, kind: .run, title: "run \(run.id) (\(stage.name))",
              fields: [
                ("run", run.id), ("stage", stage.name), ("by", run.user),
                ("started", Timestamp.format(Date(timeIntervalSince1970: run.startedAt))),
                ("code", (run.codeCommit ?? "none") + (run.dirty ? " (dirty)" : " (clean)")),
              ]))
          graph.link(reached[current]!, runID, "used by")
          for out in stage.outs {
            let outID = "artifact:\(out.path)@\(out.digest)"
            graph.add(
              LineageNode(
                id: outID, kind: .artifact, title: out.path,
                fields: [("path", out.path), ("digest", out.digest.description)]))
            graph.link(runID, outID, "wrote")
            if reached[out.digest] == nil {
              reached[out.digest] = outID
              queue.append(out.digest)
            }
          }
        }
      }
    }
    try addRegisteredVersions(reaching: reached, to: &graph)
    try addBranchStages(reaching: reached, index: index, to: &graph)
    return graph
  }

  /// The (path, digest) a downstream walk starts from.
  private func startingContent(of target: LineageTarget) throws -> (String, ObjectID) {
    switch target {
    case .digest(let digest):
      let path = try artifacts().first { $0.pointer.digest == digest }?.path
      return (path ?? digest.short, digest)
    case .path(let path, let revision):
      let commit = try resolveCommit(revision)
      if let oid = GitOID(hex: commit),
        let bytes = try repository.file(path + PointerFile.suffix, inCommit: oid),
        let pointer = try? PointerFile(
          parsing: String(decoding: bytes, as: UTF8.self), pointerPath: path)
      {
        return (path, pointer.digest)
      }
      if revision == nil, let artifact = try artifacts(named: [path]).first {
        return (path, artifact.pointer.digest)
      }
      throw LineageError.notTracked(path: path, revision: revision ?? "HEAD")
    case .version(let artifact, let version):
      let deployment = try registry(artifact: artifact).artifacts.first?.versions.first {
        $0.version == version
      }
      guard let deployment,
        let path = try artifactPath(artifact, reading: registryReading(), given: nil),
        let digest = try evidence(path: path, commit: deployment.commit).digest
      else { throw RegistryError.unknownVersion(artifact: artifact, version: version) }
      return (path, digest)
    case .stage(let artifact, let stage):
      let deployment = try which(artifact: artifact, stage: stage)
      guard let path = deployment.path,
        let digest = deployment.digest.flatMap(ObjectID.init(parsing:))
      else {
        throw RegistryError.stageNotHeld(artifact: artifact, stage: stage)
      }
      return (path, digest)
    case .commit, .run:
      throw LineageError.downstreamNeedsData
    }
  }

  /// Model versions whose registered bytes were reached, with their registry events.
  private func addRegisteredVersions(
    reaching reached: [ObjectID: String], to graph: inout LineageGraph
  ) throws {
    let reading = try registryReading()
    let snapshot = try reading.snapshot
    var versionDigests: [String: ObjectID] = [:]
    // A version's bytes are its pointer's digest at the registered commit: what the Git
    // objects say, never a tag message's claim.
    var paths: [String: String?] = [:]
    for event in snapshot.events where event.kind == .registration {
      if paths[event.artifact] == nil {
        paths[event.artifact] = try artifactPath(event.artifact, reading: reading, given: nil)
      }
      guard let version = event.version, let path = paths[event.artifact] ?? nil,
        let digest = try pointerDigest(path: path, commit: event.commit)
      else { continue }
      versionDigests["\(event.artifact)@\(version)"] = digest
    }
    for (key, digest) in versionDigests.sorted(by: { $0.key < $1.key }) {
      guard let from = reached[digest] else { continue }
      let versionID = "version:\(key)"
      graph.add(
        LineageNode(
          id: versionID, kind: .version, title: key,
          fields: [("version", key), ("digest", digest.description)]))
      graph.link(from, versionID, "registered as")
      for event in snapshot.events where "\(event.artifact)@\(event.version ?? "")" == key {
        let eventID = "event:\(event.tag)"
        graph.add(
          LineageNode(
            id: eventID, kind: .event, title: event.tag,
            fields: [
              ("event", event.kind.rawValue), ("by", event.tagger.email),
              ("at", Timestamp.format(event.time)),
            ]
              + (event.stage.map { [("stage", $0)] } ?? [])))
        graph.link(versionID, eventID, event.kind.rawValue)
      }
    }
  }

  /// Stages in `mlx.lock` at every branch head that read reached content, when their run is
  /// not recorded (runs that are recorded are already in the graph).
  private func addBranchStages(
    reaching reached: [ObjectID: String], index: RunIndex, to graph: inout LineageGraph
  ) throws {
    let known = Set(index.runs.map(\.id))
    for (branch, commit) in try repository.references(matching: "refs/heads/*") {
      guard let bytes = try repository.file(LockFile.fileName, inCommit: commit),
        let lock = try? LockFile(parsing: String(decoding: bytes, as: UTF8.self))
      else { continue }
      for (name, state) in lock.stages.sorted(by: { $0.key < $1.key }) {
        guard let dep = state.deps.first(where: { reached[$0.digest] != nil }) else { continue }
        if let run = state.run, known.contains(run) { continue }
        let id = "stage:\(branch):\(name)"
        graph.add(
          LineageNode(
            id: id, kind: .run,
            title: "stage \(name) on \(branch.replacingOccurrences(of: "refs/heads/", with: ""))",
            fields: [("commit", commit.hex), ("run", state.run ?? "none recorded")],
            status: .unverified))
        graph.link(reached[dep.digest]!, id, "used by")
      }
    }
  }
}

/// Lineage errors.
public enum LineageError: Error, CustomStringConvertible, Equatable {
  case unknownTarget(String)
  case notTracked(path: String, revision: String)
  case unknownDigest(ObjectID)
  case downstreamNeedsData
  case provenanceNeedsArtifact
  case renderingFailed(String)
  case notAnEnvelope(path: String)

  public var description: String {
    switch self {
    case .unknownTarget(let text):
      "'\(text)' is not a version (NAME@vX.Y.Z), a stage (NAME#STAGE), a tracked path, a run id, a digest or a commit"
    case .notTracked(let path, let revision):
      "\(path) has no mlx pointer at \(revision)"
    case .unknownDigest(let digest):
      "no tracked artifact or recorded run has the content \(digest)"
    case .downstreamNeedsData:
      "--downstream starts from data: give a path, a digest, a version or a stage"
    case .notAnEnvelope(let path):
      "\(path) is not a DSSE envelope (JSON with payloadType, payload and signatures); "
        + "write one with `mlx lineage TARGET --format slsa --sign`"
    case .renderingFailed(let message):
      "Graphviz's dot failed: \(message)"
    case .provenanceNeedsArtifact:
      "a provenance statement needs an artifact with a digest: give a version, a stage, a path or a digest"
    }
  }
}

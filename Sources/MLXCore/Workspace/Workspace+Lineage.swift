import Foundation

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
    // Not a commit is an answer here, not a failure: the text may name something else.
    let commit = try? repository.commit(text)
    if let id = try RunStore(repository: repository).resolveIfRun(
      text, isRevision: { commit != nil })
    {
      return .run(id)
    }
    if let commit { return .commit(commit.hex) }
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
    guard !options.downstream else { return try downstreamLineage(of: target) }
    var graph = try upstreamLineage(of: target, options: options)
    try annotateFeatureSets(&graph)
    return graph
  }

  private func upstreamLineage(of target: LineageTarget, options: LineageOptions) throws
    -> LineageGraph
  {
    let builder = LineageBuilder(
      repository: repository, store: try store(), root: "", direction: .upstream,
      rehash: options.rehash)
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
      root = try builder.addCommitWithOutputs(commit)
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
}

import Foundation

extension Workspace {
  // MARK: - Downstream

  /// Everything that consumed the target's content (see ``DownstreamLineage``).
  func downstreamLineage(of target: LineageTarget) throws -> LineageGraph {
    let (path, digest) = try startingContent(of: target)
    let walk = DownstreamLineage(
      repository: repository, index: try RunIndex.load(repository),
      versions: try registeredVersionContent())
    return try walk.graph(from: path, digest: digest)
  }

  /// The (path, digest) a downstream walk starts from.
  private func startingContent(of target: LineageTarget) throws -> (String, ObjectID) {
    switch target {
    case .digest(let digest):
      let path = try artifacts().first { $0.pointer.digest == digest }?.path
      return (path ?? digest.short, digest)
    case .path(let path, let revision):
      switch try repository.committedPointer(path: path, commit: try resolveCommit(revision)) {
      case .pointer(let pointer):
        return (path, pointer.digest)
      case .unreadable(let problem):
        throw LineageError.unreadablePointer(revision: revision ?? "HEAD", problem: problem)
      case .absent:
        break
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
        let digest = try repository.artifactEvidence(path: path, commit: deployment.commit).digest
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

  /// Every registered version's bytes — its pointer's digest at the registered commit, what
  /// the Git objects say, never a tag message's claim — with the version's registry events.
  private func registeredVersionContent() throws -> [DownstreamLineage.RegisteredContent] {
    let reading = try registryReading()
    let snapshot = try reading.snapshot
    var paths: [String: String?] = [:]
    var found: [String: DownstreamLineage.RegisteredContent] = [:]
    for event in snapshot.events where event.kind == .registration {
      if paths[event.artifact] == nil {
        paths[event.artifact] = try artifactPath(event.artifact, reading: reading, given: nil)
      }
      guard let version = event.version, let path = paths[event.artifact] ?? nil,
        let digest = try repository.pointerDigest(path: path, commit: event.commit)
      else { continue }
      let key = "\(event.artifact)@\(version)"
      found[key] = .init(
        name: key, digest: digest,
        events: snapshot.events.filter { $0.artifact == event.artifact && $0.version == version })
    }
    return found.values.sorted { $0.name < $1.name }
  }
}

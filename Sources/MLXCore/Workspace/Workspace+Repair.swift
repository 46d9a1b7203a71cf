/// What `mlx verify --repair` did.
public struct RepairReport: Codable, Sendable {
  /// Tracked paths whose content was stored again from their work-tree files.
  public var fromWorkTree: [String] = []
  /// Tracked paths, or objects, fetched again from the remote.
  public var fromRemote: [String] = []
  public var remote: String?
  /// Why the remote could not help, when it could not.
  public var remoteProblem: String?
  /// What could not be restored: a tracked path (or the object itself) and the objects lost.
  public var lost: [VerifyReport.Problem] = []
}

extension Workspace {
  /// Verifies the store, then stores every damaged or missing object again: from the work
  /// tree, where a tracked file still has the content its pointer records, then from the
  /// remote (`remote`, or the default one, when there is one). Returns the verification and
  /// what was restored and lost.
  public func repair(remote: String?, jobs: Int? = nil, progress: ProgressReporter) throws
    -> (verified: VerifyReport, repair: RepairReport)
  {
    let lock = try self.lock()
    defer { withExtendedLifetime(lock) {} }
    let verified = try verify(progress: progress)
    var report = RepairReport()
    guard !verified.isHealthy else { return (verified, report) }
    let store = try self.store()

    typealias Target = (name: String, root: ObjectClosure.Root, artifact: TrackedArtifact?)
    func absent(_ target: Target) throws -> [ObjectID] {
      try ObjectClosure([target.root], in: store).absent
    }
    var targets: [Target] = try scanArtifacts().artifacts.map {
      ($0.path, .init(digest: $0.pointer.digest, isDirectory: $0.pointer.isDirectory), $0)
    }
    targets = try targets.filter { try !absent($0).isEmpty }
    // Damaged objects no tracked path needs now (older versions) are restored by id.
    let needed = Set(try targets.flatMap(absent))
    for problem in verified.corrupt {
      guard let id = ObjectID(parsing: problem.object), !needed.contains(id),
        !store.contains(id)
      else { continue }
      targets.append((id.description, .init(digest: id, isDirectory: false), nil))
    }

    // The work tree first: a file whose bytes still hash to its pointer's digest.
    let writer = store.makeWriter()
    let storer = ArtifactStorer(
      location: location,
      ingester: FileIngester(
        writer: writer, codecs: store.codecs, compression: compression, progress: progress))
    var restored: Set<String> = []
    for target in targets {
      guard let artifact = target.artifact,
        let checked = try? AddTarget.check(
          artifact.path, shownAs: artifact.path, existing: [], in: location)
      else { continue }
      var statCache = StatCache()
      let pointer = try storer.store(
        artifact.path, status: checked.status, files: checked.files, kind: artifact.pointer.kind,
        description: nil, statCache: &statCache)
      if pointer.digest == artifact.pointer.digest { restored.insert(target.name) }
    }
    try writer.commit()
    report.fromWorkTree = targets.map(\.name).filter(restored.contains)
    targets = try targets.filter { try !absent($0).isEmpty }

    // Then the remote.
    if !targets.isEmpty, remote != nil || !remotes.isEmpty {
      do {
        let opened = try openRemote(remote, jobs: jobs)
        report.remote = opened.spec.name
        let catalog = try opened.catalog()
        let fetcher = RemoteFetcher(
          store: store, storage: opened.storage, remoteName: opened.spec.name)
        for target in targets {
          do {
            _ = try fetcher.fetch([target.root], catalog: catalog, progress: progress)
            report.fromRemote.append(target.name)
          } catch let error as RemoteError {
            if case .missingObjects = error { continue }
            throw error
          }
        }
      } catch let error as RemoteError {
        report.remoteProblem = error.description
      }
      targets = try targets.filter { try !absent($0).isEmpty }
    }
    for target in targets {
      let ids = try absent(target)
      report.lost.append(
        .init(
          object: ids.map(\.description).joined(separator: " "),
          location: target.name, problem: "\(ids.count) object\(ids.count == 1 ? "" : "s") lost"))
    }
    return (verified, report)
  }
}

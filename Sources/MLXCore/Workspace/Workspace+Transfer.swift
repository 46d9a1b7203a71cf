/// What `mlx push` or `mlx fetch` did.
public struct TransferReport: Codable, Sendable {
  public var remote: String
  /// Tracked artifacts whose content was considered.
  public var artifacts: Int
  public var totals: TransferTotals
}

/// What `mlx pull` did: the fetch, then the checkout.
public struct PullReport: Codable, Sendable {
  public var fetch: TransferReport
  public var checkout: CheckoutReport
}

/// What `mlx status --remote` found: the artifacts whose content the remote lacks.
public struct RemoteStatusReport: Codable, Sendable {
  public struct Missing: Codable, Sendable, Equatable {
    public var path: String
    public var digest: ObjectID
  }

  public var remote: String
  /// `--rev`'s revision, `all-commits` or `all-tags`; nil for the work tree.
  public var revision: String?
  public var artifacts: Int
  public var missing: [Missing]
}

/// `mlx push`, `fetch`, `pull` and `status --remote`: content between the store and a remote.
extension Workspace {
  /// Uploads what the pointers need; `jobs` bounds an S3 remote's parallel requests.
  public func push(
    _ paths: [String], remote name: String?, at selection: RevisionSelection,
    jobs: Int? = nil, progress: ProgressReporter
  ) throws -> TransferReport {
    let remote = try openRemote(name, jobs: jobs)
    let roots = try contentRoots(paths, at: selection)
    let store = try self.store()
    let catalog = try remote.catalog()
    let closure = try ObjectClosure(roots.map { $0.root }, in: store)
    let lacking = closure.absent.filter { !catalog.contains($0) }
    guard lacking.isEmpty else {
      throw RemoteError.missingObjects(remote: remote.spec.name, ids: lacking)
    }
    let pusher = RemotePusher(
      store: store, storage: remote.storage, remoteName: remote.spec.name,
      cacheFolder: remote.cacheFolder)
    var totals = try pusher.push(closure.objects, catalog: catalog, progress: progress)
    totals.alreadyPresent += closure.absent.count
    return TransferReport(remote: remote.spec.name, artifacts: roots.count, totals: totals)
  }

  /// Downloads what the pointers need. Holds the workspace lock, so a second fetch in the
  /// same clone waits and then finds the objects the first one brought.
  public func fetch(
    _ paths: [String], remote name: String?, at selection: RevisionSelection,
    jobs: Int? = nil, progress: ProgressReporter
  ) throws -> TransferReport {
    let lock = try self.lock()
    defer { withExtendedLifetime(lock) {} }
    return try fetchHoldingLock(
      paths, remote: name, at: selection, jobs: jobs, progress: progress)
  }

  /// Fetches what the work tree's pointers need, then checks those paths out, under one
  /// hold of the workspace lock.
  public func pull(
    _ paths: [String], remote name: String?, force: Bool, jobs: Int? = nil,
    progress: ProgressReporter
  ) throws -> PullReport {
    let lock = try self.lock()
    defer { withExtendedLifetime(lock) {} }
    let fetched = try fetchHoldingLock(
      paths, remote: name, at: .workTree, jobs: jobs, progress: progress)
    var statCache = StatCache.load(from: statCachePath)
    let checkedOut = try restore(
      try artifacts(named: paths), force: force, statCache: &statCache, progress: progress)
    try statCache.save(to: statCachePath, temporaryDirectory: temporaryDirectory)
    return PullReport(fetch: fetched, checkout: checkedOut)
  }

  private func fetchHoldingLock(
    _ paths: [String], remote name: String?, at selection: RevisionSelection, jobs: Int?,
    progress: ProgressReporter
  ) throws -> TransferReport {
    let remote = try openRemote(name, jobs: jobs)
    let roots = try contentRoots(paths, at: selection)
    let fetcher = RemoteFetcher(
      store: try store(), storage: remote.storage, remoteName: remote.spec.name)
    let totals = try fetcher.fetch(
      roots.map { $0.root }, catalog: try remote.catalog(), progress: progress)
    return TransferReport(remote: remote.spec.name, artifacts: roots.count, totals: totals)
  }

  /// The artifacts whose content the remote lacks, from its listing and indexes only: a
  /// remote holds an object only with everything it refers to, so the pointers' own digests
  /// tell, and no data is read.
  public func remoteStatus(
    _ paths: [String], remote name: String?, at selection: RevisionSelection
  ) throws -> RemoteStatusReport {
    let remote = try openRemote(name)
    let roots = try contentRoots(paths, at: selection)
    let catalog = try remote.catalog()
    let missing = roots.filter { !catalog.contains($0.root.digest) }.map {
      RemoteStatusReport.Missing(path: $0.path, digest: $0.root.digest)
    }
    return RemoteStatusReport(
      remote: remote.spec.name, revision: selection.name, artifacts: roots.count,
      missing: missing)
  }
}

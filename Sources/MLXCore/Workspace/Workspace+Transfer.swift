/// What `mlx push` or `mlx fetch` did.
public struct TransferReport: Codable, Sendable {
  public var remote: String
  /// Tracked artifacts whose content was considered.
  public var artifacts: Int
  public var totals: TransferTotals
  /// With `--git`: the Git remote runs and registry tags were pushed to or fetched from.
  public var gitRemote: String?
  /// With `fetch --git`: the runs and tags brought in, and those refused.
  public var references: Repository.AdoptedReferences?
}

/// What `mlx pull` did: the fetch, then the checkout.
public struct PullReport: Codable, Sendable {
  public var fetch: TransferReport
  public var checkout: CheckoutReport
  /// Why runs and tags were not fetched from the Git remote, when that was not required.
  public var gitProblem: String?
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
  /// Uploads what the pointers need; `jobs` bounds an S3 remote's parallel requests. With
  /// `git`, then pushes runs (`refs/mlx/*`) and tags to that Git remote, after the data they
  /// name is on the remote.
  public func push(
    _ paths: [String], remote name: String?, at selection: RevisionSelection,
    jobs: Int? = nil, git: String? = nil, progress: ProgressReporter
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
    let profiles = try profileObjects(paths, at: selection).filter {
      store.contains($0) && !closure.objects.contains($0)
    }
    var totals = try pusher.push(closure.objects + profiles, catalog: catalog, progress: progress)
    totals.alreadyPresent += closure.absent.count
    if let git {
      let references = try
        (repository.references(matching: "refs/mlx/*")
        + repository.references(matching: "refs/tags/*")).map { "\($0.name):\($0.name)" }
      if !references.isEmpty { try repository.push(references, to: git) }
    }
    return TransferReport(
      remote: remote.spec.name, artifacts: roots.count, totals: totals, gitRemote: git)
  }

  /// Downloads what the pointers need. Holds the workspace lock, so a second fetch in the
  /// same clone waits and then finds the objects the first one brought.
  public func fetch(
    _ paths: [String], remote name: String?, at selection: RevisionSelection,
    jobs: Int? = nil, git: String? = nil, progress: ProgressReporter
  ) throws -> TransferReport {
    let lock = try self.lock()
    defer { withExtendedLifetime(lock) {} }
    let adopted = try fetchReferences(from: git)
    var report = try fetchHoldingLock(
      paths, remote: name, at: selection, jobs: jobs, progress: progress)
    report.gitRemote = git
    report.references = adopted
    return report
  }

  /// Fetches what the work tree's pointers need, then checks those paths out, under one
  /// hold of the workspace lock.
  public func pull(
    _ paths: [String], remote name: String?, force: Bool, jobs: Int? = nil, git: String? = nil,
    gitRequired: Bool = true, progress: ProgressReporter
  ) throws -> PullReport {
    let lock = try self.lock()
    defer { withExtendedLifetime(lock) {} }
    var adopted: Repository.AdoptedReferences?
    var gitProblem: String?
    do {
      adopted = try fetchReferences(from: git)
    } catch  where !gitRequired {
      gitProblem = "\(error)"
    }
    var fetched = try fetchHoldingLock(
      paths, remote: name, at: .workTree, jobs: jobs, progress: progress)
    fetched.gitRemote = adopted == nil ? nil : git
    fetched.references = adopted
    var statCache = StatCache.load(from: statCachePath)
    let checkedOut = try restore(
      try artifacts(named: paths), force: force, statCache: &statCache, progress: progress)
    try statCache.save(to: statCachePath, temporaryDirectory: temporaryDirectory)
    return PullReport(fetch: fetched, checkout: checkedOut, gitProblem: gitProblem)
  }

  private func fetchHoldingLock(
    _ paths: [String], remote name: String?, at selection: RevisionSelection, jobs: Int?,
    progress: ProgressReporter
  ) throws -> TransferReport {
    let remote = try openRemote(name, jobs: jobs)
    let roots = try contentRoots(paths, at: selection)
    let fetcher = RemoteFetcher(
      store: try store(), storage: remote.storage, remoteName: remote.spec.name)
    let catalog = try remote.catalog()
    let profiles = try profileObjects(paths, at: selection).filter { catalog.contains($0) }
    let totals = try fetcher.fetch(
      roots.map { $0.root } + profiles.map { ObjectClosure.Root(digest: $0, isDirectory: false) },
      catalog: catalog, progress: progress)
    return TransferReport(
      remote: remote.spec.name, artifacts: roots.count, totals: totals, gitRemote: nil)
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

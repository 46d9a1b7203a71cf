import Foundation

/// `mlx gc` on the local store, and `mlx gc --explain`.
extension Workspace {
  /// Removes from the store what no root needs — the work tree's pointers, the index, every
  /// commit of every reference (every registry tag ever written included) and the run records
  /// — leaving packs younger than the grace period alone. With `dryRun`, only reports.
  ///
  /// Holds the workspace lock of this clone and of every `projects` clone (a store shared
  /// with them), and the store's gc lock, so no add, checkout or fetch in them runs meanwhile.
  public func gc(
    dryRun: Bool, graceSeconds: Int64, projects: [String], progress: ProgressReporter
  ) throws -> GCReport {
    let clones = try gcClones(projects, requiringAll: true)
    let locks = dryRun ? [] : try Self.lockForGC(clones)
    defer { withExtendedLifetime(locks) {} }
    let store = try self.store()
    // Packs published before the locks were taken are counted too.
    store.reloadIndexes()
    let now = Self.nanosecondsNow()
    let (kept, roots) = try keptObjects(clones, store: store, graceSeconds: graceSeconds, now: now)
    var collection = try StoreCollection(
      store: store, kept: kept, roots: roots, graceSeconds: graceSeconds, dryRun: dryRun,
      now: now)
    if !dryRun { try collection.run(progress: progress) }
    return collection.report
  }

  /// Whether gc keeps an object (`sha256:<hex>` or a hex prefix) or a tracked path's
  /// content (a file inside a tracked directory too), and which root keeps it.
  public func explainGC(_ target: String, graceSeconds: Int64, projects: [String]) throws
    -> GCExplanation
  {
    let clones = try gcClones(projects, requiringAll: false)
    let store = try self.store()
    let (id, path) = try gcTarget(target, store: store)
    let now = Self.nanosecondsNow()
    let (kept, _) = try keptObjects(clones, store: store, graceSeconds: graceSeconds, now: now)
    return try GCExplanation(
      id, path: path, kept: kept, store: store, graceSeconds: graceSeconds, now: now)
  }

  /// What the roots of `clones`, and the store's packs younger than the grace period, keep.
  private func keptObjects(
    _ clones: [Workspace], store: ObjectStore, graceSeconds: Int64, now: Int64
  ) throws -> (KeptObjects, GCRootSummary) {
    let collector = try gcRoots(clones)
    let recent = try RecentRoots.local(store, cutoff: now - graceSeconds * 1_000_000_000)
    let kept = try KeptObjects(collector.roots + recent, sources: [StoreSource(store: store)])
    var roots = collector.summary
    roots.absent = kept.absentRoots
    return (kept, roots)
  }

  /// This workspace, every other work tree of its repository that uses the same store, and
  /// those `projects` name, each once. With `requiringAll`, a store outside this repository
  /// (which other clones may share) needs `projects` to name them.
  /// - Throws: ``CollectError/sharedStore(directory:)``, ``CollectError/otherStore(project:directory:)``.
  func gcClones(_ projects: [String], requiringAll: Bool) throws -> [Workspace] {
    let directory = FileSystem.realPath(storeDirectory) ?? storeDirectory
    let owner = FileSystem.realPath(storeRoot) ?? storeRoot
    if requiringAll, projects.isEmpty, !directory.hasPrefix(owner + "/") {
      throw CollectError.sharedStore(directory: directory)
    }
    var clones = [self]
    for path in try repository.allWorkTrees() where path != root {
      let workTree = try Workspace.open(at: path, requiringSetup: false)
      let other = FileSystem.realPath(workTree.storeDirectory) ?? workTree.storeDirectory
      if other == directory { clones.append(workTree) }
    }
    for project in projects {
      let path = project.hasPrefix("/") ? project : FileSystem.join(currentDirectory, project)
      let clone = try Workspace.open(at: path)
      guard !clones.contains(where: { $0.root == clone.root }) else { continue }
      let other = FileSystem.realPath(clone.storeDirectory) ?? clone.storeDirectory
      guard other == directory else {
        throw CollectError.otherStore(project: clone.root, directory: other)
      }
      clones.append(clone)
    }
    return clones
  }

  /// The workspace locks of `clones`, in the order of their paths (so two gcs never wait
  /// for each other), then the store's gc lock.
  static func lockForGC(_ clones: [Workspace]) throws -> [FileLock] {
    var locks = try clones.sorted { $0.root < $1.root }.map { try $0.lock() }
    let store = clones[0].storeDirectory
    try FileSystem.createDirectories(store)
    locks.append(try FileLock(path: store + "/gc.lock"))
    return locks
  }

  /// Every root of every clone.
  func gcRoots(_ clones: [Workspace]) throws -> RootCollector {
    var collector = RootCollector()
    for clone in clones {
      try collector.collect(
        from: clone.repository,
        workTree: try clone.artifacts().map { ($0.pointerPath, $0.pointer) })
    }
    return collector
  }

  static func nanosecondsNow() -> Int64 { Int64(Date().timeIntervalSince1970 * 1e9) }

  /// The object `--explain` names, and the tracked path when a path named it.
  private func gcTarget(_ text: String, store: ObjectStore) throws -> (ObjectID, String?) {
    if !text.hasPrefix(ObjectID.prefix), let found = try? trackedContent(at: text) {
      return (found.digest, found.path)
    }
    if let id = try GCExplanation.object(named: text, in: store) { return (id, nil) }
    let found = try trackedContent(at: text)
    return (found.digest, found.path)
  }

  /// The content a tracked path records: an artifact's, or a file's in a tracked directory.
  private func trackedContent(at userPath: String) throws -> (digest: ObjectID, path: String) {
    let path = try repositoryPath(for: userPath)
    let all = try artifacts()
    if let artifact = all.first(where: { $0.path == path || $0.pointerPath == path }) {
      return (artifact.pointer.digest, artifact.path)
    }
    if let directory = all.first(where: {
      $0.pointer.isDirectory && path.hasPrefix($0.path + "/")
    }),
      let manifest = try storedManifest(directory.pointer.digest, for: directory.path),
      let entry = manifest.entries.first(where: { directory.path + "/" + $0.path == path })
    {
      return (entry.digest, path)
    }
    throw WorkspaceError.notTracked(path: display(path))
  }
}

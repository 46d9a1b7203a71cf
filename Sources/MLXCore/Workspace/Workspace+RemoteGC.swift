import Foundation

/// `mlx gc --remote NAME`: gc on one remote, planned first, then carried out.
extension Workspace {
  /// What gc would delete from the remote `name`: completed packs none of whose objects any
  /// root needs, and files of pushes that never completed, all older than the grace period.
  /// Recipes and manifests the local store lacks are read from the remote's packs.
  public func planRemoteGC(
    remote name: String, graceSeconds: Int64, projects: [String], jobs: Int? = nil
  ) throws -> RemoteGCPlan {
    guard !name.isEmpty else { throw CollectError.remoteNeedsName }
    let remote = try openRemote(name, jobs: jobs)
    let collector = try gcRoots(try gcClones(projects, requiringAll: false))
    let catalog = try remote.catalog()
    let store = try self.store()
    let now = Self.nanosecondsNow() / 1_000_000_000
    let packs = try RemoteCollection.listings(
      catalog: catalog, storage: remote.storage, cutoff: now - graceSeconds)
    let recent = try RecentRoots.remote(packs.young, storage: remote.storage, store: store)
    let kept = try KeptObjects(
      collector.roots + recent,
      sources: [
        StoreSource(store: store),
        RemoteSource(packs: packs.all, storage: remote.storage, remoteName: name, store: store),
      ])
    var roots = collector.summary
    roots.absent = kept.absentRoots
    return try RemoteCollection.plan(
      catalog: catalog, storage: remote.storage, kept: kept, remoteName: name, roots: roots,
      graceSeconds: graceSeconds, now: now)
  }

  /// Carries out a plan from ``planRemoteGC(remote:graceSeconds:projects:jobs:)``.
  public func runRemoteGC(_ plan: RemoteGCPlan, jobs: Int? = nil) throws -> RemoteGCPlan {
    let remote = try openRemote(plan.remote, jobs: jobs)
    return try RemoteCollection.run(plan, storage: remote.storage, cacheFolder: remote.cacheFolder)
  }
}

/// A count of objects (or files) and the bytes they take.
public struct GCTotals: Codable, Sendable, Equatable {
  public var objects = 0
  /// Bytes as stored in packs (compressed where they are), record headers included; for
  /// files, their size.
  public var bytes: Int64 = 0

  mutating func add(_ bytes: Int64) {
    objects += 1
    self.bytes += bytes
  }
}

/// What `mlx gc` did to the local store, or with `--dry-run` would do.
public struct GCReport: Codable, Sendable {
  /// How the store's packs fare.
  public struct Packs: Codable, Sendable, Equatable {
    /// Packs before gc.
    public var before = 0
    /// Packs holding only garbage, deleted whole.
    public var deleted = 0
    /// Packs holding garbage and kept objects: the kept ones copied to new packs, then deleted.
    public var repacked = 0
    /// New packs written with what the repacked ones kept (for a dry run, the one it would
    /// write).
    public var written = 0
    /// Packs with no garbage, left as they are.
    public var untouched = 0
    /// Packs younger than the grace period, left as they are whatever they hold.
    public var young = 0
  }

  public var dryRun: Bool
  public var graceSeconds: Int64
  public var roots: GCRootSummary
  /// Objects some root needs.
  public var kept = GCTotals()
  /// Objects no root needs, in packs older than the grace period: removed.
  public var removed = GCTotals()
  /// Objects no root needs that are younger than the grace period, or that a younger chunked
  /// file or directory refers to: left for a later gc.
  public var young = GCTotals()
  public var packs = Packs()
  /// Pack files without an index and abandoned temporary files older than the grace period.
  public var strayFiles = GCTotals()
  /// Bytes in `packs/` before and after (estimated for a dry run).
  public var bytesBefore: Int64 = 0
  public var bytesAfter: Int64 = 0
}

/// The plan for the local store: which packs `mlx gc` deletes, repacks or leaves, and the
/// stray files it removes; ``run(progress:)`` carries it out.
///
/// A pack is never touched while younger than the grace period, and what its chunked files
/// and directories refer to is kept (``RecentRoots``), so what an `mlx add` or `fetch` of
/// another process just wrote (which no pointer names yet) survives whole.
struct StoreCollection {
  let store: ObjectStore
  private(set) var report: GCReport
  private var doomed: [StoredPack] = []
  private var strays: [StrayFile] = []
  private let kept: KeptObjects

  /// Weighs every pack of `store` against `kept`; `now` and the grace are in nanoseconds.
  init(
    store: ObjectStore, kept: KeptObjects, roots: GCRootSummary, graceSeconds: Int64,
    dryRun: Bool, now: Int64
  ) throws {
    self.store = store
    self.kept = kept
    report = GCReport(dryRun: dryRun, graceSeconds: graceSeconds, roots: roots)
    let cutoff = now - graceSeconds * 1_000_000_000
    let packs = try store.publishedPacks()
    report.packs.before = packs.count
    report.bytesBefore = try store.footprint().bytes
    for pack in packs {
      let isYoung = pack.modifiedNanoseconds > cutoff
      var garbage = 0
      for entry in pack.index.entries {
        let bytes = Int64(PackFormat.recordHeaderLength) + Int64(entry.storedLength)
        if !isYoung && store.isDamaged(entry.id, inPack: pack.index.name) {
          // A damaged copy `mlx verify` recorded: its bytes are wrong, so it goes.
          report.removed.add(bytes)
          garbage += 1
        } else if kept.isNeeded(entry.id) {
          report.kept.add(bytes)
        } else if isYoung || kept.contains(entry.id) {
          report.young.add(bytes)
        } else {
          report.removed.add(bytes)
          garbage += 1
        }
      }
      if isYoung {
        report.packs.young += 1
      } else if garbage == 0 {
        report.packs.untouched += 1
      } else if garbage == pack.index.count {
        report.packs.deleted += 1
        doomed.append(pack)
      } else {
        report.packs.repacked += 1
        doomed.append(pack)
      }
    }
    strays = try store.strayFiles().filter { $0.modifiedNanoseconds <= cutoff }
    for stray in strays { report.strayFiles.add(stray.bytes) }
    let strayPackBytes = strays.filter { $0.path.hasPrefix("packs/") }.reduce(0) { $0 + $1.bytes }
    report.bytesAfter =
      report.bytesBefore - doomed.reduce(0) { $0 + $1.bytes } - strayPackBytes
      + (try estimatedNewPackBytes(doomed))
  }

  /// The bytes of the pack and index that will hold what the doomed packs keep; counts that
  /// pack as written (``run(progress:)`` counts what it really writes).
  private mutating func estimatedNewPackBytes(_ doomed: [StoredPack]) throws -> Int64 {
    let rewriter = PackRewriter(store: store)
    let copies = try rewriter.copies(from: doomed, keeping: kept.contains)
    guard !copies.isEmpty else { return 0 }
    report.packs.written = 1
    let records = copies.reduce(Int64(0)) {
      $0 + Int64(PackFormat.recordHeaderLength) + Int64($1.entry.storedLength)
    }
    let index = PackFormat.indexHeaderLength + copies.count * PackFormat.indexEntryLength
    return Int64(PackFormat.packHeaderLength) + records + Int64(index)
      + Int64(PackFormat.indexTrailerLength)
  }

  /// Repacks and deletes the doomed packs, then removes the stray files. The caller holds
  /// the workspace lock (and the store's gc lock).
  mutating func run(progress: ProgressReporter) throws {
    let outcome = try PackRewriter(store: store).rewrite(
      doomed, keeping: kept.contains, progress: progress)
    report.packs.written = outcome.packsWritten
    for stray in strays { try store.removeStray(stray) }
    report.bytesAfter = try store.footprint().bytes
  }
}

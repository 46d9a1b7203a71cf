import Dispatch

/// Replaces packs that hold garbage with new packs holding only what is kept.
///
/// The kept objects of the old packs are checked against their ids (every core) and copied
/// as stored into new packs, which are made durable and published (pack, then index) before
/// any old pack is removed. A process killed at any moment thus leaves every kept object in
/// a published pack: before the new indexes exist the old packs are whole, afterwards the new
/// ones hold everything kept (an old pack left behind only duplicates it, and a new pack
/// without its index is a stray file the next gc removes).
struct PackRewriter {
  let store: ObjectStore

  /// What a rewrite did.
  struct Outcome {
    /// New packs written, and their bytes (packs and indexes).
    var packsWritten = 0
    var bytesWritten: Int64 = 0
    /// Objects copied into them.
    var objectsCopied = 0
  }

  /// The objects of `packs` that `keeps` accepts and no other published pack (one whose pack
  /// and index files are both there) holds, each once, in the order they lie in their packs.
  func copies(from packs: [StoredPack], keeping keeps: (ObjectID) -> Bool) throws
    -> [(entry: PackEntry, pack: String)]
  {
    let removed = Set(packs.map(\.name))
    let survivors = try store.publishedPacks().map(\.index).filter { !removed.contains($0.name) }
    var chosen: Set<ObjectID> = []
    var copies: [(entry: PackEntry, pack: String)] = []
    for pack in packs {
      // A damaged copy (recorded by `mlx verify`) is never copied, nor counted as kept
      // elsewhere.
      let entries = pack.index.entries.filter { entry in
        keeps(entry.id) && !store.isDamaged(entry.id, inPack: pack.name)
          && !survivors.contains {
            $0.find(entry.id) != nil && !store.isDamaged(entry.id, inPack: $0.name)
          }
      }
      for entry in entries.sorted(by: { $0.offset < $1.offset })
      where chosen.insert(entry.id).inserted {
        copies.append((entry, pack.name))
      }
    }
    return copies
  }

  /// Copies the objects of `packs` that `keeps` accepts and no other pack holds into new
  /// packs, then removes `packs`.
  /// - Throws: ``ObjectStoreError`` for a kept object that is damaged; nothing is removed then.
  func rewrite(
    _ packs: [StoredPack], keeping keeps: (ObjectID) -> Bool, progress: ProgressReporter
  ) throws -> Outcome {
    let copies = try copies(from: packs, keeping: keeps)
    try store.checkAll(copies)

    var outcome = Outcome()
    if !copies.isEmpty {
      let total = copies.reduce(Int64(0)) { $0 + Int64($1.entry.storedLength) }
      progress.begin("Repacking", total: total, unit: .bytes)
      let writer = store.makeWriter()
      for (entry, pack) in copies {
        try writer.appendCopy(of: entry, stored: try store.mappedStoredBytes(entry, pack: pack))
        progress.advance(by: Int64(entry.storedLength))
      }
      let published = try writer.commit()
      progress.finish()
      outcome.packsWritten = published.count
      outcome.objectsCopied = copies.count
      for index in published {
        for suffix in [".pack", ".idx"] {
          outcome.bytesWritten +=
            try FileStatus.of("\(store.packDirectory)/\(index.name)\(suffix)")?.size ?? 0
        }
      }
    }
    for pack in packs { try store.removePack(pack.name) }
    try store.syncPackDirectory()
    return outcome
  }
}

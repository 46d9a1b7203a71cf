/// A remote's packs as a source for the walk to kept objects: a recipe or manifest the local
/// store lacks is read from its remote pack (only that object's bytes) and checked.
struct RemoteSource: ObjectSource {
  let packs: [RemotePackListing]
  let storage: RemoteStorage
  let remoteName: String
  /// Decodes what is read (the store's zstd contexts).
  let store: ObjectStore

  private func locate(_ id: ObjectID) -> (entry: PackEntry, pack: String)? {
    for pack in packs.reversed() {
      if let entry = pack.index.find(id) { return (entry, pack.name) }
    }
    return nil
  }

  func kind(of id: ObjectID) -> ObjectKind? { locate(id)?.entry.kind }

  func checkedBytes(of id: ObjectID) throws -> [UInt8] {
    guard let (entry, pack) = locate(id) else { throw ObjectStoreError.missing(id) }
    let key = RemoteLayout.packKey(pack)
    guard entry.storedLength <= ObjectStore.largestObjectInMemory else {
      throw RemoteError.damaged(
        remote: remoteName, key: key, reason: "object \(id) claims \(entry.storedLength) bytes")
    }
    let stored = try storage.read(
      key, offset: entry.offset + UInt64(PackFormat.recordHeaderLength),
      length: Int(entry.storedLength))
    do {
      return try store.decodeChecked(stored, as: entry, origin: key)
    } catch let error as ObjectStoreError {
      throw RemoteError.damaged(remote: remoteName, key: key, reason: error.problem)
    }
  }
}

/// What `mlx gc --remote` deletes, or would delete, from a remote.
public struct RemoteGCPlan: Codable, Sendable {
  /// One completed pack on the remote.
  public struct Pack: Codable, Sendable, Equatable {
    public var name: String
    public var objects: Int
    /// Bytes of its pack, index and marker.
    public var bytes: Int64
    /// Objects in it no root needs.
    public var garbage: Int
  }

  /// A file of the remote deleted on its own: part of a push that never completed, or an
  /// abandoned upload in a directory remote's `tmp/`.
  public struct File: Codable, Sendable, Equatable {
    public var key: String
    public var bytes: Int64
  }

  public var remote: String
  public var location: String
  public var graceSeconds: Int64
  public var roots: GCRootSummary
  /// Packs none of whose objects any root needs, older than the grace period.
  public var delete: [Pack] = []
  /// Packs holding kept objects and garbage: kept whole (remote packs are not rewritten).
  public var partlyGarbage: [Pack] = []
  /// Packs younger than the grace period: kept whole, whatever they hold.
  public var young: [Pack] = []
  /// Packs holding only kept objects, and their objects and bytes.
  public var keptPacks = 0
  public var kept = GCTotals()
  /// Files of unfinished pushes and abandoned uploads older than the grace period.
  public var incomplete: [File] = []
  /// Files of unfinished pushes younger than the grace period (a push may be under way).
  public var incompleteYoung = 0
  /// Whether the plan was carried out, and what that deleted.
  public var executed = false
  public var deleted = GCTotals()

  /// Bytes the plan frees.
  public var bytesToDelete: Int64 {
    delete.reduce(0) { $0 + $1.bytes } + incomplete.reduce(0) { $0 + $1.bytes }
  }
}

/// Plans and carries out gc on one remote: only whole packs are deleted, and only when none
/// of their objects is kept, so every pack left still brings what its objects refer to.
enum RemoteCollection {
  /// One listed file of a pack.
  typealias File = (key: String, size: Int64, modified: Int64)

  /// The remote's files under `packs/`, by pack name.
  static func filesByPack(_ catalog: RemoteCatalog) -> [String: [File]] {
    var files: [String: [File]] = [:]
    for object in catalog.keys {
      for suffix in ["pack", "idx", "ready"] {
        if let name = RemoteLayout.packName(of: object.key, extension: suffix) {
          files[name, default: []].append((object.key, object.size, object.modified))
        }
      }
    }
    return files
  }

  /// The packs readers count (completed ones), and those written after `cutoff` (seconds):
  /// completed ones and those of pushes under way whose index is there (read and checked;
  /// one that does not parse is left out).
  static func listings(catalog: RemoteCatalog, storage: RemoteStorage, cutoff: Int64) throws
    -> (all: [RemotePackListing], young: [RemotePackListing])
  {
    let files = filesByPack(catalog)
    let isYoung = { (name: String) in files[name, default: []].contains { $0.modified > cutoff } }
    var all = catalog.packs.map {
      RemotePackListing(name: $0.name, index: $0.index, bytes: Int64($0.marker.packLength))
    }
    var young = all.filter { isYoung($0.name) }
    let completed = Set(all.map(\.name))
    for (name, list) in files.sorted(by: { $0.key < $1.key })
    where !completed.contains(name) && isYoung(name) {
      guard let pack = list.first(where: { $0.key == RemoteLayout.packKey(name) }),
        list.contains(where: { $0.key == RemoteLayout.indexKey(name) }),
        let bytes = try? storage.read(
          RemoteLayout.indexKey(name), maximumLength: RemoteLayout.largestIndex),
        let index = try? PackIndex(name: name, bytes: bytes, path: RemoteLayout.indexKey(name))
      else { continue }
      let listing = RemotePackListing(name: name, index: index, bytes: pack.size)
      all.append(listing)
      young.append(listing)
    }
    return (all, young)
  }

  /// Weighs the remote's packs and leftover files; `now` in seconds since 1970.
  static func plan(
    catalog: RemoteCatalog, storage: RemoteStorage, kept: KeptObjects, remoteName: String,
    roots: GCRootSummary, graceSeconds: Int64, now: Int64
  ) throws -> RemoteGCPlan {
    var plan = RemoteGCPlan(
      remote: remoteName, location: storage.displayName, graceSeconds: graceSeconds,
      roots: roots)
    let cutoff = now - graceSeconds
    let keysByPack = filesByPack(catalog)
    let completed = Set(catalog.packs.map(\.name))
    for pack in catalog.packs {
      let files = keysByPack[pack.name] ?? []
      let garbage = pack.index.entries.filter { !kept.contains($0.id) }.count
      let entry = RemoteGCPlan.Pack(
        name: pack.name, objects: pack.index.count, bytes: files.reduce(0) { $0 + $1.size },
        garbage: garbage)
      if files.contains(where: { $0.modified > cutoff }) {
        plan.young.append(entry)
      } else if garbage == 0 {
        plan.keptPacks += 1
        plan.kept.objects += entry.objects
        plan.kept.bytes += entry.bytes
      } else if garbage < entry.objects {
        plan.partlyGarbage.append(entry)
      } else {
        plan.delete.append(entry)
      }
    }
    for (name, files) in keysByPack.sorted(by: { $0.key < $1.key }) where !completed.contains(name)
    {
      if files.contains(where: { $0.modified > cutoff }) {
        plan.incompleteYoung += files.count
        continue
      }
      // The marker first, so no reader counts the pack while its other files go.
      for file in files.sorted(by: { deletionRank($0.key) < deletionRank($1.key) }) {
        plan.incomplete.append(RemoteGCPlan.File(key: file.key, bytes: file.size))
      }
    }
    for object in try storage.list(prefix: "tmp/")
    where TemporaryFiles.writer(of: String(object.key.dropFirst(4))) != nil
      && object.modified <= cutoff
    {
      plan.incomplete.append(RemoteGCPlan.File(key: object.key, bytes: object.size))
    }
    return plan
  }

  /// Deletes what `plan` names: for each pack its marker first (readers stop counting it),
  /// then its index, then the pack; then the leftover files. Forgets the deleted packs'
  /// cached markers and indexes in `cacheFolder`.
  static func run(_ plan: RemoteGCPlan, storage: RemoteStorage, cacheFolder: String) throws
    -> RemoteGCPlan
  {
    var done = plan
    for pack in plan.delete {
      for key in [
        RemoteLayout.markerKey(pack.name), RemoteLayout.indexKey(pack.name),
        RemoteLayout.packKey(pack.name),
      ] {
        try storage.delete(key)
      }
      try? FileSystem.removeFile(cacheFolder + "/" + pack.name + ".ready")
      try? FileSystem.removeFile(cacheFolder + "/" + pack.name + ".idx")
      done.deleted.objects += 3
      done.deleted.bytes += pack.bytes
    }
    for file in plan.incomplete {
      try storage.delete(file.key)
      done.deleted.add(file.bytes)
    }
    done.executed = true
    return done
  }

  private static func deletionRank(_ key: String) -> Int {
    key.hasSuffix(".ready") ? 0 : key.hasSuffix(".idx") ? 1 : 2
  }
}

/// Objects younger than the grace period, as roots: an add, fetch or push under way may have
/// stored a chunked file or a directory whose pointer nobody has committed yet, reusing
/// chunks and files that older packs hold. Those must outlive the grace period too.
///
/// Every chunked file of a young pack is a root, and every blob of one that starts like a
/// directory manifest (a blob that is no manifest names nothing more).
enum RecentRoots {
  static let manifestStart = Array((DirectoryManifest.header + "\n").utf8)

  /// The roots of the local store's packs modified after `cutoff` (nanoseconds since 1970).
  static func local(_ store: ObjectStore, cutoff: Int64) throws -> [GCRoot] {
    var roots: [GCRoot] = []
    for pack in try store.publishedPacks() where pack.modifiedNanoseconds > cutoff {
      for entry in pack.index.entries {
        let isManifest = {
          (try? store.content(of: entry, pack: pack.name, startsWith: manifestStart)) ?? false
        }
        if entry.kind == .chunked || isManifest() {
          roots.append(root(entry.id, isDirectory: entry.kind == .blob, pack: pack.name))
        }
      }
    }
    return roots
  }

  /// The roots of a remote's young packs: those completed after `cutoff` (seconds), and
  /// those of pushes under way whose index is already there. A blob the local store lacks is
  /// sniffed on the remote: a small pack is read whole, a larger one object by object.
  static func remote(
    _ packs: [RemotePackListing], storage: RemoteStorage, store: ObjectStore
  ) throws -> [GCRoot] {
    var roots: [GCRoot] = []
    for pack in packs {
      var whole: [UInt8]?
      if pack.bytes <= 64 << 20 {
        whole = try storage.read(
          RemoteLayout.packKey(pack.name), offset: 0, length: Int(pack.bytes))
      }
      for entry in pack.index.entries {
        let isRoot: Bool
        if entry.kind == .chunked {
          isRoot = true
        } else if let local = store.locate(entry.id) {
          isRoot =
            (try? store.content(of: local.entry, pack: local.pack, startsWith: manifestStart))
            ?? false
        } else {
          isRoot = (try? startsLikeManifest(entry, of: pack, whole: whole, storage, store)) ?? false
        }
        if isRoot {
          roots.append(root(entry.id, isDirectory: entry.kind == .blob, pack: pack.name))
        }
      }
    }
    return roots
  }

  private static func startsLikeManifest(
    _ entry: PackEntry, of pack: RemotePackListing, whole: [UInt8]?, _ storage: RemoteStorage,
    _ store: ObjectStore
  ) throws -> Bool {
    let start = entry.offset + UInt64(PackFormat.recordHeaderLength)
    guard entry.contentLength >= UInt64(manifestStart.count),
      entry.storedLength <= ObjectStore.largestObjectInMemory
    else { return false }
    // A raw object's first bytes are its content's; a compressed one is read whole.
    let length = entry.encoding == .raw ? manifestStart.count : Int(entry.storedLength)
    let stored: [UInt8]
    if let whole {
      guard start + UInt64(length) <= UInt64(whole.count) else { return false }
      stored = Array(whole[Int(start)..<Int(start) + length])
    } else {
      stored = try storage.read(RemoteLayout.packKey(pack.name), offset: start, length: length)
    }
    if entry.encoding == .raw { return stored == manifestStart }
    return try store.decodeChecked(stored, as: entry, origin: pack.name).starts(with: manifestStart)
  }

  private static func root(_ id: ObjectID, isDirectory: Bool, pack: String) -> GCRoot {
    GCRoot(digest: id, isDirectory: isDirectory, reason: KeepReason(kind: .recent, path: pack))
  }
}

/// A pack on a remote with the index that lists its objects.
struct RemotePackListing {
  var name: String
  var index: PackIndex
  /// Bytes of the pack file.
  var bytes: Int64
}

/// What a remote holds: its completed packs and their indexes.
///
/// Markers and indexes are immutable once written, so each is fetched once and kept, checked,
/// in a local cache folder; listing the remote's `packs/` is then the only request a catalog
/// needs when nothing new was pushed.
struct RemoteCatalog {
  struct Pack {
    var name: String
    var marker: RemoteLayout.Marker
    var index: PackIndex
  }

  let packs: [Pack]
  /// Every object under `packs/`, with its size and age (for garbage and space reports).
  let keys: [ListedObject]

  /// Loads the catalog of `storage`, caching markers and indexes under `cacheFolder`.
  /// - Throws: ``RemoteError/damaged(remote:key:reason:)`` for a marker or index that does
  ///   not check out.
  static func load(
    from storage: RemoteStorage, remoteName: String, cacheFolder: String
  ) throws -> RemoteCatalog {
    let keys = try storage.list(prefix: RemoteLayout.packFolder)
    var sizes: [String: Int64] = [:]
    for object in keys { sizes[object.key] = object.size }
    let names = keys.compactMap { RemoteLayout.packName(of: $0.key, extension: "ready") }
    try FileSystem.createDirectories(cacheFolder)
    // A marker without its index or pack (a share that syncs files out of order, a pack
    // deleted by hand) does not count: its objects are not there to fetch.
    let complete = names.sorted().filter {
      sizes[RemoteLayout.indexKey($0)] != nil && sizes[RemoteLayout.packKey($0)] != nil
    }
    // Markers and indexes not cached yet are read several at a time.
    let loaded = ConcurrentResults<Pack>(count: complete.count)
    try BoundedParallelism.forEach(complete.count, width: storage.parallelTransfers) {
      position in
      let pack = try loadPack(
        complete[position], from: storage, remoteName: remoteName, cacheFolder: cacheFolder)
      loaded.record(position) { pack }
    }
    let packs = try loaded.values().filter {
      UInt64(max(0, sizes[RemoteLayout.packKey($0.name)] ?? -1)) == $0.marker.packLength
    }
    return RemoteCatalog(packs: packs, keys: keys)
  }

  private static func loadPack(
    _ name: String, from storage: RemoteStorage, remoteName: String, cacheFolder: String
  ) throws -> Pack {
    let cachedMarker = cacheFolder + "/" + name + ".ready"
    let cachedIndex = cacheFolder + "/" + name + ".idx"
    if let markerBytes = try? FileSystem.read(cachedMarker),
      let marker = RemoteLayout.Marker(decoding: markerBytes),
      let indexBytes = try? FileSystem.read(cachedIndex),
      ObjectID(hashing: indexBytes) == marker.indexDigest,
      let index = try? PackIndex(name: name, bytes: indexBytes, path: cachedIndex)
    {
      return Pack(name: name, marker: marker, index: index)
    }
    let markerKey = RemoteLayout.markerKey(name)
    guard
      let marker = RemoteLayout.Marker(
        decoding: try storage.read(markerKey, maximumLength: RemoteLayout.markerLength))
    else {
      throw RemoteError.damaged(
        remote: remoteName, key: markerKey, reason: "not an mlx completion marker")
    }
    let indexKey = RemoteLayout.indexKey(name)
    let indexBytes = try storage.read(indexKey, maximumLength: RemoteLayout.largestIndex)
    guard ObjectID(hashing: indexBytes) == marker.indexDigest else {
      throw RemoteError.damaged(
        remote: remoteName, key: indexKey, reason: "it is not the index its marker names")
    }
    let index: PackIndex
    do {
      index = try PackIndex(name: name, bytes: indexBytes, path: indexKey)
    } catch {
      throw RemoteError.damaged(remote: remoteName, key: indexKey, reason: "\(error)")
    }
    try FileSystem.write(indexBytes, atomicallyTo: cachedIndex, durable: false)
    try FileSystem.write(marker.encoded, atomicallyTo: cachedMarker, durable: false)
    return Pack(name: name, marker: marker, index: index)
  }

  /// The pack holding `id`, and its entry there.
  func locate(_ id: ObjectID) -> (entry: PackEntry, pack: Pack)? {
    for pack in packs.reversed() {
      if let entry = pack.index.find(id) { return (entry, pack) }
    }
    return nil
  }

  func contains(_ id: ObjectID) -> Bool { locate(id) != nil }

  /// Objects and bytes in completed packs.
  var totals: (objects: Int, bytes: Int64) {
    packs.reduce((0, 0)) { ($0.0 + $1.index.count, $0.1 + Int64($1.marker.packLength)) }
  }
}

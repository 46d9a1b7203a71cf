import Dispatch

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Brings the objects some content needs from a remote into the local store.
///
/// Packs holding missing objects are downloaded whole, several at a time, into the store's
/// `tmp/` and staged: readable by this process only. Every object in them is checked against
/// its id, and every chunked file is rebuilt from its chunks and checked against the file's
/// digest, before any staged pack is published into the store; on any failure all of them are
/// discarded. A directory's files, and a chunked file's chunks, are found in the manifest and
/// recipe fetched first, so a fetch takes as many rounds as the content has levels.
struct RemoteFetcher {
  let store: ObjectStore
  let storage: RemoteStorage
  let remoteName: String

  func fetch(
    _ roots: [ObjectClosure.Root], catalog: RemoteCatalog, progress: ProgressReporter
  ) throws -> TransferTotals {
    var totals = TransferTotals()
    var staged: [(index: PackIndex, remotePack: String)] = []
    do {
      var closure = try ObjectClosure(roots, in: store)
      let before = closure.objects.count
      // Roots, a directory's files, a file's chunks: each round fetches one level.
      for _ in 0..<4 where !closure.absent.isEmpty {
        var packs: [RemoteCatalog.Pack] = []
        for id in closure.absent {
          guard let (_, pack) = catalog.locate(id) else { continue }
          if !packs.contains(where: { $0.name == pack.name }) { packs.append(pack) }
        }
        if packs.isEmpty { break }
        let total = packs.reduce(Int64(0)) { $0 + Int64($1.marker.packLength) }
        progress.begin("Fetching", total: total, unit: .bytes)
        let indexes = ConcurrentResults<PackIndex>(count: packs.count)
        try BoundedParallelism.forEach(packs.count, width: storage.parallelTransfers) {
          [self, packs] position in
          let index = try download(packs[position])
          indexes.record(position) { index }
          progress.advance(by: Int64(packs[position].marker.packLength))
        }
        progress.finish()
        for (pack, index) in zip(packs, try indexes.values()) {
          staged.append((index, pack.name))
        }
        totals.bytes += total
        closure = try ObjectClosure(roots, in: store)
      }
      guard closure.absent.isEmpty else {
        throw RemoteError.missingObjects(remote: remoteName, ids: closure.absent)
      }
      let kept = try checkWholeFiles(in: staged)
      try store.publishStaged(keeping: kept)
      totals.objects = kept.values.reduce(0) { $0 + $1.count }
      totals.alreadyPresent = before
      return totals
    } catch {
      store.discardStaged()
      throw error
    }
  }

  /// Downloads one pack and its index, stages them, and checks every object in the pack.
  private func download(_ pack: RemoteCatalog.Pack) throws -> PackIndex {
    // A name of its own here: the store may hold an earlier copy of the same remote pack.
    let localName = "pack-" + Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255) })
    let packPath = TemporaryFiles.path(in: store.temporaryDirectory, beside: localName)
    let indexPath = TemporaryFiles.path(in: store.temporaryDirectory, beside: localName)
    try storage.download(
      RemoteLayout.packKey(pack.name), length: pack.marker.packLength, to: packPath)
    let indexBytes = try storage.read(
      RemoteLayout.indexKey(pack.name), maximumLength: RemoteLayout.largestIndex)
    guard ObjectID(hashing: indexBytes) == pack.marker.indexDigest else {
      unlink(packPath)
      throw RemoteError.damaged(
        remote: remoteName, key: RemoteLayout.indexKey(pack.name),
        reason: "it is not the index its marker names")
    }
    try FileSystem.write(indexBytes, atomicallyTo: indexPath, mode: 0o444, durable: false)
    let index = try store.stage(name: localName, packPath: packPath, indexPath: indexPath)
    try check(index, remotePack: pack.name)
    return index
  }

  /// Checks every object of a staged pack on all cores.
  private func check(_ index: PackIndex, remotePack: String) throws {
    let entries = index.entries
    let results = ConcurrentResults<Bool>(count: entries.count)
    let store = self.store
    let name = index.name
    let key = RemoteLayout.packKey(remotePack)
    let remoteName = self.remoteName
    DispatchQueue.concurrentPerform(iterations: entries.count) { position in
      results.record(position) {
        let entry = entries[position]
        // No object mlx writes comes near this; a larger claim would only exhaust memory.
        guard entry.contentLength <= 256 << 20, entry.storedLength <= 256 << 20 else {
          throw RemoteError.damaged(
            remote: remoteName, key: key,
            reason: "an entry claims \(entry.contentLength) bytes for one object")
        }
        do {
          try store.check(entry, pack: name)
        } catch let error as ObjectStoreError {
          throw RemoteError.damaged(remote: remoteName, key: key, reason: error.problem)
        }
        return true
      }
    }
    _ = try results.values()
  }

  /// Rebuilds every chunked file the staged packs describe and checks it against its digest:
  /// a recipe's checksum shows it is whole, not that its chunks make the file it names. A
  /// recipe whose chunks are in packs this fetch did not need is left out of the store's
  /// index (its bytes stay, unused): only what was checked enters the store. Returns, per
  /// staged pack, the entries to keep.
  private func checkWholeFiles(in staged: [(index: PackIndex, remotePack: String)]) throws
    -> [String: [PackEntry]]
  {
    var kept: [String: [PackEntry]] = [:]
    for (index, remotePack) in staged {
      var entries: [PackEntry] = []
      for entry in index.entries {
        if entry.kind == .chunked {
          let key = RemoteLayout.packKey(remotePack)
          let rebuilds: Bool
          do {
            guard
              let recipe = ChunkRecipe(decoding: try store.readUnverified(entry, pack: index.name)),
              recipe.chunks.allSatisfy({ store.contains($0.id) })
            else { continue }
            rebuilds = try wholeDigest(of: recipe) == entry.id
          } catch let error as ObjectStoreError {
            throw RemoteError.damaged(remote: remoteName, key: key, reason: error.problem)
          }
          guard rebuilds else {
            throw RemoteError.damaged(
              remote: remoteName, key: key,
              reason: "the chunks of object \(entry.id) do not rebuild the file")
          }
        }
        entries.append(entry)
      }
      kept[index.name] = entries
    }
    return kept
  }

  /// The SHA-256 of the file `recipe` lists. Each chunk was checked against its id already
  /// (when staged, or when it entered the store), so it is read without hashing it again.
  private func wholeDigest(of recipe: ChunkRecipe) throws -> ObjectID {
    var hasher = ContentHasher()
    for chunk in recipe.chunks {
      guard let (entry, pack) = store.locate(chunk.id) else {
        throw ObjectStoreError.missing(chunk.id)
      }
      if entry.encoding == .raw {
        hasher.update(try store.mappedStoredBytes(entry, pack: pack))
      } else {
        try store.readUnverified(entry, pack: pack).withUnsafeBytes { hasher.update($0) }
      }
    }
    return hasher.finalize()
  }
}

import Dispatch

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// What a push or fetch moved.
public struct TransferTotals: Codable, Sendable, Equatable {
  /// Objects sent or received.
  public var objects = 0
  /// Bytes moved: the packs' lengths (objects as stored, compressed where they are, with
  /// their record headers).
  public var bytes: Int64 = 0
  /// Objects needed that were already on the other side.
  public var alreadyPresent = 0
}

/// Sends objects from the local store to a remote as one new pack.
///
/// Every object is checked against its id before it is sent, so a damaged cache never
/// spreads. The pack is built in the store's `tmp/`, then uploaded, its index after it and
/// the completion marker last: a push killed at any point leaves nothing a reader counts, and
/// running it again sends what is still missing.
struct RemotePusher {
  let store: ObjectStore
  let storage: RemoteStorage
  let remoteName: String
  let cacheFolder: String

  /// Sends those of `ids` (each listed after what it refers to) the remote lacks.
  func push(_ ids: [ObjectID], catalog: RemoteCatalog, progress: ProgressReporter) throws
    -> TransferTotals
  {
    var totals = TransferTotals()
    let missing = ids.filter { !catalog.contains($0) }
    totals.alreadyPresent = ids.count - missing.count
    guard !missing.isEmpty else { return totals }

    let located = try missing.map { id in
      guard let found = store.locate(id) else { throw ObjectStoreError.missing(id) }
      return found
    }
    try store.checkAll(located)

    let name = "pack-" + Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255) })
    if let whole = try wholeLocalPack(located) {
      // The push is exactly one local pack: send it as it is (linked where the storage can)
      // with its own index, rather than writing a copy first.
      let indexBytes = try FileSystem.read(whole.index)
      let packLength = UInt64(try FileStatus.of(whole.pack)?.size ?? 0)
      progress.begin("Sending", total: Int64(packLength), unit: .bytes)
      try storage.upload(immutableFile: whole.pack, to: RemoteLayout.packKey(name))
      progress.advance(by: Int64(packLength))
      progress.finish()
      try finish(name, indexBytes: indexBytes, packLength: packLength, indexFile: whole.index)
      totals.objects = located.count
      totals.bytes = Int64(packLength)
      return totals
    }
    let packPath = TemporaryFiles.path(in: store.temporaryDirectory, beside: name)
    let indexPath = TemporaryFiles.path(in: store.temporaryDirectory, beside: name)
    defer {
      unlink(packPath)
      unlink(indexPath)
    }
    let total = located.reduce(Int64(0)) { $0 + Int64($1.entry.storedLength) }
    progress.begin("Packing", total: total, unit: .bytes)
    let entries = try writePack(located, to: packPath, progress: progress)
    progress.finish()
    let indexBytes = PackFormat.encodeIndex(entries)
    try FileSystem.write(indexBytes, atomicallyTo: indexPath, mode: 0o444)
    let packLength = UInt64(try FileStatus.of(packPath)?.size ?? 0)
    try storage.upload(file: packPath, to: RemoteLayout.packKey(name))
    try finish(name, indexBytes: indexBytes, packLength: packLength, indexFile: indexPath)
    totals.objects = entries.count
    totals.bytes = Int64(packLength)
    return totals
  }

  /// Sends the index, then the marker that completes the pack, and caches both.
  private func finish(_ name: String, indexBytes: [UInt8], packLength: UInt64, indexFile: String)
    throws
  {
    let marker = RemoteLayout.Marker(
      packLength: packLength, indexDigest: ObjectID(hashing: indexBytes))
    try storage.upload(file: indexFile, to: RemoteLayout.indexKey(name))
    try storage.write(marker.encoded, to: RemoteLayout.markerKey(name))
    // Remember what was just sent, as a later catalog load would.
    try FileSystem.write(
      indexBytes, atomicallyTo: cacheFolder + "/" + name + ".idx", durable: false)
    try FileSystem.write(
      marker.encoded, atomicallyTo: cacheFolder + "/" + name + ".ready", durable: false)
  }

  /// The local pack and index files when `located` is exactly one whole local pack.
  private func wholeLocalPack(_ located: [(entry: PackEntry, pack: String)]) throws
    -> (pack: String, index: String)?
  {
    guard let pack = located.first?.pack, located.allSatisfy({ $0.pack == pack }),
      let index = store.allIndexes.first(where: { $0.name == pack }),
      index.count == located.count
    else { return nil }
    let packPath = store.packDirectory + "/" + pack + ".pack"
    let indexPath = store.packDirectory + "/" + pack + ".idx"
    guard try FileStatus.of(packPath) != nil, try FileStatus.of(indexPath) != nil else {
      return nil
    }
    return (packPath, indexPath)
  }

  /// Copies the objects' stored bytes (compressed ones stay compressed) into a new pack.
  private func writePack(
    _ located: [(entry: PackEntry, pack: String)], to path: String, progress: ProgressReporter
  ) throws -> [PackEntry] {
    let sink = try DirectFileWriter(path: path, mode: 0o444)
    do {
      let header = PackFormat.packMagic + [UInt8](repeating: 0, count: 8)
      try header.withUnsafeBytes { try sink.append($0) }
      var entries: [PackEntry] = []
      var recordHeader = [UInt8](repeating: 0, count: PackFormat.recordHeaderLength)
      for (entry, pack) in located {
        var copied = entry
        copied.offset = UInt64(sink.length)
        recordHeader.withUnsafeMutableBytes {
          PackFormat.writeRecordHeader(copied, to: $0.baseAddress!)
        }
        try recordHeader.withUnsafeBytes { try sink.append($0) }
        try sink.append(try store.mappedStoredBytes(entry, pack: pack))
        entries.append(copied)
        progress.advance(by: Int64(entry.storedLength))
      }
      try sink.finish()
      return entries
    } catch {
      sink.abandon()
      throw error
    }
  }
}

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

/// Sends objects from the local store to a remote as new packs.
///
/// Every object is checked against its id before it is sent, so a damaged cache never
/// spreads. Where the storage keeps packs short (an object store), the objects are split,
/// in order, into packs under its limit, sent several at a time; otherwise they make one
/// pack. Each pack is uploaded, then its index; the completion markers are written last, in
/// order, so a pack only counts once every pack before it does (an object may refer to one in
/// an earlier pack). A push killed at any point leaves nothing a reader counts beyond whole
/// packs, and running it again sends what is still missing.
struct RemotePusher {
  let store: ObjectStore
  let storage: RemoteStorage
  let remoteName: String
  let cacheFolder: String

  /// Objects to send, as located in the local store.
  typealias Located = [(entry: PackEntry, pack: String)]

  /// A pack uploaded, waiting for its marker.
  private struct SentPack {
    var name: String
    var indexBytes: [UInt8]
    var length: UInt64
  }

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

    let groups = Self.split(located, limit: storage.packLengthLimit)
    let total = located.reduce(Int64(0)) { $0 + Int64($1.entry.storedLength) }
    progress.begin("Sending", total: total, unit: .bytes)
    let sent = ConcurrentResults<SentPack>(count: groups.count)
    try BoundedParallelism.forEach(groups.count, width: storage.parallelTransfers) {
      [self] position in
      let pack = try send(groups[position])
      sent.record(position) { pack }
      progress.advance(by: groups[position].reduce(Int64(0)) { $0 + Int64($1.entry.storedLength) })
    }
    progress.finish()
    let packs = try sent.values()
    for pack in packs {
      try finish(pack)
    }
    totals.objects = located.count
    totals.bytes = packs.reduce(Int64(0)) { $0 + Int64($1.length) }
    return totals
  }

  /// `located` cut, in order, into runs whose pack stays under `limit` bytes (one run when
  /// there is no limit; an object larger than the limit is a run of its own).
  static func split(_ located: Located, limit: Int?) -> [Located] {
    guard let limit else { return [located] }
    var runs: [Located] = []
    var run: Located = []
    var length = PackFormat.packHeaderLength
    for object in located {
      let record = PackFormat.recordHeaderLength + Int(object.entry.storedLength)
      if !run.isEmpty && length + record > limit {
        runs.append(run)
        run = []
        length = PackFormat.packHeaderLength
      }
      run.append(object)
      length += record
    }
    if !run.isEmpty { runs.append(run) }
    return runs
  }

  /// Uploads one pack and its index, under a new name: a local pack as it is when the run is
  /// exactly one, one built in memory when it is under the storage's limit, or one written to
  /// the store's `tmp/` first.
  private func send(_ located: Located) throws -> SentPack {
    let name = "pack-" + Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255) })
    if let whole = try wholeLocalPack(located) {
      // Sent as it is (linked where the storage can), with its own index: no copy first.
      let indexBytes = try FileSystem.read(whole.index)
      try storage.upload(immutableFile: whole.pack, to: RemoteLayout.packKey(name))
      try storage.write(indexBytes, to: RemoteLayout.indexKey(name))
      let length = UInt64(try FileStatus.of(whole.pack)?.size ?? 0)
      return SentPack(name: name, indexBytes: indexBytes, length: length)
    }
    let packLength = located.reduce(PackFormat.packHeaderLength) {
      $0 + PackFormat.recordHeaderLength + Int($1.entry.storedLength)
    }
    if let limit = storage.packLengthLimit, packLength <= limit {
      let (bytes, entries) = try packBytes(located, length: packLength)
      let indexBytes = PackFormat.encodeIndex(entries)
      try storage.write(bytes, to: RemoteLayout.packKey(name))
      try storage.write(indexBytes, to: RemoteLayout.indexKey(name))
      return SentPack(name: name, indexBytes: indexBytes, length: UInt64(bytes.count))
    }
    let packPath = TemporaryFiles.path(in: store.temporaryDirectory, beside: name)
    defer { unlink(packPath) }
    let entries = try writePack(located, to: packPath)
    let indexBytes = PackFormat.encodeIndex(entries)
    try storage.upload(file: packPath, to: RemoteLayout.packKey(name))
    try storage.write(indexBytes, to: RemoteLayout.indexKey(name))
    return SentPack(name: name, indexBytes: indexBytes, length: UInt64(packLength))
  }

  /// Writes the marker that completes a sent pack, and caches it with the index.
  private func finish(_ pack: SentPack) throws {
    let marker = RemoteLayout.Marker(
      packLength: pack.length, indexDigest: ObjectID(hashing: pack.indexBytes))
    try storage.write(marker.encoded, to: RemoteLayout.markerKey(pack.name))
    // Remember what was just sent, as a later catalog load would.
    try FileSystem.write(
      pack.indexBytes, atomicallyTo: cacheFolder + "/" + pack.name + ".idx", durable: false)
    try FileSystem.write(
      marker.encoded, atomicallyTo: cacheFolder + "/" + pack.name + ".ready", durable: false)
  }

  /// The local pack and index files when `located` is exactly one whole local pack.
  private func wholeLocalPack(_ located: Located) throws
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

  /// The pack of `located`, `length` bytes, built in memory, and its entries.
  private func packBytes(_ located: Located, length: Int) throws -> ([UInt8], [PackEntry]) {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(length)
    let entries = try writeRecords(located, position: { bytes.count }) { bytes += $0 }
    return (bytes, entries)
  }

  /// Copies the objects' stored bytes (compressed ones stay compressed) into a new pack file.
  private func writePack(_ located: Located, to path: String) throws -> [PackEntry] {
    let sink = try DirectFileWriter(path: path, mode: 0o444)
    do {
      let entries = try writeRecords(located, position: { Int(sink.length) }) {
        try sink.append($0)
      }
      try sink.finish()
      return entries
    } catch {
      sink.abandon()
      throw error
    }
  }

  /// Appends a pack's header, then one record per object (its header and stored bytes), and
  /// returns the entries, with their offsets in the new pack.
  private func writeRecords(
    _ located: Located, position: () -> Int, append: (UnsafeRawBufferPointer) throws -> Void
  ) throws -> [PackEntry] {
    try (PackFormat.packMagic + [UInt8](repeating: 0, count: 8)).withUnsafeBytes(append)
    var entries: [PackEntry] = []
    var recordHeader = [UInt8](repeating: 0, count: PackFormat.recordHeaderLength)
    for (entry, pack) in located {
      var copied = entry
      copied.offset = UInt64(position())
      recordHeader.withUnsafeMutableBytes {
        PackFormat.writeRecordHeader(copied, to: $0.baseAddress!)
      }
      try recordHeader.withUnsafeBytes(append)
      try append(try store.mappedStoredBytes(entry, pack: pack))
      entries.append(copied)
    }
    return entries
  }
}

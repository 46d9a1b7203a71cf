import SystemPackage

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Appends new objects to a fresh pack and publishes it atomically.
///
/// The pack is written under the store's `tmp/` directory, then `commit()` fsyncs it, renames
/// it into `packs/`, and writes its index the same way. An object becomes visible only when
/// its index exists, so a process killed at any moment leaves only an unreferenced temporary
/// file. Many threads may call ``append(_:kind:raw:compressed:)`` at once.
final class PackWriter: @unchecked Sendable {
  /// A pack is closed and a new one started past this size.
  static let maximumPackBytes: UInt64 = 4 << 30

  private let store: ObjectStore
  private let lock = Mutex()
  private var current: OpenPack?
  private var appended: Set<ObjectID> = []
  private var published: [PackIndex] = []
  private var newObjects = 0
  private var newBytes: Int64 = 0

  /// Objects appended so far and the bytes they take in packs (compressed), headers included.
  var written: (objects: Int, bytes: Int64) { lock.withLock { (newObjects, newBytes) } }

  /// The temporary pack being filled.
  private struct OpenPack {
    var name: String
    var sink: DirectFileWriter
    var entries: [PackEntry]
    var offset: UInt64 { UInt64(sink.length) }
  }

  init(store: ObjectStore) {
    self.store = store
  }

  /// Whether the store or this writer already holds `id`.
  func contains(_ id: ObjectID) -> Bool {
    if store.contains(id) { return true }
    return lock.withLock { appended.contains(id) }
  }

  /// Adds an object unless the store already has it; returns whether bytes were written.
  ///
  /// - Parameters:
  ///   - raw: the object's content (its id is the SHA-256 of these bytes, or of the file
  ///     for a chunk recipe).
  ///   - compressed: a zstd frame of `raw`, when compressing paid.
  @discardableResult
  func append(
    _ id: ObjectID,
    kind: ObjectKind,
    raw: UnsafeRawBufferPointer,
    compressed: UnsafeRawBufferPointer?
  ) throws -> Bool {
    if store.contains(id) { return false }
    let stored = compressed ?? raw
    let entry = PackEntry(
      id: id, offset: 0, storedLength: UInt64(stored.count), rawLength: UInt64(raw.count),
      kind: kind, encoding: compressed == nil ? .raw : .zstd)
    return try appendRecord(entry, stored: stored)
  }

  /// Adds an object exactly as another pack stores it (a compressed one stays compressed),
  /// even when the store holds it already: `mlx gc` moves the objects it keeps out of the
  /// packs it removes. The caller has checked the bytes against the object's id.
  @discardableResult
  func appendCopy(of entry: PackEntry, stored: UnsafeRawBufferPointer) throws -> Bool {
    try appendRecord(entry, stored: stored)
  }

  /// Appends one record (header and stored bytes) unless this writer holds `entry.id`.
  private func appendRecord(_ entry: PackEntry, stored: UnsafeRawBufferPointer) throws -> Bool {
    var entry = entry
    let id = entry.id
    return try lock.withLock {
      guard appended.insert(id).inserted else { return false }
      if let open = current,
        open.offset + UInt64(PackFormat.recordHeaderLength + stored.count)
          > Self.maximumPackBytes, !open.entries.isEmpty
      {
        try publishCurrent()
      }
      // Take the pack out of `current` while appending, so its entry list is mutated in
      // place rather than copied (copy-on-write) on every object.
      var pack = try current.take() ?? openPack()
      defer { current = pack }
      entry.offset = pack.offset
      var header = [UInt8](repeating: 0, count: PackFormat.recordHeaderLength)
      header.withUnsafeMutableBytes { PackFormat.writeRecordHeader(entry, to: $0.baseAddress!) }
      try header.withUnsafeBytes { try pack.sink.append($0) }
      try pack.sink.append(stored)
      pack.entries.append(entry)
      newObjects += 1
      newBytes += Int64(PackFormat.recordHeaderLength + stored.count)
      return true
    }
  }

  /// Publishes everything appended so far; returns the new indexes (none if nothing new).
  @discardableResult
  func commit() throws -> [PackIndex] {
    try lock.withLock {
      if current != nil { try publishCurrent() }
      let result = published
      published = []
      return result
    }
  }

  // MARK: - Pack files

  private func openPack() throws -> OpenPack {
    var random = [UInt8](repeating: 0, count: 16)
    for index in random.indices { random[index] = .random(in: 0...255) }
    let name = "pack-" + Hex.encode(random)
    let sink = try DirectFileWriter(
      path: "\(store.temporaryDirectory)/\(name).pack.tmp-\(getpid())", mode: 0o444)
    let header = PackFormat.packMagic + [UInt8](repeating: 0, count: 8)
    try header.withUnsafeBytes { try sink.append($0) }
    return OpenPack(name: name, sink: sink, entries: [])
  }

  /// fsync, rename into `packs/`, then write the index the same way.
  private func publishCurrent() throws {
    guard let pack = current else { return }
    current = nil
    try pack.sink.finish()
    let packPath = "\(store.packDirectory)/\(pack.name).pack"
    try FileSystem.rename(pack.sink.path, to: packPath)
    let indexBytes = PackFormat.encodeIndex(pack.entries)
    let indexPath = "\(store.packDirectory)/\(pack.name).idx"
    try FileSystem.write(
      indexBytes, atomicallyTo: indexPath, mode: 0o444,
      temporaryDirectory: store.temporaryDirectory)
    let index = try PackIndex(name: pack.name, bytes: indexBytes, path: indexPath)
    store.register(index)
    published.append(index)
  }
}

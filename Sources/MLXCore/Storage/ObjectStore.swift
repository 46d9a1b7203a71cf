#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// The local content-addressed object store (`.mlx/cache` by default).
///
/// Objects live in append-only packs (`packs/pack-<hex>.pack`) with a sorted index beside each
/// (`.idx`); see docs/formats.md. Packs are never modified once published, so readers need no
/// lock and several clones may share one store. Every read is checked against the object's
/// SHA-256 before its bytes are returned.
public final class ObjectStore: @unchecked Sendable {
  /// The store's root directory.
  public let directory: String
  var packDirectory: String { directory + "/packs" }
  var temporaryDirectory: String { directory + "/tmp" }

  private let lock = Mutex()
  private var indexes: [PackIndex] = []
  /// Copies `mlx verify` found damaged: lookups pass over them.
  private var damaged = DamagedCopies()
  let files: PackFiles
  let codecs = ZstdContextPool()

  private init(directory: String) {
    self.directory = directory
    files = PackFiles(packDirectory: directory + "/packs")
  }

  /// Opens (creating if needed) the store at `directory` and loads its pack indexes.
  public static func open(at directory: String) throws -> ObjectStore {
    let store = ObjectStore(directory: directory)
    try FileSystem.createDirectories(store.packDirectory)
    try FileSystem.createDirectories(store.temporaryDirectory)
    for entry in try FileSystem.entries(of: store.packDirectory) where entry.name.hasSuffix(".idx")
    {
      let path = "\(store.packDirectory)/\(entry.name)"
      let bytes: [UInt8]
      do {
        bytes = try FileSystem.read(path)
      } catch let error as SystemError where error.isNotFound {
        continue  // removed since the listing, by `mlx gc` after copying what it keeps
      }
      store.indexes.append(
        try PackIndex(name: String(entry.name.dropLast(4)), bytes: bytes, path: path))
    }
    store.damaged = DamagedCopies.load(from: directory)
    TemporaryFiles.removeAbandoned(in: store.temporaryDirectory)
    return store
  }

  /// Records stored copies found damaged; from now on lookups pass over them, so the object
  /// counts as absent until a sound copy is stored again.
  func recordDamaged(_ copies: [DamagedCopies.Copy]) throws {
    guard !copies.isEmpty else { return }
    let packs = Set(allIndexes.map(\.name))
    try lock.withLock {
      try damaged.record(copies, knownPacks: packs, in: directory)
    }
  }

  /// Whether this copy was found damaged.
  func isDamaged(_ id: ObjectID, inPack pack: String) -> Bool {
    lock.withLock { damaged.contains(id, inPack: pack) }
  }

  /// Indexes whose pack file is gone (deleted or lost by hand; `mlx gc` removes the index
  /// first): their objects cannot be read.
  func indexesWithoutPack() -> [PackIndex] {
    reloadIndexes()
    return allIndexes.filter { !files.isReadable($0.name) }
  }

  func register(_ index: PackIndex) {
    lock.withLock { indexes.append(index) }
  }

  /// Removes the index named `name` from lookups (a staged pack discarded or re-indexed).
  func unregister(named name: String) {
    lock.withLock { indexes.removeAll { $0.name == name } }
  }

  /// Every index the store reads, oldest first.
  var allIndexes: [PackIndex] { lock.withLock { indexes } }

  /// A writer for new objects; call `commit()` on it to publish them.
  func makeWriter() -> PackWriter { PackWriter(store: self) }

  // MARK: - Lookup

  /// Whether the store holds `id` (as a blob or a chunk recipe), as its indexes say.
  public func contains(_ id: ObjectID) -> Bool { indexedEntry(id) != nil }

  /// The index entry of `id` (kind, lengths), as the indexes say; nil when none lists it.
  func indexedEntry(_ id: ObjectID) -> PackEntry? {
    // One lock for both: a lookup is on every read's path.
    let (snapshot, damaged): ([PackIndex], DamagedCopies) = lock.withLock {
      (indexes, self.damaged)
    }
    for index in snapshot.reversed() {
      if let entry = index.find(id), !damaged.contains(id, inPack: index.name) { return entry }
    }
    return nil
  }

  /// Where `id` is, in a pack this process can read: its descriptor is open, so the object
  /// stays readable even if `mlx gc` removes the pack's file afterwards. When a pack listing
  /// `id` is gone (gc copied what it keeps into a new pack, then removed it), the indexes are
  /// read again and the new pack is used.
  func locate(_ id: ObjectID) -> (entry: PackEntry, pack: String)? {
    var sawRemovedPack = false
    // One lock for both: a lookup is on every read's path.
    let (snapshot, damaged): ([PackIndex], DamagedCopies) = lock.withLock {
      (indexes, self.damaged)
    }
    for index in snapshot.reversed() {
      guard let entry = index.find(id), !damaged.contains(id, inPack: index.name) else {
        continue
      }
      if files.isReadable(index.name) { return (entry, index.name) }
      sawRemovedPack = true
    }
    guard sawRemovedPack, reloadIndexes() else { return nil }
    for index in lock.withLock({ indexes }).reversed() {
      if let entry = index.find(id), !damaged.contains(id, inPack: index.name),
        files.isReadable(index.name)
      {
        return (entry, index.name)
      }
    }
    return nil
  }

  /// Every object of every pack this process can read, with the pack it is in.
  func allEntries() -> [(entry: PackEntry, pack: String)] {
    var snapshot = lock.withLock { indexes }
    if !snapshot.allSatisfy({ files.isReadable($0.name) }) {
      reloadIndexes()
      snapshot = lock.withLock { indexes }.filter { files.isReadable($0.name) }
    }
    return snapshot.flatMap { index in index.entries.map { ($0, index.name) } }
  }

  /// Reads `packs/` again: adds the indexes published since they were last read, and drops
  /// those whose files are gone and whose pack this process has not opened. Returns whether
  /// anything changed.
  @discardableResult
  func reloadIndexes() -> Bool {
    guard let listing = try? FileSystem.entries(of: packDirectory) else { return false }
    let present = Set(listing.filter { $0.name.hasSuffix(".idx") }.map { $0.name.dropLast(4) })
    let known = lock.withLock { indexes }
    let staged = files.stagedPacks
    let gone = Set(
      known.map(\.name).filter {
        !present.contains(Substring($0)) && staged[$0] == nil && !files.isOpen($0)
      })
    var added: [PackIndex] = []
    for name in present.map(String.init) where !known.contains(where: { $0.name == name }) {
      let path = "\(packDirectory)/\(name).idx"
      guard let bytes = try? FileSystem.read(path),
        let index = try? PackIndex(name: name, bytes: bytes, path: path)
      else { continue }
      added.append(index)
    }
    guard !gone.isEmpty || !added.isEmpty else { return false }
    lock.withLock {
      indexes.removeAll { gone.contains($0.name) }
      indexes += added.filter { new in !indexes.contains { $0.name == new.name } }
    }
    return true
  }

  /// The number of packs and the bytes they take on disk.
  public func footprint() throws -> (packs: Int, bytes: Int64) {
    var bytes: Int64 = 0
    var packs = 0
    for entry in try FileSystem.entries(of: packDirectory) {
      if let status = try FileStatus.of("\(packDirectory)/\(entry.name)") {
        bytes += status.size
        if entry.name.hasSuffix(".pack") { packs += 1 }
      }
    }
    return (packs, bytes)
  }

  // MARK: - Reading

  /// The most bytes one object may hold when read into memory: chunks are at most 4 MiB,
  /// whole files under 256 KiB; only a manifest or chunk list of millions of entries comes
  /// near. A larger claim is damage (or a hostile index), not a reason to exhaust memory.
  static let largestObjectInMemory: UInt64 = 1 << 30

  /// The uncompressed bytes of a located object, not yet checked against its id.
  func readUnverified(_ entry: PackEntry, pack: String) throws -> [UInt8] {
    let stored = try mappedStoredBytes(entry, pack: pack)
    guard entry.contentLength <= Self.largestObjectInMemory else {
      throw ObjectStoreError.corrupt(
        entry.id, pack: pack, reason: "it records \(entry.contentLength) bytes")
    }
    return try [UInt8](unsafeUninitializedCapacity: Int(entry.contentLength)) { buffer, count in
      try decode(stored, of: entry, pack: pack, into: UnsafeMutableRawBufferPointer(buffer))
      count = buffer.count
    }
  }

  /// Reads a located object's uncompressed bytes into `destination`, which holds exactly
  /// `entry.contentLength` bytes; they are not yet checked against the object's id.
  func readUnverified(
    _ entry: PackEntry, pack: String, into destination: UnsafeMutableRawBufferPointer
  ) throws {
    try decode(try mappedStoredBytes(entry, pack: pack), of: entry, pack: pack, into: destination)
  }

  /// Copies (raw) or decompresses (zstd) an object's stored bytes into `destination`.
  private func decode(
    _ stored: UnsafeRawBufferPointer, of entry: PackEntry, pack: String,
    into destination: UnsafeMutableRawBufferPointer
  ) throws {
    switch entry.encoding {
    case .raw:
      guard stored.count == destination.count else {
        throw ObjectStoreError.corrupt(entry.id, pack: pack, reason: "pack is truncated")
      }
      if let base = stored.baseAddress, !stored.isEmpty {
        destination.baseAddress!.copyMemory(from: base, byteCount: stored.count)
      }
    case .zstd:
      try decompress(stored, of: entry, pack: pack, into: destination)
    }
  }

  /// Checks one located object on its own: a blob against its id, a chunk recipe against
  /// its checksum (its chunks, and the whole file, are checked by ``streamContent``).
  func check(_ entry: PackEntry, pack: String) throws {
    let bytes = try readUnverified(entry, pack: pack)
    switch entry.kind {
    case .blob:
      guard ObjectID(hashing: bytes) == entry.id else {
        throw ObjectStoreError.corrupt(
          entry.id, pack: pack, reason: "content does not match its digest")
      }
    case .chunked:
      guard ChunkRecipe(decoding: bytes) != nil else {
        throw ObjectStoreError.malformedRecipe(entry.id)
      }
    }
  }

  /// A blob's bytes, checked against its id.
  /// - Throws: ``ObjectStoreError/missing(_:)`` or ``ObjectStoreError/corrupt(_:pack:reason:)``.
  func readVerifiedBlob(_ id: ObjectID) throws -> [UInt8] {
    guard let (entry, pack) = locate(id) else { throw ObjectStoreError.missing(id) }
    let bytes = try readUnverified(entry, pack: pack)
    guard ObjectID(hashing: bytes) == id else {
      throw ObjectStoreError.corrupt(id, pack: pack, reason: "content does not match its digest")
    }
    return bytes
  }

  /// Streams the content `id` names (a blob, or a chunked file reassembled) to `sink`.
  ///
  /// Every byte is checked before the sink sees it: a blob against its id; a chunked file's
  /// recipe against its own checksum and each chunk against its id. With `rehashWhole`, the
  /// reassembled content is also hashed and compared with `id` (what `mlx verify` does). The
  /// sink may have received bytes when this throws; callers write to a temporary file and
  /// discard it on error.
  public func streamContent(
    of id: ObjectID,
    rehashWhole: Bool = false,
    to sink: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    guard let (entry, pack) = locate(id) else { throw ObjectStoreError.missing(id) }
    if entry.kind == .blob {
      let bytes = try readVerifiedBlob(id)
      try bytes.withUnsafeBytes { try sink($0) }
      return
    }
    guard let recipe = ChunkRecipe(decoding: try readUnverified(entry, pack: pack)) else {
      throw ObjectStoreError.malformedRecipe(id)
    }
    var hasher = ContentHasher()
    try ChunkReader(store: self, recipe: recipe).forEachChunk { bytes in
      if rehashWhole { hasher.update(bytes) }
      try sink(bytes)
    }
    if rehashWhole, hasher.finalize() != id {
      throw ObjectStoreError.corrupt(id, pack: pack, reason: "chunks do not rebuild the file")
    }
  }

  /// Writes the content `id` names into `descriptor`, a new empty file, from offset 0, on
  /// every core for a chunked file. Every byte is checked against its id before it is
  /// written; when this throws, the file holds part of the content and callers discard it.
  public func writeContent(of id: ObjectID, to descriptor: Int32, displayPath: String) throws {
    guard let (entry, pack) = locate(id) else { throw ObjectStoreError.missing(id) }
    if entry.kind == .blob {
      let bytes = try readVerifiedBlob(id)
      try bytes.withUnsafeBytes {
        try FileSystem.writeFully(descriptor, $0, at: 0, path: displayPath)
      }
      return
    }
    guard let recipe = ChunkRecipe(decoding: try readUnverified(entry, pack: pack)) else {
      throw ObjectStoreError.malformedRecipe(id)
    }
    try ChunkedFileWriter(store: self, recipe: recipe).write(
      to: descriptor, displayPath: displayPath)
  }

  /// The length of the content `id` names: a blob's bytes, or a chunked file's whole length.
  /// - Throws: ``ObjectStoreError/missing(_:)``, or ``ObjectStoreError/malformedRecipe(_:)``.
  public func contentSize(of id: ObjectID) throws -> Int64 {
    guard let (entry, _) = locate(id) else { throw ObjectStoreError.missing(id) }
    if entry.kind == .blob { return Int64(entry.contentLength) }
    return try recipe(of: id)?.totalLength ?? Int64(entry.rawLength)
  }

  /// The recipe of a chunked object, or nil for a blob.
  func recipe(of id: ObjectID) throws -> ChunkRecipe? {
    guard let (entry, pack) = locate(id) else { throw ObjectStoreError.missing(id) }
    guard entry.kind == .chunked else { return nil }
    guard let recipe = ChunkRecipe(decoding: try readUnverified(entry, pack: pack)) else {
      throw ObjectStoreError.malformedRecipe(id)
    }
    return recipe
  }

  // MARK: - Read-ahead

  /// Asks the kernel to start reading these objects from disk now, so the reads that follow
  /// find them in memory. Packs are written around the page cache, so without this a
  /// checkout right after an add would wait on the disk one small read at a time.
  func prefetch(_ ids: [ObjectID]) {
    var spans: [String: (start: UInt64, end: UInt64)] = [:]
    for id in ids {
      guard let (entry, pack) = locate(id) else { continue }
      let end = entry.offset + UInt64(PackFormat.recordHeaderLength) + entry.storedLength
      let span = spans[pack] ?? (entry.offset, end)
      spans[pack] = (min(span.start, entry.offset), max(span.end, end))
    }
    for (pack, span) in spans {
      guard let descriptor = try? files.descriptor(pack) else { continue }
      // Never ask for more than 256 MiB at once; later reads ask again as they go.
      let length = min(span.end - span.start, 256 << 20)
      _ = posix_fadvise(descriptor, off_t(span.start), off_t(length), POSIX_FADV_WILLNEED)
    }
  }

  /// A located object's stored bytes (compressed or not), read in place from the pack mapped
  /// into memory, not yet checked against its id. Valid while the store lives.
  ///
  /// Packs are never modified once published, so the mapping stays valid; the object's range
  /// is checked against the pack's length when mapped, so a truncated pack is an error here
  /// rather than a fault on first touch.
  func mappedStoredBytes(_ entry: PackEntry, pack: String) throws -> UnsafeRawBufferPointer {
    let mapping = try files.mapping(pack)
    let start = entry.offset + UInt64(PackFormat.recordHeaderLength)
    guard start <= UInt64(mapping.count), entry.storedLength <= UInt64(mapping.count) - start
    else {
      throw ObjectStoreError.corrupt(entry.id, pack: pack, reason: "pack is truncated")
    }
    return UnsafeRawBufferPointer(
      rebasing: mapping[Int(start)..<Int(start + entry.storedLength)])
  }

  /// Decompresses a zstd-stored object into `destination` (exactly its raw length).
  func decompress(
    _ stored: UnsafeRawBufferPointer, of entry: PackEntry, pack: String,
    into destination: UnsafeMutableRawBufferPointer
  ) throws {
    do {
      try codecs.withDecompressor { try $0.decompress(stored, into: destination) }
    } catch let error as ZstdError {
      throw ObjectStoreError.corrupt(entry.id, pack: pack, reason: error.message)
    }
  }
}

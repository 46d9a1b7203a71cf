import Dispatch

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// One published pack, as `mlx gc` weighs it.
struct StoredPack {
  let index: PackIndex
  var name: String { index.name }
  /// Bytes of the pack and its index on disk.
  let bytes: Int64
  /// When the pack was written (its file's modification time), in nanoseconds since 1970.
  let modifiedNanoseconds: Int64
}

/// A file in the store that no index lists and no running process is writing.
struct StrayFile {
  /// The path relative to the store (`packs/pack-….pack`, `tmp/….tmp-123`).
  let path: String
  let bytes: Int64
  let modifiedNanoseconds: Int64
}

/// The store's packs and leftover files as a whole, for `mlx gc`.
extension ObjectStore {
  /// The published packs (staged ones excluded) with their sizes and ages. A pack whose files
  /// are gone (another gc removed it) is left out.
  func publishedPacks() throws -> [StoredPack] {
    let staged = files.stagedPacks
    var packs: [StoredPack] = []
    for index in allIndexes where staged[index.name] == nil {
      guard let pack = try FileStatus.of("\(packDirectory)/\(index.name).pack"),
        let indexFile = try FileStatus.of("\(packDirectory)/\(index.name).idx")
      else { continue }
      packs.append(
        StoredPack(
          index: index, bytes: pack.size + indexFile.size,
          modifiedNanoseconds: pack.modifiedNanoseconds))
    }
    return packs
  }

  /// Pack files without their index (a process killed between publishing a pack and its
  /// index) and files in `tmp/` whose writer is gone or that mlx did not name.
  func strayFiles() throws -> [StrayFile] {
    var stray: [StrayFile] = []
    let listing = try FileSystem.entries(of: packDirectory).map(\.name)
    let indexes = Set(listing.filter { $0.hasSuffix(".idx") }.map { $0.dropLast(4) })
    for name in listing where name.hasSuffix(".pack") && !indexes.contains(name.dropLast(5)) {
      if let status = try FileStatus.of("\(packDirectory)/\(name)"), status.kind == .regular {
        stray.append(
          StrayFile(
            path: "packs/" + name, bytes: status.size,
            modifiedNanoseconds: status.modifiedNanoseconds))
      }
    }
    for entry in try FileSystem.entries(of: temporaryDirectory) {
      // A temporary file of a running process (a long push or fetch) is never stray.
      if TemporaryFiles.writer(of: entry.name) != nil, !TemporaryFiles.isAbandoned(entry.name) {
        continue
      }
      if let status = try FileStatus.of("\(temporaryDirectory)/\(entry.name)"),
        status.kind == .regular
      {
        stray.append(
          StrayFile(
            path: "tmp/" + entry.name, bytes: status.size,
            modifiedNanoseconds: status.modifiedNanoseconds))
      }
    }
    return stray
  }

  /// Deletes a stray file (a path ``strayFiles()`` listed).
  func removeStray(_ file: StrayFile) throws {
    try FileSystem.removeFile(directory + "/" + file.path)
  }

  /// Removes a pack: its index first, so no process opening the store from then on finds
  /// it, then the pack. Processes that have the pack open keep reading it; those that find
  /// it gone read the indexes again (``locate(_:)``).
  func removePack(_ name: String) throws {
    unregister(named: name)
    try FileSystem.removeFile("\(packDirectory)/\(name).idx")
    try FileSystem.removeFile("\(packDirectory)/\(name).pack")
  }

  /// Makes the removals in `packs/` durable.
  func syncPackDirectory() throws {
    try FileSystem.syncDirectory(containing: packDirectory + "/x")
  }

  /// Whether a located object's content starts with `prefix` (not checked against its id:
  /// a hint of what the object is). Reads only the prefix of an object stored raw.
  func content(of entry: PackEntry, pack: String, startsWith prefix: [UInt8]) throws -> Bool {
    guard entry.contentLength >= UInt64(prefix.count) else { return false }
    if entry.encoding == .raw {
      return try mappedStoredBytes(entry, pack: pack).prefix(prefix.count).elementsEqual(prefix)
    }
    return try readUnverified(entry, pack: pack).starts(with: prefix)
  }

  /// An object's bytes read from elsewhere (a remote pack) as a record stores them: decoded
  /// and checked, a blob against its id, a chunk recipe against its own checksum.
  /// - Throws: ``ObjectStoreError/corrupt(_:pack:reason:)`` naming `origin`.
  func decodeChecked(_ stored: [UInt8], as entry: PackEntry, origin: String) throws -> [UInt8] {
    guard UInt64(stored.count) == entry.storedLength,
      entry.contentLength <= Self.largestObjectInMemory
    else {
      throw ObjectStoreError.corrupt(entry.id, pack: origin, reason: "it has the wrong length")
    }
    var bytes = stored
    if entry.encoding == .zstd {
      bytes = try [UInt8](unsafeUninitializedCapacity: Int(entry.rawLength)) { buffer, count in
        try stored.withUnsafeBytes {
          try decompress($0, of: entry, pack: origin, into: UnsafeMutableRawBufferPointer(buffer))
        }
        count = buffer.count
      }
    }
    switch entry.kind {
    case .blob:
      guard ObjectID(hashing: bytes) == entry.id else {
        throw ObjectStoreError.corrupt(
          entry.id, pack: origin, reason: "content does not match its digest")
      }
    case .chunked:
      guard ChunkRecipe(decoding: bytes) != nil else {
        throw ObjectStoreError.malformedRecipe(entry.id)
      }
    }
    return bytes
  }
}

extension ObjectStore {
  /// Checks every located object against its id, on all cores; throws the first failure.
  /// Push and repacking call it before they copy anything.
  func checkAll(_ located: [(entry: PackEntry, pack: String)]) throws {
    let results = ConcurrentResults<Bool>(count: located.count)
    DispatchQueue.concurrentPerform(iterations: located.count) { position in
      results.record(position) {
        try self.check(located[position].entry, pack: located[position].pack)
        return true
      }
    }
    _ = try results.values()
  }
}

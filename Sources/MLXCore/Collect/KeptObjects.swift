/// Where the walk to kept objects reads a chunked file's recipe or a directory's manifest.
protocol ObjectSource {
  /// The kind of `id`, when this source holds it.
  func kind(of id: ObjectID) -> ObjectKind?
  /// The bytes of an object this source holds, checked: a blob against its id, a chunk
  /// recipe against its own checksum.
  func checkedBytes(of id: ObjectID) throws -> [UInt8]
}

/// The local store as a source.
struct StoreSource: ObjectSource {
  let store: ObjectStore

  func kind(of id: ObjectID) -> ObjectKind? { store.indexedEntry(id)?.kind }

  func checkedBytes(of id: ObjectID) throws -> [UInt8] {
    guard let (entry, pack) = store.locate(id) else { throw ObjectStoreError.missing(id) }
    let bytes = try store.readUnverified(entry, pack: pack)
    switch entry.kind {
    case .blob:
      guard ObjectID(hashing: bytes) == id else {
        throw ObjectStoreError.corrupt(id, pack: pack, reason: "content does not match its digest")
      }
    case .chunked:
      guard ChunkRecipe(decoding: bytes) != nil else { throw ObjectStoreError.malformedRecipe(id) }
    }
    return bytes
  }
}

/// Every object some root needs, found through the sources (first the local store, then,
/// for remote gc, the remote): the content a pointer or run record names, a chunked file's
/// chunks, a directory's manifest and its files. Each kept object remembers the root that
/// reached it first and the content it is part of.
struct KeptObjects {
  struct Keep {
    /// Position of the root in ``roots``.
    var root: Int
    /// The file whose chunk it is, or the directory whose file it is.
    var partOf: ObjectID?
  }

  let roots: [GCRoot]
  private(set) var kept: [ObjectID: Keep] = [:]
  /// Roots whose content no source holds.
  private(set) var absentRoots = 0
  private var walked: Set<ObjectID> = []
  private let sources: [ObjectSource]

  /// Walks from every root through `sources`.
  /// - Throws: a store error for a recipe or manifest that is there but damaged: what it
  ///   refers to is then unknown, so nothing may be collected.
  init(_ roots: [GCRoot], sources: [ObjectSource]) throws {
    self.roots = roots
    self.sources = sources
    for (position, root) in roots.enumerated() {
      if find(root.digest) == nil { absentRoots += 1 }
      try add(root.digest, asDirectory: root.isDirectory, root: position, partOf: nil)
    }
  }

  func contains(_ id: ObjectID) -> Bool { kept[id] != nil }

  /// Whether a root other than a young pack (``KeepReason/Kind/recent``) needs `id`.
  func isNeeded(_ id: ObjectID) -> Bool {
    kept[id].map { roots[$0.root].reason.kind != .recent } ?? false
  }

  /// Why `id` is kept, or nil when no root needs it.
  func reason(for id: ObjectID) -> (reason: KeepReason, partOf: ObjectID?)? {
    kept[id].map { (roots[$0.root].reason, $0.partOf) }
  }

  private func find(_ id: ObjectID) -> (source: ObjectSource, kind: ObjectKind)? {
    for source in sources {
      if let kind = source.kind(of: id) { return (source, kind) }
    }
    return nil
  }

  private mutating func add(
    _ id: ObjectID, asDirectory: Bool, root: Int, partOf: ObjectID?
  ) throws {
    if kept[id] == nil { kept[id] = Keep(root: root, partOf: partOf) }
    guard let (source, kind) = find(id) else { return }
    let bytes: [UInt8]
    switch kind {
    case .chunked:
      guard walked.insert(id).inserted else { return }
      bytes = try source.checkedBytes(of: id)
      guard let recipe = ChunkRecipe(decoding: bytes) else {
        throw ObjectStoreError.malformedRecipe(id)
      }
      for chunk in recipe.chunks where kept[chunk.id] == nil {
        kept[chunk.id] = Keep(root: root, partOf: id)
      }
    case .blob:
      guard asDirectory, walked.insert(id).inserted else { return }
      bytes = try source.checkedBytes(of: id)
      // A blob that is no manifest is a file a pointer wrongly calls a directory: it names
      // nothing more.
      guard let manifest = try? DirectoryManifest(decoding: bytes) else { return }
      for entry in manifest.entries {
        try add(entry.digest, asDirectory: false, root: root, partOf: id)
      }
    }
  }
}

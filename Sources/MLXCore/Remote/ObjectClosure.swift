/// The objects some content needs, found through the local store: the content's own object,
/// a chunked file's chunks, a directory's manifest and the objects of its files.
struct ObjectClosure {
  /// Content a pointer names.
  struct Root: Hashable, Sendable {
    var digest: ObjectID
    var isDirectory: Bool
  }

  /// Objects the store holds, each after every object it refers to.
  private(set) var objects: [ObjectID] = []
  /// Objects the walk needed that the store does not hold (their own references unknown).
  private(set) var absent: [ObjectID] = []
  private var seen: Set<ObjectID> = []

  /// Walks from `roots` through `store`.
  /// - Throws: a store error for an object that is there but damaged (a recipe or manifest
  ///   that does not parse).
  init(_ roots: [Root], in store: ObjectStore) throws {
    for root in roots {
      if root.isDirectory {
        try addDirectory(root.digest, store: store)
      } else {
        try addFile(root.digest, store: store)
      }
    }
  }

  private mutating func addFile(_ id: ObjectID, store: ObjectStore) throws {
    guard seen.insert(id).inserted else { return }
    guard store.contains(id) else {
      absent.append(id)
      return
    }
    if let recipe = try store.recipe(of: id) {
      for chunk in recipe.chunks where seen.insert(chunk.id).inserted {
        if store.contains(chunk.id) { objects.append(chunk.id) } else { absent.append(chunk.id) }
      }
    }
    objects.append(id)
  }

  private mutating func addDirectory(_ id: ObjectID, store: ObjectStore) throws {
    guard !seen.contains(id) else { return }
    guard store.contains(id) else {
      seen.insert(id)
      absent.append(id)
      return
    }
    let manifest: DirectoryManifest
    do {
      manifest = try DirectoryManifest(decoding: try store.readVerifiedBlob(id))
    } catch let error as ManifestError {
      throw ObjectStoreError.corrupt(id, pack: "the cache", reason: "\(error)")
    }
    for entry in manifest.entries { try addFile(entry.digest, store: store) }
    seen.insert(id)
    objects.append(id)
  }
}

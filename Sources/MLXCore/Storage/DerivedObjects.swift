/// Small objects derived from stored content (a data file's profile): stored as ordinary
/// objects, so remotes carry them like data, and found again through an index of files
/// under the store, `derived/<kind>/<key>`, each holding the derived object's id. The index
/// is a cache: an entry whose object is gone (collected by `mlx gc`) counts as absent.
struct DerivedObjects {
  let store: ObjectStore
  let directory: String

  /// `kind` names the derivation (`profiles`).
  init(store: ObjectStore, kind: String) {
    self.store = store
    directory = store.directory + "/derived/" + kind
  }

  /// The object recorded for `key` (lowercase hex and dashes only), when the store holds it.
  func lookup(_ key: String) -> ObjectID? {
    guard Self.isValid(key),
      let text = try? FileSystem.readTextIfPresent(directory + "/" + key),
      let id = ObjectID(parsing: text.split(separator: "\n").first ?? ""),
      store.contains(id)
    else { return nil }
    return id
  }

  /// Stores `bytes` as one object, durably, and records it for `key`; returns its id.
  func store(_ bytes: [UInt8], for key: String, compression: CompressionPolicy) throws -> ObjectID {
    precondition(Self.isValid(key))
    let writer = store.makeWriter()
    let ingester = FileIngester(
      writer: writer, codecs: store.codecs, compression: compression, progress: SilentProgress())
    let id = try ingester.storeBlob(bytes)
    try writer.commit()
    try record(id, for: key)
    return id
  }

  /// Records `id` for `key`.
  func record(_ id: ObjectID, for key: String) throws {
    precondition(Self.isValid(key))
    try FileSystem.createDirectories(directory)
    try FileSystem.write(
      Array((id.description + "\n").utf8), atomicallyTo: directory + "/" + key,
      temporaryDirectory: store.temporaryDirectory, durable: false)
  }

  /// The bytes of the object `id`, checked against it.
  func read(_ id: ObjectID) throws -> [UInt8] { try store.readVerifiedBlob(id) }

  private static func isValid(_ key: String) -> Bool {
    !key.isEmpty
      && key.utf8.allSatisfy {
        (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || $0 == 0x2D
      }
  }
}

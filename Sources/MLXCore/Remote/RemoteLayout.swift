/// How a remote lays out its objects (docs/formats.md, "Remotes"): packs in the local
/// store's format under `packs/`, each with its index and, written last, a completion marker.
///
/// A pack counts as on the remote only once its marker exists, so a reader never sees a pack
/// or index that is still being written, and a push killed half-way leaves files no reader
/// uses. A pack's objects come with everything they refer to (a chunked file's chunks, a
/// directory's files) in that pack or in packs completed before it.
enum RemoteLayout {
  static let packFolder = "packs/"
  static let markerLength = 80
  /// The largest index mlx reads: 4 million objects.
  static let largestIndex = 256 << 20

  static func packKey(_ name: String) -> String { packFolder + name + ".pack" }
  static func indexKey(_ name: String) -> String { packFolder + name + ".idx" }
  static func markerKey(_ name: String) -> String { packFolder + name + ".ready" }

  /// The completion marker: `MLXRDY01`, the pack's length (`u64`), the SHA-256 of the index,
  /// then the SHA-256 of those 48 bytes (``BinaryWriter/sealed``).
  struct Marker: Equatable {
    var packLength: UInt64
    var indexDigest: ObjectID

    init(packLength: UInt64, indexDigest: ObjectID) {
      self.packLength = packLength
      self.indexDigest = indexDigest
    }

    var encoded: [UInt8] {
      var writer = BinaryWriter(magic: "MLXRDY01")
      writer.integer(packLength)
      for byte in indexDigest.bytes { writer.integer(byte) }
      return writer.sealed
    }

    init?(decoding bytes: [UInt8]) {
      guard bytes.count == RemoteLayout.markerLength,
        var reader = BinaryReader(sealed: bytes, magic: "MLXRDY01"),
        let length = reader.integer(UInt64.self)
      else { return nil }
      packLength = length
      indexDigest = bytes.withUnsafeBytes {
        ObjectID(bytes: UnsafeRawBufferPointer(rebasing: $0[16..<48]))
      }
    }
  }

  /// The name of a pack file key (`packs/pack-<32 hex>.<extension>`), or nil for any other key.
  static func packName(of key: String, extension suffix: String) -> String? {
    guard key.hasPrefix(packFolder), key.hasSuffix("." + suffix) else { return nil }
    let name = String(key.dropFirst(packFolder.count).dropLast(suffix.count + 1))
    guard name.hasPrefix("pack-"), name.count == 37,
      name.dropFirst(5).allSatisfy({ $0.isHexDigit && !$0.isUppercase })
    else { return nil }
    return name
  }

  /// The local folder caching one remote's markers and indexes (keyed by its location and
  /// endpoint, so renaming the remote keeps it).
  static func cacheFolder(for location: RemoteLocation, endpoint: String?, in store: ObjectStore)
    -> String
  {
    let identity = location.description + (endpoint.map { " at " + $0 } ?? "")
    let key = ObjectID(hashing: Array(identity.utf8)).hex.prefix(16)
    return store.directory + "/remotes/" + key
  }
}

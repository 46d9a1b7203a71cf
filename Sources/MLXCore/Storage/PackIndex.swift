/// One pack's index, loaded into memory and searched by binary search.
struct PackIndex: Sendable {
  /// The pack's file name without extension (`pack-<hex>`).
  let name: String
  private let bytes: [UInt8]
  let count: Int

  /// Parses an index file's bytes.
  /// - Throws: ``ObjectStoreError/corruptIndex(path:reason:)`` when the magic, length or
  ///   trailing checksum is wrong.
  init(name: String, bytes: [UInt8], path: String) throws {
    self.name = name
    self.bytes = bytes
    let header = PackFormat.indexHeaderLength
    let trailer = PackFormat.indexTrailerLength
    guard bytes.count >= header + trailer, Array(bytes[0..<8]) == PackFormat.indexMagic else {
      throw ObjectStoreError.corruptIndex(path: path, reason: "not an mlx pack index")
    }
    let declared = bytes.withUnsafeBytes {
      Int(
        truncatingIfNeeded: UInt64(
          littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
    }
    guard declared >= 0, declared <= bytes.count / PackFormat.indexEntryLength,
      bytes.count == header + declared * PackFormat.indexEntryLength + trailer
    else {
      throw ObjectStoreError.corruptIndex(path: path, reason: "length does not match its count")
    }
    let body = bytes.count - trailer
    let checksum = bytes.withUnsafeBytes {
      ObjectID(hashing: UnsafeRawBufferPointer(rebasing: $0[0..<body]))
    }
    guard checksum.bytes == Array(bytes[body...]) else {
      throw ObjectStoreError.corruptIndex(path: path, reason: "checksum mismatch")
    }
    count = declared
    // A checksum shows the index is whole, not that its writer was honest: offsets and
    // lengths past any real pack would overflow the arithmetic that reads the object.
    let limit = Self.largestOffset
    let impossible = bytes.withUnsafeBytes { raw in
      (0..<declared).contains { position in
        let slot = header + position * PackFormat.indexEntryLength
        func word(_ offset: Int) -> UInt64 {
          UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: slot + offset, as: UInt64.self))
        }
        return word(32) > limit || word(40) > limit || word(48) > limit
      }
    }
    guard !impossible else {
      throw ObjectStoreError.corruptIndex(
        path: path, reason: "an entry has an impossible offset or length")
    }
  }

  /// No offset or length in an index may pass 2^48 bytes (256 TiB), so sums of them never
  /// overflow; no real pack comes near.
  static let largestOffset: UInt64 = 1 << 48

  /// The entry at sorted position `position`.
  func entry(at position: Int) -> PackEntry {
    bytes.withUnsafeBytes { raw in
      let slot = UnsafeRawBufferPointer(
        rebasing: raw[(PackFormat.indexHeaderLength + position * PackFormat.indexEntryLength)...])
      func word(_ offset: Int) -> UInt64 {
        UInt64(littleEndian: slot.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      }
      return PackEntry(
        id: ObjectID(bytes: slot), offset: word(32), storedLength: word(40), rawLength: word(48),
        kind: ObjectKind(rawValue: slot[56]) ?? .blob,
        encoding: ObjectEncoding(rawValue: slot[57]) ?? .raw)
    }
  }

  /// The entry for `id`, or nil.
  func find(_ id: ObjectID) -> PackEntry? {
    var low = 0
    var high = count
    while low < high {
      let middle = (low + high) / 2
      let candidate = entry(at: middle)
      if candidate.id == id { return candidate }
      if candidate.id < id { low = middle + 1 } else { high = middle }
    }
    return nil
  }

  /// All entries, in id order.
  var entries: [PackEntry] { (0..<count).map(entry(at:)) }
}

/// What a stored object holds.
public enum ObjectKind: UInt8, Sendable {
  /// The object's bytes are the content itself (a small file, a chunk, a manifest).
  case blob = 1
  /// The object's bytes are a ``ChunkRecipe``: the content is its chunks, in order.
  case chunked = 2
}

/// How an object's bytes are stored in a pack.
enum ObjectEncoding: UInt8, Sendable {
  case raw = 0
  case zstd = 1
}

/// Where one object lives: the fixed-size record an index keeps per object.
struct PackEntry: Sendable {
  var id: ObjectID
  /// Offset of the object's record header in the pack.
  var offset: UInt64
  /// Bytes after the record header, as stored (compressed or not).
  var storedLength: UInt64
  /// Bytes of the object itself, uncompressed.
  var rawLength: UInt64
  var kind: ObjectKind
  var encoding: ObjectEncoding

  /// The length of the object's bytes once read: a raw object is its stored bytes (for a
  /// chunk recipe the raw length may give the file's length instead), a compressed one
  /// decompresses to its raw length.
  var contentLength: UInt64 { encoding == .raw ? storedLength : rawLength }
}

/// The byte layout of packs and pack indexes, documented in docs/formats.md.
///
/// A pack is `MLXPACK1`, 8 reserved bytes, then records: a 56-byte header (id, kind, encoding,
/// 6 zero bytes, raw length, stored length; integers little-endian) and the stored bytes.
/// An index is `MLXIDX01`, the entry count, 64-byte entries sorted by id (id, record offset,
/// stored length, raw length, kind, encoding, 6 zero bytes), and the SHA-256 of all of it.
enum PackFormat {
  static let packMagic = Array("MLXPACK1".utf8)
  static let indexMagic = Array("MLXIDX01".utf8)
  static let packHeaderLength = 16
  static let recordHeaderLength = 56
  static let indexHeaderLength = 16
  static let indexEntryLength = 64
  static let indexTrailerLength = 32

  /// Encodes a record header at `destination` (56 bytes).
  static func writeRecordHeader(_ entry: PackEntry, to destination: UnsafeMutableRawPointer) {
    entry.id.write(to: destination)
    destination.storeBytes(of: entry.kind.rawValue, toByteOffset: 32, as: UInt8.self)
    destination.storeBytes(of: entry.encoding.rawValue, toByteOffset: 33, as: UInt8.self)
    (destination + 34).initializeMemory(as: UInt8.self, repeating: 0, count: 6)
    destination.storeBytes(of: entry.rawLength.littleEndian, toByteOffset: 40, as: UInt64.self)
    destination.storeBytes(of: entry.storedLength.littleEndian, toByteOffset: 48, as: UInt64.self)
  }

  /// Decodes a record header; nil when its kind or encoding byte is unknown.
  static func readRecordHeader(_ bytes: UnsafeRawBufferPointer, offset: UInt64) -> PackEntry? {
    guard bytes.count >= recordHeaderLength,
      let kind = ObjectKind(rawValue: bytes[32]),
      let encoding = ObjectEncoding(rawValue: bytes[33])
    else { return nil }
    return PackEntry(
      id: ObjectID(bytes: bytes), offset: offset,
      storedLength: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 48, as: UInt64.self)),
      rawLength: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 40, as: UInt64.self)),
      kind: kind, encoding: encoding)
  }

  /// Encodes a whole index for `entries` (sorted here), trailer included.
  static func encodeIndex(_ entries: [PackEntry]) -> [UInt8] {
    let sorted = entries.sorted { $0.id < $1.id }
    let count = indexHeaderLength + sorted.count * indexEntryLength
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { raw in
      let base = raw.baseAddress!
      base.copyMemory(from: indexMagic, byteCount: 8)
      base.storeBytes(of: UInt64(sorted.count).littleEndian, toByteOffset: 8, as: UInt64.self)
      for (position, entry) in sorted.enumerated() {
        let slot = base + indexHeaderLength + position * indexEntryLength
        entry.id.write(to: slot)
        slot.storeBytes(of: entry.offset.littleEndian, toByteOffset: 32, as: UInt64.self)
        slot.storeBytes(of: entry.storedLength.littleEndian, toByteOffset: 40, as: UInt64.self)
        slot.storeBytes(of: entry.rawLength.littleEndian, toByteOffset: 48, as: UInt64.self)
        slot.storeBytes(of: entry.kind.rawValue, toByteOffset: 56, as: UInt8.self)
        slot.storeBytes(of: entry.encoding.rawValue, toByteOffset: 57, as: UInt8.self)
      }
    }
    bytes += ObjectID(hashing: bytes).bytes
    return bytes
  }
}

/// The object stored for a file cut into chunks: the chunk ids and lengths, in file order.
///
/// Encoded as `MLXRCP01`, the chunk count (8 bytes, little-endian), per chunk its 32-byte id
/// and 8-byte length, then the SHA-256 of everything before it. The recipe is stored under the
/// whole file's SHA-256, so the file's digest still names it and `sha256sum` still agrees; the
/// trailing checksum lets a reader trust the recipe, and then each chunk by its own id, without
/// re-hashing the whole file.
struct ChunkRecipe: Equatable {
  struct Chunk: Equatable {
    var id: ObjectID
    var length: Int
  }

  static let magic = Array("MLXRCP01".utf8)
  /// The longest chunk a recipe may list (mlx's chunker cuts at 4 MiB).
  static let largestChunk: UInt64 = 1 << 32
  var chunks: [Chunk]

  /// The file's length.
  var totalLength: Int64 { chunks.reduce(0) { $0 + Int64($1.length) } }

  init(chunks: [Chunk]) { self.chunks = chunks }

  init?(decoding bytes: [UInt8]) {
    guard bytes.count >= 48, Array(bytes[0..<8]) == Self.magic else { return nil }
    let body = bytes.count - 32
    let checksum = bytes.withUnsafeBytes {
      ObjectID(hashing: UnsafeRawBufferPointer(rebasing: $0[0..<body]))
    }
    guard checksum.bytes == Array(bytes[body...]) else { return nil }
    let parsed: [Chunk]? = bytes.withUnsafeBytes { raw in
      let count = Int(
        truncatingIfNeeded: UInt64(
          littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
      guard count >= 0, count <= body / 40, body == 16 + count * 40 else { return nil }
      var chunks: [Chunk] = []
      chunks.reserveCapacity(count)
      for position in 0..<count {
        let slot = UnsafeRawBufferPointer(rebasing: raw[(16 + position * 40)...])
        let length = UInt64(littleEndian: slot.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
        // No chunk mlx cuts passes 4 MiB; a length past 4 GiB is damage, and could overflow.
        guard length <= Self.largestChunk else { return nil }
        chunks.append(Chunk(id: ObjectID(bytes: slot), length: Int(length)))
      }
      return chunks
    }
    guard let parsed else { return nil }
    chunks = parsed
  }

  var encoded: [UInt8] {
    var bytes = [UInt8](repeating: 0, count: 16 + chunks.count * 40)
    bytes.withUnsafeMutableBytes { raw in
      let base = raw.baseAddress!
      base.copyMemory(from: Self.magic, byteCount: 8)
      base.storeBytes(of: UInt64(chunks.count).littleEndian, toByteOffset: 8, as: UInt64.self)
      for (position, chunk) in chunks.enumerated() {
        let slot = base + 16 + position * 40
        chunk.id.write(to: slot)
        slot.storeBytes(of: UInt64(chunk.length).littleEndian, toByteOffset: 32, as: UInt64.self)
      }
    }
    return bytes + ObjectID(hashing: bytes).bytes
  }
}

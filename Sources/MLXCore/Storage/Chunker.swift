import Crypto

/// Content-defined chunking (FastCDC with normalized chunking), so that an edit in the middle
/// of a large file changes only the chunks around it.
///
/// The parameters are part of the storage format (changing them changes chunk ids, not file
/// digests) and are documented in docs/formats.md: chunks are at least 256 KiB, at most
/// 4 MiB, about 1 MiB on average; a cut is made where the top bits of a 64-bit gear hash
/// are zero, 22 bits before the 1 MiB point and 18 bits after it (FastCDC's normalization
/// level 2). The gear table is derived from SHA-256, so anyone can rebuild it.
struct Chunker: Sendable {
  static let minimumSize = 256 << 10
  static let normalSize = 1 << 20
  static let maximumSize = 4 << 20

  private static let strictMask: UInt64 = ~0 << (64 - 22)
  private static let looseMask: UInt64 = ~0 << (64 - 18)

  /// `gear[b]` is the first 8 bytes (big-endian) of SHA-256("mlx-fastcdc-gear" + [b]).
  static let gear: [UInt64] = (0..<256).map { byte in
    let digest = SHA256.hash(data: Array("mlx-fastcdc-gear".utf8) + [UInt8(byte)])
    return digest.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) }
  }

  /// The end offset of the first chunk in `bytes`, or nil when `bytes` ends before a cut and
  /// more data may follow (`isFinal` false). At the end of the data the rest is one chunk.
  static func firstCut(in bytes: UnsafeRawBufferPointer, isFinal: Bool) -> Int? {
    let count = bytes.count
    if count <= minimumSize {
      return isFinal ? count : nil
    }
    let limit = min(count, maximumSize)
    let normal = min(limit, normalSize)
    var hash: UInt64 = 0
    var position = minimumSize
    let gear = Self.gear
    return gear.withUnsafeBufferPointer { table -> Int? in
      let data = bytes.bindMemory(to: UInt8.self)
      while position < normal {
        hash = (hash &<< 1) &+ table[Int(data[position])]
        position += 1
        if hash & strictMask == 0 { return position }
      }
      while position < limit {
        hash = (hash &<< 1) &+ table[Int(data[position])]
        position += 1
        if hash & looseMask == 0 { return position }
      }
      if limit == maximumSize || isFinal { return limit }
      return nil
    }
  }

  /// The end offsets of every whole chunk in `bytes`, in order. Bytes after the last offset
  /// belong to a chunk that continues in the next buffer (unless `isFinal`, when none remain).
  static func cuts(in bytes: UnsafeRawBufferPointer, isFinal: Bool) -> [Int] {
    var cuts: [Int] = []
    var start = 0
    while start < bytes.count {
      let rest = UnsafeRawBufferPointer(rebasing: bytes[start...])
      guard let length = firstCut(in: rest, isFinal: isFinal) else { break }
      start += length
      cuts.append(start)
    }
    return cuts
  }
}

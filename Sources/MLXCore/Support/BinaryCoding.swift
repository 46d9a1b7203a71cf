import Crypto

/// Little-endian binary encoding for mlx's caches (`.git/mlx/*-cache`): integers, and
/// strings as a 4-byte length and UTF-8 bytes.
struct BinaryWriter {
  private(set) var bytes: [UInt8]

  init(magic: String) { bytes = Array(magic.utf8) }

  mutating func integer<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
  }

  mutating func string(_ text: String) {
    integer(UInt32(text.utf8.count))
    bytes += text.utf8
  }

  mutating func optionalString(_ text: String?) {
    integer(UInt8(text == nil ? 0 : 1))
    if let text { string(text) }
  }

  /// The bytes followed by the SHA-256 of all of them: a reader then tells a whole file from
  /// a torn or cut one (``BinaryReader/init(sealed:magic:)``).
  var sealed: [UInt8] { bytes + Array(SHA256.hash(data: bytes)) }
}

/// Reads what ``BinaryWriter`` wrote; every read returns nil past the end.
struct BinaryReader {
  private let bytes: [UInt8]
  private var offset: Int

  /// Nil unless `bytes` start with `magic`.
  init?(_ bytes: [UInt8], magic: String) {
    let header = Array(magic.utf8)
    guard bytes.count >= header.count, Array(bytes[0..<header.count]) == header else { return nil }
    self.bytes = bytes
    offset = header.count
  }

  /// Nil unless `bytes` start with `magic` and end with the SHA-256 of everything before
  /// (``BinaryWriter/sealed``); reads stop before the checksum.
  init?(sealed bytes: [UInt8], magic: String) {
    guard bytes.count >= 32 else { return nil }
    let body = Array(bytes.dropLast(32))
    guard Array(SHA256.hash(data: body)) == Array(bytes.suffix(32)) else { return nil }
    self.init(body, magic: magic)
  }

  var isAtEnd: Bool { offset >= bytes.count }

  mutating func integer<T: FixedWidthInteger>(_: T.Type = T.self) -> T? {
    let size = MemoryLayout<T>.size
    guard offset + size <= bytes.count else { return nil }
    defer { offset += size }
    return bytes.withUnsafeBytes {
      T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
  }

  mutating func string() -> String? {
    guard let length = integer(UInt32.self).map(Int.init), offset + length <= bytes.count else {
      return nil
    }
    defer { offset += length }
    return String(decoding: bytes[offset..<(offset + length)], as: UTF8.self)
  }

  mutating func optionalString() -> String?? {
    guard let flag = integer(UInt8.self) else { return nil }
    return flag == 0 ? .some(nil) : string().map { .some($0) }
  }
}

import Foundation

@testable import MLXCore

/// Bytes put together by hand from the layouts in docs/formats.md, never by mlx's encoders:
/// a magic, little-endian integers of a stated width, length-prefixed strings and raw bytes.
/// The format tests compare what mlx writes with these, and feed these to mlx's readers.
struct DocumentedBytes {
  private(set) var bytes: [UInt8]

  init(magic: String = "") { bytes = Array(magic.utf8) }

  /// `value` as `width` bytes, least significant first.
  mutating func littleEndian(_ value: UInt64, width: Int) {
    for position in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * position))) }
  }

  mutating func u8(_ value: UInt8) { bytes.append(value) }
  mutating func u32(_ value: UInt32) { littleEndian(UInt64(value), width: 4) }
  mutating func i32(_ value: Int32) { u32(UInt32(bitPattern: value)) }
  mutating func u64(_ value: UInt64) { littleEndian(value, width: 8) }
  mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }

  /// A 4-byte little-endian length, then the UTF-8 bytes.
  mutating func string(_ text: String) {
    u32(UInt32(text.utf8.count))
    bytes += text.utf8
  }

  /// One flag byte (0 absent, 1 present), then the string when present.
  mutating func optionalString(_ text: String?) {
    u8(text == nil ? 0 : 1)
    if let text { string(text) }
  }

  mutating func raw(_ more: [UInt8]) { bytes += more }
  mutating func zeros(_ count: Int) { bytes += [UInt8](repeating: 0, count: count) }

  /// The SHA-256 of every byte so far, as a trailing checksum.
  mutating func sha256OfAllBefore() { bytes += ObjectID(hashing: bytes).bytes }
}

/// Small fixed values the format tests use.
enum FormatFixture {
  /// 32 bytes `first, first+1, …`: an id whose byte order shows in a dump.
  static func counting(from first: UInt8) -> [UInt8] { (0..<32).map { first &+ UInt8($0) } }

  static func objectID(_ bytes: [UInt8]) -> ObjectID {
    bytes.withUnsafeBytes { ObjectID(bytes: $0) }
  }

  /// Parses `"4d 4c 58"` (spaces and newlines ignored) into bytes.
  static func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter(\.isHexDigit))
    return stride(from: 0, to: digits.count, by: 2).map {
      UInt8(String(digits[$0...$0 + 1]), radix: 16)!
    }
  }

  /// `bytes` with the byte at `position` inverted.
  static func flipping(_ bytes: [UInt8], at position: Int) -> [UInt8] {
    var copy = bytes
    copy[position] ^= 0xff
    return copy
  }
}

import Foundation

/// The SSH wire encoding (RFC 4253): big-endian `uint32`, and `string` as a length then bytes.
struct SSHWriter {
  private(set) var bytes: [UInt8] = []

  mutating func raw(_ data: some Sequence<UInt8>) { bytes += data }

  mutating func uint32(_ value: UInt32) {
    withUnsafeBytes(of: value.bigEndian) { bytes += $0 }
  }

  mutating func string(_ data: some Collection<UInt8>) {
    uint32(UInt32(data.count))
    bytes += data
  }

  mutating func string(_ text: String) { string(Array(text.utf8)) }
}

/// Reads the SSH wire encoding; every read returns nil past the end instead of trapping.
struct SSHReader {
  private let bytes: [UInt8]
  private var offset = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var isAtEnd: Bool { offset == bytes.count }

  mutating func raw(_ count: Int) -> [UInt8]? {
    guard count >= 0, offset + count <= bytes.count else { return nil }
    defer { offset += count }
    return Array(bytes[offset..<(offset + count)])
  }

  mutating func uint32() -> UInt32? {
    guard let data = raw(4) else { return nil }
    return data.reduce(0) { $0 << 8 | UInt32($1) }
  }

  mutating func string() -> [UInt8]? {
    guard let length = uint32() else { return nil }
    return raw(Int(length))
  }

  mutating func text() -> String? {
    string().map { String(decoding: $0, as: UTF8.self) }
  }
}

/// Base64 as OpenSSH writes it in armour: 70 characters a line, `\n` line ends.
enum Base64Armor {
  static func wrap(_ bytes: [UInt8], width: Int = 70) -> String {
    // Foundation's own line breaking gives 76 columns and CRLF, which OpenSSH 9.2 rejects.
    let encoded = Data(bytes).base64EncodedString()
    var lines: [Substring] = []
    var start = encoded.startIndex
    while start < encoded.endIndex {
      let end =
        encoded.index(start, offsetBy: width, limitedBy: encoded.endIndex) ?? encoded.endIndex
      lines.append(encoded[start..<end])
      start = end
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The bytes between `begin` and `end` armour lines; nil when the armour is malformed.
  ///
  /// Works on UTF-8 bytes (an audit unwraps one signature per tag): the armour lines must be
  /// found as bytes, and whitespace between them is ASCII.
  static func unwrap(_ text: String, begin: String, end: String) -> [UInt8]? {
    let bytes = Array(text.utf8)
    guard let header = find(Array(begin.utf8), in: bytes, from: 0),
      let footer = find(Array(end.utf8), in: bytes, from: header + begin.utf8.count)
    else { return nil }
    let body = bytes[(header + begin.utf8.count)..<footer].filter {
      $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r")
        && $0 != UInt8(ascii: "\t")
    }
    return Data(base64Encoded: Data(body)).map(Array.init)
  }

  /// The first position of `needle` in `haystack` at or after `start`.
  private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
    guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count
    else { return nil }
    var position = start
    while position <= haystack.count - needle.count {
      if haystack[position] == needle[0],
        haystack[position..<(position + needle.count)].elementsEqual(needle)
      {
        return position
      }
      position += 1
    }
    return nil
  }
}

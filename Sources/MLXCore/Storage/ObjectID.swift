import Crypto

/// The SHA-256 of an object's uncompressed content: the address of every byte mlx stores.
///
/// A file's identity is the SHA-256 of the whole file, so `sha256sum` prints the same hex.
/// Written as `sha256:<64 lowercase hex digits>` in pointers and manifests. The 32 bytes are
/// kept as four big-endian words so ids compare, sort and hash without allocating.
public struct ObjectID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
  static let byteCount = 32
  static let prefix = "sha256:"

  private let w0, w1, w2, w3: UInt64

  /// Reads 32 raw bytes.
  init(bytes: UnsafeRawBufferPointer) {
    precondition(bytes.count >= Self.byteCount)
    func word(_ offset: Int) -> UInt64 {
      UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
    (w0, w1, w2, w3) = (word(0), word(8), word(16), word(24))
  }

  init(_ digest: SHA256Digest) {
    self = digest.withUnsafeBytes { ObjectID(bytes: $0) }
  }

  /// The SHA-256 of `bytes`.
  public init(hashing bytes: UnsafeRawBufferPointer) {
    self.init(SHA256.hash(data: bytes))
  }

  /// The SHA-256 of `bytes`.
  public init(hashing bytes: [UInt8]) {
    self = bytes.withUnsafeBytes { ObjectID(hashing: $0) }
  }

  /// Parses `sha256:<hex>`; nil for anything else.
  public init?(parsing text: some StringProtocol) {
    guard text.hasPrefix(Self.prefix) else { return nil }
    let hex = text.dropFirst(Self.prefix.count)
    guard hex.utf8.count == 64, let bytes = Hex.decode(Substring(hex)) else { return nil }
    self = bytes.withUnsafeBytes { ObjectID(bytes: $0) }
  }

  /// The 32 digest bytes.
  public var bytes: [UInt8] {
    var out = [UInt8](repeating: 0, count: Self.byteCount)
    out.withUnsafeMutableBytes { write(to: $0.baseAddress!) }
    return out
  }

  /// Writes the 32 digest bytes at `destination`.
  func write(to destination: UnsafeMutableRawPointer) {
    for (index, word) in [w0, w1, w2, w3].enumerated() {
      destination.storeBytes(of: word.bigEndian, toByteOffset: index * 8, as: UInt64.self)
    }
  }

  /// The 64 lowercase hex digits, without the algorithm prefix.
  public var hex: String {
    var digits: [UInt8] = []
    appendHex(to: &digits)
    return String(decoding: digits, as: UTF8.self)
  }

  /// Appends the 64 lowercase hex digits to `bytes` without allocating.
  func appendHex(to bytes: inout [UInt8]) {
    let digits: StaticString = "0123456789abcdef"
    digits.withUTF8Buffer { table in
      for word in [w0, w1, w2, w3] {
        for shift in stride(from: 60, through: 0, by: -4) {
          bytes.append(table[Int((word >> UInt64(shift)) & 0xf)])
        }
      }
    }
  }

  /// `sha256:<hex>`, as pointers write it.
  public var description: String { Self.prefix + hex }

  /// `sha256:` and the first 12 hex digits, for tables.
  public var short: String { Self.prefix + String(hex.prefix(12)) }

  /// Encoded as its `sha256:<hex>` text.
  public init(from decoder: Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let id = ObjectID(parsing: text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not sha256:<64 hex>"))
    }
    self = id
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }

  public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
    (lhs.w0, lhs.w1, lhs.w2, lhs.w3) < (rhs.w0, rhs.w1, rhs.w2, rhs.w3)
  }
}

/// Incremental SHA-256 over a stream of buffers.
struct ContentHasher {
  private var state = SHA256()

  mutating func update(_ bytes: UnsafeRawBufferPointer) {
    state.update(bufferPointer: bytes)
  }

  func finalize() -> ObjectID { ObjectID(state.finalize()) }
}

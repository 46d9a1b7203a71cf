import Crypto

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// The key of an encrypted remote: 32 random bytes, kept as 64 hex digits in a key file or an
/// environment variable, never in a committed file. Two keys are derived from it with HKDF:
/// one seals contents (AES-256-GCM), one names objects (HMAC-SHA-256).
struct RemoteKey: Sendable {
  private let contentBytes: [UInt8]
  private let nameBytes: [UInt8]

  var contentKey: SymmetricKey { SymmetricKey(data: contentBytes) }
  var nameKey: SymmetricKey { SymmetricKey(data: nameBytes) }

  init(master: [UInt8]) {
    let material = SymmetricKey(data: master)
    func derive(_ info: String) -> [UInt8] {
      HKDF<SHA256>.deriveKey(
        inputKeyMaterial: material, info: Array(info.utf8), outputByteCount: 32
      ).withUnsafeBytes { Array($0) }
    }
    contentBytes = derive("mlx remote content v1")
    nameBytes = derive("mlx remote names v1")
  }

  /// Parses a key file's text: 64 hex digits, surrounding white space ignored.
  init?(text: String) {
    let hex = text.filter { !$0.isWhitespace }.lowercased()
    guard hex.count == 64, let bytes = Hex.decode(Substring(hex)) else { return nil }
    self.init(master: bytes)
  }

  /// A new key as a key file holds it.
  static func generateText() -> String {
    Hex.encode(Array(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })) + "\n"
  }

  /// The name an object has on the remote: `HMAC-SHA-256(name key, stem)`, 32 hex digits.
  func remoteStem(for stem: String) -> String {
    Hex.encode(Array(HMAC<SHA256>.authenticationCode(for: Array(stem.utf8), using: nameKey)))
      .prefix(32).description
  }
}

/// The sealed form of one remote object: `MLXENC01`, an 8-byte random nonce prefix, then
/// segments of up to 1 MiB of plaintext, each sealed with AES-256-GCM under the nonce
/// `prefix ‖ u32 segment number` and with the object's remote key and a last-segment flag
/// as associated data; so a segment moved, dropped, reordered or cut off, or an object put
/// under another name, fails to open. The plaintext starts with the object's stem (its name
/// before HMAC keying), so a reader can tell which object it holds.
enum SealedObject {
  static let magic = Array("MLXENC01".utf8)
  static let segmentSize = 1 << 20
  static let headerLength = 16
  static let tagLength = 16

  /// Sealed length for `plainLength` bytes of plaintext (stem included).
  static func sealedLength(plain: Int64) -> Int64 {
    let segments = max(1, (plain + Int64(segmentSize) - 1) / Int64(segmentSize))
    return Int64(headerLength) + plain + segments * Int64(tagLength)
  }

  /// Plaintext length (stem included) of a sealed object of `sealed` bytes; nil when no
  /// plaintext seals to that length.
  static func plainLength(sealed: Int64) -> Int64? {
    let body = sealed - Int64(headerLength)
    guard body >= Int64(tagLength) else { return nil }
    let segments = (body + Int64(segmentSize + tagLength) - 1) / Int64(segmentSize + tagLength)
    let plain = body - segments * Int64(tagLength)
    return sealedLength(plain: plain) == sealed ? plain : nil
  }

  /// The stem prefix of a plaintext: its length (one byte) and its bytes.
  static func stemPrefix(_ stem: String) -> [UInt8] { [UInt8(stem.utf8.count)] + Array(stem.utf8) }

  private static func nonce(_ prefix: ArraySlice<UInt8>, _ number: UInt32) throws -> AES.GCM.Nonce {
    try AES.GCM.Nonce(data: Array(prefix) + withUnsafeBytes(of: number.bigEndian) { Array($0) })
  }

  private static func associatedData(_ remoteKey: String, last: Bool) -> [UInt8] {
    Array(remoteKey.utf8) + [last ? 1 : 0]
  }

  /// Seals `plain` in memory.
  static func seal(_ plain: [UInt8], key: SymmetricKey, remoteKey: String) throws -> [UInt8] {
    let prefix = (0..<8).map { _ in UInt8.random(in: 0...255) }
    var output = magic + prefix
    var offset = 0
    var number: UInt32 = 0
    repeat {
      let end = min(plain.count, offset + segmentSize)
      let box = try AES.GCM.seal(
        plain[offset..<end], using: key, nonce: try nonce(prefix[...], number),
        authenticating: associatedData(remoteKey, last: end == plain.count))
      output += box.ciphertext + box.tag
      offset = end
      number += 1
    } while offset < plain.count
    return output
  }

  /// Opens segment `number` of an object whose header is `header` (16 bytes).
  static func openSegment(
    _ sealed: ArraySlice<UInt8>, header: [UInt8], number: UInt32, last: Bool,
    key: SymmetricKey, remoteKey: String
  ) throws -> [UInt8] {
    guard header.count == headerLength, Array(header[0..<8]) == magic,
      sealed.count >= tagLength
    else { throw SealError.damaged }
    let box = try AES.GCM.SealedBox(
      nonce: try nonce(header[8..<16], number),
      ciphertext: sealed[sealed.startIndex..<(sealed.endIndex - tagLength)],
      tag: sealed[(sealed.endIndex - tagLength)...])
    do {
      return Array(
        try AES.GCM.open(box, using: key, authenticating: associatedData(remoteKey, last: last)))
    } catch {
      throw SealError.damaged
    }
  }

  /// Opens a sealed object in memory.
  static func open(_ sealed: [UInt8], key: SymmetricKey, remoteKey: String) throws -> [UInt8] {
    guard sealed.count >= headerLength + tagLength, Array(sealed[0..<8]) == magic else {
      throw SealError.notSealed
    }
    let prefix = sealed[8..<16]
    var plain: [UInt8] = []
    var offset = headerLength
    var number: UInt32 = 0
    while offset < sealed.count {
      let end = min(sealed.count, offset + segmentSize + tagLength)
      guard end - offset >= tagLength else { throw SealError.damaged }
      let box = try AES.GCM.SealedBox(
        nonce: try nonce(prefix, number), ciphertext: sealed[offset..<(end - tagLength)],
        tag: sealed[(end - tagLength)..<end])
      do {
        plain += try AES.GCM.open(
          box, using: key, authenticating: associatedData(remoteKey, last: end == sealed.count))
      } catch {
        throw SealError.damaged
      }
      offset = end
      number += 1
    }
    return plain
  }

  /// Seals the file at `source` into the new file `destination`, segment by segment.
  static func seal(
    file source: String, stem: String, to destination: String, key: SymmetricKey,
    remoteKey: String
  ) throws {
    let input = Glibc.open(source, O_RDONLY | O_CLOEXEC)
    guard input >= 0 else { throw SystemError.last("open", path: source) }
    defer { close(input) }
    let size = try FileStatus.of(descriptor: input, path: source).size
    let output = Glibc.open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard output >= 0 else { throw SystemError.last("open", path: destination) }
    defer { close(output) }
    let prefix = (0..<8).map { _ in UInt8.random(in: 0...255) }
    try (magic + prefix).withUnsafeBytes {
      try FileSystem.writeFully(output, $0, at: 0, path: destination)
    }
    let head = stemPrefix(stem)
    let total = Int64(head.count) + size
    var plainOffset: Int64 = 0
    var written = Int64(headerLength)
    var number: UInt32 = 0
    var buffer = [UInt8](repeating: 0, count: segmentSize)
    repeat {
      let count = Int(min(Int64(segmentSize), total - plainOffset))
      // The stem sits before the file's first byte.
      var filled = 0
      if plainOffset < Int64(head.count) {
        let fromHead = min(count, head.count - Int(plainOffset))
        buffer.replaceSubrange(
          0..<fromHead, with: head[Int(plainOffset)..<Int(plainOffset) + fromHead])
        filled = fromHead
      }
      if filled < count {
        let fileOffset = plainOffset + Int64(filled) - Int64(head.count)
        let read = try buffer.withUnsafeMutableBytes {
          try FileSystem.readFully(
            input, into: UnsafeMutableRawBufferPointer(rebasing: $0[filled..<count]),
            at: fileOffset, path: source)
        }
        guard read == count - filled else { throw SealError.sourceChanged(source) }
      }
      let last = plainOffset + Int64(count) == total
      let box = try AES.GCM.seal(
        buffer[0..<count], using: key, nonce: try nonce(prefix[...], number),
        authenticating: associatedData(remoteKey, last: last))
      let sealed = Array(box.ciphertext) + Array(box.tag)
      try sealed.withUnsafeBytes {
        try FileSystem.writeFully(output, $0, at: written, path: destination)
      }
      written += Int64(sealed.count)
      plainOffset += Int64(count)
      number += 1
    } while plainOffset < total
  }

  /// Opens the sealed file at `source` into the new file `destination` (the plaintext after
  /// its stem); returns the stem.
  static func open(
    file source: String, to destination: String, key: SymmetricKey, remoteKey: String
  ) throws -> String {
    let input = Glibc.open(source, O_RDONLY | O_CLOEXEC)
    guard input >= 0 else { throw SystemError.last("open", path: source) }
    defer { close(input) }
    let size = try FileStatus.of(descriptor: input, path: source).size
    var header = [UInt8](repeating: 0, count: headerLength)
    let headerRead = try header.withUnsafeMutableBytes {
      try FileSystem.readFully(input, into: $0, at: 0, path: source)
    }
    guard headerRead == headerLength, Array(header[0..<8]) == magic else {
      throw SealError.notSealed
    }
    let output = Glibc.open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard output >= 0 else { throw SystemError.last("open", path: destination) }
    defer { close(output) }
    var offset = Int64(headerLength)
    var written: Int64 = 0
    var number: UInt32 = 0
    var stem: String?
    var buffer = [UInt8](repeating: 0, count: segmentSize + tagLength)
    while offset < size {
      let count = Int(min(Int64(segmentSize + tagLength), size - offset))
      guard count >= tagLength else { throw SealError.damaged }
      let read = try buffer.withUnsafeMutableBytes {
        try FileSystem.readFully(
          input, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<count]), at: offset,
          path: source)
      }
      guard read == count else { throw SealError.damaged }
      let box = try AES.GCM.SealedBox(
        nonce: try nonce(header[8..<16], number), ciphertext: buffer[0..<(count - tagLength)],
        tag: buffer[(count - tagLength)..<count])
      var plain: [UInt8]
      do {
        plain = Array(
          try AES.GCM.open(
            box, using: key,
            authenticating: associatedData(remoteKey, last: offset + Int64(count) == size)))
      } catch {
        throw SealError.damaged
      }
      if stem == nil {
        guard let length = plain.first.map(Int.init), plain.count > length else {
          throw SealError.damaged
        }
        stem = String(decoding: plain[1...length], as: UTF8.self)
        plain.removeFirst(length + 1)
      }
      try plain.withUnsafeBytes {
        try FileSystem.writeFully(output, $0, at: written, path: destination)
      }
      written += Int64(plain.count)
      offset += Int64(count)
      number += 1
    }
    guard let stem else { throw SealError.damaged }
    return stem
  }
}

/// Why a sealed object does not open.
enum SealError: Error {
  case notSealed
  case damaged
  case sourceChanged(String)
}

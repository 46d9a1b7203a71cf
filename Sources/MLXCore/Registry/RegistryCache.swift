/// What the registry needs from one tag object, kept between commands in
/// `.git/mlx/registry-cache` so later reads skip reading and parsing the objects again.
///
/// Entries are keyed by the tag object's id, which names its content, so an entry can never
/// go stale: a moved or deleted tag simply misses or stops being asked for. The file is
/// rewritten (atomically) only when a read found new tags; a damaged file is ignored.
struct RegistryCache {
  struct Entry: Equatable {
    var target: String
    var targetType: String
    var tagger: GitIdentity
    var time: Int64
    var message: String
  }

  private static let magic = Array("MLXRGC01".utf8)
  private(set) var entries: [String: Entry] = [:]
  let path: String

  init(gitDirectory: String) {
    path = gitDirectory + "/mlx/registry-cache"
  }

  /// Loads the file; a missing or damaged one gives an empty cache.
  static func load(gitDirectory: String) -> RegistryCache {
    var cache = RegistryCache(gitDirectory: gitDirectory)
    guard let bytes = try? FileSystem.read(cache.path), let entries = decode(bytes) else { return cache }
    cache.entries = entries
    return cache
  }

  /// Rewrites the file with exactly `entries`.
  static func save(_ entries: [String: Entry], gitDirectory: String) {
    let cache = RegistryCache(gitDirectory: gitDirectory)
    try? FileSystem.createDirectories(FileSystem.parent(of: cache.path))
    try? FileSystem.write(encode(entries), atomicallyTo: cache.path)
  }

  // MARK: - Encoding

  /// `MLXRGC01`, then per entry: object id, target id, target type, tagger name, tagger
  /// e-mail and message as length-prefixed UTF-8 (4-byte little-endian lengths), and the time
  /// (8 bytes).
  private static func encode(_ entries: [String: Entry]) -> [UInt8] {
    var bytes = magic
    func append(_ text: String) {
      withUnsafeBytes(of: UInt32(text.utf8.count).littleEndian) { bytes += $0 }
      bytes += text.utf8
    }
    for (object, entry) in entries {
      append(object)
      append(entry.target)
      append(entry.targetType)
      append(entry.tagger.name)
      append(entry.tagger.email)
      append(entry.message)
      withUnsafeBytes(of: entry.time.littleEndian) { bytes += $0 }
    }
    return bytes
  }

  private static func decode(_ bytes: [UInt8]) -> [String: Entry]? {
    guard bytes.count >= 8, Array(bytes[0..<8]) == magic else { return nil }
    return bytes.withUnsafeBytes { raw -> [String: Entry]? in
      var offset = 8
      func text() -> String? {
        guard offset + 4 <= raw.count else { return nil }
        let length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        offset += 4
        guard offset + length <= raw.count else { return nil }
        defer { offset += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)]), as: UTF8.self)
      }
      var entries: [String: Entry] = [:]
      while offset < raw.count {
        guard let object = text(), let target = text(), let type = text(), let name = text(),
          let email = text(), let message = text(), offset + 8 <= raw.count
        else { return nil }
        let time = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self))
        offset += 8
        entries[object] = Entry(
          target: target, targetType: type, tagger: GitIdentity(name: name, email: email), time: time,
          message: message)
      }
      return entries
    }
  }
}

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
    /// The name in the object's own `tag` header.
    var name: String
    var tagger: GitIdentity
    var time: Int64
    var offsetMinutes: Int
    var message: String
  }

  private(set) var entries: [String: Entry] = [:]
  let path: String

  init(gitDirectory: String) {
    path = gitDirectory + "/mlx/registry-cache"
  }

  /// Loads the file; a missing or damaged one gives an empty cache.
  static func load(gitDirectory: String) -> RegistryCache {
    var cache = RegistryCache(gitDirectory: gitDirectory)
    guard let bytes = try? FileSystem.read(cache.path), let entries = decode(bytes) else {
      return cache
    }
    cache.entries = entries
    return cache
  }

  /// Rewrites the file with exactly `entries`.
  static func save(_ entries: [String: Entry], gitDirectory: String) {
    let cache = RegistryCache(gitDirectory: gitDirectory)
    try? FileSystem.createDirectories(FileSystem.parent(of: cache.path))
    try? FileSystem.write(encode(entries), atomicallyTo: cache.path, durable: false)
  }

  // MARK: - Encoding

  private static let magic = "MLXRGC02"

  /// `MLXRGC02`, then per entry: object id, target id, target type, recorded name, tagger
  /// name, tagger e-mail, message (``BinaryWriter`` strings), the time and the zone offset in
  /// minutes (8 bytes each).
  static func encode(_ entries: [String: Entry]) -> [UInt8] {
    var writer = BinaryWriter(magic: magic)
    for (object, entry) in entries {
      for text in [
        object, entry.target, entry.targetType, entry.name, entry.tagger.name, entry.tagger.email,
        entry.message,
      ] {
        writer.string(text)
      }
      writer.integer(entry.time)
      writer.integer(Int64(entry.offsetMinutes))
    }
    return writer.bytes
  }

  static func decode(_ bytes: [UInt8]) -> [String: Entry]? {
    guard var reader = BinaryReader(bytes, magic: magic) else { return nil }
    var entries: [String: Entry] = [:]
    while !reader.isAtEnd {
      guard let object = reader.string(), let target = reader.string(), let type = reader.string(),
        let recorded = reader.string(), let name = reader.string(), let email = reader.string(),
        let message = reader.string(), let time = reader.integer(Int64.self),
        let offset = reader.integer(Int64.self)
      else { return nil }
      entries[object] = Entry(
        target: target, targetType: type, name: recorded,
        tagger: GitIdentity(name: name, email: email),
        time: time, offsetMinutes: Int(offset), message: message)
    }
    return entries
  }
}

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
    try? FileSystem.write(encode(entries), atomicallyTo: cache.path, durable: false)
  }

  // MARK: - Encoding

  private static let magic = "MLXRGC01"

  /// `MLXRGC01`, then per entry: object id, target id, target type, tagger name, tagger
  /// e-mail, message (``BinaryWriter`` strings) and the time (8 bytes).
  private static func encode(_ entries: [String: Entry]) -> [UInt8] {
    var writer = BinaryWriter(magic: magic)
    for (object, entry) in entries {
      for text in [object, entry.target, entry.targetType, entry.tagger.name, entry.tagger.email, entry.message] {
        writer.string(text)
      }
      writer.integer(entry.time)
    }
    return writer.bytes
  }

  private static func decode(_ bytes: [UInt8]) -> [String: Entry]? {
    guard var reader = BinaryReader(bytes, magic: magic) else { return nil }
    var entries: [String: Entry] = [:]
    while !reader.isAtEnd {
      guard let object = reader.string(), let target = reader.string(), let type = reader.string(),
        let name = reader.string(), let email = reader.string(), let message = reader.string(),
        let time = reader.integer(Int64.self)
      else { return nil }
      entries[object] = Entry(
        target: target, targetType: type, tagger: GitIdentity(name: name, email: email), time: time,
        message: message)
    }
    return entries
  }
}

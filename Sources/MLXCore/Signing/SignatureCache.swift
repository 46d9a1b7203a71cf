/// Verified SSH signatures of tag objects, kept in `.git/mlx/signature-cache` so registry
/// reads with verification on do not repeat a public-key operation per tag.
///
/// Entries are keyed by the tag object's id, which names its bytes, signature included, so a
/// verdict can never go stale. Only SSH verdicts are kept: they depend on nothing but the
/// bytes, where an OpenPGP verdict depends on the local keyring. Who a key may sign as is
/// not cached: it is decided per read against the allowed signers of the event's time. A
/// missing or damaged file gives an empty cache; it is rewritten (atomically, without fsync:
/// it can always be rebuilt) when a read verified new tags.
struct SignatureCache {
  private(set) var verdicts: [String: SignatureVerdict] = [:]
  private var added = 0
  let path: String

  init(gitDirectory: String) {
    path = gitDirectory + "/mlx/signature-cache"
  }

  static func load(gitDirectory: String) -> SignatureCache {
    var cache = SignatureCache(gitDirectory: gitDirectory)
    guard let bytes = try? FileSystem.read(cache.path), let verdicts = decode(bytes) else {
      return cache
    }
    cache.verdicts = verdicts
    return cache
  }

  /// The verdict for a tag object, verifying (and remembering) it when it is new.
  mutating func verdict(
    for object: String, read: () throws -> (payload: [UInt8], signature: String?)?
  ) rethrows -> SignatureVerdict {
    if let known = verdicts[object] { return known }
    guard let tag = try read() else { return .unsigned }
    let verdict = SignatureVerdict.verify(payload: tag.payload, signature: tag.signature)
    if verdict.format == "ssh" {
      verdicts[object] = verdict
      added += 1
    }
    return verdict
  }

  /// Remembers verdicts computed elsewhere (on other threads).
  mutating func record(_ verdict: SignatureVerdict, for object: String) {
    guard verdict.format == "ssh", verdicts[object] == nil else { return }
    verdicts[object] = verdict
    added += 1
  }

  /// Writes the file when verdicts were added, keeping only `objects` (the tags that still
  /// exist).
  mutating func save(keeping objects: Set<String>) {
    guard added > 0 else { return }
    try? FileSystem.createDirectories(FileSystem.parent(of: path))
    try? FileSystem.write(
      Self.encode(verdicts.filter { objects.contains($0.key) }), atomicallyTo: path, durable: false)
    added = 0
  }

  // MARK: - Encoding

  private static let magic = "MLXSIG02"

  /// `MLXSIG02`, the number of distinct keys (4 bytes) and each key as OpenSSH text, then per
  /// entry: object id, status, fingerprint, detail (``BinaryWriter`` strings) and the index of
  /// its key (4 bytes; -1 for none). Registries are signed by a few keys, so each is parsed
  /// once however many tags it signed.
  static func encode(_ verdicts: [String: SignatureVerdict]) -> [UInt8] {
    var writer = BinaryWriter(magic: magic)
    var keys: [String] = []
    var index: [String: Int32] = [:]
    for verdict in verdicts.values {
      guard let text = verdict.key?.openSSHText, index[text] == nil else { continue }
      index[text] = Int32(keys.count)
      keys.append(text)
    }
    writer.integer(UInt32(keys.count))
    for key in keys { writer.string(key) }
    for (object, verdict) in verdicts {
      for text in [
        object, verdict.status.rawValue, verdict.fingerprint ?? "", verdict.detail ?? "",
      ] {
        writer.string(text)
      }
      writer.integer(verdict.key.map { index[$0.openSSHText]! } ?? -1)
    }
    return writer.bytes
  }

  static func decode(_ bytes: [UInt8]) -> [String: SignatureVerdict]? {
    guard var reader = BinaryReader(bytes, magic: magic), let keyCount = reader.integer(UInt32.self)
    else {
      return nil
    }
    var keys: [OpenSSHPublicKey] = []
    for _ in 0..<keyCount {
      guard let text = reader.string(), let key = OpenSSHPublicKey(openSSHText: text) else {
        return nil
      }
      keys.append(key)
    }
    var verdicts: [String: SignatureVerdict] = [:]
    while !reader.isAtEnd {
      guard let object = reader.string(), let statusText = reader.string(),
        let status = SignatureCheck.Status(rawValue: statusText), let fingerprint = reader.string(),
        let detail = reader.string(), let keyIndex = reader.integer(Int32.self),
        keyIndex >= -1, keyIndex < keys.count
      else { return nil }
      let key = keyIndex >= 0 ? keys[Int(keyIndex)] : nil
      if status == .valid && key == nil { return nil }
      verdicts[object] = SignatureVerdict(
        status: status, format: "ssh", fingerprint: fingerprint.isEmpty ? nil : fingerprint,
        key: key,
        detail: detail.isEmpty ? nil : detail)
    }
    return verdicts
  }
}

/// `mlx gc --explain`: whether gc keeps one object, and which root keeps it.
public struct GCExplanation: Codable, Sendable {
  public enum Verdict: String, Codable, Sendable {
    /// A root needs it: gc keeps it.
    case kept
    /// No root needs it and its pack is older than the grace period: gc would remove it.
    case garbage
    /// No root needs it, but its pack is younger than the grace period: gc leaves it for now.
    case young
    /// The store does not hold it.
    case absent
  }

  /// The object asked about.
  public var object: ObjectID
  /// The tracked path asked about, when a path was given.
  public var path: String?
  public var verdict: Verdict
  /// The first root found that needs it (also for an absent object some root needs).
  public var keptBy: KeepReason?
  /// The content it is part of: the chunked file whose chunk it is, or the directory whose
  /// file it is.
  public var partOf: ObjectID?
  /// The pack holding it.
  public var pack: String?
  public var graceSeconds: Int64

  /// Explains `id` from the walk and the store.
  init(
    _ id: ObjectID, path: String?, kept: KeptObjects, store: ObjectStore, graceSeconds: Int64,
    now: Int64
  ) throws {
    object = id
    self.path = path
    self.graceSeconds = graceSeconds
    let reason = kept.reason(for: id)
    keptBy = reason?.reason
    partOf = reason?.partOf
    let holding = try store.publishedPacks().filter { $0.index.find(id) != nil }
    pack = holding.first?.name
    if holding.isEmpty {
      verdict = .absent
    } else if kept.isNeeded(id) {
      verdict = .kept
    } else if reason != nil {
      verdict = .young
    } else {
      let cutoff = now - graceSeconds * 1_000_000_000
      verdict = holding.contains { $0.modifiedNanoseconds > cutoff } ? .young : .garbage
    }
  }

  /// The object a user named: `sha256:<hex>`, or a prefix of at least 4 hex digits (with or
  /// without `sha256:`) that exactly one object in the store starts with. Nil when `text` is
  /// not written as an object.
  /// - Throws: ``CollectError/unknownObject(_:)`` or ``CollectError/ambiguousObject(_:count:)``.
  static func object(named text: String, in store: ObjectStore) throws -> ObjectID? {
    if let id = ObjectID(parsing: text) { return id }
    let hex = text.hasPrefix(ObjectID.prefix) ? String(text.dropFirst(ObjectID.prefix.count)) : text
    guard hex.count >= 4, hex.count <= 64,
      hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase })
    else {
      if text.hasPrefix(ObjectID.prefix) { throw CollectError.unknownObject(text) }
      return nil
    }
    if hex.count == 64, let id = ObjectID(parsing: ObjectID.prefix + hex) { return id }
    var matches: Set<ObjectID> = []
    for index in store.allIndexes {
      for entry in index.entries where entry.id.hex.hasPrefix(hex) { matches.insert(entry.id) }
    }
    guard let first = matches.first else { throw CollectError.unknownObject(text) }
    guard matches.count == 1 else { throw CollectError.ambiguousObject(text, count: matches.count) }
    return first
  }
}

import Foundation

/// The JSON shapes GTO prints (`gto show --json`, `gto history --json`, `gto check-ref
/// --json`), for scripts written against GTO: `mlx registry … --json --gto`.
public enum GTOFormat {
  /// One artifact in `gto show --json`.
  public struct Artifact: Encodable, Equatable, Sendable {
    /// The greatest registered version.
    public let version: String?
    /// Every stage in use in the registry, with this artifact's holder (or null).
    public let stage: [String: String?]
    public let registered: Bool
    public let active: Bool

    enum CodingKeys: String, CodingKey { case version, stage, registered, active }

    public func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(version, forKey: .version)  // null when none, as GTO prints it
      try container.encode(stage, forKey: .stage)
      try container.encode(registered, forKey: .registered)
      try container.encode(active, forKey: .active)
    }
  }

  /// One event in `gto history --json` and `gto check-ref --json`.
  public struct Event: Encodable, Equatable, Sendable {
    public let timestamp: String
    public let artifact: String
    public let event: String
    public let priority: Int
    public let version: String?
    public let stage: String?
    public let commit: String
    public let author: String
    public let authorEmail: String
    public let message: String
    public let ref: String

    enum CodingKeys: String, CodingKey {
      case timestamp, artifact, event, priority, version, stage, commit, author, message, ref
      case authorEmail = "author_email"
    }

    public func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(timestamp, forKey: .timestamp)
      try container.encode(artifact, forKey: .artifact)
      try container.encode(event, forKey: .event)
      try container.encode(priority, forKey: .priority)
      try container.encode(version, forKey: .version)  // GTO prints null for these
      try container.encode(stage, forKey: .stage)
      try container.encode(commit, forKey: .commit)
      try container.encode(author, forKey: .author)
      try container.encode(authorEmail, forKey: .authorEmail)
      try container.encode(message, forKey: .message)
      try container.encode(ref, forKey: .ref)
    }

    init(_ event: RegistryEvent) {
      timestamp = GTOFormat.timestamp(event.time, offsetMinutes: event.offsetMinutes)
      artifact = event.artifact
      self.event = event.kind.rawValue
      priority = event.kind.priority
      version = event.version
      stage = event.stage
      commit = event.commit
      author = event.tagger.name
      authorEmail = event.tagger.email
      message = event.message.trimmingCharacters(in: .whitespacesAndNewlines)
      ref = event.tag
    }
  }

  /// `gto check-ref --json`.
  public struct CheckRef: Encodable, Equatable, Sendable {
    public let artifact: String
    public let createdAt: String
    public let author: String
    public let authorEmail: String
    public let message: String
    public let commitHexsha: String
    public let tag: String
    public let version: String?
    public let stage: String?
    public let event: String

    enum CodingKeys: String, CodingKey {
      case artifact, author, message, tag, version, stage, event
      case createdAt = "created_at"
      case authorEmail = "author_email"
      case commitHexsha = "commit_hexsha"
    }

    public func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(artifact, forKey: .artifact)
      try container.encode(createdAt, forKey: .createdAt)
      try container.encode(author, forKey: .author)
      try container.encode(authorEmail, forKey: .authorEmail)
      try container.encode(message, forKey: .message)
      try container.encode(commitHexsha, forKey: .commitHexsha)
      try container.encode(tag, forKey: .tag)
      // GTO omits the fields an event does not have.
      try container.encodeIfPresent(version, forKey: .version)
      try container.encodeIfPresent(stage, forKey: .stage)
      try container.encode(event, forKey: .event)
    }
  }

  /// `gto show --json`: active artifacts, each with every stage in use anywhere.
  public static func show(_ snapshot: RegistrySnapshot) -> [String: Artifact] {
    let states = snapshot.artifacts.map { snapshot.state(of: $0) }
    let stages = Set(states.flatMap { $0.stages.keys })
    var result: [String: Artifact] = [:]
    for state in states where !state.deprecated {
      var holders: [String: String?] = [:]
      for stage in stages { holders[stage] = .some(state.stages[stage]?.version) }
      result[state.name] = Artifact(
        version: state.latest, stage: holders, registered: true, active: true)
    }
    return result
  }

  /// `gto history --json`: newest first.
  public static func history(_ events: [RegistryEvent]) -> [Event] {
    events.reversed().map(Event.init)
  }

  /// `gto check-ref --json` for one event.
  public static func checkRef(_ event: RegistryEvent) -> CheckRef {
    CheckRef(
      artifact: event.artifact,
      createdAt: timestamp(event.time, offsetMinutes: event.offsetMinutes),
      author: event.tagger.name, authorEmail: event.tagger.email,
      message: event.message.trimmingCharacters(in: .whitespacesAndNewlines),
      commitHexsha: event.commit, tag: event.tag, version: event.version, stage: event.stage,
      event: event.kind.rawValue)
  }

  /// Python's `datetime.isoformat()` with the tagger's offset: `2026-01-01T10:00:00+01:00`.
  static func timestamp(_ date: Date, offsetMinutes: Int) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(secondsFromGMT: offsetMinutes * 60)
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
    let sign = offsetMinutes < 0 ? "-" : "+"
    let minutes = abs(offsetMinutes)
    return formatter.string(from: date) + sign
      + String(format: "%02d:%02d", minutes / 60, minutes % 60)
  }
}

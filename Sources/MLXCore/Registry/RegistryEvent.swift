import Foundation

/// One registry event: an annotated tag in GTO's grammar, read once through libgit2.
///
/// Every fact comes from Git objects, never from the message: the artifact, the event kind,
/// the stage and the counter from the tag's name; a registration's version from its name; a
/// stage event's version from the version registered at the tagged commit (GTO's rule,
/// applied in ``RegistrySnapshot``). The message's trailers are claims, which `mlx audit`
/// checks against the objects.
public struct RegistryEvent: Codable, Sendable, Equatable {
  /// GTO's event names.
  public enum Kind: String, Codable, Sendable {
    case registration, deregistration, assignment, unassignment, deprecation

    /// GTO's tie-breaking priority for events in the same second (`gto/base.py`).
    var priority: Int {
      switch self {
      case .deprecation: 2
      case .registration: 3
      case .deregistration: 4
      case .assignment: 5
      case .unassignment: 6
      }
    }

    init(_ action: RegistryTagName.Action) {
      switch action {
      case .register: self = .registration
      case .deregister: self = .deregistration
      case .assign: self = .assignment
      case .unassign: self = .unassignment
      case .deprecate: self = .deprecation
      }
    }
  }

  /// The reference's name under `refs/tags/`.
  public let tag: String
  public let kind: Kind
  public let artifact: String
  /// The version the event is about: from the tag's name (registrations), or the version
  /// registered at the tagged commit, or the commit's id when none is (GTO's rule).
  public internal(set) var version: String?
  public let stage: String?
  public let counter: Int?
  /// The commit the tag points to.
  public let commit: String
  /// The tag object's id.
  public let object: String
  /// The name the tag object records in its own `tag` header. When it differs from
  /// ``tag``, the object was made for another tag and replayed under this name.
  public let recordedName: String
  public let tagger: GitIdentity
  public let time: Date
  /// The tagger's time-zone offset, in minutes east of UTC.
  public let offsetMinutes: Int
  /// The message's first line.
  public let summary: String
  /// The whole message, without any signature.
  public let message: String
  /// `Key: value` trailers of the message (a key may repeat): claims, not facts.
  public let trailers: [String: [String]]

  /// Whether the tag object was written for another name: such an event is ignored by every
  /// registry read and reported by `mlx audit` as `replayed`.
  public var isReplayed: Bool { recordedName != tag }

  /// The first value of a trailer.
  public func trailer(_ key: String) -> String? { trailers[key]?.first }

  /// Builds the event for a parsed tag name and what its tag object says.
  init(name: RegistryTagName, reference: String, object: String, tag: RegistryCache.Entry) {
    self.tag = reference
    artifact = name.artifact
    counter = name.counter
    kind = Kind(name.action)
    version = name.version?.description
    stage = name.stage
    commit = tag.target
    self.object = object
    recordedName = tag.name
    tagger = tag.tagger
    time = Date(timeIntervalSince1970: TimeInterval(tag.time))
    offsetMinutes = tag.offsetMinutes
    summary =
      tag.message.utf8.firstIndex(of: UInt8(ascii: "\n")).map { String(tag.message[..<$0]) }
      ?? tag.message
    message = tag.message
    trailers = TagMessage.trailers(of: tag.message)
  }

  /// Chronological order: time, then GTO's priority, then counter, then name.
  static func precedes(_ a: RegistryEvent, _ b: RegistryEvent) -> Bool {
    if a.time != b.time { return a.time < b.time }
    if a.kind.priority != b.kind.priority { return a.kind.priority < b.kind.priority }
    if (a.counter ?? 0) != (b.counter ?? 0) { return (a.counter ?? 0) < (b.counter ?? 0) }
    return a.tag < b.tag
  }
}

/// The messages mlx writes into registry tags: a human first line, a blank line, then
/// `Mlx-Key: value` trailers (git's trailer format).
enum TagMessage {
  static func compose(summary: String, trailers: [(String, String)]) -> String {
    var text = summary + "\n"
    if !trailers.isEmpty {
      text += "\n" + trailers.map { "\($0.0): \($0.1)" }.joined(separator: "\n") + "\n"
    }
    return text
  }

  /// Trailers that claim one fact each: a second value would let a message show one claim
  /// and have another checked.
  static let singleTrailers = [
    "Mlx-Artifact", "Mlx-Version", "Mlx-Stage", "Mlx-Event", "Mlx-Path", "Mlx-Digest", "Mlx-Run",
    "Mlx-Tool", "Mlx-Previous", "Mlx-Rollback-From",
  ]
  static let repeatedTrailers = ["Mlx-Metric", "Mlx-Gate"]

  /// Parses a registry tag object named `tag` as `mlx audit` reads it: the headers, then the
  /// message's trailers, which must each be a well-formed claim.
  static func read(tag: String, bytes: [UInt8]) throws(RegistryError) -> RawTag {
    let raw: RawTag
    do {
      raw = try RawTag(parsing: bytes, id: TagObject.id(of: bytes))
    } catch {
      throw .malformedTag(tag: tag, problem: error.problem)
    }
    if let problem = problem(in: trailers(of: raw.message)) {
      throw .malformedTag(tag: tag, problem: problem)
    }
    return raw
  }

  /// What is wrong with a message's `Mlx-` trailers, if anything: a claim given twice, a key
  /// in another letter case (which the audit would not compare), a value its key cannot hold.
  static func problem(in trailers: [String: [String]]) -> String? {
    let known = singleTrailers + repeatedTrailers
    for key in trailers.keys.sorted() {
      let values = trailers[key] ?? []
      if !known.contains(key),
        let spelled = known.first(where: { $0.lowercased() == key.lowercased() })
      {
        return "trailer '\(MessageText.quoted(key))' must be spelled '\(spelled)'"
      }
      if singleTrailers.contains(key), values.count > 1 {
        return "trailer '\(key)' is given \(values.count) times; a claim is made once"
      }
      for value in values {
        if let issue = valueProblem(key, value) {
          return "'\(key): \(MessageText.quoted(value))' \(issue)"
        }
      }
    }
    return nil
  }

  private static func valueProblem(_ key: String, _ value: String) -> String? {
    switch key {
    case "Mlx-Digest" where ObjectID(parsing: value) == nil:
      "is not 'sha256:' followed by 64 lowercase hex digits"
    case "Mlx-Artifact" where !RegistryTagName.isValidArtifact(value):
      "is not an artifact name"
    case "Mlx-Stage" where !RegistryTagName.isValidName(value):
      "is not a stage name"
    case "Mlx-Path" where !RelativePath.isSafe(value):
      "is not a path inside the repository and out of .git and .mlx"
    case "Mlx-Event"
    where RegistryEvent.Kind(rawValue: value) == nil && value != "approval":
      "is not an event mlx writes"
    case "Mlx-Metric" where !(value.firstIndex(of: "=").map { $0 > value.startIndex } ?? false):
      "is not NAME=VALUE"
    default: nil
    }
  }

  /// The trailers of the message's last paragraph, when there is more than one.
  static func trailers(of message: String) -> [String: [String]] {
    var result: [String: [String]] = [:]
    var paragraphs: [[Substring.UTF8View.SubSequence]] = [[]]
    for line in message.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    {
      if !line.isEmpty {
        paragraphs[paragraphs.count - 1].append(line)
      } else if !paragraphs[paragraphs.count - 1].isEmpty {
        paragraphs.append([])
      }
    }
    if paragraphs.last?.isEmpty == true { paragraphs.removeLast() }
    guard paragraphs.count > 1, let paragraph = paragraphs.last else { return result }
    for line in paragraph {
      guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
        line[..<colon].allSatisfy({
          ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7a)
            || $0 == UInt8(ascii: "-")
        })
      else { continue }
      var valueStart = line.index(after: colon)
      while valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") {
        valueStart = line.index(after: valueStart)
      }
      let key = String(decoding: line[..<colon], as: UTF8.self)
      result[key, default: []].append(String(decoding: line[valueStart...], as: UTF8.self))
    }
    return result
  }
}

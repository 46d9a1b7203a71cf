import Foundation

/// One registry event: an annotated tag in GTO's grammar, read once through libgit2.
public struct RegistryEvent: Codable, Sendable, Equatable {
  /// GTO's event names.
  public enum Kind: String, Codable, Sendable {
    case registration, deregistration, assignment, unassignment, deprecation

    /// GTO's tie-breaking priority for events in the same second.
    var priority: Int {
      switch self {
      case .registration: 3
      case .deregistration: 4
      case .assignment: 5
      case .unassignment: 6
      case .deprecation: 7
      }
    }
  }

  public let tag: String
  public let kind: Kind
  public let artifact: String
  /// The version the event is about: from the tag name, the `Mlx-Version` trailer, or the
  /// version registered at the tagged commit.
  public var version: String?
  public let stage: String?
  public let counter: Int?
  /// The commit the tag points to.
  public let commit: String
  /// The tag object's id.
  public let object: String
  public let tagger: GitIdentity
  public let time: Date
  /// The message's first line.
  public let summary: String
  /// `Key: value` trailers of the message (a key may repeat).
  public let trailers: [String: [String]]

  /// The first value of a trailer.
  public func trailer(_ key: String) -> String? { trailers[key]?.first }

  /// Builds the event for a parsed tag name and what its tag object says.
  init(name: RegistryTagName, object: String, tag: RegistryCache.Entry) {
    self.tag = name.description
    artifact = name.artifact
    counter = name.counter
    switch name.action {
    case .register(let version):
      kind = .registration
      self.version = version.description
      stage = nil
    case .deregister(let version):
      kind = .deregistration
      self.version = version.description
      stage = nil
    case .assign(let stage):
      kind = .assignment
      self.stage = stage
    case .unassign(let stage):
      kind = .unassignment
      self.stage = stage
    case .deprecate:
      kind = .deprecation
      stage = nil
    }
    commit = tag.target
    self.object = object
    tagger = tag.tagger
    time = Date(timeIntervalSince1970: TimeInterval(tag.time))
    let lines = tag.message.split(separator: "\n", omittingEmptySubsequences: false)
    summary = lines.first.map(String.init) ?? ""
    trailers = TagMessage.trailers(of: tag.message)
    if version == nil { version = trailers["Mlx-Version"]?.first }
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

  /// The trailers of the message's last paragraph, when there is more than one.
  static func trailers(of message: String) -> [String: [String]] {
    var result: [String: [String]] = [:]
    var paragraphs: [[Substring.UTF8View.SubSequence]] = [[]]
    for line in message.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
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
        line[..<colon].allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7a) || $0 == UInt8(ascii: "-") })
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

/// A registry tag name in GTO's grammar, so GTO and mlx read each other's registries.
///
/// | tag | event |
/// |---|---|
/// | `NAME@vX.Y.Z` | register version X.Y.Z |
/// | `NAME@vX.Y.Z!` | deregister it |
/// | `NAME#STAGE#N` | assign STAGE to the version at the tagged commit |
/// | `NAME#STAGE!#N` | unassign STAGE |
/// | `NAME@deprecated` | retire the artifact |
///
/// `N` is one more than the largest counter among all of the artifact's tags. Names and
/// stages are lowercase letters, digits, `-` and `/`, starting and ending with a letter or
/// digit (GTO's `name` pattern).
public struct RegistryTagName: Hashable, Sendable, CustomStringConvertible {
  public enum Action: Hashable, Sendable {
    case register(SemanticVersion)
    case deregister(SemanticVersion)
    case assign(stage: String)
    case unassign(stage: String)
    case deprecate
  }

  public let artifact: String
  public let action: Action
  public let counter: Int?

  public init(artifact: String, action: Action, counter: Int? = nil) {
    self.artifact = artifact
    self.action = action
    self.counter = counter
  }

  /// Whether `text` is a valid artifact or stage name.
  public static func isValidName(_ text: String) -> Bool {
    let bytes = text.utf8
    guard let first = bytes.first, let last = bytes.last else { return false }
    func plain(_ byte: UInt8) -> Bool {
      (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
    return plain(first) && plain(last)
      && bytes.allSatisfy { plain($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "/") }
  }

  /// Parses a tag name; nil when it is not a registry tag.
  public init?(parsing text: String) {
    var body = Substring(text)
    var counter: Int?
    // A trailing `#N` is a counter when the part before still holds an event.
    if let hash = body.lastIndex(of: "#"), let number = Int(body[body.index(after: hash)...]),
      body[body.index(after: hash)...].allSatisfy(\.isNumber),
      body[..<hash].contains(where: { $0 == "#" || $0 == "@" })
    {
      counter = number
      body = body[..<hash]
    }
    if let at = body.lastIndex(of: "@") {
      let name = String(body[..<at])
      var value = String(body[body.index(after: at)...])
      guard Self.isValidName(name) else { return nil }
      if value == "deprecated" {
        self.init(artifact: name, action: .deprecate, counter: counter)
        return
      }
      let cancel = value.hasSuffix("!")
      if cancel { value.removeLast() }
      guard let version = SemanticVersion(value) else { return nil }
      self.init(artifact: name, action: cancel ? .deregister(version) : .register(version), counter: counter)
      return
    }
    let parts = body.split(separator: "#", omittingEmptySubsequences: false)
    guard parts.count == 2 else { return nil }
    var stage = String(parts[1])
    let cancel = stage.hasSuffix("!")
    if cancel { stage.removeLast() }
    let name = String(parts[0])
    guard Self.isValidName(name), Self.isValidName(stage) else { return nil }
    self.init(
      artifact: name, action: cancel ? .unassign(stage: stage) : .assign(stage: stage),
      counter: counter)
  }

  public var description: String {
    let counterText = counter.map { "#\($0)" } ?? ""
    switch action {
    case .register(let version): return "\(artifact)@\(version)\(counterText)"
    case .deregister(let version): return "\(artifact)@\(version)!\(counterText)"
    case .assign(let stage): return "\(artifact)#\(stage)\(counterText)"
    case .unassign(let stage): return "\(artifact)#\(stage)!\(counterText)"
    case .deprecate: return "\(artifact)@deprecated\(counterText)"
    }
  }

  public var stage: String? {
    switch action {
    case .assign(let stage), .unassign(let stage): stage
    default: nil
    }
  }

  public var version: SemanticVersion? {
    switch action {
    case .register(let version), .deregister(let version): version
    default: nil
    }
  }
}

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
/// `N` is one more than the largest counter among all of the artifact's tags. Names follow
/// GTO's `constants.py`: a name is letters (either case), digits, `-`, `_` and `/`, starting
/// and ending with a letter or digit; an artifact may add a directory in front, `dir:name`
/// (a monorepo artifact), written `dir=name` inside a tag. Stages are plain names.
public struct RegistryTagName: Hashable, Sendable, CustomStringConvertible {
  public enum Action: Hashable, Sendable {
    case register(SemanticVersion)
    case deregister(SemanticVersion)
    case assign(stage: String)
    case unassign(stage: String)
    case deprecate
  }

  /// The artifact's name as users write it (`dir:name`).
  public let artifact: String
  public let action: Action
  public let counter: Int?

  public init(artifact: String, action: Action, counter: Int? = nil) {
    self.artifact = artifact
    self.action = action
    self.counter = counter
  }

  // MARK: - Names

  /// The longest artifact or stage name mlx writes a tag for: `NAME#STAGE#N` must fit in
  /// one file name (255 bytes) under `.git/refs/tags`. Longer names written by other tools
  /// are still read.
  public static let maximumNameLength = 100

  /// Whether `text` is a valid stage name, or the name part of an artifact (GTO's `name`).
  public static func isValidName(_ text: String) -> Bool {
    let bytes = text.utf8
    guard let first = bytes.first, let last = bytes.last else { return false }
    return isAlphanumeric(first) && isAlphanumeric(last)
      && bytes.allSatisfy {
        isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "/")
          || $0 == UInt8(ascii: "_")
      }
  }

  /// Whether `text` is a valid artifact name: a name, or `dir:name` (GTO's `fullname`).
  public static func isValidArtifact(_ text: String) -> Bool {
    guard let colon = text.lastIndex(of: ":") else { return isValidName(text) }
    let directory = text[..<colon]
    return !directory.isEmpty && isValidName(String(text[text.index(after: colon)...]))
      && directory.utf8.allSatisfy {
        isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
          || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "/")
      }
  }

  private static func isAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
      || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
      || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
  }

  /// The artifact as written inside a tag name: `dir:name` becomes `dir=name`.
  public static func tagForm(of artifact: String) -> String {
    String(artifact.map { $0 == ":" ? "=" : $0 })
  }

  // MARK: - Parsing

  /// Parses a tag name; nil when it is not a registry tag in GTO's grammar.
  ///
  /// The artifact ends at the first `#` or `@` (neither may appear in a name); then come
  /// `#STAGE[!]`, `@vSEMVER[!]` or `@deprecated`, and an optional `#COUNTER`.
  public init?(parsing text: String) {
    // Works on UTF-8 bytes: the registry parses every tag name on every read.
    let bytes = Array(text.utf8)
    let hash = UInt8(ascii: "#")
    let at = UInt8(ascii: "@")
    guard let split = bytes.firstIndex(where: { $0 == hash || $0 == at }), split > 0 else {
      return nil
    }
    let nameBytes = bytes[..<split]
    guard !nameBytes.contains(UInt8(ascii: ":")) else { return nil }
    let artifact = String(
      decoding: nameBytes.map { $0 == UInt8(ascii: "=") ? UInt8(ascii: ":") : $0 }, as: UTF8.self)
    guard Self.isValidArtifact(artifact) else { return nil }
    var rest = bytes[(split + 1)...]
    var counter: Int?
    // Stages, versions and `deprecated` hold no `#`: whatever follows one is the counter.
    if let counterStart = rest.firstIndex(of: hash) {
      let digits = rest[(counterStart + 1)...]
      guard !digits.isEmpty, digits.count < 19,
        digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
      else { return nil }
      counter = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
      rest = rest[..<counterStart]
    }
    let cancelled = rest.last == UInt8(ascii: "!")
    if cancelled { rest = rest.dropLast() }
    let body = String(decoding: rest, as: UTF8.self)
    let action: Action
    if bytes[split] == at {
      if body == "deprecated", !cancelled {
        action = .deprecate
      } else if let version = SemanticVersion(body) {
        action = cancelled ? .deregister(version) : .register(version)
      } else {
        return nil
      }
    } else {
      guard Self.isValidName(body) else { return nil }
      action = cancelled ? .unassign(stage: body) : .assign(stage: body)
    }
    self.init(artifact: artifact, action: action, counter: counter)
  }

  public var description: String {
    let name = Self.tagForm(of: artifact)
    let counterText = counter.map { "#\($0)" } ?? ""
    switch action {
    case .register(let version): return "\(name)@\(version)\(counterText)"
    case .deregister(let version): return "\(name)@\(version)!\(counterText)"
    case .assign(let stage): return "\(name)#\(stage)\(counterText)"
    case .unassign(let stage): return "\(name)#\(stage)!\(counterText)"
    case .deprecate: return "\(name)@deprecated\(counterText)"
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

/// A version as GTO writes it in tags: `v` + semantic version (`v1.2.3`, `v1.0.0-rc.1`).
public struct SemanticVersion: Comparable, Hashable, Sendable, CustomStringConvertible, Codable {
  public var major: Int
  public var minor: Int
  public var patch: Int
  /// Pre-release identifiers (`rc.1`), compared as semver says.
  public var prerelease: [String]
  public var build: String?

  public init(major: Int, minor: Int, patch: Int, prerelease: [String] = [], build: String? = nil) {
    (self.major, self.minor, self.patch, self.prerelease, self.build) =
      (major, minor, patch, prerelease, build)
  }

  /// Parses `vX.Y.Z[-pre][+build]`; nil for anything else (no leading zeros).
  public init?(_ text: String) {
    guard text.hasPrefix("v") else { return nil }
    var rest = Substring(text.dropFirst())
    var build: String?
    if let plus = rest.firstIndex(of: "+") {
      build = String(rest[rest.index(after: plus)...])
      rest = rest[..<plus]
      guard let build, !build.isEmpty, build.split(separator: ".", omittingEmptySubsequences: false)
        .allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } })
      else { return nil }
    }
    var prerelease: [String] = []
    if let dash = rest.firstIndex(of: "-") {
      prerelease = rest[rest.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false)
        .map(String.init)
      guard prerelease.allSatisfy({ Self.isIdentifier($0) }) else { return nil }
      rest = rest[..<dash]
    }
    let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, parts.allSatisfy(Self.isNumeric),
      let major = Int(parts[0]), let minor = Int(parts[1]), let patch = Int(parts[2])
    else { return nil }
    self.init(major: major, minor: minor, patch: patch, prerelease: prerelease, build: build)
  }

  private static func isNumeric(_ part: Substring) -> Bool {
    !part.isEmpty && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber)
      && (part == "0" || part.first != "0")
  }

  private static func isIdentifier(_ part: String) -> Bool {
    guard !part.isEmpty, part.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
    else { return false }
    return !(part.allSatisfy(\.isNumber) && part.count > 1 && part.first == "0")
  }

  public var description: String {
    var text = "v\(major).\(minor).\(patch)"
    if !prerelease.isEmpty { text += "-" + prerelease.joined(separator: ".") }
    if let build { text += "+" + build }
    return text
  }

  /// What `--bump` asks for.
  public enum Part: String, Sendable, CaseIterable { case major, minor, patch }

  public func bumped(_ part: Part) -> SemanticVersion {
    switch part {
    case .major: SemanticVersion(major: major + 1, minor: 0, patch: 0)
    case .minor: SemanticVersion(major: major, minor: minor + 1, patch: 0)
    case .patch: SemanticVersion(major: major, minor: minor, patch: patch + 1)
    }
  }

  public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
    if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
      return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }
    // A pre-release sorts before its release; identifiers compare numerically when numeric.
    if lhs.prerelease.isEmpty || rhs.prerelease.isEmpty { return !lhs.prerelease.isEmpty && rhs.prerelease.isEmpty }
    for (a, b) in zip(lhs.prerelease, rhs.prerelease) where a != b {
      switch (Int(a), Int(b)) {
      case (let x?, let y?): return x < y
      case (nil, nil): return a < b
      case (_?, nil): return true
      case (nil, _?): return false
      }
    }
    return lhs.prerelease.count < rhs.prerelease.count
  }

  public static func == (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
    (lhs.major, lhs.minor, lhs.patch, lhs.prerelease) == (rhs.major, rhs.minor, rhs.patch, rhs.prerelease)
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(major); hasher.combine(minor); hasher.combine(patch); hasher.combine(prerelease)
  }

  public init(from decoder: Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let version = SemanticVersion(text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad version \(text)"))
    }
    self = version
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}

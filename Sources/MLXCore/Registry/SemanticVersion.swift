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
  ///
  /// Works on UTF-8 bytes: every registry read parses every version name.
  public init?(_ text: String) {
    let bytes = Array(text.utf8)
    guard bytes.first == UInt8(ascii: "v") else { return nil }
    var end = bytes.count
    var build: String?
    if let plus = bytes.firstIndex(of: UInt8(ascii: "+")) {
      let part = bytes[(plus + 1)...]
      guard Self.areIdentifiers(part, allowLeadingZeros: true) else { return nil }
      build = String(decoding: part, as: UTF8.self)
      end = plus
    }
    var prerelease: [String] = []
    if let dash = bytes[..<end].firstIndex(of: UInt8(ascii: "-")) {
      let part = bytes[(dash + 1)..<end]
      guard Self.areIdentifiers(part, allowLeadingZeros: false) else { return nil }
      prerelease = part.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
      end = dash
    }
    let numbers = bytes[1..<end].split(
      separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    guard numbers.count == 3 else { return nil }
    var parsed: [Int] = []
    for part in numbers {
      guard !part.isEmpty, part.count < 19, part.allSatisfy(Self.isDigit),
        part.count == 1 || part.first != UInt8(ascii: "0")
      else { return nil }
      parsed.append(part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) })
    }
    self.init(
      major: parsed[0], minor: parsed[1], patch: parsed[2], prerelease: prerelease, build: build)
  }

  private static func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  /// Dot-separated, non-empty identifiers of ASCII letters, digits and `-`; numeric ones
  /// without leading zeros unless `allowLeadingZeros` (build metadata allows them).
  private static func areIdentifiers(_ bytes: ArraySlice<UInt8>, allowLeadingZeros: Bool) -> Bool {
    bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { part in
      guard !part.isEmpty,
        part.allSatisfy({
          isDigit($0) || ($0 | 0x20 >= UInt8(ascii: "a") && $0 | 0x20 <= UInt8(ascii: "z"))
            || $0 == UInt8(ascii: "-")
        })
      else { return false }
      return allowLeadingZeros
        || !(part.allSatisfy(isDigit) && part.count > 1 && part.first == UInt8(ascii: "0"))
    }
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
    if lhs.prerelease.isEmpty || rhs.prerelease.isEmpty {
      return !lhs.prerelease.isEmpty && rhs.prerelease.isEmpty
    }
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
    (lhs.major, lhs.minor, lhs.patch, lhs.prerelease) == (
      rhs.major, rhs.minor, rhs.patch, rhs.prerelease
    )
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(major); hasher.combine(minor); hasher.combine(patch); hasher.combine(prerelease)
  }

  public init(from decoder: Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let version = SemanticVersion(text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "bad version \(text)"))
    }
    self = version
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}

import Foundation

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// An `ssh-keygen` ALLOWED SIGNERS file (`gpg.ssh.allowedSignersFile` for git): which
/// principals each public key may sign as, in which namespaces, and when.
///
/// `principals [options] ssh-ed25519 AAAA… [comment]`, with options `namespaces="git,…"`,
/// `valid-after="YYYYMMDD[HHMM[SS]][Z]"`, `valid-before=…`. Lines with other key types or
/// `cert-authority` are kept out (mlx verifies ed25519 keys itself).
public struct AllowedSigners: Sendable {
  public struct Entry: Sendable, Equatable {
    /// Principal patterns (`*` and `?` match as in ssh-keygen).
    public var principals: [String]
    public var namespaces: [String]?
    public var validAfter: Date?
    public var validBefore: Date?
    let key: OpenSSHPublicKey
  }

  public private(set) var entries: [Entry] = []

  public init() {}

  /// Parses the file; `path` names it in errors.
  public init(parsing text: String, path: String) throws(SigningError) {
    for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated()
    {
      let line = rawLine.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      var fields = Self.fields(line)
      guard fields.count >= 3 else {
        throw .invalidAllowedSigners(
          path: path, line: number + 1, problem: "expected 'principals [options] key-type key'")
      }
      let principals = fields.removeFirst().split(separator: ",").map(String.init)
      var options: [String: String] = [:]
      if !fields[0].hasPrefix("ssh-") && !fields[0].hasPrefix("ecdsa-")
        && !fields[0].hasPrefix("sk-")
      {
        for option in Self.splitOptions(fields.removeFirst()) {
          let parts = option.split(separator: "=", maxSplits: 1)
          let value =
            parts.count > 1
            ? String(parts[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : ""
          options[parts[0].lowercased()] = value
        }
      }
      guard fields.count >= 2, options["cert-authority"] == nil,
        let key = OpenSSHPublicKey(openSSHText: fields[0] + " " + fields[1])
      else { continue }
      entries.append(
        Entry(
          principals: principals,
          namespaces: options["namespaces"].map { $0.split(separator: ",").map(String.init) },
          validAfter: options["valid-after"].flatMap(Self.parseTime),
          validBefore: options["valid-before"].flatMap(Self.parseTime), key: key))
    }
  }

  /// The principals `key` may sign as in `namespace` at `time`.
  func principals(for key: OpenSSHPublicKey, namespace: String = "git", at time: Date) -> [String] {
    entries.filter { entry in
      entry.key == key
        && (entry.namespaces.map { Self.matches(namespace, patterns: $0) } ?? true)
        && (entry.validAfter.map { time >= $0 } ?? true)
        && (entry.validBefore.map { time <= $0 } ?? true)
    }.flatMap(\.principals)
  }

  /// Whether `principal` matches any of `patterns` (ssh-keygen's `*`/`?` wildcards).
  static func matches(_ principal: String, patterns: [String]) -> Bool {
    patterns.contains { fnmatch($0, principal, 0) == 0 }
  }

  /// Splits on spaces outside double quotes.
  private static func fields(_ line: String) -> [String] {
    var fields: [String] = []
    var current = ""
    var quoted = false
    for character in line {
      if character == "\"" { quoted.toggle() }
      if character.isWhitespace && !quoted {
        if !current.isEmpty { fields.append(current) }
        current = ""
      } else {
        current.append(character)
      }
    }
    if !current.isEmpty { fields.append(current) }
    return fields
  }

  private static func splitOptions(_ text: String) -> [String] {
    var options: [String] = []
    var current = ""
    var quoted = false
    for character in text {
      if character == "\"" { quoted.toggle() }
      if character == "," && !quoted {
        options.append(current)
        current = ""
      } else {
        current.append(character)
      }
    }
    options.append(current)
    return options
  }

  /// `YYYYMMDD[HHMM[SS]][Z]` (local time unless `Z`).
  private static func parseTime(_ text: String) -> Date? {
    let utc = text.hasSuffix("Z") || text.hasSuffix("z")
    let digits = utc ? String(text.dropLast()) : text
    guard [8, 12, 14].contains(digits.count), digits.allSatisfy(\.isNumber) else { return nil }
    let padded = digits + String(repeating: "0", count: 14 - digits.count)
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyyMMddHHmmss"
    formatter.timeZone = utc ? TimeZone(identifier: "UTC") : TimeZone.current
    return formatter.date(from: padded)
  }
}

/// One remote as configured: its name, where it is, and whether it is the default.
///
/// ```yaml
/// remotes:
///   shared:
///     url: /mnt/share/mlx-store     # a directory, absolute or file://
///     default: true
/// ```
public struct RemoteSpec: Codable, Equatable, Sendable {
  public var name: String
  public var url: String
  public var isDefault: Bool

  public init(name: String, url: String, isDefault: Bool = false) {
    self.name = name
    self.url = url
    self.isDefault = isDefault
  }

  /// Words YAML readers turn into something other than a string when unquoted.
  private static let yamlWords: Set<String> = [
    "true", "false", "yes", "no", "on", "off", "y", "n", "null",
  ]

  /// Names are keys in YAML and words on a command line: keep them plain. A name starts
  /// with a letter, so no YAML reader takes it for a number, and is not a YAML keyword.
  static func isValidName(_ name: String) -> Bool {
    guard let first = name.utf8.first, (first | 0x20) >= 0x61, (first | 0x20) <= 0x7A else {
      return false
    }
    return name.count <= 64 && !yamlWords.contains(name.lowercased())
      && name.utf8.allSatisfy { byte in
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
          || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F || byte == 0x2E
      }
  }

  /// Where the remote keeps its objects.
  public func location() throws(RemoteError) -> RemoteLocation {
    try RemoteLocation(url: url)
  }
}

/// Where a remote keeps its objects.
public enum RemoteLocation: Equatable, Sendable {
  /// A directory on this machine or a mounted share (absolute path).
  case directory(String)

  /// Parses a remote URL: an absolute path or a `file://` URL.
  public init(url: String) throws(RemoteError) {
    var path = url
    if path.hasPrefix("file://") {
      path = String(path.dropFirst("file://".count))
    } else if path.hasPrefix("s3://") {
      throw .invalidURL(
        url,
        reason: "is an S3 bucket; this version of mlx reaches directories only "
          + "(a local or mounted path)")
    } else if path.contains("://") {
      throw .invalidURL(url, reason: "has a scheme mlx does not know; use a directory path")
    }
    guard path.hasPrefix("/") else {
      throw .invalidURL(url, reason: "is not an absolute path; write it from the root (/...)")
    }
    while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
    guard !path.split(separator: "/").contains("..") else {
      throw .invalidURL(url, reason: "contains '..'; write the directory's own path")
    }
    self = .directory(path)
  }

  public var description: String {
    switch self {
    case .directory(let path): path
    }
  }
}

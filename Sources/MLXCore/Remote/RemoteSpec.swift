/// One remote as configured: its name, where it is, whether it is the default, and, for S3,
/// how to reach it.
///
/// ```yaml
/// remotes:
///   shared:
///     url: /mnt/share/mlx-store     # a directory, absolute or file://
///     default: true
///   bucket:
///     url: s3://ml-data/project     # bucket and key prefix
///     endpoint: https://minio.example.com:9000   # omit for AWS
///     region: eu-west-1
///     addressing: path              # or virtual (AWS's default)
/// ```
///
/// Credentials (`access_key_id`, `secret_access_key`, `session_token`) are accepted in
/// `.mlx/config.local.yaml` only, which Git ignores; they never appear in `--json` output.
public struct RemoteSpec: Equatable, Sendable {
  public var name: String
  /// Empty only for an entry of `config.local.yaml` that adds settings to a remote of
  /// `config.yaml`, until the two are merged.
  public var url: String
  public var isDefault: Bool
  /// The S3 settings and credentials, by their configuration keys.
  public var settings: [String: String] = [:]

  public init(name: String, url: String, isDefault: Bool = false, settings: [String: String] = [:])
  {
    self.name = name
    self.url = url
    self.isDefault = isDefault
    self.settings = settings
  }

  /// Keys a remote may set besides `url` and `default`, in the order files list them.
  public static let settingKeys = [
    "endpoint", "region", "addressing", "profile", "timeout", "encrypt",
  ]
  /// Keys that hold secrets or name them: `config.local.yaml` only.
  public static let credentialKeys = [
    "access_key_id", "secret_access_key", "session_token", "key_file",
  ]

  /// `MLX_REMOTE_KEY_` + this names the environment variable holding a remote's key: the
  /// name upper-cased, with `-` and `.` as `_`.
  public static func environmentName(_ name: String) -> String {
    String(name.uppercased().map { $0 == "-" || $0 == "." ? "_" : $0 })
  }

  /// Whether the remote's objects are sealed with a key (`encrypt: true`).
  public var isEncrypted: Bool { settings["encrypt"] == "true" }

  /// Checks one setting's value; the reason when it is not usable.
  public static func problem(with key: String, value: String) -> String? {
    switch key {
    case "endpoint":
      guard value.hasPrefix("http://") || value.hasPrefix("https://") else {
        return "endpoint must start with http:// or https://"
      }
      let host = value.drop { $0 != "/" }.dropFirst(2)
      guard !host.isEmpty, !host.drop(while: { $0 != "/" }).contains(where: { $0 != "/" }) else {
        return "endpoint is http(s)://host[:port], with no path"
      }
      return nil
    case "region":
      return !value.isEmpty && value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" })
        ? nil : "region is a name such as us-east-1"
    case "addressing":
      return ["path", "virtual"].contains(value) ? nil : "addressing is 'path' or 'virtual'"
    case "timeout":
      return Int(value).map { (1...3600).contains($0) } == true
        ? nil : "timeout is a number of seconds from 1 to 3600"
    case "encrypt":
      return ["true", "false"].contains(value) ? nil : "encrypt is true or false"
    case "profile", "access_key_id", "secret_access_key", "session_token", "key_file":
      return value.isEmpty || value.contains(where: \.isNewline) ? "\(key) must be one line" : nil
    default:
      return "unknown setting '\(key)'; known: "
        + (["url"] + settingKeys + credentialKeys).joined(separator: ", ")
    }
  }

  /// Checks a setting about to be written to `config.local.yaml` (`local`) or the
  /// committed `config.yaml`, which may hold no secret.
  static func checkSetting(_ key: String, value: String, local: Bool) throws(RemoteError) {
    if let problem = problem(with: key, value: value) { throw .invalidSetting(problem) }
    if credentialKeys.contains(key) && !local {
      throw .invalidSetting(
        "\(key) is a secret and .mlx/config.yaml is committed; add --local to keep it in "
          + ".mlx/config.local.yaml, or use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    }
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

  /// The S3 connection settings this remote names (region from the remote, else the AWS
  /// environment and config file, else us-east-1).
  func s3Settings(credentials chain: S3CredentialChain) -> S3Settings {
    let endpoint = settings["endpoint"]
    return S3Settings(
      endpoint: endpoint,
      region: settings["region"] ?? chain.region() ?? "us-east-1",
      // AWS itself takes either; other services are reached by path unless told otherwise.
      pathStyle: settings["addressing"].map { $0 == "path" } ?? (endpoint != nil),
      timeoutSeconds: settings["timeout"].flatMap(Int.init) ?? 60)
  }

  /// The key of an encrypted remote: `MLX_REMOTE_KEY_<NAME>` (64 hex digits), else the file
  /// `key_file` names (relative to `root`, the work tree).
  func encryptionKey(root: String) throws -> RemoteKey {
    let variable = "MLX_REMOTE_KEY_" + Self.environmentName(name)
    if let text = Environment.value(variable), !text.isEmpty {
      guard let key = RemoteKey(text: text) else {
        throw RemoteError.invalidSetting("\(variable) must hold 64 hex digits (a 256-bit key)")
      }
      return key
    }
    guard let file = settings["key_file"] else { throw RemoteError.missingKey(remote: name) }
    let path = file.hasPrefix("/") ? file : root + "/" + file
    guard let text = try FileSystem.readTextIfPresent(path) else {
      throw RemoteError.invalidSetting(
        "remote \(name)'s key_file \(file) does not exist; restore it from where the team keeps it")
    }
    guard let key = RemoteKey(text: text) else {
      throw RemoteError.invalidSetting("\(file) is not an mlx key (64 hex digits)")
    }
    return key
  }

  /// The credentials set for this remote in `config.local.yaml`, if both parts are.
  var explicitCredentials: S3Credentials? {
    guard let key = settings["access_key_id"], let secret = settings["secret_access_key"]
    else { return nil }
    return S3Credentials(
      accessKeyID: key, secretAccessKey: secret, sessionToken: settings["session_token"],
      source: "remote \(name) in .mlx/config.local.yaml")
  }
}

extension RemoteSpec: Codable {
  private enum CodingKeys: String, CodingKey {
    case name, url, isDefault, endpoint, region, addressing, profile, timeout, encrypt
  }

  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    name = try container.decode(String.self, forKey: .name)
    url = try container.decode(String.self, forKey: .url)
    isDefault = try container.decode(Bool.self, forKey: .isDefault)
    for key in [CodingKeys.endpoint, .region, .addressing, .profile, .timeout, .encrypt] {
      if let value = try container.decodeIfPresent(String.self, forKey: key) {
        settings[key.rawValue] = value
      }
    }
  }

  /// Everything but credentials.
  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encode(url, forKey: .url)
    try container.encode(isDefault, forKey: .isDefault)
    for key in [CodingKeys.endpoint, .region, .addressing, .profile, .timeout, .encrypt] {
      try container.encodeIfPresent(settings[key.rawValue], forKey: key)
    }
  }
}

/// Where a remote keeps its objects.
public enum RemoteLocation: Equatable, Sendable {
  /// A directory on this machine or a mounted share (absolute path).
  case directory(String)
  /// A bucket and key prefix in an S3-compatible service.
  case s3(S3Location)

  /// Parses a remote URL: an absolute path, a `file://` URL or `s3://bucket/prefix`.
  public init(url: String) throws(RemoteError) {
    if url.hasPrefix("s3://") {
      switch S3Location.parse(url) {
      case .success(let location): self = .s3(location)
      case .failure(let problem): throw .invalidURL(url, reason: problem.reason)
      }
      return
    }
    var path = url
    if path.hasPrefix("file://") {
      path = String(path.dropFirst("file://".count))
    } else if path.contains("://") {
      throw .invalidURL(
        url, reason: "has a scheme mlx does not know; use a directory path or s3://bucket/prefix")
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
    case .s3(let location): location.description
    }
  }
}

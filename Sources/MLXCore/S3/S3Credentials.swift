/// An access key pair, and the session token that comes with temporary credentials.
public struct S3Credentials: Sendable, Equatable {
  public var accessKeyID: String
  public var secretAccessKey: String
  public var sessionToken: String?
  /// Where they came from (`AWS_ACCESS_KEY_ID`, `profile ci in ~/.aws/credentials`, ...), for
  /// messages; never the secret.
  public var source: String

  public init(
    accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, source: String
  ) {
    self.accessKeyID = accessKeyID
    self.secretAccessKey = secretAccessKey
    self.sessionToken = sessionToken
    self.source = source
  }
}

/// Finds credentials and a region the way the AWS command line does, after the remote's own
/// settings in `.mlx/config.local.yaml`:
///
/// 1. `access_key_id` and `secret_access_key` set for the remote (local file only);
/// 2. the remote's `profile:`, read from the shared credentials and config files;
/// 3. `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`;
/// 4. the profile `AWS_PROFILE` names, or `default`.
///
/// The files are `AWS_SHARED_CREDENTIALS_FILE` (else `~/.aws/credentials`) and
/// `AWS_CONFIG_FILE` (else `~/.aws/config`, where sections read `[profile NAME]`).
public struct S3CredentialChain: Sendable {
  public var explicit: S3Credentials?
  public var profile: String?
  public var environment: [String: String]

  public init(explicit: S3Credentials?, profile: String?, environment: [String: String]) {
    self.explicit = explicit
    self.profile = profile
    self.environment = environment
  }

  public func resolve() throws(S3Error) -> S3Credentials {
    if let explicit { return explicit }
    if let profile { return try credentials(ofProfile: profile, required: true)! }
    if let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty {
      guard let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else {
        throw .noCredentials(
          "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both")
      }
      return S3Credentials(
        accessKeyID: key, secretAccessKey: secret,
        sessionToken: environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 },
        source: "AWS_ACCESS_KEY_ID")
    }
    let name = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
    if let found = try credentials(ofProfile: name ?? "default", required: name != nil) {
      return found
    }
    throw .noCredentials(
      "none found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, name a profile with "
        + "AWS_PROFILE or `mlx remote modify NAME profile PROFILE`, or put access_key_id and "
        + "secret_access_key under the remote in .mlx/config.local.yaml")
  }

  /// The region a profile names in the config file, if any.
  public func region() -> String? {
    for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
      if let region = environment[name], !region.isEmpty { return region }
    }
    let name = profile ?? environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
    let sections = (try? INIFile.read(configFile)) ?? [:]
    return sections[name == "default" ? "default" : "profile " + name]?["region"]
      ?? sections[name]?["region"]
  }

  private var home: String { environment["HOME"] ?? "" }
  private var credentialsFile: String {
    environment["AWS_SHARED_CREDENTIALS_FILE"] ?? home + "/.aws/credentials"
  }
  private var configFile: String { environment["AWS_CONFIG_FILE"] ?? home + "/.aws/config" }

  private func credentials(ofProfile name: String, required: Bool) throws(S3Error)
    -> S3Credentials?
  {
    let sources: [(path: String, section: String)] = [
      (credentialsFile, name), (configFile, name == "default" ? "default" : "profile " + name),
    ]
    for (path, section) in sources {
      let sections: [String: [String: String]]
      do {
        sections = try INIFile.read(path)
      } catch {
        throw .noCredentials("\(path): \(error)")
      }
      guard let values = sections[section] else { continue }
      guard let key = values["aws_access_key_id"], let secret = values["aws_secret_access_key"]
      else {
        throw .noCredentials(
          "profile \(name) in \(path) lacks aws_access_key_id or aws_secret_access_key")
      }
      return S3Credentials(
        accessKeyID: key, secretAccessKey: secret, sessionToken: values["aws_session_token"],
        source: "profile \(name) in \(path)")
    }
    if required {
      throw .noCredentials(
        "profile \(name) is in neither \(credentialsFile) nor \(configFile)")
    }
    return nil
  }
}

/// The INI files of the AWS command line: `[section]` headers and `key = value` lines.
enum INIFile {
  /// The sections of the file at `path`; empty when there is no such file.
  static func read(_ path: String) throws -> [String: [String: String]] {
    guard let text = try FileSystem.readTextIfPresent(path) else { return [:] }
    var sections: [String: [String: String]] = [:]
    var current: String?
    for rawLine in text.split(whereSeparator: \.isNewline) {
      let line = rawLine.trimmingSpaces
      if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
      if line.hasPrefix("[") && line.hasSuffix("]") {
        let name = String(line.dropFirst().dropLast()).trimmingSpaces
        current = name
        sections[name, default: [:]] = sections[name, default: [:]]
        continue
      }
      guard let section = current, let equals = line.firstIndex(of: "=") else { continue }
      let key = String(line[..<equals]).trimmingSpaces.lowercased()
      let value = String(line[line.index(after: equals)...]).trimmingSpaces
      sections[section, default: [:]][key] = value
    }
    return sections
  }
}

extension StringProtocol {
  fileprivate var trimmingSpaces: String {
    var slice = Substring(self)
    while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
    while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice.removeLast() }
    return String(slice)
  }
}

import Foundation

/// How registry tags are signed: from Git config (`gpg.format`, `user.signingkey`) or
/// `--key`, as `git tag -s` would sign them.
public enum TagSigner: Sendable, Equatable {
  /// SSHSIG with an ed25519 key file, made natively (or by `ssh-keygen -Y sign` for a key
  /// mlx cannot open itself: a `.pub` whose private half is in ssh-agent, or one with a
  /// passphrase).
  case ssh(keyPath: String)
  /// OpenPGP, by calling `gpg --status-fd=2 -bsau KEY` as git does.
  case openpgp(key: String)
  /// No key configured.
  case none

  /// The signer Git config (or `--key`) describes.
  static func configured(_ repository: Repository, key override: String?) throws -> TagSigner {
    let configured = try repository.configValue("gpg.format")
    let format = configured ?? (override != nil ? "ssh" : "openpgp")
    var key = override
    if key == nil { key = try repository.configValue("user.signingkey") }
    switch format {
    case "ssh":
      guard let key else { return .none }
      return .ssh(keyPath: expandHome(key))
    case "openpgp":
      guard let key else { return .none }
      return .openpgp(key: key)
    default:
      throw SigningError.failed(
        "gpg.format '\(format)' is not supported; use ssh or openpgp")
    }
  }

  private static func expandHome(_ path: String) -> String {
    guard path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] else {
      return path
    }
    return home + path.dropFirst(1)
  }

  /// The armoured signature of `payload`, ready to append to the tag, or nil for `.none`.
  func sign(_ payload: [UInt8]) throws -> String? {
    switch self {
    case .none:
      return nil
    case .ssh(let keyPath):
      do {
        let key = try OpenSSHPrivateKey(contentsOf: keyPath)
        return try SSHSignature(signing: payload, with: key).armored
      } catch SigningKeyError.encrypted, SigningKeyError.unsupported {
        return try signWithSSHKeygen(payload, key: keyPath)
      }
    case .openpgp(let key):
      let output = try ChildProcess.capture("gpg", ["--status-fd=2", "-bsau", key], input: payload)
      guard output.status == 0, output.stderr.contains("[GNUPG:] SIG_CREATED") else {
        let reason = output.stderr.split(separator: "\n").last { !$0.hasPrefix("[GNUPG:]") }
        throw SigningError.failed(
          "gpg failed for key \(key): \(reason.map(String.init) ?? "no signature made")")
      }
      return String(decoding: output.stdout, as: UTF8.self)
    }
  }

  /// `ssh-keygen -Y sign -n git -f KEY FILE`, as git does for keys in ssh-agent.
  private func signWithSSHKeygen(_ payload: [UInt8], key: String) throws -> String {
    let directory =
      NSTemporaryDirectory() + "mlx-sign-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileSystem.createDirectories(directory)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let file = directory + "/payload"
    try FileSystem.write(payload, atomicallyTo: file)
    let output = try ChildProcess.capture(
      "ssh-keygen", ["-Y", "sign", "-n", "git", "-f", key, file])
    guard output.status == 0, let signature = try FileSystem.readTextIfPresent(file + ".sig") else {
      let reason = output.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
      throw SigningError.failed("ssh-keygen could not sign with \(key): \(reason)")
    }
    return signature
  }
}

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
      throw RegistryError.signingFailed("gpg.format '\(format)' is not supported; use ssh or openpgp")
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
      let output = try ExternalProgram.run("gpg", ["--status-fd=2", "-bsau", key], input: payload)
      guard output.status == 0, output.stderr.contains("[GNUPG:] SIG_CREATED") else {
        let reason = output.stderr.split(separator: "\n").last { !$0.hasPrefix("[GNUPG:]") }
        throw RegistryError.signingFailed("gpg failed for key \(key): \(reason.map(String.init) ?? "no signature made")")
      }
      return String(decoding: output.stdout, as: UTF8.self)
    }
  }

  /// `ssh-keygen -Y sign -n git -f KEY FILE`, as git does for keys in ssh-agent.
  private func signWithSSHKeygen(_ payload: [UInt8], key: String) throws -> String {
    let directory = NSTemporaryDirectory() + "mlx-sign-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileSystem.createDirectories(directory)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let file = directory + "/payload"
    try FileSystem.write(payload, atomicallyTo: file)
    let output = try ExternalProgram.run("ssh-keygen", ["-Y", "sign", "-n", "git", "-f", key, file])
    guard output.status == 0, let signature = try FileSystem.readTextIfPresent(file + ".sig") else {
      let reason = output.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
      throw RegistryError.signingFailed("ssh-keygen could not sign with \(key): \(reason)")
    }
    return signature
  }
}

/// What a tag's signature says, checked against the allowed signers.
public struct SignatureCheck: Codable, Sendable, Equatable {
  public enum Status: String, Codable, Sendable {
    /// No signature.
    case unsigned
    /// Cryptographically valid for the tag's bytes.
    case valid
    /// Present but does not match the tag's bytes (the tag was edited) or is malformed.
    case invalid
    /// Made with a key mlx cannot check (gpg missing, key not in the keyring).
    case unverifiable
  }

  public var status: Status
  /// `ssh` or `openpgp`.
  public var format: String?
  /// The key's fingerprint (`SHA256:…` for SSH).
  public var fingerprint: String?
  /// The principals the allowed-signers file grants the key at the tag's time (SSH), or the
  /// signer's e-mail address (OpenPGP).
  public var principals: [String]
  public var detail: String?

  /// Checks a tag's signature.
  static func check(_ tag: RawTag, allowedSigners: AllowedSigners) -> SignatureCheck {
    guard let signature = tag.signature else {
      return SignatureCheck(status: .unsigned, principals: [])
    }
    if signature.hasPrefix(SSHSignature.begin) {
      guard let parsed = SSHSignature(armored: signature) else {
        return SignatureCheck(status: .invalid, format: "ssh", principals: [], detail: "malformed SSH signature")
      }
      guard parsed.isValid(for: tag.payload) else {
        return SignatureCheck(
          status: .invalid, format: "ssh", fingerprint: parsed.publicKey.fingerprint, principals: [],
          detail: "the signature does not match the tag's content; the tag was altered after signing")
      }
      let time = Date(timeIntervalSince1970: TimeInterval(tag.time))
      return SignatureCheck(
        status: .valid, format: "ssh", fingerprint: parsed.publicKey.fingerprint,
        principals: allowedSigners.principals(for: parsed.publicKey, at: time))
    }
    if signature.hasPrefix("-----BEGIN PGP") {
      return checkOpenPGP(signature, payload: tag.payload)
    }
    return SignatureCheck(status: .unverifiable, format: "x509", principals: [], detail: "x509 signatures are not checked")
  }

  private static func checkOpenPGP(_ signature: String, payload: [UInt8]) -> SignatureCheck {
    let directory = NSTemporaryDirectory() + "mlx-verify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    do {
      try FileSystem.createDirectories(directory)
      try FileSystem.write(Array(signature.utf8), atomicallyTo: directory + "/tag.sig")
      let output = try ExternalProgram.run(
        "gpg", ["--status-fd=1", "--keyid-format=long", "--verify", directory + "/tag.sig", "-"],
        input: payload)
      let status = String(decoding: output.stdout, as: UTF8.self)
      if status.contains("[GNUPG:] BADSIG") {
        return SignatureCheck(status: .invalid, format: "openpgp", principals: [], detail: "bad OpenPGP signature")
      }
      guard let good = status.split(separator: "\n").first(where: { $0.hasPrefix("[GNUPG:] GOODSIG") }) else {
        return SignatureCheck(status: .unverifiable, format: "openpgp", principals: [], detail: "gpg cannot check it (key not in the keyring?)")
      }
      var email: [String] = []
      if let open = good.firstIndex(of: "<"), let close = good.lastIndex(of: ">"), open < close {
        email = [String(good[good.index(after: open)..<close])]
      }
      let fingerprint = status.split(separator: "\n").first { $0.hasPrefix("[GNUPG:] VALIDSIG") }
        .flatMap { $0.split(separator: " ").dropFirst(2).first }.map(String.init)
      return SignatureCheck(status: .valid, format: "openpgp", fingerprint: fingerprint, principals: email)
    } catch {
      return SignatureCheck(status: .unverifiable, format: "openpgp", principals: [], detail: "gpg is not installed")
    }
  }
}

import Crypto
import Foundation

/// An Ed25519 key in OpenSSH's formats: `id_ed25519` (openssh-key-v1, unencrypted) and
/// `id_ed25519.pub` / allowed-signers lines (`ssh-ed25519 AAAA…`).
struct OpenSSHPublicKey: Equatable, Sendable {
  static let type = "ssh-ed25519"
  /// The 32 raw key bytes.
  let raw: [UInt8]

  /// The SSH public key blob: `string "ssh-ed25519"`, `string key`.
  var blob: [UInt8] {
    var writer = SSHWriter()
    writer.string(Self.type)
    writer.string(raw)
    return writer.bytes
  }

  /// `SHA256:<base64 without padding>`, as `ssh-keygen -l` and `git verify-tag` print it.
  var fingerprint: String {
    let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
    return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
  }

  /// `ssh-ed25519 AAAA…`, as a `.pub` file or an allowed-signers entry holds it.
  var openSSHText: String { "\(Self.type) \(Data(blob).base64EncodedString())" }

  init(raw: [UInt8]) { self.raw = raw }

  /// Parses a public key blob; nil unless it is an Ed25519 key.
  init?(blob: [UInt8]) {
    var reader = SSHReader(blob)
    guard reader.text() == Self.type, let key = reader.string(), key.count == 32, reader.isAtEnd
    else { return nil }
    raw = key
  }

  /// Parses `ssh-ed25519 <base64> [comment]`.
  init?(openSSHText text: String) {
    let fields = text.split(whereSeparator: \.isWhitespace)
    guard fields.count >= 2, fields[0] == Self.type,
      let blob = Data(base64Encoded: String(fields[1]))
    else { return nil }
    self.init(blob: Array(blob))
  }
}

/// What can go wrong loading a signing key, naming the file and what to do.
public enum SigningKeyError: Error, CustomStringConvertible, Equatable {
  case unreadable(path: String, reason: String)
  case encrypted(path: String)
  case unsupported(path: String, reason: String)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      "signing key \(path): \(reason); set `git config user.signingkey PATH` or pass --key PATH"
    case .encrypted(let path):
      "signing key \(path) is protected by a passphrase, which mlx cannot open; load it into "
        + "ssh-agent and point user.signingkey at its .pub file, or use a key without a passphrase for CI"
    case .unsupported(let path, let reason):
      "signing key \(path): \(reason); mlx signs with ed25519 keys (ssh-keygen -t ed25519)"
    }
  }
}

/// An unencrypted OpenSSH Ed25519 private key file (`-----BEGIN OPENSSH PRIVATE KEY-----`).
struct OpenSSHPrivateKey {
  let signingKey: Curve25519.Signing.PrivateKey
  let publicKey: OpenSSHPublicKey

  /// Reads and checks the key at `path` (openssh-key-v1: cipher and KDF `none`, one key,
  /// matching check integers, padding 1, 2, 3…, and a private half matching the public one).
  init(contentsOf path: String) throws(SigningKeyError) {
    let text: String
    do {
      guard let read = try FileSystem.readTextIfPresent(path) else {
        throw SigningKeyError.unreadable(path: path, reason: "no such file")
      }
      text = read
    } catch let error as SigningKeyError {
      throw error
    } catch {
      throw .unreadable(path: path, reason: "\(error)")
    }
    guard
      let bytes = Base64Armor.unwrap(
        text, begin: "-----BEGIN OPENSSH PRIVATE KEY-----", end: "-----END OPENSSH PRIVATE KEY-----"
      )
    else {
      throw .unsupported(path: path, reason: "not an OpenSSH private key file")
    }
    var reader = SSHReader(bytes)
    guard reader.raw(15) == Array("openssh-key-v1\0".utf8) else {
      throw .unsupported(path: path, reason: "unknown key file version")
    }
    let cipher = reader.text()
    let kdf = reader.text()
    _ = reader.string()
    guard cipher == "none", kdf == "none" else { throw .encrypted(path: path) }
    guard reader.uint32() == 1, let publicBlob = reader.string(),
      let publicKey = OpenSSHPublicKey(blob: publicBlob)
    else {
      throw .unsupported(path: path, reason: "not a single ed25519 key")
    }
    guard let section = reader.string(), section.count % 8 == 0, reader.isAtEnd else {
      throw .unsupported(path: path, reason: "malformed private section")
    }
    var secret = SSHReader(section)
    guard let check1 = secret.uint32(), check1 == secret.uint32(),
      secret.text() == OpenSSHPublicKey.type, secret.string() == publicKey.raw,
      let pair = secret.string(), pair.count == 64, Array(pair[32...]) == publicKey.raw,
      secret.string() != nil
    else {
      throw .unsupported(path: path, reason: "malformed or inconsistent private key")
    }
    var padding: UInt8 = 1
    while !secret.isAtEnd {
      guard secret.raw(1) == [padding] else {
        throw .unsupported(path: path, reason: "bad padding")
      }
      padding += 1
    }
    do {
      signingKey = try Curve25519.Signing.PrivateKey(rawRepresentation: pair[0..<32])
    } catch {
      throw .unsupported(path: path, reason: "invalid ed25519 seed")
    }
    guard Array(signingKey.publicKey.rawRepresentation) == publicKey.raw else {
      throw .unsupported(path: path, reason: "private and public halves do not match")
    }
    self.publicKey = publicKey
  }
}

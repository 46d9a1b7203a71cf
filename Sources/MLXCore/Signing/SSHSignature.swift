import Crypto
import Foundation

/// An SSHSIG signature (OpenSSH `PROTOCOL.sshsig`), as `git tag -s` with `gpg.format=ssh`
/// and `ssh-keygen -Y sign` make them: Ed25519 over SHA-512 of the message, in a namespace.
struct SSHSignature: Equatable {
  static let begin = "-----BEGIN SSH SIGNATURE-----"
  static let end = "-----END SSH SIGNATURE-----"
  static let hashAlgorithm = "sha512"

  let publicKey: OpenSSHPublicKey
  let namespace: String
  /// The raw 64-byte Ed25519 signature.
  let signature: [UInt8]

  /// Signs `message` in `namespace` (`git` for tags). Ed25519 is deterministic here, so the
  /// bytes equal what `ssh-keygen -Y sign` writes for the same key and message.
  init(signing message: [UInt8], with key: OpenSSHPrivateKey, namespace: String = "git") throws {
    publicKey = key.publicKey
    self.namespace = namespace
    signature = Array(
      try key.signingKey.signature(for: Self.signedData(message, namespace: namespace)))
  }

  /// Parses armoured text; nil when it is not an Ed25519 SSHSIG with SHA-512.
  init?(armored text: String) {
    guard let blob = Base64Armor.unwrap(text, begin: Self.begin, end: Self.end) else { return nil }
    var reader = SSHReader(blob)
    guard reader.raw(6) == Array("SSHSIG".utf8), reader.uint32() == 1,
      let keyBlob = reader.string(), let key = OpenSSHPublicKey(blob: keyBlob),
      let namespace = reader.text(), reader.string() != nil,
      reader.text() == Self.hashAlgorithm, let signatureBlob = reader.string(), reader.isAtEnd
    else { return nil }
    var inner = SSHReader(signatureBlob)
    guard inner.text() == OpenSSHPublicKey.type, let raw = inner.string(), raw.count == 64,
      inner.isAtEnd
    else { return nil }
    publicKey = key
    self.namespace = namespace
    signature = raw
  }

  /// Whether this signature is valid for `message` in `namespace`.
  func isValid(for message: [UInt8], namespace expected: String = "git") -> Bool {
    guard namespace == expected,
      let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey.raw)
    else { return false }
    return key.isValidSignature(signature, for: Self.signedData(message, namespace: namespace))
  }

  /// The armoured text git appends to a tag.
  var armored: String {
    var signatureBlob = SSHWriter()
    signatureBlob.string(OpenSSHPublicKey.type)
    signatureBlob.string(signature)
    var blob = SSHWriter()
    blob.raw(Array("SSHSIG".utf8))
    blob.uint32(1)
    blob.string(publicKey.blob)
    blob.string(namespace)
    blob.string([UInt8]())
    blob.string(Self.hashAlgorithm)
    blob.string(signatureBlob.bytes)
    return Self.begin + "\n" + Base64Armor.wrap(blob.bytes) + Self.end + "\n"
  }

  /// What is actually signed: magic, namespace, reserved, hash algorithm, SHA-512(message).
  private static func signedData(_ message: [UInt8], namespace: String) -> [UInt8] {
    var writer = SSHWriter()
    writer.raw(Array("SSHSIG".utf8))
    writer.string(namespace)
    writer.string([UInt8]())
    writer.string(hashAlgorithm)
    writer.string(Array(SHA512.hash(data: message)))
    return writer.bytes
  }
}

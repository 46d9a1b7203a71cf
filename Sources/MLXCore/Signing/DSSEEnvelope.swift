import Crypto
import Foundation

/// A DSSE envelope (secure-systems-lab `dsse/envelope.md`), the signed wrapper in-toto uses
/// for attestations: the payload in base64, its type, and Ed25519 signatures over the
/// payload's pre-authentication encoding.
///
/// mlx signs provenance with the same ed25519 key that signs registry tags. Each signature's
/// `keyid` is the one securesystemslib computes by default for the key (SHA-256 of the key's
/// canonical JSON), so in-toto and securesystemslib verifiers find it without configuration.
public struct DSSEEnvelope: Codable, Sendable, Equatable {
  public static let inTotoPayloadType = "application/vnd.in-toto+json"

  public struct Signature: Codable, Sendable, Equatable {
    public var keyid: String
    public var sig: String
  }

  public var payloadType: String
  /// The payload, base64.
  public var payload: String
  public var signatures: [Signature]

  /// `DSSEv1 LEN(type) type LEN(body) body`: what is signed.
  static func preAuthenticationEncoding(type: String, body: [UInt8]) -> [UInt8] {
    Array("DSSEv1 \(type.utf8.count) \(type) \(body.count) ".utf8) + body
  }

  /// securesystemslib's default keyid for an Ed25519 key: SHA-256 of
  /// `{"keytype":"ed25519","keyval":{"public":"HEX"},"scheme":"ed25519"}`.
  static func keyID(of key: OpenSSHPublicKey) -> String {
    let hex = key.raw.map { String(format: "%02x", $0) }.joined()
    let canonical = #"{"keytype":"ed25519","keyval":{"public":"\#(hex)"},"scheme":"ed25519"}"#
    return SHA256.hash(data: Array(canonical.utf8)).map { String(format: "%02x", $0) }.joined()
  }

  /// Signs `body` with `key`.
  init(signing body: [UInt8], type: String, with key: OpenSSHPrivateKey) throws {
    let signature = try key.signingKey.signature(
      for: Self.preAuthenticationEncoding(type: type, body: body))
    payloadType = type
    payload = Data(body).base64EncodedString()
    signatures = [
      Signature(keyid: Self.keyID(of: key.publicKey), sig: Data(signature).base64EncodedString())
    ]
  }

  /// The payload's bytes; nil when it is not base64.
  var body: [UInt8]? { Data(base64Encoded: payload).map(Array.init) }

  /// The keys among `candidates` that made a valid signature over the payload.
  func signers(among candidates: [OpenSSHPublicKey]) -> [OpenSSHPublicKey] {
    guard let body else { return [] }
    let message = Self.preAuthenticationEncoding(type: payloadType, body: body)
    var found: [OpenSSHPublicKey] = []
    for signature in signatures {
      guard let bytes = Data(base64Encoded: signature.sig) else { continue }
      for key in candidates where Self.keyID(of: key) == signature.keyid && !found.contains(key) {
        if let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key.raw),
          publicKey.isValidSignature(bytes, for: message)
        {
          found.append(key)
        }
      }
    }
    return found
  }
}

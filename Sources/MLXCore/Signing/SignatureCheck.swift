import Foundation

/// What a signature proves by itself, before anyone asks who may sign: the SSH key that made
/// it over these bytes, or why it is not valid (or not checked: OpenPGP, x509).
///
/// Verifying costs a public-key operation (or a `gpg` run), so verdicts for tag objects are
/// kept in ``SignatureCache``; who the key may sign as is decided afterwards, against the
/// allowed signers in force at the event's time (``SignatureCheck``).
struct SignatureVerdict: Equatable, Sendable {
  var status: SignatureCheck.Status
  /// `ssh`, `openpgp` or `x509`.
  var format: String?
  var fingerprint: String?
  /// The SSH key that made a valid signature.
  var key: OpenSSHPublicKey?
  var detail: String?

  static let unsigned = SignatureVerdict(status: .unsigned)

  init(
    status: SignatureCheck.Status, format: String? = nil, fingerprint: String? = nil,
    key: OpenSSHPublicKey? = nil, detail: String? = nil
  ) {
    (self.status, self.format, self.fingerprint, self.key, self.detail) = (
      status, format, fingerprint, key, detail
    )
  }

  /// Checks `signature` over `payload` (namespace `git`, as tags and commits use); `object`
  /// names what was signed in messages.
  static func verify(payload: [UInt8], signature: String?, of object: String = "tag")
    -> SignatureVerdict
  {
    guard let signature else { return .unsigned }
    if signature.hasPrefix(SSHSignature.begin) {
      guard let parsed = SSHSignature(armored: signature) else {
        return SignatureVerdict(status: .invalid, format: "ssh", detail: "malformed SSH signature")
      }
      guard parsed.isValid(for: payload) else {
        return SignatureVerdict(
          status: .invalid, format: "ssh", fingerprint: parsed.publicKey.fingerprint,
          detail:
            "the signature does not match the \(object)'s content; the \(object) was altered after signing"
        )
      }
      return SignatureVerdict(
        status: .valid, format: "ssh", fingerprint: parsed.publicKey.fingerprint,
        key: parsed.publicKey)
    }
    if signature.hasPrefix("-----BEGIN PGP") {
      // An OpenPGP signature could only be checked against the local keyring, which no
      // committed policy controls, and it could never be authorised (the allowed-signers file
      // lists SSH keys): mlx does not run gpg on what a tag carries.
      return SignatureVerdict(
        status: .unverifiable, format: "openpgp",
        detail:
          "OpenPGP signatures are not checked: the allowed signers are SSH keys; sign with one")
    }
    return SignatureVerdict(
      status: .unverifiable, format: "x509", detail: "x509 signatures are not checked")
  }
}

/// What a tag's (or commit's) signature says, checked against the allowed signers.
public struct SignatureCheck: Codable, Sendable, Equatable {
  public enum Status: String, Codable, Sendable {
    /// No signature.
    case unsigned
    /// Cryptographically valid for the signed bytes.
    case valid
    /// Present but does not match the signed bytes (they were edited) or is malformed.
    case invalid
    /// Made with a key mlx cannot check (gpg missing, key not in the keyring).
    case unverifiable
  }

  public var status: Status
  /// `ssh` or `openpgp`.
  public var format: String?
  /// The key's fingerprint (`SHA256:…` for SSH).
  public var fingerprint: String?
  /// The principals the allowed-signers file grants the key at the signature's time (SSH
  /// only: an OpenPGP signature is checked, but grants nothing).
  public var principals: [String]
  public var detail: String?

  init(
    status: Status, format: String? = nil, fingerprint: String? = nil, principals: [String],
    detail: String? = nil
  ) {
    (self.status, self.format, self.fingerprint, self.principals, self.detail) =
      (status, format, fingerprint, principals, detail)
  }

  /// A verdict, with the principals `allowedSigners` grants its key at `time`.
  init(_ verdict: SignatureVerdict, allowedSigners: AllowedSigners, at time: Date) {
    // Only SSH keys can be authorised: the allowed-signers file lists SSH keys. An OpenPGP
    // signature's user id is whatever its maker wrote (even `*`), so it grants nothing.
    let principals =
      verdict.status == .valid
      ? verdict.key.map { allowedSigners.principals(for: $0, at: time) } ?? [] : []
    self.init(
      status: verdict.status, format: verdict.format, fingerprint: verdict.fingerprint,
      principals: principals, detail: verdict.detail)
  }

  /// Checks a tag's signature.
  static func check(_ tag: RawTag, allowedSigners: AllowedSigners) -> SignatureCheck {
    SignatureCheck(
      SignatureVerdict.verify(payload: tag.payload, signature: tag.signature),
      allowedSigners: allowedSigners, at: Date(timeIntervalSince1970: TimeInterval(tag.time)))
  }
}

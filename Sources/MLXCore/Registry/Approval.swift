import Foundation

/// A signed approval of one version for one stage: an annotated tag object stored under
/// `refs/mlx/approvals/`, where GTO never looks.
///
/// Every fact comes from the signed object: its `tag` header names `mlx-approval/ARTIFACT@VERSION#STAGE`
/// (the artifact in tag form), its `object` is the version's commit, its tagger is the
/// approver. The reference's own name carries nothing (it is the object's id), so renaming
/// one changes nothing.
public struct Approval: Encodable, Sendable, Equatable {
  public static let namespace = "refs/mlx/approvals/"
  static let namePrefix = "mlx-approval/"

  public let reference: String
  public let object: String
  public let artifact: String
  public let version: String
  public let stage: String
  public let commit: String
  public let approver: GitIdentity
  public let time: Date
  /// The message's first line.
  public let summary: String
  let verdict: SignatureVerdict

  enum CodingKeys: String, CodingKey {
    case reference, object, artifact, version, stage, commit, approver, time, summary
  }

  /// The name an approval's tag object records: `mlx-approval/ARTIFACT@VERSION#STAGE`.
  static func recordedName(artifact: String, version: String, stage: String) -> String {
    "\(namePrefix)\(RegistryTagName.tagForm(of: artifact))@\(version)#\(stage)"
  }

  /// Reads an approval from its tag object; nil when the object is not one.
  init?(reference: String, tag: RawTag) {
    guard tag.targetType == "commit", tag.name.hasPrefix(Self.namePrefix) else { return nil }
    let body = tag.name.dropFirst(Self.namePrefix.count)
    guard let at = body.firstIndex(of: "@"), let hash = body.lastIndex(of: "#"), at < hash else {
      return nil
    }
    let artifact = String(body[..<at].map { $0 == "=" ? ":" : $0 })
    let version = String(body[body.index(after: at)..<hash])
    let stage = String(body[body.index(after: hash)...])
    guard RegistryTagName.isValidArtifact(artifact), !body[..<at].contains(":"),
      SemanticVersion(version) != nil, RegistryTagName.isValidName(stage)
    else { return nil }
    self.reference = reference
    object = tag.id.hex
    self.artifact = artifact
    self.version = version
    self.stage = stage
    commit = tag.target.hex
    approver = tag.tagger
    time = Date(timeIntervalSince1970: TimeInterval(tag.time))
    summary = String(tag.message.split(separator: "\n").first ?? "")
    verdict = SignatureVerdict.verify(payload: tag.payload, signature: tag.signature)
  }
}

extension RegistryWriter {
  /// The signed approval object for a version and stage, and the approval it reads as.
  func approvalObject(version: String, stage: String, commit: String) throws -> ([UInt8], Approval)
  {
    let name = Approval.recordedName(artifact: artifact, version: version, stage: stage)
    let date = fixedDate ?? GitDate.now()
    let message = TagMessage.compose(
      summary: "Approve \(artifact) \(version) for \(stage)",
      trailers: [
        ("Mlx-Artifact", artifact), ("Mlx-Version", version), ("Mlx-Stage", stage),
        ("Mlx-Event", "approval"), ("Mlx-Tool", "mlx \(MLXVersion.current)"),
      ])
    let payload = TagObject.payload(
      object: commit, name: name, tagger: tagger, date: date, message: message)
    guard let signature = try signer.sign(payload) else {
      throw RegistryError.approvalUnsigned
    }
    let bytes = payload + Array(signature.utf8)
    let object = TagObject.id(of: bytes)
    guard let raw = RawTag(id: object, bytes: bytes),
      let approval = Approval(reference: Approval.namespace + object.hex, tag: raw)
    else { throw SigningError.failed("the approval could not be read back") }
    return (bytes, approval)
  }
}

import Foundation

/// The audit of one registry event.
public struct AuditEntry: Codable, Sendable {
  public let tag: String
  public let event: RegistryEvent.Kind
  public let artifact: String
  public let version: String?
  public let stage: String?
  public let tagger: GitIdentity
  public let time: Date
  public let signature: SignatureCheck
  /// Whether the policy requires a signature for this event.
  public let signatureRequired: Bool
  /// `ok`, or the most serious problem: `invalid`, `unauthorised`, `unsigned`, `gates`.
  public let status: String
  /// Every problem found, as sentences.
  public let problems: [String]
}

/// What `mlx audit` found.
public struct AuditReport: Codable, Sendable {
  public let entries: [AuditEntry]
  public var invalid: Int { entries.filter { $0.status == "invalid" }.count }
  public var unauthorised: Int { entries.filter { $0.status == "unauthorised" }.count }
  public var unsigned: Int { entries.filter { $0.status == "unsigned" }.count }
  public var problems: Int { entries.filter { $0.status != "ok" }.count }
  public var isClean: Bool { problems == 0 }

  enum CodingKeys: String, CodingKey { case entries, invalid, unauthorised, unsigned, problems, isClean }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(entries, forKey: .entries)
    try container.encode(invalid, forKey: .invalid)
    try container.encode(unauthorised, forKey: .unauthorised)
    try container.encode(unsigned, forKey: .unsigned)
    try container.encode(problems, forKey: .problems)
    try container.encode(isClean, forKey: .isClean)
  }

  public init(entries: [AuditEntry]) { self.entries = entries }

  public init(from decoder: Decoder) throws {
    entries = try decoder.container(keyedBy: CodingKeys.self).decode([AuditEntry].self, forKey: .entries)
  }
}

extension Workspace {
  /// Verifies every registry tag: the signature matches the tag's bytes, the key may sign as
  /// the tagger (allowed signers, at the tag's time) and the tagger may promote into the
  /// stage (policy), and promotions into stages with gates record every gate as passed.
  public func audit(artifact: String? = nil) throws -> AuditReport {
    let policy = try registryPolicy()
    let signers = try allowedSigners(policy)
    let entries = try registryHistory(artifact: artifact).compactMap {
      try auditEntry(for: $0, policy: policy, signers: signers)
    }
    return AuditReport(entries: entries)
  }

  /// Audits one event: its signature, its signer's authority, its recorded gates.
  func auditEntry(
    for event: RegistryEvent, policy: RegistryPolicy, signers: AllowedSigners
  ) throws -> AuditEntry? {
    guard let object = GitOID(hex: event.object), let tag = try repository.annotatedTag(object) else {
      return nil
    }
    let check = SignatureCheck.check(tag, allowedSigners: signers)
    let rule = event.kind == .assignment ? event.stage.flatMap(policy.rule(for:)) : nil
    let required = (rule?.requiresSignature ?? false) || !(rule?.signers.isEmpty ?? true)
    var problems: [(String, String)] = []
    switch check.status {
    case .invalid:
      problems.append(("invalid", "invalid signature: \(check.detail ?? "does not match the tag")"))
    case .unsigned where required:
      problems.append(("unsigned", "unsigned, but \(event.stage ?? "this stage") requires a signature"))
    case .unverifiable where required:
      problems.append(("unsigned", "signature cannot be checked: \(check.detail ?? "")"))
    case .valid:
      let verdict = Authorization.evaluate(check, tagger: event.tagger, permitted: rule?.signers ?? [])
      if !verdict.authorized { problems.append(("unauthorised", "unauthorised: \(verdict.reason)")) }
    default:
      break
    }
    if let rule, !rule.gates.isEmpty {
      let recorded = event.trailers["Mlx-Gate"] ?? []
      for gate in rule.gates where !recorded.contains(where: { $0.hasPrefix("\(gate.text): pass") }) {
        problems.append(("gates", "gate '\(gate.text)' is not recorded as passed"))
      }
    }
    let order = ["invalid", "unauthorised", "unsigned", "gates"]
    let status = order.first { kind in problems.contains { $0.0 == kind } } ?? "ok"
    return AuditEntry(
      tag: event.tag, event: event.kind, artifact: event.artifact, version: event.version,
      stage: event.stage, tagger: event.tagger, time: event.time, signature: check,
      signatureRequired: required, status: status, problems: problems.map(\.1))
  }
}

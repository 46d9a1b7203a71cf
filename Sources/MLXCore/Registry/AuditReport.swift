import Foundation

/// Why an event fails the audit; each is its own status in `mlx audit`, text and JSON.
public enum AuditStatus: String, Codable, Sendable, CaseIterable {
  case ok
  /// The policy in force at the event's time cannot be read.
  case policy
  /// The tag object was written for another tag name and replayed under this one.
  case replayed
  /// A signature that does not match the tag's bytes.
  case invalid
  /// A valid signature by a key the allowed signers do not grant the tagger, or a tagger the
  /// stage's `signers` do not list.
  case unauthorised
  /// No (checkable) signature where the policy requires one.
  case unsigned
  /// A trailer claims what the Git objects do not say (digest, version, run, metrics, …).
  case mismatch
  /// A registration or deregistration that contradicts the registry: a second version at one
  /// commit, a version name at a second commit, a version that is not registered.
  case conflict
  /// A stage the policy does not list.
  case stage
  /// The version had not held the stage the policy's `after` names.
  case order
  /// A gate fails when recomputed from the metrics recorded at the tagged commit.
  case gates
  /// Fewer signed approvals than the stage requires.
  case approvals
  /// The counter is used by another tag of the artifact.
  case counter
  /// A higher counter than an event with a later time: the tag claims an earlier time than
  /// it was made at.
  case backdated
  /// A gate that cannot be judged from what this repository holds (a drift gate whose
  /// training data, or its profile, was not pulled): not passed, and the event does not
  /// count until it can be judged.
  case unverifiable

  /// Most serious first: an entry's status is the first of its failures in this order.
  static let severity: [AuditStatus] = [
    .policy, .replayed, .invalid, .unauthorised, .unsigned, .mismatch, .conflict, .stage, .order,
    .gates,
    .approvals, .counter, .backdated, .unverifiable,
  ]
}

/// One check the audit made of an event, passed or not.
public struct AuditCheck: Codable, Sendable, Equatable {
  /// What a failure of this check makes the event.
  public let kind: AuditStatus
  public let name: String
  public let passed: Bool
  public let detail: String

  init(_ kind: AuditStatus, _ name: String, passed: Bool, _ detail: String) {
    (self.kind, self.name, self.passed, self.detail) = (kind, name, passed, detail)
  }
}

/// The audit of one registry event.
public struct AuditEntry: Codable, Sendable {
  public let tag: String
  public let event: RegistryEvent.Kind
  public let artifact: String
  /// The version as the Git objects give it (never the message's claim).
  public let version: String?
  public let stage: String?
  public let commit: String
  public let tagger: GitIdentity
  public let time: Date
  public let signature: SignatureCheck
  /// Whether the policy requires a signature for this event.
  public let signatureRequired: Bool
  /// `ok`, or the most serious failure (see ``AuditStatus``).
  public let status: String
  /// Every failure, as sentences.
  public let problems: [String]
  /// Notes that are not failures (an event in the same second as another, which GTO may
  /// order differently).
  public let warnings: [String]
  /// Every check made.
  public let checks: [AuditCheck]
  /// The trusted-ref commit whose policy judged the event; nil when no policy was in force.
  public let policyCommit: String?
  /// Whether the version had held the stage before (a rollback).
  public let isRollback: Bool

  public var passed: Bool { status == AuditStatus.ok.rawValue }
}

/// What `mlx audit` found.
public struct AuditReport: Codable, Sendable {
  public let entries: [AuditEntry]
  /// The ref the policy was read from, and whether it is a trusted one.
  public let trustedRef: String?
  public let policyIsTrusted: Bool
  /// Commits on the trusted ref that changed the policy or the allowed signers.
  public let policyChanges: [PolicyHistory.Change]

  public var problems: Int { entries.filter { !$0.passed }.count }
  /// Whether the policy that judged was read from HEAD, for want of a trusted ref, while
  /// HEAD holds a policy: nothing can be trusted then.
  public var policyUntrusted: Bool { !policyIsTrusted && hasPolicy }
  /// Whether a policy is in force.
  public let hasPolicy: Bool
  public var isClean: Bool { problems == 0 && !policyUntrusted }
  /// How many events have each failing status.
  public var counts: [String: Int] {
    Dictionary(grouping: entries.filter { !$0.passed }, by: \.status).mapValues(\.count)
  }

  enum CodingKeys: String, CodingKey {
    case entries, trustedRef, policyIsTrusted, hasPolicy, policyChanges, counts, problems, isClean
  }

  public init(
    entries: [AuditEntry], trustedRef: String?, policyIsTrusted: Bool, hasPolicy: Bool,
    policyChanges: [PolicyHistory.Change]
  ) {
    self.entries = entries
    self.trustedRef = trustedRef
    self.policyIsTrusted = policyIsTrusted
    self.hasPolicy = hasPolicy
    self.policyChanges = policyChanges
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(entries, forKey: .entries)
    try container.encodeIfPresent(trustedRef, forKey: .trustedRef)
    try container.encode(policyIsTrusted, forKey: .policyIsTrusted)
    try container.encode(hasPolicy, forKey: .hasPolicy)
    try container.encode(policyChanges, forKey: .policyChanges)
    try container.encode(counts, forKey: .counts)
    try container.encode(problems, forKey: .problems)
    try container.encode(isClean, forKey: .isClean)
  }

  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    entries = try container.decode([AuditEntry].self, forKey: .entries)
    trustedRef = try container.decodeIfPresent(String.self, forKey: .trustedRef)
    policyIsTrusted = try container.decode(Bool.self, forKey: .policyIsTrusted)
    hasPolicy = try container.decode(Bool.self, forKey: .hasPolicy)
    policyChanges = try container.decode([PolicyHistory.Change].self, forKey: .policyChanges)
  }
}

/// Registry events a read did not count because they fail the audit.
public struct SkippedEvent: Codable, Sendable, Equatable {
  public let tag: String
  public let artifact: String
  public let status: String
  public let problems: [String]

  init(_ failure: AuditOutcomeCache.Failure) {
    (tag, artifact, status, problems) = (
      failure.tag, failure.artifact, failure.status, failure.problems
    )
  }
}

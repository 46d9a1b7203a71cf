import Foundation

/// What CI deploys for `NAME#STAGE`: the version, its commit, and the model's digest there.
public struct Deployment: Codable, Sendable, Equatable {
  public let artifact: String
  public let stage: String
  public let version: String
  public let commit: String
  public let tag: String
  public let path: String?
  /// The digest of the artifact's pointer at the commit (from the Git objects).
  public let digest: String?
  /// The run that produced it, from `mlx.lock` at the commit.
  public let run: String?
  /// Whether the assignment passed the audit (always true when a policy is enforced and
  /// `--all` was not given).
  public let verified: Bool
  /// Events of the artifact the read did not count.
  public let skipped: [SkippedEvent]
}

/// What `mlx registry` shows.
public struct RegistryView: Codable, Sendable {
  public let artifacts: [ArtifactState]
  /// Whether only events that pass the audit were counted (a policy on the trusted ref).
  public let verified: Bool
  public let skipped: [SkippedEvent]
}

/// What `mlx registry check-ref` found: the event a tag makes, and its audit.
public struct RefCheck: Encodable, Sendable {
  public let event: RegistryEvent
  public let audit: AuditEntry
  /// Whether a policy is enforced.
  public let enforced: Bool
  /// Whether the policy was read from a trusted ref (not HEAD, for want of one).
  public let policyTrusted: Bool
  /// Whether CI may act on the tag: it passes the audit under a trusted policy, or no policy
  /// is enforced and it is not a replay.
  public var trusted: Bool {
    enforced ? audit.passed && policyTrusted : audit.status != AuditStatus.replayed.rawValue
  }
  public var gto: GTOFormat.CheckRef { GTOFormat.checkRef(event) }
}

/// What `mlx registry history` shows.
public struct RegistryHistoryView: Codable, Sendable {
  public let events: [RegistryEvent]
  public let verified: Bool
  public let skipped: [SkippedEvent]
}

import Foundation

/// `mlx audit report`: per artifact, every registry event with its signer and verification,
/// and per promoted version what the Git objects say of it (digest, commit, producing run,
/// metrics, training data, gates, approvals) and how complete its lineage is.
public struct AuditSummary: Encodable, Sendable {
  public struct Promotion: Codable, Sendable {
    public let tag: String
    public let event: String
    public let stage: String?
    public let version: String?
    /// The commit the tag points to.
    public let commit: String
    public let time: Date
    public let signer: String
    public let signature: String
    public let status: String
    public let problems: [String]
    /// Whether the version had held the stage before: a rollback.
    public let rollback: Bool
    /// The trusted-ref commit whose policy judged the event.
    public let policyCommit: String?
  }

  /// A gate recomputed by the audit for one assignment of the version.
  public struct GateOutcome: Codable, Sendable {
    public let tag: String
    public let stage: String
    public let gate: String
    public let passed: Bool
    public let detail: String
  }

  /// A file or directory the stage that produced the version read, as `mlx.lock` at the
  /// version's commit records it.
  public struct DataInput: Codable, Sendable {
    public let stage: String
    public let path: String
    public let digest: String
  }

  /// A signed approval of the version (under `refs/mlx/approvals/`).
  public struct ApprovalRecord: Codable, Sendable {
    public let stage: String
    public let approver: String
    public let time: Date
    /// Whether its signature verifies (by any key; the audit judges the signer).
    public let signed: Bool
  }

  public struct VersionLineage: Codable, Sendable {
    public let version: String
    public let stages: [String]
    public let verified: Bool
    public let nodes: Int
    public let breaks: [String]
    /// What the Git objects at the version's commit say.
    public var commit = ""
    public var digest: String?
    public var run: String?
    /// Metric values `mlx.lock` records at the commit, as text.
    public var metrics: [String: String] = [:]
    public var gates: [GateOutcome] = []
    public var data: [DataInput] = []
    public var approvals: [ApprovalRecord] = []
    /// Why `mlx.lock` at the commit could not be read, when it could not.
    public var lockProblem: String?
    /// The registry events (tags) the lineage found broken: counted with the audit's.
    public var eventBreaks: [String] = []
    /// Whether the lineage breaks anywhere but at a registry event.
    public var brokenElsewhere = false
    /// The lineage itself, for the HTML report's graph (not in JSON: `mlx lineage --json`).
    public var graph: LineageGraph?

    enum CodingKeys: String, CodingKey {
      case version, stages, verified, nodes, breaks, commit, digest, run, metrics, gates, data,
        approvals, lockProblem
    }

    public init(version: String, stages: [String], verified: Bool, nodes: Int, breaks: [String]) {
      (self.version, self.stages, self.verified, self.nodes, self.breaks) = (
        version, stages, verified, nodes, breaks
      )
    }
  }

  public struct Artifact: Codable, Sendable {
    public let name: String
    /// Current stage holders.
    public let stages: [String: String]
    public let promotions: [Promotion]
    public let versions: [VersionLineage]
  }

  /// A stage as the policy in force now describes it.
  public struct StageRule: Codable, Sendable {
    public let name: String
    public let after: String?
    public let signature: Bool
    public let signers: [String]
    public let gates: [String]
    public let approvals: Int
    public let approvers: [String]
    public let rollback: String
  }

  public let generatedAt: Date
  public let artifacts: [Artifact]
  /// The ref the policy was read from, and whether it is a trusted one.
  public let trustedRef: String?
  public let policyIsTrusted: Bool
  /// Commits on the trusted ref that changed the policy or the allowed signers.
  public let policyChanges: [PolicyHistory.Change]
  /// The policy's stages now, and the trusted-ref commit that brought it (none: no policy).
  public var policy: [StageRule] = []
  public var policyCommit: String?

  /// Problems counted once per event, however many lines describe them: each failing
  /// registry event (whether the audit or a version's lineage finds it), each version whose
  /// lineage breaks elsewhere (a run, a commit, content), and an untrusted policy.
  public var problems: Int {
    var events: Set<String> = []
    var versions = 0
    for artifact in artifacts {
      events.formUnion(artifact.promotions.filter { $0.status != "ok" }.map(\.tag))
      for version in artifact.versions {
        events.formUnion(version.eventBreaks)
        if version.brokenElsewhere { versions += 1 }
      }
    }
    return events.count + versions + (policyIsTrusted || policyChanges.isEmpty ? 0 : 1)
  }

  public init(
    generatedAt: Date, artifacts: [Artifact], trustedRef: String?, policyIsTrusted: Bool,
    policyChanges: [PolicyHistory.Change]
  ) {
    (self.generatedAt, self.artifacts, self.trustedRef) = (generatedAt, artifacts, trustedRef)
    (self.policyIsTrusted, self.policyChanges) = (policyIsTrusted, policyChanges)
  }

  enum CodingKeys: String, CodingKey {
    case generatedAt, artifacts, trustedRef, policyIsTrusted, policyChanges, policy, policyCommit,
      problems
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(generatedAt, forKey: .generatedAt)
    try container.encode(artifacts, forKey: .artifacts)
    try container.encodeIfPresent(trustedRef, forKey: .trustedRef)
    try container.encode(policyIsTrusted, forKey: .policyIsTrusted)
    try container.encode(policyChanges, forKey: .policyChanges)
    try container.encode(policy, forKey: .policy)
    try container.encodeIfPresent(policyCommit, forKey: .policyCommit)
    try container.encode(problems, forKey: .problems)
  }
}

import Yams

/// `.mlx/policy.yaml`: the registry's artifacts, ordered stages and promotion rules.
///
/// ```yaml
/// version: 1
/// allowed_signers: .mlx/allowed_signers   # ssh-keygen ALLOWED SIGNERS file (committed)
/// artifacts:
///   churn:
///     path: models/model.pkl
///     type: model
///     description: Customer churn classifier
/// stages:
///   - name: dev
///   - name: staging
///     after: dev                           # must have held dev before
///     gates: ["accuracy >= 0.9"]
///   - name: production
///     after: staging
///     signature: required                  # default: required for production only
///     signers: [release@example.com]       # principals allowed to sign (default: anyone listed)
///     gates: ["accuracy >= 0.9", "auc >= current.auc - 0.01"]
///     approvals:                           # four eyes: signed approvals before a promotion
///       required: 1
///       from: [lead@example.com]           # principals who may approve (default: anyone listed)
///     rollback: skip-gates                 # or check-gates (see RollbackRule)
///     remote: required                     # the model must be on the default remote
/// ```
///
/// The policy that judges an event is read from the trusted ref as it stood at the event's
/// time (``PolicyHistory``), never from the commit being promoted.
public struct RegistryPolicy: Sendable, Equatable {
  public static let path = ".mlx/policy.yaml"
  public static let defaultAllowedSigners = ".mlx/allowed_signers"

  public struct Artifact: Sendable, Equatable {
    public var name: String
    /// Repository-relative path of the artifact (its pointer is `path.mlx`).
    public var path: String
    public var type: String
    public var description: String?
  }

  public struct StageRule: Sendable, Equatable {
    public var name: String
    /// The stage a version must have held before entering this one.
    public var after: String?
    public var requiresSignature: Bool
    /// Principals allowed to sign promotions into this stage; empty allows any principal in
    /// the allowed-signers file.
    public var signers: [String]
    public var gates: [Gate]
    /// Signed approvals a promotion into this stage needs, from someone other than the
    /// promoter.
    public var approvals = ApprovalRule()
    public var rollback = RollbackRule.skipGates
    /// Whether a promotion into this stage needs the model's content on the default remote
    /// (`remote: required`); checked when promoting, not by the audit, which reads Git only.
    public var requiresContentOnRemote = false

    /// Whether events of this stage must carry a signature.
    public var needsSignature: Bool { requiresSignature || !signers.isEmpty }

    init(
      name: String, after: String? = nil, requiresSignature: Bool, signers: [String] = [],
      gates: [Gate] = []
    ) {
      (self.name, self.after, self.requiresSignature, self.signers, self.gates) =
        (name, after, requiresSignature, signers, gates)
    }
  }

  /// How many signed approvals a promotion needs, and from whom.
  public struct ApprovalRule: Sendable, Equatable {
    public var required = 0
    /// Principals who may approve; empty allows any principal in the allowed-signers file.
    public var from: [String] = []
  }

  /// What a rollback (a version taking back a stage it held before) must pass.
  public enum RollbackRule: String, Sendable, Equatable {
    /// The gates are not evaluated again: the version passed them when it first entered the
    /// stage, and a relative gate (`auc >= current.auc`) would refuse every rollback.
    case skipGates = "skip-gates"
    /// The gates are evaluated again, as for a new promotion.
    case checkGates = "check-gates"
  }

  public var artifacts: [String: Artifact] = [:]
  /// Stages in order; empty means any stage name is accepted with default rules.
  public var stages: [StageRule] = []
  public var allowedSigners = RegistryPolicy.defaultAllowedSigners

  public init() {}

  /// The rules for `stage`: from the policy, or the defaults (a signature is required for
  /// `production`/`prod` only).
  public func rule(for stage: String) -> StageRule? {
    if let rule = stages.first(where: { $0.name == stage }) { return rule }
    guard stages.isEmpty else { return nil }
    return StageRule(name: stage, requiresSignature: ["production", "prod"].contains(stage))
  }

  /// Parses the policy; errors name the file and line.
  public init(parsing text: String, path: String = RegistryPolicy.path) throws(RegistryError) {
    func fail(_ line: Int?, _ problem: String) -> RegistryError {
      .invalidPolicy(path: path, line: line, problem: problem)
    }
    do {
      let root = try YAMLMapping.parse(text)
      // `drift:` holds the thresholds of `mlx drift`, read by DriftPolicy.
      try root.rejectUnknownKeys([
        "version", "artifacts", "stages", "allowed_signers", "drift",
      ])
      if let version = try root.integer("version"), version != 1 {
        throw YAMLIssue(line: root.line(of: "version"), message: "version must be 1")
      }
      if let signers = try root.string("allowed_signers") { allowedSigners = signers }
      if let artifacts = try root.mapping("artifacts") {
        for name in artifacts.keys {
          guard RegistryTagName.isValidArtifact(name) else {
            throw YAMLIssue(
              line: artifacts.line(of: name),
              message:
                "artifact name '\(MessageText.quoted(name))' is not valid: \(RegistryError.nameRule)"
            )
          }
          guard let entry = try artifacts.mapping(name) else { continue }
          try entry.rejectUnknownKeys(["path", "type", "description"], in: " of artifact \(name)")
          self.artifacts[name] = Artifact(
            name: name, path: try entry.requireString("path"),
            type: try entry.string("type") ?? "model", description: try entry.string("description"))
        }
      }
      if let node = root.node("stages"), node.null == nil {
        guard let sequence = node.sequence else {
          throw YAMLIssue(
            line: node.mark?.line, message: "'stages' must be a list, in promotion order")
        }
        for item in sequence {
          let stage = try Self.parseStage(item, known: stages.map(\.name))
          guard !stages.contains(where: { $0.name == stage.name }) else {
            throw YAMLIssue(
              line: item.mark?.line,
              message: "stage '\(stage.name)' is listed twice; list each stage once, in "
                + "promotion order")
          }
          stages.append(stage)
        }
      }
    } catch let issue as YAMLIssue {
      throw fail(issue.line, issue.message)
    } catch let error as RegistryError {
      throw error
    } catch {
      throw fail(nil, "\(error)")
    }
  }

  /// GTO's `artifacts.yaml` (`NAME: {type, path, description, …}`), read as artifact
  /// declarations when the policy declares none.
  static func gtoArtifacts(parsing text: String, path: String = "artifacts.yaml")
    throws(RegistryError)
    -> [String: Artifact]
  {
    var artifacts: [String: Artifact] = [:]
    do {
      let root = try YAMLMapping.parse(text)
      for name in root.keys {
        guard RegistryTagName.isValidArtifact(name), let entry = try root.mapping(name),
          let artifactPath = try entry.string("path")
        else { continue }
        artifacts[name] = Artifact(
          name: name, path: artifactPath, type: try entry.string("type") ?? "model",
          description: try entry.string("description"))
      }
    } catch {
      throw .invalidPolicy(path: path, line: error.line, problem: error.message)
    }
    return artifacts
  }

  private static func parseStage(_ node: Node, known: [String]) throws -> StageRule {
    if let name = node.scalar?.string {
      guard RegistryTagName.isValidName(name) else {
        throw YAMLIssue(
          line: node.mark?.line,
          message:
            "stage name '\(MessageText.quoted(name))' is not valid: \(RegistryError.nameRule)")
      }
      return StageRule(name: name, requiresSignature: ["production", "prod"].contains(name))
    }
    guard let mapping = node.mapping else {
      throw YAMLIssue(line: node.mark?.line, message: "a stage is a name or a mapping with 'name'")
    }
    let stage = YAMLMapping(mapping: mapping)
    try stage.rejectUnknownKeys([
      "name", "after", "signature", "signers", "gates", "approvals", "rollback", "remote",
    ])
    let name = try stage.requireString("name")
    guard RegistryTagName.isValidName(name) else {
      throw YAMLIssue(
        line: stage.line(of: "name"),
        message: "stage name '\(MessageText.quoted(name))' is not valid: \(RegistryError.nameRule)")
    }
    let after = try stage.string("after")
    if let after, !known.contains(after) {
      throw YAMLIssue(
        line: stage.line(of: "after"),
        message:
          "stage '\(MessageText.quoted(name))': 'after: \(MessageText.quoted(after))' must name an earlier stage"
      )
    }
    var requiresSignature = ["production", "prod"].contains(name)
    if let signature = try stage.string("signature") {
      switch signature {
      case "required": requiresSignature = true
      case "optional": requiresSignature = false
      default:
        throw YAMLIssue(
          line: stage.line(of: "signature"), message: "signature must be 'required' or 'optional'")
      }
    }
    var requiresContentOnRemote = false
    if let remote = try stage.string("remote") {
      guard ["required", "optional"].contains(remote) else {
        throw YAMLIssue(
          line: stage.line(of: "remote"), message: "remote must be 'required' or 'optional'")
      }
      requiresContentOnRemote = remote == "required"
    }
    let signers = try stringList(stage, "signers")
    var gates: [Gate] = []
    for text in try stringList(stage, "gates") {
      switch Gate.parse(text) {
      case .success(let gate): gates.append(gate)
      case .failure(let error):
        throw YAMLIssue(
          line: stage.line(of: "gates"),
          message:
            "stage '\(MessageText.quoted(name))': gate '\(MessageText.quoted(error.text))': \(error.problem)"
        )
      }
    }
    var rule = StageRule(
      name: name, after: after, requiresSignature: requiresSignature, signers: signers, gates: gates
    )
    if let rollback = try stage.string("rollback") {
      guard let parsed = RollbackRule(rawValue: rollback) else {
        throw YAMLIssue(
          line: stage.line(of: "rollback"),
          message:
            "stage '\(MessageText.quoted(name))': rollback must be 'skip-gates' or 'check-gates'")
      }
      rule.rollback = parsed
    }
    if let node = stage.node("approvals"), node.null == nil {
      rule.approvals = try parseApprovals(node, stage: name)
    }
    rule.requiresContentOnRemote = requiresContentOnRemote
    return rule
  }

  /// `approvals: N` or `approvals: {required: N, from: [principals]}`.
  private static func parseApprovals(_ node: Node, stage: String) throws -> ApprovalRule {
    var rule = ApprovalRule()
    if let count = node.scalar.flatMap({ Int($0.string) }) {
      rule.required = count
    } else if let mapping = node.mapping {
      let approvals = YAMLMapping(mapping: mapping)
      try approvals.rejectUnknownKeys(["required", "from"], in: " of stage \(stage)'s approvals")
      rule.required = try approvals.integer("required") ?? 1
      rule.from = try stringList(approvals, "from")
    } else {
      throw YAMLIssue(
        line: node.mark?.line,
        message: "stage '\(stage)': approvals must be a number or {required: N, from: [...]}")
    }
    guard rule.required >= 0 else {
      throw YAMLIssue(
        line: node.mark?.line, message: "stage '\(stage)': approvals must be 0 or more")
    }
    return rule
  }

  private static func stringList(_ mapping: YAMLMapping, _ key: String) throws -> [String] {
    guard let node = mapping.node(key), node.null == nil else { return [] }
    if let scalar = node.scalar { return [scalar.string] }
    guard let sequence = node.sequence else {
      throw YAMLIssue(line: node.mark?.line, message: "'\(key)' must be a list")
    }
    return try sequence.map { item in
      guard let text = item.scalar?.string else {
        throw YAMLIssue(line: item.mark?.line, message: "'\(key)' entries must be text")
      }
      return text
    }
  }
}

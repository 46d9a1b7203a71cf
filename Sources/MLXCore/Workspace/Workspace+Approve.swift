import Foundation

/// What `mlx approve` wrote.
public struct ApprovalReport: Codable, Sendable {
  public let artifact: String
  public let version: String
  public let stage: String
  public let commit: String
  public let approver: GitIdentity
  /// The reference written (`refs/mlx/approvals/<object id>`).
  public let reference: String
  public var pushedTo: String?
}

/// Approvals of one version for one stage, as `mlx approvals` lists them.
public struct ApprovalSummary: Codable, Sendable, Equatable {
  public let artifact: String
  public let version: String
  public let stage: String
  /// Approvers whose approval would count for a promotion by someone else.
  public let approvers: [String]
  /// Approvals that cannot count, and why.
  public let rejected: [String]
  public let required: Int
  /// Whether the version has been promoted to the stage since (the approvals were used).
  public let promoted: Bool
}

extension Workspace {
  /// Writes a signed approval of `artifact@version` for `stage`; refuses one that would not
  /// count (no key, a key the allowed signers do not grant the approver, an approver the
  /// stage does not list, a stage without approvals).
  public func approve(
    _ artifact: String, version: String, stage: String, options: RegistryWriteOptions
  ) throws -> ApprovalReport {
    let writer = try registryWriter(artifact, options: options)
    guard let rule = writer.policy.policy.rule(for: stage) else {
      throw RegistryError.unknownStage(stage, known: writer.policy.policy.stages.map(\.name))
    }
    guard let parsed = SemanticVersion(version) else { throw RegistryError.badVersion(version) }
    let commit = try writer.registeredCommit(of: parsed.description)
    guard rule.approvals.required > 0 else {
      throw RegistryError.approvalNotNeeded(stage: stage)
    }
    let (bytes, approval) = try writer.approvalObject(
      version: parsed.description, stage: stage, commit: commit)
    let check = SignatureCheck(
      approval.verdict, allowedSigners: writer.policy.signers, at: approval.time)
    guard check.status == .valid else { throw RegistryError.approvalUnsigned }
    guard AllowedSigners.matches(approval.approver.email, patterns: check.principals) else {
      if let missing = writer.policy.missingSigners, writer.policy.signers.entries.isEmpty {
        throw RegistryError.approvalUnauthorised(
          "the allowed signers file \(missing) is missing on "
            + "\(writer.reading.history.trustedRef ?? "HEAD"); create it and commit it there")
      }
      throw RegistryError.approvalUnauthorised(
        "\(check.fingerprint ?? "the key") is not allowed to sign as \(approval.approver.email)")
    }
    if !rule.approvals.from.isEmpty,
      !AllowedSigners.matches(approval.approver.email, patterns: rule.approvals.from)
    {
      throw RegistryError.approvalUnauthorised(
        "\(approval.approver.email) is not among \(stage)'s approvers (\(rule.approvals.from.joined(separator: ", ")))"
      )
    }
    try repository.createTagObject(bytes, reference: approval.reference)
    var report = ApprovalReport(
      artifact: artifact, version: parsed.description, stage: stage, commit: commit,
      approver: approval.approver, reference: approval.reference)
    if let remote = options.push {
      do {
        try repository.push(["\(approval.reference):\(approval.reference)"], to: remote)
      } catch let error as GitError {
        throw RegistryError.pushRejected(remote: remote, reason: error.message)
      }
      report.pushedTo = remote
    }
    return report
  }

  /// Approvals in the repository, per version and stage, with whether they were used.
  public func approvals(artifact: String? = nil) throws -> [ApprovalSummary] {
    let reading = try registryReading()
    let policy = reading.history.current
    let states = try reading.audit().states
    var groups: [String: [Approval]] = [:]
    for approval in reading.approvals where artifact.map({ approval.artifact == $0 }) ?? true {
      groups["\(approval.artifact)@\(approval.version)#\(approval.stage)", default: []].append(
        approval)
    }
    return groups.keys.sorted().compactMap { key in
      guard let first = groups[key]?.first else { return nil }
      let rule = policy.policy.rule(for: first.stage)
      var approvers: [String] = []
      var rejected: [String] = []
      for approval in groups[key]! {
        let check = SignatureCheck(
          approval.verdict, allowedSigners: policy.signers, at: approval.time)
        let email = approval.approver.email
        if check.status != .valid || !AllowedSigners.matches(email, patterns: check.principals) {
          rejected.append("\(email): not signed by a key allowed to sign as \(email)")
        } else if let from = rule?.approvals.from, !from.isEmpty,
          !AllowedSigners.matches(email, patterns: from)
        {
          rejected.append("\(email): not among the stage's approvers")
        } else if !approvers.contains(email) {
          approvers.append(email)
        }
      }
      let promoted =
        states[first.artifact]?.everHeld.contains(
          RegistryAuditor.State.key(first.version, first.stage)) ?? false
      return ApprovalSummary(
        artifact: first.artifact, version: first.version, stage: first.stage,
        approvers: approvers.sorted(),
        rejected: rejected, required: rule?.approvals.required ?? 0, promoted: promoted)
    }
  }
}

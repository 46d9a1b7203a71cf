import Foundation

extension Workspace {
  public func auditSummary() throws -> AuditSummary {
    let reading = try registryReading()
    let entries = try reading.audit().entries
    let snapshot = try reading.counted(all: false).snapshot
    var artifacts: [AuditSummary.Artifact] = []
    for name in Set(entries.map(\.artifact)).sorted() {
      let state = snapshot.state(of: name)
      var promotions: [AuditSummary.Promotion] = []
      for entry in entries where entry.artifact == name {
        promotions.append(
          AuditSummary.Promotion(
            tag: entry.tag, event: entry.event.rawValue, stage: entry.stage, version: entry.version,
            commit: entry.commit, time: entry.time,
            signer: "\(entry.tagger.name) <\(entry.tagger.email)>",
            signature: LineageBuilder.describe(entry), status: entry.status,
            problems: entry.problems, rollback: entry.isRollback, policyCommit: entry.policyCommit))
      }
      // Every version that was ever assigned a stage.
      let promoted = Set(
        snapshot.events.filter { $0.artifact == name && $0.kind == .assignment }.compactMap {
          $0.version
        })
      let path = try reading.path(of: name)
      var versions: [AuditSummary.VersionLineage] = []
      for held in state.versions where promoted.contains(held.version) {
        let graph = try lineage(of: .version(artifact: name, version: held.version))
        var version = AuditSummary.VersionLineage(
          version: held.version, stages: held.stages, verified: graph.isVerified,
          nodes: graph.nodes.count,
          breaks: graph.breaks.map { "\($0.kind.rawValue): \($0.message)" })
        version.graph = graph
        version.eventBreaks = graph.breaks.filter { $0.node.hasPrefix("event:") }.map {
          String($0.node.dropFirst("event:".count))
        }
        version.brokenElsewhere = graph.breaks.contains { !$0.node.hasPrefix("event:") }
        try describe(&version, artifact: name, commit: held.commit, path: path, reading: reading)
        version.gates = entries.filter {
          $0.artifact == name && $0.version == held.version && $0.event == .assignment
        }
        .flatMap { entry in
          entry.checks.filter { [.gates, .unverifiable].contains($0.kind) }.map { check in
            AuditSummary.GateOutcome(
              tag: entry.tag, stage: entry.stage ?? "",
              gate: check.name.hasPrefix("gate ") ? String(check.name.dropFirst(5)) : check.name,
              passed: check.passed, detail: check.detail)
          }
        }
        versions.append(version)
      }
      artifacts.append(
        AuditSummary.Artifact(
          name: name, stages: state.stages.mapValues(\.version), promotions: promotions,
          versions: versions))
    }
    var summary = AuditSummary(
      generatedAt: Date(), artifacts: artifacts, trustedRef: reading.history.trustedRef,
      policyIsTrusted: reading.history.isTrusted, policyChanges: reading.history.changes)
    let current = reading.history.current
    if current.hasPolicy {
      summary.policyCommit = current.commit
      summary.policy = current.policy.stages.map { rule in
        AuditSummary.StageRule(
          name: rule.name, after: rule.after, signature: rule.needsSignature,
          signers: rule.signers, gates: rule.gates.map(\.text),
          approvals: rule.approvals.required, approvers: rule.approvals.from,
          rollback: rule.rollback.rawValue)
      }
    }
    return summary
  }

  /// What the Git objects at the version's commit say: the artifact's digest (its pointer),
  /// the run and metrics `mlx.lock` records, the inputs of the stage that wrote the artifact,
  /// and the signed approvals of the version.
  private func describe(
    _ version: inout AuditSummary.VersionLineage, artifact: String, commit: String,
    path: String?, reading: RegistryReading
  ) throws {
    version.commit = commit
    let evidence = try repository.artifactEvidence(path: path, commit: commit)
    version.digest = evidence.digest?.description
    version.run = evidence.run
    version.metrics = evidence.metrics.mapValues(\.description)
    version.lockProblem = evidence.lockProblem
    if let path, let id = GitOID(hex: commit),
      case .success(let lock)? = try repository.lockFile(
        inCommit: id)
    {
      for (stage, state) in lock.stages.sorted(by: { $0.key < $1.key })
      where state.outs.contains(where: { $0.path == path }) {
        version.data += state.deps.map {
          AuditSummary.DataInput(stage: stage, path: $0.path, digest: $0.digest.description)
        }
      }
    }
    version.approvals = reading.approvals.filter {
      $0.artifact == artifact && $0.version == version.version && $0.commit == commit
    }
    .sorted { $0.time < $1.time }
    .map {
      AuditSummary.ApprovalRecord(
        stage: $0.stage, approver: "\($0.approver.name) <\($0.approver.email)>", time: $0.time,
        signed: $0.verdict.status == .valid)
    }
  }
}

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
            time: entry.time, signer: "\(entry.tagger.name) <\(entry.tagger.email)>",
            signature: LineageBuilder.describe(entry), status: entry.status,
            problems: entry.problems))
      }
      // Every version that was ever assigned a stage.
      let promoted = Set(
        snapshot.events.filter { $0.artifact == name && $0.kind == .assignment }.compactMap {
          $0.version
        })
      var versions: [AuditSummary.VersionLineage] = []
      for version in state.versions.map(\.version) where promoted.contains(version) {
        let graph = try lineage(of: .version(artifact: name, version: version))
        versions.append(
          AuditSummary.VersionLineage(
            version: version, stages: state.versions.first { $0.version == version }?.stages ?? [],
            verified: graph.isVerified, nodes: graph.nodes.count,
            breaks: graph.breaks.map { "\($0.kind.rawValue): \($0.message)" }))
      }
      artifacts.append(
        AuditSummary.Artifact(
          name: name, stages: state.stages.mapValues(\.version), promotions: promotions,
          versions: versions))
    }
    return AuditSummary(
      generatedAt: Date(), artifacts: artifacts, trustedRef: reading.history.trustedRef,
      policyIsTrusted: reading.history.isTrusted, policyChanges: reading.history.changes)
  }
}

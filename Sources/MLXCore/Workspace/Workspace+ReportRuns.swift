import Foundation

extension Workspace {
  /// `mlx report runs`: every run's metrics, oldest first, and every registered version's
  /// metrics as its commit's `mlx.lock` records them; `metrics` narrows the charts (each
  /// name must be recorded somewhere).
  public func runsReport(metrics selected: [String] = []) throws -> RunsReport {
    let runs = try RunStore(repository: repository).all().reversed().map { record in
      RunsReport.Run(
        id: record.id, startedAt: record.startedAt,
        commit: record.code.commit.map { String($0.prefix(12)) }, dirty: record.code.dirty,
        exitStatus: record.exitStatus, metrics: RunsReport.numbers(record.metrics))
    }
    let reading = try registryReading()
    let snapshot = try reading.counted(all: false).snapshot
    var artifacts: [RunsReport.Artifact] = []
    for name in snapshot.artifacts {
      let state = snapshot.state(of: name)
      guard !state.versions.isEmpty else { continue }
      let path = try reading.path(of: name)
      let versions = try state.versions.reversed().map { version in
        let evidence = try repository.artifactEvidence(path: path, commit: version.commit)
        return RunsReport.Version(
          version: version.version, commit: version.commit, stages: version.stages.sorted(),
          metrics: evidence.metrics.compactMapValues(\.number), run: evidence.run)
      }
      artifacts.append(RunsReport.Artifact(name: name, versions: versions))
    }
    let known = RunsReport.metricNames(runs: runs, artifacts: artifacts)
    let unknown = selected.filter { !known.contains($0) }
    if !unknown.isEmpty { throw ReportError.unknownMetrics(unknown, known: known) }
    return RunsReport(
      generatedAt: Date(), repository: root, runs: runs, artifacts: artifacts,
      metrics: selected.isEmpty ? known : Array(Set(selected)).sorted())
  }
}

/// The metric values of one side, for `mlx metrics show`.
public struct MetricsSnapshot: Codable, Sendable {
  /// `workspace`, a revision or commit as given, or `run ID`.
  public let name: String
  /// The commit, for a revision; nil for the work tree or a run.
  public let commit: String?
  /// Per metrics file, its values by dotted key.
  public let values: [String: [String: ParamValue]]
}

extension Workspace {
  /// The metrics of the work tree (`at` nil), a revision, or a run id.
  public func metrics(at name: String?) throws -> MetricsSnapshot {
    guard let name else {
      return MetricsSnapshot(
        name: Self.workTreeName, commit: nil, values: try metricValues(at: nil))
    }
    let isRun =
      try RunStore(repository: repository).resolveIfRun(
        name, isRevision: { (try? repository.commit(name)) != nil }) != nil
    let commit = isRun ? nil : (try? repository.commit(name))?.hex
    return MetricsSnapshot(
      name: isRun ? "run \(name)" : name, commit: commit, values: try metricValues(at: name))
  }

  /// The metrics of every commit any branch or tag reaches (and HEAD), newest first; commits
  /// without a metrics file are left out, as `dvc metrics show -A` does.
  public func metricsOfAllCommits() throws -> [MetricsSnapshot] {
    try repository.commits(reachableFrom: ["refs/heads/*", "refs/tags/*"]).compactMap {
      commit in
      let values = try metricValues(at: commit.hex)
      guard !values.isEmpty else { return nil }
      return MetricsSnapshot(name: String(commit.hex.prefix(7)), commit: commit.hex, values: values)
    }
  }
}

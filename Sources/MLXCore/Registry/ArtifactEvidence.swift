import Foundation

/// What a commit records about an artifact: its pointer's digest, the run that produced it
/// (from `mlx.lock`), the metrics recorded at that commit, and the computed gate metrics.
struct ArtifactEvidence: Sendable, Equatable {
  var digest: ObjectID?
  var run: String?
  var metrics: [String: ParamValue] = [:]
  /// Whether the commit is in the repository at all.
  var commitExists = true
  /// Why the commit's `mlx.lock` could not be read, when it could not (its metrics and run
  /// are then unknown, not absent).
  var lockProblem: String?
  /// The computed gate metrics (``ComputedMetric``) at the commit, for the artifact's path.
  var computed: [String: ComputedMetric.Outcome] = [:]
}

extension Repository {
  /// What `commit` records about the artifact at `path`: its pointer's digest there, the run
  /// `mlx.lock` names for it, and every metric `mlx.lock` records.
  /// With `dataCheck`, the `data.validated` gate re-checks the data against its schema
  /// rather than believing `mlx.lock`'s record alone.
  func artifactEvidence(
    path: String?, commit: String, dataCheck: ComputedMetric.DataCheck? = nil
  ) throws -> ArtifactEvidence {
    var evidence = ArtifactEvidence()
    guard let id = GitOID(hex: commit), (try? objectType(id)) == "commit" else {
      evidence.commitExists = false
      return evidence
    }
    if let path { evidence.digest = try pointerDigest(path: path, commit: commit) }
    if let read = try lockFile(inCommit: id) {
      let lock: LockFile
      switch read {
      case .success(let parsed):
        lock = parsed
      case .failure(let error):
        evidence.lockProblem = "\(error)"
        return evidence
      }
      if let path {
        evidence.computed = try ComputedMetric.outcomes(
          at: id, path: path, lock: lock, in: self, dataCheck: dataCheck)
      }
      for name in lock.stages.keys.sorted() {
        let state = lock.stages[name]!
        if let path, state.outs.contains(where: { $0.path == path }) { evidence.run = state.run }
        for values in state.metrics.values { evidence.metrics.merge(values) { $1 } }
      }
    }
    return evidence
  }
}

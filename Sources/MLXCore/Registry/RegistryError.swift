/// Registry errors, each naming the artifact, version, stage or file and what to do.
public enum RegistryError: Error, CustomStringConvertible, Equatable {
  case invalidPolicy(path: String, line: Int?, problem: String)
  case invalidName(String)
  case unknownArtifact(String, known: [String])
  case unknownVersion(artifact: String, version: String)
  case versionExists(artifact: String, version: String)
  case commitAlreadyRegistered(artifact: String, commit: String, version: String)
  case badVersion(String)
  case unknownStage(String, known: [String])
  case stageNotHeld(artifact: String, stage: String)
  case noEarlierHolder(artifact: String, stage: String)
  case deprecated(artifact: String)
  /// The promotion's checks failed; the report lists every check. Nothing was written.
  case promotionRefused(artifact: String, version: String, stage: String, failures: [String])
  case signingFailed(String)
  case unknownTime(String)

  public var description: String {
    switch self {
    case .invalidPolicy(let path, let line, let problem):
      return "\(line.map { "\(path):\($0)" } ?? path): \(problem); fix the policy"
    case .invalidName(let name):
      return "'\(name)' is not a valid name: use lowercase letters, digits, '-' and '/', "
        + "starting and ending with a letter or digit"
    case .unknownArtifact(let name, let known):
      let list = known.isEmpty ? "none declared" : known.joined(separator: ", ")
      return "no artifact '\(name)' in .mlx/policy.yaml (\(list)); declare it there or pass --path"
    case .unknownVersion(let artifact, let version):
      return "\(artifact) has no registered version \(version); `mlx registry \(artifact)` lists them"
    case .versionExists(let artifact, let version):
      return "\(artifact)@\(version) is already registered; choose another version or --bump"
    case .commitAlreadyRegistered(let artifact, let commit, let version):
      return "commit \(commit.prefix(7)) is already registered as \(artifact)@\(version); "
        + "promote that version instead"
    case .badVersion(let text):
      return "'\(text)' is not a version like v1.2.3"
    case .unknownStage(let stage, let known):
      return "no stage '\(stage)' in .mlx/policy.yaml (stages: \(known.joined(separator: ", ")))"
    case .stageNotHeld(let artifact, let stage):
      return "no version of \(artifact) is in \(stage)"
    case .noEarlierHolder(let artifact, let stage):
      return "no earlier version of \(artifact) held \(stage); nothing to roll back to"
    case .deprecated(let artifact):
      return "\(artifact) is deprecated (\(artifact)@deprecated); it takes no new events"
    case .promotionRefused(let artifact, let version, let stage, let failures):
      return "promotion of \(artifact)@\(version) to \(stage) refused: "
        + failures.joined(separator: "; ") + "; no tag was written"
    case .signingFailed(let reason):
      return "cannot sign the tag: \(reason)"
    case .unknownTime(let text):
      return "'\(text)' is not a time; use ISO 8601 (2026-11-22T10:00:00Z) or a date (2026-11-22)"
    }
  }
}

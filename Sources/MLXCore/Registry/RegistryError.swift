import Foundation

/// Registry errors, each naming the artifact, version, stage or file and what to do.
public enum RegistryError: Error, CustomStringConvertible, Equatable {
  case invalidPolicy(path: String, line: Int?, problem: String)
  case invalidName(String)
  /// A name for a new tag longer than ``RegistryTagName/maximumNameLength``.
  case nameTooLong(String)
  case unknownArtifact(String, known: [String])
  case unknownVersion(artifact: String, version: String)
  /// The version is registered, but by a tag that fails the audit, so it does not count.
  case versionFailsAudit(artifact: String, version: String, tag: String, problem: String)
  case versionExists(artifact: String, version: String)
  /// A tag of the name mlx would write exists already, though it is no event mlx counts (an
  /// audit rejects it, or another tool wrote it).
  case tagExists(tag: String)
  case commitAlreadyRegistered(artifact: String, commit: String, version: String)
  case badVersion(String)
  case unknownStage(String, known: [String])
  case stageNotHeld(artifact: String, stage: String)
  case noEarlierHolder(artifact: String, stage: String)
  case deprecated(artifact: String)
  case unknownTime(String)
  case unknownTrustedRef(String)
  case ambiguousTrustedRef(String, candidates: [String])
  case noTrustedRef
  case versionTooLarge(String)
  case notAnEvent(String)
  case counterExhausted(artifact: String, tag: String)
  case alreadyInStage(artifact: String, version: String, stage: String)
  case badDate(String)
  case approvalNotNeeded(stage: String)
  case approvalUnsigned
  case approvalUnauthorised(String)
  case clockBehind(artifact: String, last: Date)
  /// Another registry write is in progress or the remote refused the tags.
  case pushRejected(remote: String, reason: String)
  /// A stage shorthand that names no stage.
  case badStageReference(String)
  /// A registry tag whose object or message mlx cannot take as written: a missing header,
  /// a claim made twice, a trailer that is not what its key says.
  case malformedTag(tag: String, problem: String)

  /// GTO's name grammar, in words.
  static let nameRule =
    "use letters, digits, '-', '_' and '/', starting and ending with a letter or digit "
    + "(an artifact may start with 'dir:')"

  public var description: String { MessageText.oneLine(text) }

  private var text: String {
    switch self {
    case .invalidPolicy(let path, let line, let problem):
      return "\(line.map { "\(path):\($0)" } ?? path): \(problem); fix the policy"
    case .invalidName(let name):
      return "'\(RelativePath.abbreviated(name))' is not a valid name: \(Self.nameRule)"
    case .nameTooLong(let name):
      return "the name '\(RelativePath.abbreviated(name))' is too long: artifact and stage "
        + "names have at most \(RegistryTagName.maximumNameLength) characters, as each becomes "
        + "part of a Git tag name; choose a shorter one"
    case .unknownArtifact(let name, let known):
      let list = known.isEmpty ? "none declared" : known.joined(separator: ", ")
      return "no artifact '\(name)' in .mlx/policy.yaml (\(list)); declare it there or pass --path"
    case .unknownVersion(let artifact, let version):
      return "\(artifact) has no registered version \(version) (that passes the audit); "
        + "`mlx registry show \(artifact)` lists its versions"
    case .versionFailsAudit(let artifact, let version, let tag, let problem):
      return "\(artifact)@\(version) does not count: its tag \(tag) fails the audit (\(problem)); "
        + "`mlx audit` lists every check"
    case .tagExists(let tag):
      return "a tag named \(tag) exists already (one the registry does not count); "
        + "give another name with --version, or remove that tag if it is a mistake"
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
    case .alreadyInStage(let artifact, let version, let stage):
      return "\(artifact) \(version) already holds \(stage); nothing to do"
    case .ambiguousTrustedRef(let name, let candidates):
      return "mlx.trustedRef '\(name)' could be \(candidates.joined(separator: " or ")); "
        + "name one in full with `git config mlx.trustedRef refs/...`"
    case .notAnEvent(let name):
      return "\(name) names a registry event, but no annotated tag of that name is here "
        + "(a lightweight tag, or not fetched): CI must not act on it"
    case .versionTooLarge(let version):
      return
        "the next version would be \(version), beyond what tag parsers read (18 digits a part); "
        + "give --version"
    case .noTrustedRef:
      return
        "no trusted ref to read the policy from (no main, master or origin's default branch here); "
        + "fetch the default branch or set `git config mlx.trustedRef REF`"
    case .counterExhausted(let artifact, let tag):
      return "\(tag) claims a counter so large that no later tag of \(artifact) can be written; "
        + "delete it (`git tag -d '\(tag)'`, and on the remote) if it is not yours"
    case .unknownTrustedRef(let name):
      return "mlx.trustedRef names '\(name)', which is no branch or ref here; "
        + "fetch it, or fix it with `git config mlx.trustedRef REF`"
    case .approvalNotNeeded(let stage):
      return
        "the policy requires no approvals for \(stage); add `approvals:` to the stage to use them"
    case .approvalUnsigned:
      return "an approval must be signed, and no signing key is set: "
        + "`git config gpg.format ssh` and `git config user.signingkey ~/.ssh/id_ed25519`, or --key"
    case .approvalUnauthorised(let reason):
      return "this approval would not count: \(reason); nothing was written"
    case .badDate(let text):
      return
        "GIT_COMMITTER_DATE '\(text)' is not a date git accepts; use ISO 8601, RFC 2822 or '@SECONDS +ZONE'"
    case .clockBehind(let artifact, let last):
      return
        "the last event of \(artifact) is dated \(Timestamp.format(last)), later than this machine's clock; "
        + "check the clock (mlx writes one event per second per artifact, after the last)"
    case .pushRejected(let remote, let reason):
      return "the tags were written here, but \(remote) refused them: \(reason); "
        + "fetch the remote's tags (`git fetch --tags`), check `mlx audit`, and push again"
    case .malformedTag(let tag, let problem):
      let tag = MessageText.quoted(tag)
      return "tag \(tag): \(problem); if it is not yours, delete it "
        + "(`git tag -d '\(tag)'`, and on the remote) and write the event again with mlx"
    case .badStageReference(let text):
      return "'\(text)' is not NAME#STAGE (or NAME%STAGE); name an artifact and a stage"
    case .unknownTime(let text):
      return "'\(text)' is not a time; use ISO 8601 (2026-11-22T10:00:00Z) or a date (2026-11-22)"
    }
  }
}

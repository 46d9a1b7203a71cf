import Foundation

/// Options shared by the commands that write registry tags.
public struct RegistryWriteOptions: Sendable {
  /// A signing key file overriding `user.signingkey`.
  public var key: String?
  /// A remote (name or URL) to push the new tags to.
  public var push: String?
  /// The artifact's path, for an artifact not declared in `.mlx/policy.yaml`.
  public var path: String?
  public init() {}
}

/// One check of a promotion, as the report and the tag's trailers show it.
public struct PromotionCheck: Codable, Sendable, Equatable {
  public let name: String
  public let passed: Bool
  public let detail: String
}

/// What a registry command did.
public struct RegistryReport: Codable, Sendable {
  public var artifact: String
  public var version: String?
  public var stage: String?
  public var commit: String?
  /// Tags written, in order (none when refused).
  public var tags: [String] = []
  /// Every check made, passed or not.
  public var checks: [PromotionCheck] = []
  public var accepted = true
  public var signed = false
  public var pushedTo: String?
  /// The version that held the stage before.
  public var previous: String?
}

extension Workspace {
  // MARK: - Register

  /// Registers a version of `artifact` at `revision` (default HEAD): `NAME@vX.Y.Z`.
  public func register(
    _ artifact: String, revision: String?, version: String?, bump: SemanticVersion.Part?,
    options: RegistryWriteOptions
  ) throws -> RegistryReport {
    var context = try RegistryContext(workspace: self, artifact: artifact, options: options)
    let commit = try resolveCommit(revision)
    let registration = try context.plannedRegistration(at: commit, version: version, bump: bump, reuse: false)
    guard let registration else {
      throw RegistryError.versionExists(artifact: artifact, version: version ?? "")
    }
    let tag = try context.prepare(
      .register(registration), commit: commit,
      summary: "Register \(artifact) \(registration)", extra: [], requireSignature: false)
    var report = RegistryReport(artifact: artifact, version: registration.description, commit: commit)
    try context.publish([tag], report: &report)
    return report
  }

  // MARK: - Promote

  /// Assigns `stage` to a version (registering it first when needed), after checking the
  /// policy: stage order, gates, signature and signer. A refused promotion writes nothing
  /// and reports every check.
  public func promote(
    _ artifact: String, version: String?, to stage: String, revision: String?,
    options: RegistryWriteOptions
  ) throws -> RegistryReport {
    var context = try RegistryContext(workspace: self, artifact: artifact, options: options)
    let state = context.snapshot.state(of: artifact)
    // The version: given, or the one registered at the revision, or a new one there.
    var tags: [PreparedTag] = []
    let commit: String
    let chosen: String
    if let version {
      guard let registered = state.versions.first(where: { $0.version == version }) else {
        throw RegistryError.unknownVersion(artifact: artifact, version: version)
      }
      commit = registered.commit
      chosen = version
    } else {
      commit = try resolveCommit(revision)
      if let existing = state.versions.first(where: { $0.commit == commit }) {
        chosen = existing.version
      } else {
        let next = try context.plannedRegistration(at: commit, version: nil, bump: .patch, reuse: true)!
        chosen = next.description
        tags.append(
          try context.prepare(
            .register(next), commit: commit, summary: "Register \(artifact) \(next)", extra: [],
            requireSignature: false))
      }
    }
    var report = RegistryReport(artifact: artifact, version: chosen, stage: stage, commit: commit)
    report.previous = state.stages[stage]?.version
    let checks = try context.promotionChecks(version: chosen, commit: commit, stage: stage, state: state)
    report.checks = checks.list
    let assignment = try context.prepare(
      .assign(stage: stage), commit: commit,
      summary: "Promote \(artifact) \(chosen) to \(stage)",
      extra: checks.trailers + [("Mlx-Previous", report.previous ?? "none")],
      requireSignature: checks.requiresSignature, version: chosen)
    report.checks += assignment.checks
    tags.append(assignment)
    report.accepted = report.checks.allSatisfy { $0.passed }
    guard report.accepted else { return report }
    try context.publish(tags, report: &report)
    return report
  }

  /// Assigns `stage` again to the version that held it before the current holder.
  public func rollback(_ artifact: String, stage: String, options: RegistryWriteOptions) throws -> RegistryReport {
    var context = try RegistryContext(workspace: self, artifact: artifact, options: options)
    let state = context.snapshot.state(of: artifact)
    guard let current = state.stages[stage] else {
      throw RegistryError.stageNotHeld(artifact: artifact, stage: stage)
    }
    let assignments = ArtifactState.stageEvents(context.snapshot.events.filter { $0.artifact == artifact })
      .filter { $0.kind == .assignment && $0.stage == stage }
    guard let earlier = assignments.last(where: { $0.version != current.version && $0.version.map { v in state.versions.contains { $0.version == v } } == true }),
      let version = earlier.version
    else { throw RegistryError.noEarlierHolder(artifact: artifact, stage: stage) }
    let rule = context.policy.rule(for: stage)
    let tag = try context.prepare(
      .assign(stage: stage), commit: earlier.commit,
      summary: "Roll back \(artifact) in \(stage) from \(current.version) to \(version)",
      extra: [("Mlx-Rollback-From", current.version), ("Mlx-Previous", current.version)],
      requireSignature: rule?.requiresSignature ?? false || !(rule?.signers.isEmpty ?? true),
      version: version, allowedSigners: rule?.signers ?? [])
    var report = RegistryReport(artifact: artifact, version: version, stage: stage, commit: earlier.commit)
    report.previous = current.version
    report.checks = tag.checks
    report.accepted = tag.checks.allSatisfy { $0.passed }
    guard report.accepted else { return report }
    try context.publish([tag], report: &report)
    return report
  }

  // MARK: - Unassign, deregister, deprecate

  /// Removes `stage` from the version holding it: `NAME#STAGE!#N`.
  public func unassign(_ artifact: String, stage: String, options: RegistryWriteOptions) throws -> RegistryReport {
    var context = try RegistryContext(workspace: self, artifact: artifact, options: options)
    guard let holder = context.snapshot.state(of: artifact).stages[stage] else {
      throw RegistryError.stageNotHeld(artifact: artifact, stage: stage)
    }
    let tag = try context.prepare(
      .unassign(stage: stage), commit: holder.commit,
      summary: "Unassign \(stage) from \(artifact) \(holder.version)",
      extra: [], requireSignature: false, version: holder.version)
    var report = RegistryReport(artifact: artifact, version: holder.version, stage: stage, commit: holder.commit)
    try context.publish([tag], report: &report)
    return report
  }

  /// Withdraws a registered version: `NAME@vX.Y.Z!`.
  public func deregister(_ artifact: String, version: String, options: RegistryWriteOptions) throws -> RegistryReport {
    var context = try RegistryContext(workspace: self, artifact: artifact, options: options)
    guard let parsed = SemanticVersion(version) else { throw RegistryError.badVersion(version) }
    guard let registered = context.snapshot.state(of: artifact).versions.first(where: { $0.version == version }) else {
      throw RegistryError.unknownVersion(artifact: artifact, version: version)
    }
    let tag = try context.prepare(
      .deregister(parsed), commit: registered.commit, summary: "Deregister \(artifact) \(version)",
      extra: [], requireSignature: false, withCounter: false)
    var report = RegistryReport(artifact: artifact, version: version, commit: registered.commit)
    try context.publish([tag], report: &report)
    return report
  }

  /// Retires the artifact: `NAME@deprecated`, at HEAD.
  public func deprecate(_ artifact: String, options: RegistryWriteOptions) throws -> RegistryReport {
    var context = try RegistryContext(workspace: self, artifact: artifact, options: options)
    let commit = try resolveCommit(nil)
    let tag = try context.prepare(
      .deprecate, commit: commit, summary: "Deprecate \(artifact)", extra: [],
      requireSignature: false, withCounter: false)
    var report = RegistryReport(artifact: artifact, commit: commit)
    try context.publish([tag], report: &report)
    return report
  }

  func resolveCommit(_ revision: String?) throws -> String {
    do {
      return try repository.commit(revision ?? "HEAD").hex
    } catch {
      throw WorkspaceError.unknownRevision(revision: revision ?? "HEAD")
    }
  }
}

/// A tag ready to write: its complete object text and what its signature check found.
struct PreparedTag {
  let name: String
  let buffer: String
  let signed: Bool
  let checks: [PromotionCheck]
}

/// What a registry write needs: the policy, the current tags, the signer, the tagger.
struct RegistryContext {
  let workspace: Workspace
  let artifact: String
  let options: RegistryWriteOptions
  let policy: RegistryPolicy
  let snapshot: RegistrySnapshot
  let signer: TagSigner
  let tagger: GitIdentity
  let allowedSigners: AllowedSigners
  let path: String?
  private var nextCounter: Int

  init(workspace: Workspace, artifact: String, options: RegistryWriteOptions) throws {
    guard RegistryTagName.isValidName(artifact) else { throw RegistryError.invalidName(artifact) }
    self.workspace = workspace
    self.artifact = artifact
    self.options = options
    policy = try workspace.registryPolicy()
    snapshot = try workspace.registrySnapshot()
    if !policy.artifacts.isEmpty, policy.artifacts[artifact] == nil, options.path == nil,
      !snapshot.artifacts.contains(artifact)
    {
      throw RegistryError.unknownArtifact(artifact, known: policy.artifacts.keys.sorted())
    }
    if snapshot.state(of: artifact).deprecated { throw RegistryError.deprecated(artifact: artifact) }
    signer = try TagSigner.configured(workspace.repository, key: options.key)
    guard let identity = workspace.repository.identity() else {
      throw RegistryError.signingFailed(
        "Git does not know who you are; set `git config user.name` and `git config user.email`")
    }
    tagger = identity
    allowedSigners = try workspace.allowedSigners(policy)
    path = try workspace.artifactPath(artifact, events: snapshot.events, given: options.path)
    nextCounter = snapshot.nextCounter(for: artifact)
  }

  /// The version a registration at `commit` gets, or nil when `reuse` is false and the
  /// version is taken.
  func plannedRegistration(
    at commit: String, version: String?, bump: SemanticVersion.Part?, reuse: Bool
  ) throws -> SemanticVersion? {
    let state = snapshot.state(of: artifact)
    if let existing = state.versions.first(where: { $0.commit == commit }) {
      throw RegistryError.commitAlreadyRegistered(artifact: artifact, commit: commit, version: existing.version)
    }
    let taken = Set(snapshot.events.filter { $0.artifact == artifact && $0.kind == .registration }.compactMap(\.version))
    if let version {
      guard let parsed = SemanticVersion(version) else { throw RegistryError.badVersion(version) }
      if taken.contains(parsed.description) { return nil }
      return parsed
    }
    let greatest = taken.compactMap(SemanticVersion.init).max()
    guard let greatest else { return SemanticVersion(major: 0, minor: 0, patch: 1) }
    return greatest.bumped(bump ?? .patch)
  }

  /// Checks stage order and gates; returns the checks and the trailers recording them.
  func promotionChecks(
    version: String, commit: String, stage: String, state: ArtifactState
  ) throws -> (list: [PromotionCheck], trailers: [(String, String)], requiresSignature: Bool) {
    var checks: [PromotionCheck] = []
    var trailers: [(String, String)] = []
    guard let rule = policy.rule(for: stage) else {
      throw RegistryError.unknownStage(stage, known: policy.stages.map(\.name))
    }
    if let after = rule.after {
      let held = snapshot.events.contains {
        $0.artifact == artifact && $0.kind == .assignment && $0.stage == after && $0.version == version
      }
      checks.append(
        PromotionCheck(
          name: "stage order", passed: held,
          detail: held ? "\(version) has been in \(after)" : "\(version) must be in \(after) before \(stage)"))
    }
    let candidate = try workspace.evidence(path: path, commit: commit)
    if let digest = candidate.digest { trailers.append(("Mlx-Digest", digest.description)) }
    if let run = candidate.run { trailers.append(("Mlx-Run", run)) }
    for (key, value) in candidate.metrics.sorted(by: { $0.key < $1.key }) {
      trailers.append(("Mlx-Metric", "\(key)=\(value)"))
    }
    let current = try state.stages[stage].map { try workspace.evidence(path: path, commit: $0.commit).metrics }
    for gate in rule.gates {
      let result = gate.evaluate(candidate: candidate.metrics, current: current)
      checks.append(PromotionCheck(name: "gate \(gate.text)", passed: result.passed, detail: result.detail))
      trailers.append(("Mlx-Gate", "\(gate.text): \(result.passed ? "pass" : "fail") (\(result.detail))"))
    }
    let requiresSignature = rule.requiresSignature || !rule.signers.isEmpty
    return (checks, trailers, requiresSignature)
  }

  /// Builds (and signs, when a key is configured) the tag `action` on `commit`, and checks
  /// the signature as `mlx audit` will.
  mutating func prepare(
    _ action: RegistryTagName.Action, commit: String, summary: String, extra: [(String, String)],
    requireSignature: Bool, version: String? = nil, withCounter: Bool? = nil,
    allowedSigners signers: [String]? = nil
  ) throws -> PreparedTag {
    let usesCounter: Bool
    switch action {
    case .assign, .unassign: usesCounter = withCounter ?? true
    default: usesCounter = withCounter ?? false
    }
    let counter = usesCounter ? nextCounter : nil
    if usesCounter { nextCounter += 1 }
    let name = RegistryTagName(artifact: artifact, action: action, counter: counter)
    if try workspace.repository.resolveReference("refs/tags/\(name)") != nil {
      throw RegistryError.versionExists(artifact: artifact, version: name.description)
    }
    var trailers: [(String, String)] = [("Mlx-Artifact", artifact)]
    if let version = name.version?.description ?? version { trailers.append(("Mlx-Version", version)) }
    if let stage = name.stage { trailers.append(("Mlx-Stage", stage)) }
    trailers.append(("Mlx-Event", Self.eventName(action)))
    if let path { trailers.append(("Mlx-Path", path)) }
    trailers += extra
    trailers.append(("Mlx-Tool", "mlx \(MLXVersion.current)"))
    let message = TagMessage.compose(summary: summary, trailers: trailers)

    let now = Self.taggerDate() ?? Date()
    let offset = TimeZone.current.secondsFromGMT(for: now) / 60
    let zone = String(format: "%@%02d%02d", offset < 0 ? "-" : "+", abs(offset) / 60, abs(offset) % 60)
    let payload = "object \(commit)\ntype commit\ntag \(name)\n"
      + "tagger \(tagger.name) <\(tagger.email)> \(Int64(now.timeIntervalSince1970)) \(zone)\n\n" + message
    let signature = try signer.sign(Array(payload.utf8))
    let buffer = payload + (signature ?? "")
    var checks: [PromotionCheck] = []
    let stageRule = name.stage.flatMap(policy.rule(for:))
    let permitted = signers ?? stageRule?.signers ?? []
    guard let signature else {
      if requireSignature {
        checks.append(
          PromotionCheck(
            name: "signature", passed: false,
            detail: "\(name.stage ?? "this event") requires a signed tag, and no signing key is set: "
              + "`git config gpg.format ssh` and `git config user.signingkey ~/.ssh/id_ed25519`, or --key"))
      }
      return PreparedTag(name: name.description, buffer: buffer, signed: false, checks: checks)
    }
    _ = signature
    guard let parsed = RawTag(id: GitOID(hex: String(repeating: "0", count: 40))!, bytes: Array(buffer.utf8)) else {
      throw RegistryError.signingFailed("the signed tag could not be read back")
    }
    let check = SignatureCheck.check(parsed, allowedSigners: allowedSigners)
    let verdict = Authorization.evaluate(check, tagger: tagger, permitted: permitted)
    checks.append(PromotionCheck(name: "signature", passed: check.status == .valid, detail: Authorization.describe(check)))
    if requireSignature || !permitted.isEmpty {
      checks.append(PromotionCheck(name: "signer", passed: verdict.authorized, detail: verdict.reason))
    }
    return PreparedTag(name: name.description, buffer: buffer, signed: true, checks: checks)
  }

  /// `GIT_COMMITTER_DATE`, which git also uses for tagger dates: ISO 8601, `@SECONDS` or
  /// `SECONDS +ZONE`.
  static func taggerDate() -> Date? {
    guard let text = Environment.value("GIT_COMMITTER_DATE"), !text.isEmpty else { return nil }
    if let date = Timestamp.parse(text) { return date }
    let seconds = text.hasPrefix("@") ? text.dropFirst() : Substring(text.split(separator: " ").first ?? "")
    return Int64(seconds).map { Date(timeIntervalSince1970: TimeInterval($0)) }
  }

  static func eventName(_ action: RegistryTagName.Action) -> String {
    switch action {
    case .register: "registration"
    case .deregister: "deregistration"
    case .assign: "assignment"
    case .unassign: "unassignment"
    case .deprecate: "deprecation"
    }
  }

  /// Writes the tags (through libgit2) and pushes them when asked.
  func publish(_ tags: [PreparedTag], report: inout RegistryReport) throws {
    for tag in tags {
      try workspace.repository.createTag(fromBuffer: tag.buffer)
      report.tags.append(tag.name)
      report.signed = report.signed || tag.signed
    }
    if let remote = options.push {
      try workspace.repository.push(tags.map { "refs/tags/\($0.name):refs/tags/\($0.name)" }, to: remote)
      report.pushedTo = remote
    }
  }
}

/// Whether a valid signature's key may act for the tagger in a stage.
enum Authorization {
  /// Authorised when the allowed-signers file lets the key sign as the tagger's e-mail (git
  /// itself does not compare them) and, when the stage lists signers, the tagger is one.
  static func evaluate(
    _ check: SignatureCheck, tagger: GitIdentity, permitted: [String]
  ) -> (authorized: Bool, reason: String) {
    guard check.status == .valid else {
      return (false, "no valid signature")
    }
    guard AllowedSigners.matches(tagger.email, patterns: check.principals) else {
      let key = check.fingerprint ?? "the key"
      return (false, "\(key) is not allowed to sign as \(tagger.email) (add it to the allowed signers file)")
    }
    if !permitted.isEmpty, !AllowedSigners.matches(tagger.email, patterns: permitted) {
      return (false, "\(tagger.email) may not promote to this stage (signers: \(permitted.joined(separator: ", ")))")
    }
    return (true, "\(tagger.email) with \(check.fingerprint ?? "an allowed key")")
  }

  static func describe(_ check: SignatureCheck) -> String {
    switch check.status {
    case .valid: "valid \(check.format ?? "") signature by \(check.fingerprint ?? "unknown key")"
    case .invalid: check.detail ?? "invalid signature"
    case .unsigned: "unsigned"
    case .unverifiable: check.detail ?? "cannot be checked"
    }
  }
}

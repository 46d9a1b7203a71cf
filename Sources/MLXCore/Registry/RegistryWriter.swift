import Foundation

/// A tag ready to write: its complete object bytes, the event they make, and the audit of
/// that event.
struct DraftTag {
  let name: String
  let bytes: [UInt8]
  let event: RegistryEvent
  let entry: AuditEntry
  var signed: Bool { entry.signature.status != .unsigned }
}

/// One registry write: holds the registry lock, reads the registry as it is, drafts and signs
/// tags, judges each with the auditor exactly as `mlx audit` will, and writes them only when
/// every one passes.
///
/// Under the lock no other mlx process can take the same counter. Each event gets its own
/// second (mlx waits for the clock when it must), so GTO's time order and mlx's counter
/// order agree on everything mlx writes.
final class RegistryWriter {
  let repository: Repository
  let artifact: String
  let options: RegistryWriteOptions
  let reading: RegistryReading
  /// The policy in force now, from the trusted ref.
  let policy: PolicyHistory.Version
  /// The artifact's state as the events that pass the audit built it; drafts that pass are
  /// applied to it.
  private(set) var state: RegistryAuditor.State
  let path: String?
  private let lock: FileLock
  let signer: TagSigner
  let tagger: GitIdentity
  private var nextCounter: Int
  private var lastSecond: Int64
  /// `GIT_COMMITTER_DATE`, when set.
  let fixedDate: GitDate?
  private(set) var drafts: [DraftTag] = []

  /// Takes the registry lock, then reads the registry with `read`.
  ///
  /// - Parameter resolvePath: the artifact's path (given, declared, or claimed by its events).
  init(
    repository: Repository, artifact: String, options: RegistryWriteOptions,
    read: () throws -> RegistryReading, resolvePath: (RegistryReading) throws -> String?
  ) throws {
    guard artifact.utf8.count <= RegistryTagName.maximumNameLength else {
      throw RegistryError.nameTooLong(artifact)
    }
    guard RegistryTagName.isValidArtifact(artifact) else {
      throw RegistryError.invalidName(artifact)
    }
    self.repository = repository
    self.artifact = artifact
    self.options = options
    lock = try Self.lock(repository)
    reading = try read()
    policy = reading.history.current
    // A policy read from HEAD for want of a trusted branch could be the promoted commit's own.
    if !reading.history.isTrusted, policy.hasPolicy { throw RegistryError.noTrustedRef }
    let snapshot = try reading.snapshot
    let declared = reading.auditor.declaredPath(artifact, policy.policy) != nil
    if !policy.policy.artifacts.isEmpty, !declared, options.path == nil,
      !snapshot.artifacts.contains(artifact)
    {
      throw RegistryError.unknownArtifact(artifact, known: policy.policy.artifacts.keys.sorted())
    }
    state = try reading.state(of: artifact)
    signer = try TagSigner.configured(repository, key: options.key)
    guard let identity = repository.identity() else {
      throw SigningError.failed(
        "Git does not know who you are; set `git config user.name` and `git config user.email`")
    }
    tagger = identity
    path = try resolvePath(reading)
    nextCounter = snapshot.nextCounter(for: artifact)
    // After every event of the artifact that counts: one that fails the audit (dated in the
    // future, say) must not hold writes back.
    let failing = Set(try reading.failingEvents().map(\.tag))
    let times = snapshot.events.filter { $0.artifact == artifact && !failing.contains($0.tag) }.map(
      \.time)
    lastSecond = times.max().map { Int64($0.timeIntervalSince1970) } ?? Int64.min
    // Write after the second of the policy in force, so it is the policy that judges.
    if policy.since != .distantPast {
      lastSecond = max(lastSecond, Int64(policy.since.timeIntervalSince1970))
    }
    if let text = Environment.value("GIT_COMMITTER_DATE"), !text.isEmpty {
      guard let date = GitDate(parsing: text) else { throw RegistryError.badDate(text) }
      fixedDate = date
    } else {
      fixedDate = nil
    }
  }

  /// The commit of a registered version that counts; a version registered only by a tag that
  /// fails the audit is named with the failure, so the user is not told it does not exist.
  func registeredCommit(of version: String) throws -> String {
    let name = SemanticVersion(version)?.description ?? version
    if let commit = state.registered[name] { return commit }
    let failures = try reading.failingEvents()
    let registration = try reading.snapshot.events.first { event in
      event.artifact == artifact && event.kind == .registration && event.version == name
    }
    if let registration, let failure = failures.first(where: { $0.tag == registration.tag }) {
      throw RegistryError.versionFailsAudit(
        artifact: artifact, version: name, tag: registration.tag,
        problem: failure.problems.first ?? failure.status)
    }
    throw RegistryError.unknownVersion(artifact: artifact, version: version)
  }

  /// A note when no path is known for the artifact: its tags then record no digest.
  func pathNote() -> [String] {
    guard path == nil else { return [] }
    return [
      "no path is known for \(artifact), so the tag records no model digest; declare it in "
        + ".mlx/policy.yaml (or GTO's artifacts.yaml), or pass --path"
    ]
  }

  /// What the commit records for the artifact.
  func evidence(at commit: String) throws -> ArtifactEvidence {
    try reading.auditor.evidence(path, commit)  // as the audit reads it (data re-checked)
  }

  /// Trailers recording what the commit holds: digest, run and metrics.
  func evidenceTrailers(at commit: String) throws -> [(String, String)] {
    let candidate = try evidence(at: commit)
    var trailers: [(String, String)] = []
    if let digest = candidate.digest { trailers.append(("Mlx-Digest", digest.description)) }
    if let run = candidate.run { trailers.append(("Mlx-Run", run)) }
    for (key, value) in candidate.metrics.sorted(by: { $0.key < $1.key }) {
      trailers.append(("Mlx-Metric", "\(key)=\(value)"))
    }
    return trailers
  }

  /// The gates of `stage` for a version at `commit`, as the tag records them.
  func gateTrailers(stage: String, commit: String) throws -> [(String, String)] {
    guard let rule = policy.policy.rule(for: stage), !rule.gates.isEmpty else { return [] }
    return try reading.auditor.gateOutcomes(
      rule, commit: commit, path: path, recorded: evidence(at: commit),
      holder: state.holder(of: stage), compared: state.comparedHolder(of: stage),
      policyCommit: policy.commit
    ).compactMap { outcome in
      outcome.gate.map { gate in
        let result = outcome.result
        return ("Mlx-Gate", "\(gate.text): \(result.passed ? "pass" : "fail") (\(result.detail))")
      }
    }
  }

  // MARK: - Drafting

  /// Builds and signs the tag `action` on `commit`, judges it as `mlx audit` will, and — when
  /// it passes — counts it in the state later drafts are judged against.
  @discardableResult
  func draft(
    _ action: RegistryTagName.Action, commit: String, summary: String,
    trailers extra: [(String, String)]
  ) throws -> DraftTag {
    let usesCounter: Bool
    switch action {
    case .assign, .unassign: usesCounter = true
    default: usesCounter = false
    }
    // Tag parsers (mlx's and GTO's) read counters of up to 18 digits.
    if usesCounter, nextCounter > 999_999_999_999_999_999 - 1 {
      let holder = try reading.snapshot.events.filter { $0.artifact == artifact }.max {
        ($0.counter ?? 0) < ($1.counter ?? 0)
      }
      throw RegistryError.counterExhausted(artifact: artifact, tag: holder?.tag ?? "?")
    }
    let name = RegistryTagName(
      artifact: artifact, action: action, counter: usesCounter ? nextCounter : nil)
    if usesCounter { nextCounter += 1 }
    if try repository.resolveReference("refs/tags/\(name)") != nil {
      throw RegistryError.tagExists(tag: name.description)
    }
    let version: String?
    switch action {
    case .register(let registered), .deregister(let registered): version = registered.description
    case .assign, .unassign: version = state.versionAtCommit[commit] ?? commit
    case .deprecate: version = nil
    }
    var trailers: [(String, String)] = [("Mlx-Artifact", artifact)]
    if let version { trailers.append(("Mlx-Version", version)) }
    if let stage = name.stage { trailers.append(("Mlx-Stage", stage)) }
    trailers.append(("Mlx-Event", RegistryEvent.Kind(action).rawValue))
    if let path { trailers.append(("Mlx-Path", path)) }
    trailers += extra
    trailers.append(("Mlx-Tool", "mlx \(MLXVersion.current)"))
    let message = TagMessage.compose(summary: summary, trailers: trailers)

    let date = try nextDate()
    let payload = TagObject.payload(
      object: commit, name: name.description, tagger: tagger, date: date, message: message)
    let signature = try signer.sign(payload)
    let bytes = payload + Array((signature ?? "").utf8)
    let object = TagObject.id(of: bytes)
    guard let raw = RawTag(id: object, bytes: bytes) else {
      throw SigningError.failed("the tag could not be read back")
    }
    let verdict = SignatureVerdict.verify(payload: raw.payload, signature: raw.signature)
    reading.remember(verdict, for: object.hex)
    let event = RegistryEvent(
      name: name, reference: name.description, object: object.hex,
      tag: RegistryCache.Entry(
        target: commit, targetType: "commit", name: raw.name, tagger: raw.tagger, time: raw.time,
        offsetMinutes: raw.offsetMinutes, message: raw.message))
    var entry = try reading.auditor.judge(event, state: state, stages: try reading.stageHistory())
    if entry.signature.status == .unsigned, entry.signatureRequired {
      entry = entry.explainingMissingKey()
    }
    if entry.passed {
      var resolved = event
      resolved.version = entry.version
      state.apply(resolved)
    }
    let draft = DraftTag(name: name.description, bytes: bytes, event: event, entry: entry)
    drafts.append(draft)
    return draft
  }

  /// The tagger time of the next event: after every event of the artifact, one per second.
  private func nextDate() throws -> GitDate {
    if let fixedDate {
      let date =
        fixedDate.seconds > lastSecond
        ? fixedDate : fixedDate.adding(seconds: lastSecond + 1 - fixedDate.seconds)
      lastSecond = date.seconds
      return date
    }
    while true {
      let now = GitDate.now()
      if now.seconds > lastSecond {
        lastSecond = now.seconds
        return now
      }
      guard lastSecond - now.seconds < 3 else {
        throw RegistryError.clockBehind(
          artifact: artifact, last: Date(timeIntervalSince1970: TimeInterval(lastSecond)))
      }
      // Wait for the next second, so no two events of the artifact share one.
      let fraction = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 1)
      Thread.sleep(forTimeInterval: max(0.001, 1 - fraction) + 0.002)
    }
  }

  // MARK: - Writing

  /// Whether every draft passes the audit.
  var accepted: Bool { drafts.allSatisfy(\.entry.passed) }

  /// Writes the drafts (through libgit2) and pushes them when asked; writes nothing unless
  /// every draft passes.
  func publish(into report: inout RegistryReport) throws {
    // The last draft is the event asked for; earlier ones (a registration before a
    // promotion) show only what failed. Claims mlx just wrote match by construction.
    report.checks = drafts.enumerated().flatMap { index, draft in
      draft.entry.checks.filter { check in
        index == drafts.count - 1 ? (!check.passed || check.kind != .mismatch) : !check.passed
      }.map(PromotionCheck.init)
    }
    report.accepted = accepted
    guard accepted else { return }
    for draft in drafts {
      try repository.createTag(fromBuffer: String(decoding: draft.bytes, as: UTF8.self))
      report.tags.append(draft.name)
      report.signed = report.signed || draft.signed
    }
    if let remote = options.push {
      do {
        try repository.push(
          drafts.map { "refs/tags/\($0.name):refs/tags/\($0.name)" }, to: remote)
      } catch let error as GitError {
        throw RegistryError.pushRejected(remote: remote, reason: error.message)
      }
      report.pushedTo = remote
    }
  }
}

extension PromotionCheck {
  init(_ check: AuditCheck) {
    self.init(name: check.name, passed: check.passed, detail: check.detail)
  }
}

extension AuditEntry {
  /// The same entry, its signature failure saying how to configure a key.
  func explainingMissingKey() -> AuditEntry {
    AuditEntry(
      tag: tag, event: event, artifact: artifact, version: version, stage: stage, commit: commit,
      tagger: tagger, time: time, signature: signature, signatureRequired: signatureRequired,
      status: status, problems: problems, warnings: warnings,
      checks: checks.map { check in
        guard check.kind == .unsigned, !check.passed else { return check }
        return AuditCheck(
          .unsigned, check.name, passed: false,
          "\(stage ?? "this event") requires a signed tag, and no signing key is set: "
            + "`git config gpg.format ssh` and `git config user.signingkey ~/.ssh/id_ed25519`, or --key"
        )
      }, policyCommit: policyCommit, isRollback: isRollback)
  }
}

extension RegistryWriter {
  /// Holds the registry lock (`.git/mlx/registry.lock`) for a write; waits for another mlx
  /// process writing the registry, saying so.
  static func lock(_ repository: Repository) throws -> FileLock {
    let directory = repository.gitDirectory + "/mlx"
    try FileSystem.createDirectories(directory)
    return try FileLock(path: directory + "/registry.lock") {
      StandardError.write("mlx: waiting for another mlx process writing the registry…\n")
    }
  }
}

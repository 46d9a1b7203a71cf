import Dispatch
import Foundation

/// The registry as the Git objects give it, with the policy history, approvals and the
/// auditor that judge it; read once per command.
final class RegistryReading {
  /// The registry tags, listed: enough for the caches' keys.
  let references: [RegistrySnapshot.Reference]
  let history: PolicyHistory
  let approvals: [Approval]
  let declarations: [String: RegistryPolicy.Artifact]
  private let repository: Repository
  private let fallbackSignersText: String?
  private(set) var auditor: RegistryAuditor!
  private var verdicts: [String: SignatureVerdict] = [:]
  private var evidence: EvidenceCache?
  private var audited: (entries: [AuditEntry], states: [String: RegistryAuditor.State])?
  private var failures: [AuditOutcomeCache.Failure]?
  private var readSnapshot: RegistrySnapshot?

  /// Every registry event, read from the tag objects on first use.
  var snapshot: RegistrySnapshot {
    get throws {
      if let readSnapshot { return readSnapshot }
      let read = try RegistrySnapshot.read(repository, references: references)
      readSnapshot = read
      return read
    }
  }

  /// - Parameter fallbackSignersText: the allowed-signers file Git's configuration names, used
  ///   where the trusted ref has none.
  /// - Parameter paired: the gate metrics computed from two commits (``PairedMetrics``); each
  ///   request is computed once per reading.
  /// - Parameter dataCheck: re-checks data against its schema for `data.validated`.
  init(
    repository: Repository, fallbackSignersText: String?, paired: PairedMetrics = .none,
    dataCheck: ComputedMetric.DataCheck? = nil
  ) throws {
    self.repository = repository
    references = try RegistrySnapshot.references(repository)
    self.fallbackSignersText = fallbackSignersText
    history = try PolicyHistory.read(
      repository,
      fallbackSigners: try fallbackSignersText.map {
        try AllowedSigners(parsing: $0, path: "gpg.ssh.allowedSignersFile")
      })
    approvals = try Self.readApprovals(repository)
    declarations =
      history.current.policy.artifacts.isEmpty ? try Self.gtoArtifacts(repository, history) : [:]
    auditor = RegistryAuditor(
      history: history, declarations: declarations, approvals: approvals,
      evidence: { [unowned self, unowned repository] path, commit in
        let key = EvidenceCache.key(path: path, commit: commit)
        if self.evidence == nil {
          self.evidence = EvidenceCache(gitDirectory: repository.gitDirectory)
        }
        if let known = self.evidence?.entries[key] { return known }
        let found = try repository.artifactEvidence(
          path: path, commit: commit, dataCheck: dataCheck)
        // A missing commit may arrive with the next fetch, and the cache has no room for a
        // problem: neither is remembered.
        // Nor is a value this machine's store decided (data not fetched).
        let dependsOnStore = found.computed.values.contains { $0.dependsOnStore == true }
        if dependsOnStore { self.evidenceDependsOnStore = true }
        if found.commitExists, found.lockProblem == nil, !dependsOnStore {
          self.evidence?.record(found, for: key)
        }
        return found
      },
      verdict: { [unowned self, unowned repository] event in
        if let known = self.verdicts[event.object] { return known }
        guard let id = GitOID(hex: event.object), let tag = try repository.annotatedTag(id) else {
          return .unsigned
        }
        return SignatureVerdict.verify(payload: tag.payload, signature: tag.signature)
      })
    auditor.paired = PairedMetrics(names: paired.names) { [unowned self] request in
      if let known = self.pairedOutcomes[request] { return known }
      let found = try paired.evaluate(request)
      self.pairedOutcomes[request] = found
      return found
    }
  }

  /// Whether a computed gate metric could not be judged from this machine's store.
  private var evidenceDependsOnStore = false

  /// Paired gate metrics computed so far, by the two commits (and path and policy) compared.
  private var pairedOutcomes: [PairedMetrics.Request: [String: PairedMetrics.Outcome]] = [:]

  /// Whether an outcome of this reading depends on what the store holds (a gate that could
  /// not be verified here): the audit cache then keeps nothing, as `mlx pull` can change it
  /// without changing anything the cache's key covers.
  private var dependsOnStore: Bool {
    evidenceDependsOnStore
      || pairedOutcomes.values.contains { outcomes in
        outcomes.values.contains {
          if case .unverifiable = $0 { return true }
          return false
        }
      }
  }

  /// Every event judged, once per command.
  func audit() throws -> (entries: [AuditEntry], states: [String: RegistryAuditor.State]) {
    if let audited { return audited }
    let snapshot = try self.snapshot
    try verifySignatures(of: snapshot.events)
    let result = try auditor.audit(snapshot)
    audited = result
    evidence?.save()
    let failed = result.entries.filter { !$0.passed }.map {
      AuditOutcomeCache.Failure(
        tag: $0.tag, artifact: $0.artifact, status: $0.status, problems: $0.problems)
    }
    failures = failed
    // Events dated in the future fail until their time comes: the outcome holds until then.
    let expiry = snapshot.events.map(\.time).filter {
      $0 > auditor.now.addingTimeInterval(RegistryAuditor.clockSkew)
    }
    .min().map { $0.addingTimeInterval(-RegistryAuditor.clockSkew) }
    if !dependsOnStore {
      AuditOutcomeCache.save(
        failed, key: outcomeKey, expiry: expiry, gitDirectory: repository.gitDirectory)
    }
    return result
  }

  /// The events that fail the audit: from the audit cache when nothing the audit reads
  /// changed since it was written, else from a full audit.
  func failingEvents() throws -> [AuditOutcomeCache.Failure] {
    if let failures { return failures }
    if let cached = AuditOutcomeCache.load(gitDirectory: repository.gitDirectory, key: outcomeKey) {
      failures = cached
      return cached
    }
    _ = try audit()
    return failures ?? []
  }

  /// The stages each commit and artifact was ever assigned, in every event.
  func stageHistory() throws -> RegistryAuditor.StageHistory {
    if let stages { return stages }
    let built = RegistryAuditor.StageHistory(try snapshot.events)
    stages = built
    return built
  }

  private var stages: RegistryAuditor.StageHistory?

  private(set) lazy var outcomeKey = AuditOutcomeCache.key(
    references: references, history: history, approvals: approvals,
    fallbackSigners: fallbackSignersText,
    shallow: try? FileSystem.readTextIfPresent(repository.gitDirectory + "/shallow"))

  /// The events registry reads count: every one without a policy on the trusted ref, else
  /// those that pass the audit (all of them with `all`). Replayed tags never count.
  func counted(all: Bool) throws -> (snapshot: RegistrySnapshot, skipped: [SkippedEvent]) {
    let snapshot = try self.snapshot
    guard history.enforces, !all else {
      let replayed = Set(snapshot.replayed.map(\.tag))
      let skipped = replayed.isEmpty ? [] : try failingEvents().filter { replayed.contains($0.tag) }
      return (snapshot, skipped.map(SkippedEvent.init))
    }
    let failing = try failingEvents()
    guard !failing.isEmpty else { return (snapshot, []) }
    let failingTags = Set(failing.map(\.tag))
    let kept = snapshot.events.filter { !failingTags.contains($0.tag) }
    return (snapshot.keeping(kept), failing.map(SkippedEvent.init))
  }

  /// The registry's state now, over the events that count: from the view cache while nothing
  /// the audit reads changed, else computed (and cached, unless an event is dated in the
  /// future, whose failure lasts only until its time).
  func currentView() throws -> RegistryViewCache.View {
    let gitDirectory = repository.gitDirectory
    if let cached = RegistryViewCache.load(gitDirectory: gitDirectory, key: outcomeKey) {
      return cached
    }
    let (snapshot, skipped) = try counted(all: false)
    let view = RegistryViewCache.View(
      states: snapshot.artifacts.map { snapshot.state(of: $0) }, skipped: skipped)
    let horizon = Date().addingTimeInterval(RegistryAuditor.clockSkew)
    // Every event, counted or not: one dated in the future fails only until its time.
    if try !self.snapshot.events.contains(where: { $0.time > horizon }), !dependsOnStore {
      RegistryViewCache.save(view, key: outcomeKey, gitDirectory: gitDirectory)
    }
    return view
  }

  /// What one tag is, as GTO's `check-ref` answers it, with its audit: nil when it is not a
  /// registry tag.
  func check(tag name: String) throws -> RefCheck? {
    let entries = try audit().entries
    let snapshot = try self.snapshot
    guard let event = (snapshot.events + snapshot.replayed).first(where: { $0.tag == name }),
      let entry = entries.first(where: { $0.tag == name })
    else {
      // A registry name with no annotated tag behind it (a lightweight tag, or none): under a
      // policy CI must not act on it.
      if RegistryTagName(parsing: name) != nil, history.enforces {
        throw RegistryError.notAnEvent(name)
      }
      return nil
    }
    var resolved = event
    resolved.version = entry.version
    return RefCheck(
      event: resolved, audit: entry, enforced: history.enforces,
      policyTrusted: history.isTrusted)
  }

  /// Where an artifact is, as the registry says: declared in the trusted policy (or GTO's
  /// `artifacts.yaml`), or, for an undeclared artifact, what its latest counted event claims
  /// (`Mlx-Path`).
  func path(of artifact: String) throws -> String? {
    if let declared = auditor.declaredPath(artifact, history.current.policy) { return declared }
    // Only events that count may say where the artifact is.
    return try counted(all: false).snapshot.events
      .last { $0.artifact == artifact && $0.trailer("Mlx-Path") != nil }?
      .trailer("Mlx-Path").flatMap { RelativePath.isSafe($0) ? $0 : nil }
  }

  /// Whether the event behind `tag` passes the audit.
  func passes(_ tag: String) throws -> Bool {
    try !failingEvents().contains { $0.tag == tag }
  }

  /// The state the events of `artifact` that pass the audit built: what a write is judged
  /// against.
  func state(of artifact: String) throws -> RegistryAuditor.State {
    try audit().states[artifact] ?? RegistryAuditor.State()
  }

  // MARK: - Signatures

  /// Remembers the verdict of a tag not yet written (a draft), for the auditor to judge it.
  func remember(_ verdict: SignatureVerdict, for object: String) { verdicts[object] = verdict }

  /// Verifies every tag's signature once: known verdicts come from the signature cache; new
  /// ones are verified on two threads (each with its own repository handle) and cached.
  private func verifySignatures(of events: [RegistryEvent]) throws {
    var cache = SignatureCache.load(gitDirectory: repository.gitDirectory)
    var missing: [String] = []
    for event in events {
      if let known = cache.verdicts[event.object] {
        verdicts[event.object] = known
      } else {
        missing.append(event.object)
      }
    }
    guard !missing.isEmpty else { return }
    let gitDirectory = repository.gitDirectory
    let halves =
      missing.count > 200
      ? [Array(missing[..<(missing.count / 2)]), Array(missing[(missing.count / 2)...])] : [missing]
    let results = ConcurrentResults<[(String, SignatureVerdict)]>(count: halves.count)
    DispatchQueue.concurrentPerform(iterations: halves.count) { index in
      results.record(index) {
        let reader = try Repository.discover(from: gitDirectory)
        return try halves[index].map { object in
          guard let id = GitOID(hex: object), let tag = try reader.annotatedTag(id) else {
            return (object, SignatureVerdict.unsigned)
          }
          return (object, SignatureVerdict.verify(payload: tag.payload, signature: tag.signature))
        }
      }
    }
    for (object, verdict) in try results.values().joined() {
      verdicts[object] = verdict
      cache.record(verdict, for: object)
    }
    cache.save(keeping: Set(events.map(\.object)))
  }

  // MARK: - Approvals

  private static func readApprovals(_ repository: Repository) throws -> [Approval] {
    try repository.references(matching: Approval.namespace + "*").compactMap { name, target in
      guard let tag = try repository.annotatedTag(target) else { return nil }
      return Approval(reference: name, tag: tag)
    }
  }

  // MARK: - GTO's declarations

  /// GTO's `artifacts.yaml` at the trusted ref, read as artifact declarations when the policy
  /// declares none.
  private static func gtoArtifacts(
    _ repository: Repository, _ history: PolicyHistory
  ) throws -> [String: RegistryPolicy.Artifact] {
    guard let reference = history.trustedRef, let tip = try? repository.commit(reference),
      let bytes = try repository.file("artifacts.yaml", inCommit: tip)
    else { return [:] }
    return try RegistryPolicy.gtoArtifacts(parsing: String(decoding: bytes, as: UTF8.self))
  }
}

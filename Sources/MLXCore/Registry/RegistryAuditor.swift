import Foundation

/// Judges registry events against the policy, whoever wrote them: `mlx audit`, the verified
/// reads of `mlx registry`, and `mlx promote` before it writes anything all use it, so mlx
/// never writes what its own audit would reject.
///
/// Each artifact's events are walked in order. An event is judged against the policy in force
/// at its time (``PolicyHistory``) and against the state the events before it that passed
/// have built: who held each stage, which versions held which stage, which counters are used.
/// Only passing events change that state, so a forged event cannot open the way for another.
struct RegistryAuditor {
  let history: PolicyHistory
  /// Artifacts declared outside the policy (GTO's `artifacts.yaml`), for their paths.
  let declarations: [String: RegistryPolicy.Artifact]
  /// Approvals found in the repository.
  let approvals: [Approval]
  /// What a commit records for an artifact at a path.
  let evidence: (_ path: String?, _ commit: String) throws -> ArtifactEvidence
  /// The signature verdict of a tag object.
  let verdict: (RegistryEvent) throws -> SignatureVerdict
  /// Gate metrics computed from the candidate's commit and the stage holder's (`drift.psi`).
  var paired = PairedMetrics.none
  /// The time of the audit: events dated after it (beyond clock skew) fail.
  var now = Date()
  /// How far ahead of this machine's clock another machine's may be.
  static let clockSkew: TimeInterval = 300

  /// What the state keeps of a stage event: enough to order it and name its version.
  struct StageEvent: Sendable, Equatable {
    let tag: String
    let kind: RegistryEvent.Kind
    let version: String?
    let stage: String?
    let commit: String
    let counter: Int?
    let time: Date

    init(_ event: RegistryEvent) {
      (tag, kind, version, stage, commit, counter, time) =
        (event.tag, event.kind, event.version, event.stage, event.commit, event.counter, event.time)
    }

    /// ``ArtifactState/stageOrder(_:_:)``: counter, then time, priority and name.
    static func precedes(_ a: StageEvent, _ b: StageEvent) -> Bool {
      if let x = a.counter, let y = b.counter, x != y { return x < y }
      if a.time != b.time { return a.time < b.time }
      if a.kind.priority != b.kind.priority { return a.kind.priority < b.kind.priority }
      if (a.counter ?? 0) != (b.counter ?? 0) { return (a.counter ?? 0) < (b.counter ?? 0) }
      return a.tag < b.tag
    }
  }

  /// The state an artifact's passing events have built so far.
  struct State {
    /// Version to commit, for versions registered and not deregistered.
    var registered: [String: String] = [:]
    /// Versions that ever had a registration or deregistration.
    var explicit: Set<String> = []
    /// The version registered at each commit (GTO's rule for stage events).
    var versionAtCommit: [String: String] = [:]
    /// The commit each version was first registered at.
    var versionCommit: [String: String] = [:]
    /// Per stage, the last passing assignment or unassignment of each version.
    private var pairs: [String: [String: StageEvent]] = [:]
    /// Per stage, its holder: kept up to date as events apply, so judging an event never
    /// scans the history.
    private var holders: [String: StageEvent] = [:]
    /// Version and stage pairs that were ever assigned.
    var everHeld: Set<String> = []
    /// Passing assignments, in order: what a rollback goes back through.
    var assignments: [StageEvent] = []
    /// Whether the artifact's last passing event was a deprecation.
    var deprecated = false

    static func key(_ version: String, _ stage: String) -> String { version + "\u{0}" + stage }

    /// The version an event is about: a registration's own, else the version registered at
    /// its commit, else the commit itself.
    func version(of event: RegistryEvent) -> String? {
      switch event.kind {
      case .registration, .deregistration: event.version
      case .assignment, .unassignment: versionAtCommit[event.commit] ?? event.commit
      case .deprecation: nil
      }
    }

    /// Whether a version can hold a stage: registered now, or never registered (a version
    /// named by its commit).
    func isActive(_ version: String) -> Bool {
      registered[version] != nil || !explicit.contains(version)
    }

    /// Who holds `stage`: the version assigned to it last, among the active ones.
    func holder(of stage: String) -> StageEvent? { holders[stage] }

    /// What a paired gate (`drift.psi`) compares with: the holder of `stage`, or when nobody
    /// holds it now, the version that held it last, so emptying a stage first (`mlx
    /// unassign`) does not skip the comparison.
    func comparedHolder(of stage: String) -> StageEvent? {
      holders[stage] ?? assignments.last { $0.stage == stage }
    }

    /// Stages `version` holds (every held stage when `version` is nil).
    func stagesHeld(by version: String?) -> [String] {
      holders.filter { version == nil || $0.value.version == version }.keys.sorted()
    }

    mutating func apply(_ event: RegistryEvent) {
      deprecated = event.kind == .deprecation
      guard let version = event.version else { return }
      switch event.kind {
      case .registration, .deregistration:
        registered[version] = event.kind == .registration ? event.commit : nil
        explicit.insert(version)
        if versionCommit[version] == nil { versionCommit[version] = event.commit }
        versionAtCommit[event.commit] = version
        // The version's assignments count again, or no longer.
        for (stage, versions) in pairs where versions[version] != nil { recomputeHolder(of: stage) }
      case .assignment, .unassignment:
        guard let stage = event.stage else { return }
        let recorded = StageEvent(event)
        pairs[stage, default: [:]][version] = recorded
        if event.kind == .assignment {
          everHeld.insert(Self.key(version, stage))
          assignments.append(recorded)
          if isActive(version), holders[stage].map({ StageEvent.precedes($0, recorded) }) ?? true {
            holders[stage] = recorded
          }
        } else if holders[stage]?.version == version {
          recomputeHolder(of: stage)
        }
      case .deprecation:
        break
      }
    }

    private mutating func recomputeHolder(of stage: String) {
      var best: StageEvent?
      for event in (pairs[stage] ?? [:]).values where event.kind == .assignment {
        guard let version = event.version, isActive(version) else { continue }
        if let current = best, !StageEvent.precedes(current, event) { continue }
        best = event
      }
      holders[stage] = best
    }
  }

  // MARK: - Auditing a registry

  /// Stages ever assigned at each commit, and to each artifact, by any event of the registry
  /// whatever its time or verdict: what a deregistration, a re-registration or a deprecation
  /// could take away, however it is dated. Keyed by commit, which no tag can reinterpret (a
  /// version name is derived, and a forged registration could shift it).
  struct StageHistory {
    private var byCommit: [String: Set<String>] = [:]
    private var byArtifact: [String: Set<String>] = [:]
    /// Every commit any registration of a version name points at.
    private var commitsOfVersion: [String: Set<String>] = [:]

    init(_ events: [RegistryEvent]) {
      for event in events {
        switch event.kind {
        case .assignment, .unassignment:
          guard let stage = event.stage else { continue }
          byArtifact[event.artifact, default: []].insert(stage)
          byCommit[event.artifact + "\u{0}" + event.commit, default: []].insert(stage)
        case .registration, .deregistration:
          if let version = event.version {
            commitsOfVersion[event.artifact + "\u{0}" + version, default: []].insert(event.commit)
          }
        case .deprecation:
          break
        }
      }
    }

    func stages(of artifact: String, commit: String? = nil) -> Set<String> {
      guard let commit else { return byArtifact[artifact] ?? [] }
      return byCommit[artifact + "\u{0}" + commit] ?? []
    }

    /// The stages a registration could hand out or take: those ever assigned at its commit,
    /// and at every commit any registration of the same version name points at (a name
    /// registered elsewhere first would take the stages of the version it impersonates).
    func stages(ofRegistration version: String, artifact: String, commit: String) -> Set<String> {
      (commitsOfVersion[artifact + "\u{0}" + version] ?? []).union([commit]).reduce(
        into: Set<String>()
      ) {
        $0.formUnion(stages(of: artifact, commit: $1))
      }
    }
  }

  /// Audits every event (replayed ones included) and returns the entries in chronological
  /// order, with the final state of each artifact.
  ///
  /// Two passes: the first judges everything but counters and time order; then, among the
  /// events that passed, a counter used twice or a time that goes back against the counters
  /// fails the weaker event (unsigned, or signed by a key the allowed signers do not grant),
  /// so an event that fails, or an unsigned one, can never make a signed one fail; the second
  /// pass judges again with those findings.
  func audit(_ snapshot: RegistrySnapshot) throws -> (
    entries: [AuditEntry], states: [String: State]
  ) {
    let stages = StageHistory(snapshot.events)
    let sameSecond = Self.sameSecondTags(snapshot.events)
    var (entries, states) = try walk(
      snapshot.events, stages: stages, order: [:], sameSecond: sameSecond)
    let order = Self.orderFailures(snapshot.events, entries: entries)
    if !order.isEmpty {
      (entries, states) = try walk(
        snapshot.events, stages: stages, order: order, sameSecond: sameSecond)
    }
    for event in snapshot.replayed {
      entries.append(replayedEntry(event))
    }
    let sorted = entries.indices.sorted { a, b in
      entries[a].time != entries[b].time ? entries[a].time < entries[b].time : a < b
    }
    return (sorted.map { entries[$0] }, states)
  }

  private func walk(
    _ events: [RegistryEvent], stages: StageHistory, order: [String: AuditCheck],
    sameSecond: [String: String]
  ) throws -> (entries: [AuditEntry], states: [String: State]) {
    var entries: [AuditEntry] = []
    var states: [String: State] = [:]
    entries.reserveCapacity(events.count)
    for event in events {
      // The state is judged in place and mutated in place: a copy per event would copy every
      // table it holds.
      if states[event.artifact] == nil { states[event.artifact] = State() }
      let entry = try judge(
        event, state: states[event.artifact]!, stages: stages, order: order[event.tag],
        sameSecond: sameSecond[event.tag])
      if entry.passed {
        var resolved = event
        resolved.version = entry.version
        states[event.artifact]!.apply(resolved)
      }
      entries.append(entry)
    }
    return (entries, states)
  }

  /// Counters used twice and times that go back against counters, among events that passed
  /// everything else: the finding goes to the weaker event of each pair.
  static func orderFailures(_ events: [RegistryEvent], entries: [AuditEntry]) -> [String:
    AuditCheck]
  {
    var passing: [String: AuditEntry] = [:]
    for entry in entries where entry.passed { passing[entry.tag] = entry }
    func strength(_ tag: String) -> Int {
      guard let entry = passing[tag], entry.signature.status == .valid,
        AllowedSigners.matches(entry.tagger.email, patterns: entry.signature.principals)
      else { return 0 }
      return 1
    }
    var failures: [String: AuditCheck] = [:]
    let counted = events.filter { $0.counter != nil && passing[$0.tag] != nil }
    for (_, group) in Dictionary(grouping: counted, by: \.artifact) {
      // Counters used twice: the strongest keeps it, if it is the only one that strong.
      for (counter, users) in Dictionary(grouping: group, by: { $0.counter! }) where users.count > 1
      {
        let best = users.map { strength($0.tag) }.max()!
        let winners = users.filter { strength($0.tag) == best }
        for user in users where winners.count > 1 || strength(user.tag) < best {
          let others = users.filter { $0.tag != user.tag }.map(\.tag).joined(separator: ", ")
          failures[user.tag] = AuditCheck(
            .counter, "counter", passed: false,
            winners.count > 1
              ? "counter \(counter) is also used by \(others): the order of the two is unknowable"
              : "counter \(counter) is also used by \(winners[0].tag), signed by an allowed signer")
        }
      }
      // Times against counters: a higher counter with an earlier time than a lower one.
      var latest: RegistryEvent?
      for event in group.filter({ failures[$0.tag] == nil }).sorted(by: {
        ($0.counter!, $0.time) < ($1.counter!, $1.time)
      }) {
        if let earlier = latest, earlier.time > event.time, earlier.counter! < event.counter! {
          if strength(event.tag) > strength(earlier.tag) {
            failures[earlier.tag] = AuditCheck(
              .backdated, "time", passed: false,
              "its time is later than that of \(event.tag), whose counter is higher and which is signed by an "
                + "allowed signer: the tag claims a time it was not made at")
            latest = event
            continue
          }
          failures[event.tag] = AuditCheck(
            .backdated, "time", passed: false,
            "its counter comes after \(earlier.tag), whose time is later: the tag claims an earlier time than it was made at"
          )
          continue
        }
        if latest == nil || event.time > latest!.time { latest = event }
      }
    }
    return failures
  }

  // MARK: - Judging one event

  /// Judges `event` against the policy at its time and the state before it. `stages` (the
  /// whole registry's stage history) decides which stages a deregistration, re-registration
  /// or deprecation could take away; `order` is a finding of ``orderFailures(_:entries:)``.
  func judge(
    _ event: RegistryEvent, state: State, stages: StageHistory, order: AuditCheck? = nil,
    sameSecond: String? = nil
  ) throws -> AuditEntry {
    let policy = history.at(event.time)
    var checks: [AuditCheck] = []
    var warnings: [String] = []
    if let problem = policy.problem {
      checks.append(
        AuditCheck(
          .policy, "policy", passed: false,
          "the policy in force (commit \(policy.commit?.prefix(7) ?? "?")) cannot be read: \(problem); "
            + "events judged by it fail: fix the policy, then make them again"))
    }
    let version = state.version(of: event)
    let rule = event.stage.flatMap(policy.policy.rule(for:))
    let isRollback =
      event.kind == .assignment
      && version.map { state.everHeld.contains(State.key($0, event.stage ?? "")) } == true

    // Which stage rules govern the event: its own stage's, or those of every stage a
    // deregistration, re-registration or deprecation could take away or give back.
    var governing: [RegistryPolicy.StageRule] = []
    switch event.kind {
    case .assignment, .unassignment:
      if let stage = event.stage {
        if let rule {
          governing = [rule]
        } else {
          checks.append(
            AuditCheck(
              .stage, "stage", passed: false,
              "the policy lists no stage '\(stage)' (stages: \(policy.policy.stages.map(\.name).joined(separator: ", ")))"
            ))
        }
      }
    case .deregistration:
      // The stages held at the version's commit, and at the tag's (they differ only when the
      // tag contradicts the registry, which fails as a conflict anyway).
      let commits = Set(
        [event.commit] + (version.flatMap { state.versionCommit[$0] }.map { [$0] } ?? []))
      governing = commits.reduce(Set(state.stagesHeld(by: version))) {
        $0.union(stages.stages(of: event.artifact, commit: $1))
      }
      .sorted().compactMap(policy.policy.rule(for:))
    case .deprecation:
      governing = Set(state.stagesHeld(by: nil)).union(stages.stages(of: event.artifact))
        .sorted().compactMap(policy.policy.rule(for:))
    case .registration:
      // Whatever its date, a registration decides which version later stage events at its
      // commit belong to, and may re-activate a deprecated artifact: it is judged by the
      // rules of every stage it could so hand out.
      var could =
        version.map {
          stages.stages(ofRegistration: $0, artifact: event.artifact, commit: event.commit)
        } ?? []
      if state.deprecated { could.formUnion(stages.stages(of: event.artifact)) }
      governing = could.sorted().compactMap(policy.policy.rule(for:))
    }
    checks += conflictChecks(event, version: version, state: state)
    let required = governing.contains { $0.needsSignature }
    let signature = SignatureCheck(
      try verdict(event), allowedSigners: policy.signers, at: event.time)
    checks += Self.signatureChecks(
      signature, tagger: event.tagger, required: required, governing: governing,
      signers: policy.signers,
      missingSigners: policy.missingSigners.map { "\($0) on \(history.trustedRef ?? "HEAD")" })

    let path = declaredPath(event.artifact, policy.policy) ?? event.trailer("Mlx-Path")
    let recorded = try evidence(path, event.commit)
    if !recorded.commitExists {
      checks.append(
        AuditCheck(
          .invalid, "commit", passed: false,
          "the tag points at \(event.commit.prefix(12)), which is no commit in this repository "
            + "(a shallow clone needs `git fetch --unshallow`; otherwise the tag is forged)"))
    }

    if event.kind == .assignment, let rule, let version {
      // Stage order: the version held the stage `after` names (or this stage, for a rollback).
      if let after = rule.after {
        let held = state.everHeld.contains(State.key(version, after)) || isRollback
        checks.append(
          AuditCheck(
            .order, "stage order", passed: held,
            held
              ? "\(version) has been in \(after)"
              : "\(version) must be in \(after) before \(rule.name)"))
      }
      // Gates, recomputed from what the commits record.
      if !rule.gates.isEmpty {
        if isRollback && rule.rollback == .skipGates {
          checks.append(
            AuditCheck(
              .gates, "gates", passed: true,
              "\(version) held \(rule.name) before; the policy's rollback rule skips the gates"))
        } else {
          checks += try gateOutcomes(
            rule, commit: event.commit, path: path, recorded: recorded,
            holder: state.holder(of: rule.name), compared: state.comparedHolder(of: rule.name),
            policyCommit: policy.commit
          ).map(\.check)
        }
      }
      if rule.approvals.required > 0 {
        checks.append(approvalCheck(event, version: version, rule: rule, policy: policy))
      }
    }

    checks += claimChecks(event, version: version, policy: policy, recorded: recorded)
    if let order { checks.append(order) }
    if event.time > now.addingTimeInterval(Self.clockSkew) {
      checks.append(
        AuditCheck(
          .backdated, "time", passed: false,
          "it is dated \(Timestamp.format(event.time)), in the future: a tag claims no time it was not made at"
        ))
    }
    if let sameSecond {
      warnings.append("made in the same second as \(sameSecond): GTO may order the two differently")
    }
    return makeEntry(
      event, version: version, signature: signature, required: required, checks: checks,
      warnings: warnings, policyCommit: policy.hasPolicy ? policy.commit : nil,
      isRollback: isRollback)
  }

  /// The gates of `rule` for the version at `commit` (what it records is `recorded`), against
  /// the stage's `holder` (the state before the event): recorded metrics, computed ones
  /// (``ComputedMetric``) and paired ones (``PairedMetrics``, against `compared`: the holder,
  /// or the last version that held the stage). `mlx promote` writes these results into the
  /// tag; the audit recomputes them.
  func gateOutcomes(
    _ rule: RegistryPolicy.StageRule, commit: String, path: String?, recorded: ArtifactEvidence,
    holder: StageEvent?, compared: StageEvent?, policyCommit: String?
  ) throws -> [GateOutcome] {
    let holderEvidence = try holder.map { try self.evidence(path, $0.commit) }
    var outcomes: [GateOutcome] = []
    for (problem, at) in [
      (recorded.lockProblem, commit), (holderEvidence?.lockProblem, holder?.commit),
    ] {
      guard let problem, let at else { continue }
      let gate = Gate.Result(
        gate: "gates", passed: false,
        detail: "\(LockFile.fileName) at commit \(at.prefix(12)) cannot be read, so its "
          + "metrics are unknown: \(problem)")
      outcomes.append(GateOutcome(gate: nil, result: gate, unverifiable: false))
    }
    var paired: [String: PairedMetrics.Outcome]?
    for gate in rule.gates {
      guard self.paired.names.contains(gate.metric) else {
        let result = gate.evaluate(
          candidate: recorded.metrics, current: holderEvidence?.metrics,
          computed: recorded.computed, currentComputed: holderEvidence?.computed)
        outcomes.append(GateOutcome(gate: gate, result: result, unverifiable: false))
        continue
      }
      if paired == nil, let compared {
        if let path {
          paired = try self.paired.evaluate(
            PairedMetrics.Request(
              path: path, candidate: commit, holder: compared.commit,
              holderVersion: compared.version, policyCommit: policyCommit))
        } else {
          let why = PairedMetrics.Outcome.failed(
            "no path is known for the artifact, so its training data is unknown")
          paired = Dictionary(uniqueKeysWithValues: self.paired.names.map { ($0, why) })
        }
      }
      outcomes.append(
        gate.evaluate(
          paired: paired?[gate.metric], holder: compared != nil, current: holderEvidence?.metrics))
    }
    return outcomes
  }

  /// GTO's one version per commit and one commit per version: a registration or
  /// deregistration that contradicts the registry so far.
  private func conflictChecks(_ event: RegistryEvent, version: String?, state: State)
    -> [AuditCheck]
  {
    guard let version else { return [] }
    switch event.kind {
    case .registration:
      if let commit = state.versionCommit[version], commit != event.commit {
        return [
          AuditCheck(
            .conflict, "version", passed: false,
            "\(version) is registered at commit \(commit.prefix(7)) already; a version has one commit"
          )
        ]
      }
      if let other = state.versionAtCommit[event.commit], other != version,
        state.registered[other] != nil
      {
        return [
          AuditCheck(
            .conflict, "version", passed: false,
            "commit \(event.commit.prefix(7)) is registered as \(other) already; a commit has one version"
          )
        ]
      }
    case .deregistration:
      if state.registered[version] != event.commit {
        return [
          AuditCheck(
            .conflict, "version", passed: false,
            "\(version) is not registered at commit \(event.commit.prefix(7))")
        ]
      }
    default:
      break
    }
    return []
  }

  private func makeEntry(
    _ event: RegistryEvent, version: String?, signature: SignatureCheck, required: Bool,
    checks: [AuditCheck], warnings: [String], policyCommit: String?, isRollback: Bool
  ) -> AuditEntry {
    let failed = checks.filter { !$0.passed }
    let status = AuditStatus.severity.first { kind in failed.contains { $0.kind == kind } } ?? .ok
    return AuditEntry(
      tag: event.tag, event: event.kind, artifact: event.artifact, version: version,
      stage: event.stage, commit: event.commit, tagger: event.tagger, time: event.time,
      signature: signature, signatureRequired: required, status: status.rawValue,
      problems: failed.map { "\($0.name): \($0.detail)" }, warnings: warnings, checks: checks,
      policyCommit: policyCommit, isRollback: isRollback)
  }

  /// A replayed tag fails whatever its signature says.
  private func replayedEntry(_ event: RegistryEvent) -> AuditEntry {
    let check = AuditCheck(
      .replayed, "tag name", passed: false,
      "the tag object was written as '\(event.recordedName)', not '\(event.tag)': a replayed tag, ignored by every registry read"
    )
    return makeEntry(
      event, version: event.version, signature: SignatureCheck(status: .unsigned, principals: []),
      required: false, checks: [check], warnings: [],
      policyCommit: history.at(event.time).hasPolicy ? history.at(event.time).commit : nil,
      isRollback: false)
  }

  // MARK: - Signatures

  /// The signature, and whether its key may sign as the tagger (and the tagger may act in the
  /// governing stages).
  static func signatureChecks(
    _ signature: SignatureCheck, tagger: GitIdentity, required: Bool,
    governing: [RegistryPolicy.StageRule], signers: AllowedSigners,
    missingSigners: String? = nil
  ) -> [AuditCheck] {
    switch signature.status {
    case .invalid:
      return [
        AuditCheck(
          .invalid, "signature", passed: false,
          "invalid signature: \(signature.detail ?? "does not match the tag")")
      ]
    case .unsigned, .unverifiable:
      guard required else {
        return [AuditCheck(.unsigned, "signature", passed: true, "unsigned; not required here")]
      }
      let why =
        signature.status == .unsigned ? "unsigned" : "cannot be checked (\(signature.detail ?? ""))"
      let stages = governing.filter(\.needsSignature).map(\.name).joined(separator: ", ")
      return [
        AuditCheck(
          .unsigned, "signature", passed: false, "\(why), but \(stages) requires a signature")
      ]
    case .valid:
      var checks = [
        AuditCheck(
          .invalid, "signature", passed: true,
          "valid \(signature.format ?? "") signature by \(signature.fingerprint ?? "unknown key")")
      ]
      if signers.entries.isEmpty && !required {
        checks.append(
          AuditCheck(
            .unauthorised, "signer", passed: true,
            "no allowed signers file; the signer is not checked"))
        return checks
      }
      guard AllowedSigners.matches(tagger.email, patterns: signature.principals) else {
        let detail: String
        if signature.format == "openpgp" {
          detail =
            "an OpenPGP signature cannot be authorised: the allowed-signers file lists SSH keys; sign with one"
        } else if let missingSigners, signers.entries.isEmpty {
          detail =
            "the allowed signers file \(missingSigners) is missing: create it (one line per key: "
            + "EMAIL namespaces=\"git\" ssh-ed25519 KEY) and commit it there, or name another "
            + "in the policy's allowed_signers"
        } else if signers.entries.isEmpty {
          detail =
            "no allowed signers file lets any key sign here; commit one and name it in the policy"
        } else {
          detail =
            "\(signature.fingerprint ?? "the key") is not allowed to sign as \(tagger.email) (add it to the allowed signers file)"
        }
        checks.append(AuditCheck(.unauthorised, "signer", passed: false, detail))
        return checks
      }
      for rule in governing where !rule.signers.isEmpty {
        guard AllowedSigners.matches(tagger.email, patterns: rule.signers) else {
          checks.append(
            AuditCheck(
              .unauthorised, "signer", passed: false,
              "\(tagger.email) may not act in \(rule.name) (signers: \(rule.signers.joined(separator: ", ")))"
            ))
          return checks
        }
      }
      checks.append(
        AuditCheck(
          .unauthorised, "signer", passed: true,
          "\(tagger.email) with \(signature.fingerprint ?? "an allowed key")"))
      return checks
    }
  }

  // MARK: - Approvals

  /// Distinct approvers, other than the promoter, with a valid signature by an allowed key,
  /// approving this artifact, version and commit for this stage before the promotion.
  private func approvalCheck(
    _ event: RegistryEvent, version: String, rule: RegistryPolicy.StageRule,
    policy: PolicyHistory.Version
  ) -> AuditCheck {
    var approvers: Set<String> = []
    var rejected: [String] = []
    for approval in approvals
    where approval.artifact == event.artifact && approval.version == version
      && approval.stage == rule.name
    {
      let check = SignatureCheck(
        approval.verdict, allowedSigners: policy.signers, at: approval.time)
      let email = approval.approver.email
      if approval.commit != event.commit {
        rejected.append("\(email): approves another commit")
      } else if approval.time > event.time {
        rejected.append("\(email): made after the promotion")
      } else if email == event.tagger.email {
        rejected.append("\(email): the promoter cannot approve their own promotion")
      } else if check.status != .valid || !AllowedSigners.matches(email, patterns: check.principals)
      {
        rejected.append("\(email): not signed by a key allowed to sign as \(email)")
      } else if !rule.approvals.from.isEmpty
        && !AllowedSigners.matches(email, patterns: rule.approvals.from)
      {
        rejected.append("\(email): not among the stage's approvers")
      } else {
        approvers.insert(email)
      }
    }
    let passed = approvers.count >= rule.approvals.required
    var detail = "\(approvers.count) of \(rule.approvals.required) required"
    if !approvers.isEmpty { detail += " (\(approvers.sorted().joined(separator: ", ")))" }
    if !rejected.isEmpty { detail += "; not counted: " + rejected.joined(separator: "; ") }
    if approvals.isEmpty {
      detail +=
        "; no approvals here at all: `git clone` does not fetch refs/mlx/approvals/ "
        + "(`git fetch origin 'refs/mlx/*:refs/mlx/*'`)"
    }
    return AuditCheck(.approvals, "approvals", passed: passed, detail)
  }

  // MARK: - Claims

  /// The trailers are claims: each is compared with what the Git objects say.
  private func claimChecks(
    _ event: RegistryEvent, version: String?, policy: PolicyHistory.Version,
    recorded: ArtifactEvidence
  ) -> [AuditCheck] {
    guard !event.trailers.isEmpty else { return [] }
    var checks: [AuditCheck] = []
    if let problem = TagMessage.problem(in: event.trailers) {
      checks.append(AuditCheck(.mismatch, "trailers", passed: false, problem))
    }
    func compare(_ key: String, _ claimed: String?, _ actual: String?, _ what: String) {
      guard let claimed else { return }
      let actualText = actual ?? "nothing"
      let passed = claimed == actualText
      checks.append(
        AuditCheck(
          .mismatch, what, passed: passed,
          passed
            ? "\(key) matches the Git objects (\(claimed))"
            : "\(key) claims '\(claimed)'; the Git objects say '\(actualText)'"))
    }
    compare("Mlx-Artifact", event.trailer("Mlx-Artifact"), event.artifact, "artifact")
    compare("Mlx-Event", event.trailer("Mlx-Event"), event.kind.rawValue, "event")
    if event.kind != .deprecation {
      compare("Mlx-Version", event.trailer("Mlx-Version"), version, "version")
    }
    if event.stage != nil { compare("Mlx-Stage", event.trailer("Mlx-Stage"), event.stage, "stage") }
    if let declared = declaredPath(event.artifact, policy.policy) {
      compare("Mlx-Path", event.trailer("Mlx-Path"), declared, "path")
    }
    compare("Mlx-Digest", event.trailer("Mlx-Digest"), recorded.digest?.description, "digest")
    compare("Mlx-Run", event.trailer("Mlx-Run"), recorded.run, "run")
    for claim in event.trailers["Mlx-Metric"] ?? [] {
      guard let equals = claim.firstIndex(of: "=") else { continue }
      let key = String(claim[..<equals])
      let claimedValue = String(claim[claim.index(after: equals)...])
      // Numbers compare by value: `1.0` in a lock file and `1` after a JSON round trip are one.
      if let value = recorded.metrics[key], let number = value.number,
        let claimedNumber = Double(claimedValue),
        number == claimedNumber
      {
        compare("Mlx-Metric", claim, claim, "metric \(key)")
        continue
      }
      compare("Mlx-Metric", claim, recorded.metrics[key].map { "\(key)=\($0)" }, "metric \(key)")
    }
    // Mlx-Previous and Mlx-Rollback-From describe the state the writer saw, which a later
    // finding about an earlier event can change: they are notes, not claims about objects.
    return checks
  }

  /// The artifact's path as the policy (or GTO's `artifacts.yaml`) declares it.
  func declaredPath(_ artifact: String, _ policy: RegistryPolicy) -> String? {
    policy.artifacts[artifact]?.path ?? declarations[artifact]?.path
  }

  // MARK: - Order

  /// Stage events of one artifact made in the same second as another's.
  static func sameSecondTags(_ events: [RegistryEvent]) -> [String: String] {
    var result: [String: String] = [:]
    var last: [String: RegistryEvent] = [:]
    for event in events where event.kind == .assignment || event.kind == .unassignment {
      if let previous = last[event.artifact], previous.time == event.time {
        result[event.tag] = previous.tag
      }
      last[event.artifact] = event
    }
    return result
  }
}

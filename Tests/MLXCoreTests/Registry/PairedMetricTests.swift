import Foundation
import Testing

@testable import MLXCore

/// Gates on metrics computed from two commits (``PairedMetrics``, `drift.psi`): how a gate
/// reads each outcome, and what the auditor asks for.
@Suite struct PairedMetricTests {
  private func gate(_ text: String) throws -> Gate { try Gate.parse(text).get() }

  @Test func withoutAHolderNothingIsComparedAndTheGatePasses() throws {
    let outcome = try gate("drift.psi <= 0.2").evaluate(paired: nil, holder: false, current: nil)
    #expect(outcome.result.passed && !outcome.unverifiable)
    #expect(outcome.result.detail == "no version holds the stage; nothing to compare")
    #expect(outcome.check.kind == .gates && outcome.check.name == "gate drift.psi <= 0.2")
  }

  @Test func aValueIsComparedAndShownWithFourDigitsAndWhy() throws {
    let drifted = try gate("drift.psi <= 0.2").evaluate(
      paired: .value(0.312_345, detail: "amount; a.csv 1a2b3c4d vs b.csv 9f8e7d6c"), holder: true,
      current: [:])
    #expect(!drifted.result.passed && !drifted.unverifiable)
    #expect(
      drifted.result.detail == "drift.psi = 0.3123 (amount; a.csv 1a2b3c4d vs b.csv 9f8e7d6c)")
    let steady = try gate("drift.psi <= 0.2").evaluate(
      paired: .value(0.2, detail: "amount"), holder: true, current: nil)
    #expect(steady.result.passed && steady.result.detail == "drift.psi = 0.2 (amount)")
    let typeChange = try gate("drift.psi <= 0.2").evaluate(
      paired: .value(.infinity, detail: "id changed kind"), holder: true, current: nil)
    #expect(!typeChange.result.passed && typeChange.result.detail.hasPrefix("drift.psi = inf ("))
  }

  @Test func aMissingSideFailsAndDataNotHereIsUnverifiable() throws {
    let failed = try gate("drift.psi <= 0.2").evaluate(
      paired: .failed("the candidate has no mlx.lock"), holder: true, current: nil)
    #expect(!failed.result.passed && !failed.unverifiable && failed.check.kind == .gates)
    #expect(failed.result.detail == "drift.psi: the candidate has no mlx.lock")
    let absent = try gate("drift.psi <= 0.2").evaluate(
      paired: .unverifiable("data.csv is not in the local store"), holder: true, current: nil)
    #expect(!absent.result.passed && absent.unverifiable)
    #expect(absent.check.kind == .unverifiable && !absent.check.passed)
    #expect(
      absent.check.detail == "drift.psi cannot be verified here: data.csv is not in the local store"
    )
    let uncomputed = try gate("drift.psi <= 0.2").evaluate(paired: nil, holder: true, current: nil)
    #expect(!uncomputed.result.passed)
  }

  /// An event with a failing gate is `gates`; one whose only failure is a gate that cannot
  /// be verified is `unverifiable`, the least serious status, yet not `ok`.
  @Test func unverifiableIsTheLeastSeriousFailure() {
    #expect(AuditStatus.severity.last == .unverifiable)
    #expect(
      AuditStatus.severity.firstIndex(of: .gates)! < AuditStatus.severity.firstIndex(
        of: .unverifiable)!)
  }

  private func stageEvent(commit: String, counter: Int) -> RegistryAuditor.StageEvent {
    let name = RegistryTagName(
      artifact: "churn", action: .assign(stage: "staging"), counter: counter)
    var event = RegistryEvent(
      name: name, reference: name.description, object: String(repeating: "0", count: 40),
      tag: RegistryCache.Entry(
        target: commit, targetType: "commit", name: name.description,
        tagger: GitIdentity(name: "A", email: "a@example.com"), time: 1_700_000_000,
        offsetMinutes: 0, message: "m"))
    event.version = "v0.0.1"
    return RegistryAuditor.StageEvent(event)
  }

  /// The auditor asks for the candidate's and the holder's commits, with the policy's commit,
  /// only for a gate naming a paired metric, once per event, and not at all without a holder.
  @Test func theAuditorAsksForBothCommitsOnlyWhenAVersionHoldsTheStage() throws {
    final class Requests: @unchecked Sendable { var made: [PairedMetrics.Request] = [] }
    let requests = Requests()
    var auditor = RegistryAuditor(
      history: PolicyHistory(
        trustedRef: nil, isTrusted: false, tip: nil, versions: [], changes: []),
      declarations: [:], approvals: [],
      evidence: { _, _ in ArtifactEvidence(metrics: ["auc": .double(0.9)]) },
      verdict: { _ in .unsigned })
    auditor.paired = PairedMetrics(names: ["drift.psi", "drift.ks"]) { request in
      requests.made.append(request)
      return ["drift.psi": .value(0.05, detail: "x"), "drift.ks": .value(0.6, detail: "y")]
    }
    let rule = RegistryPolicy.StageRule(
      name: "staging", requiresSignature: false,
      gates: [try gate("drift.psi <= 0.2"), try gate("drift.ks < 0.5"), try gate("auc >= 0.8")])
    let candidate = ArtifactEvidence(metrics: ["auc": .double(0.85)])
    let alone = try auditor.gateOutcomes(
      rule, commit: "c1", path: "model.txt", recorded: candidate, holder: nil, compared: nil,
      policyCommit: "p")
    #expect(requests.made.isEmpty)
    #expect(alone.map(\.result.passed) == [true, true, true])

    // Nobody holds the stage now, but v0.0.1 did: the drift gates compare with it.
    let outcomes = try auditor.gateOutcomes(
      rule, commit: "c2", path: "model.txt", recorded: candidate,
      holder: nil, compared: stageEvent(commit: "c1", counter: 1), policyCommit: "p")
    #expect(
      requests.made == [
        PairedMetrics.Request(
          path: "model.txt", candidate: "c2", holder: "c1", holderVersion: "v0.0.1",
          policyCommit: "p")
      ])
    #expect(outcomes.map(\.result.passed) == [true, false, true])
    #expect(outcomes[1].result.detail == "drift.ks = 0.6 (y)")

    // No path known: the drift gates fail, saying why, without asking.
    let pathless = try auditor.gateOutcomes(
      rule, commit: "c2", path: nil, recorded: candidate,
      holder: stageEvent(commit: "c1", counter: 1), compared: stageEvent(commit: "c1", counter: 1),
      policyCommit: "p")
    #expect(requests.made.count == 1)
    #expect(pathless[0].result.detail.contains("no path is known"))
  }
}

import Foundation

/// Gate metrics computed from two commits: the candidate's and that of the version holding
/// the stage (`drift.psi`, the drift of the candidate's training data from the holder's).
/// The registry knows nothing of data; the workspace provides ``evaluate``, which reads only
/// Git objects and mlx's store, so a gate is recomputed identically at `mlx promote` and at
/// `mlx audit`, never from a tag message.
struct PairedMetrics {
  /// What a paired metric compares: the artifact at `path` in two commits, under the policy
  /// that introduced `policyCommit`'s version (its other settings, such as `drift:`).
  struct Request: Hashable, Sendable {
    var path: String
    var candidate: String
    var holder: String
    /// The holder's version, for the result's text.
    var holderVersion: String?
    var policyCommit: String?
  }

  /// One metric's outcome.
  enum Outcome: Equatable, Sendable {
    /// The value, and why (the column, the data compared).
    case value(Double, detail: String)
    /// Not computable from the objects: a side has no training data, say. The gate fails.
    case failed(String)
    /// Computable, but not from what this repository holds (data not pulled): the gate is
    /// not passed, and the detail says what to fetch.
    case unverifiable(String)
  }

  /// Each metric's outcome, by name.
  typealias Outcomes = [String: Outcome]

  /// The metric names it computes.
  let names: Set<String>
  let evaluate: (Request) throws -> Outcomes

  /// No paired metrics: gates naming one fail, saying so.
  static var none: PairedMetrics { PairedMetrics(names: []) { _ in [:] } }
}

/// A gate's result, with whether it could be judged here at all.
struct GateOutcome {
  /// Nil for a finding about all the gates (a commit's `mlx.lock` that cannot be read).
  let gate: Gate?
  let result: Gate.Result
  /// The gate's inputs are not in this repository: neither passed nor failed.
  let unverifiable: Bool

  /// The audit's check for it.
  var check: AuditCheck {
    AuditCheck(
      unverifiable ? .unverifiable : .gates, gate.map { "gate \($0.text)" } ?? "gates",
      passed: result.passed,
      result.detail)
  }
}

extension Gate {
  /// Checks a paired metric's outcome (``PairedMetrics``); `current` is the holder's recorded
  /// metrics, for a `current.X` bound. Without a holder, nothing is compared and it passes.
  func evaluate(
    paired outcome: PairedMetrics.Outcome?, holder: Bool, current: [String: ParamValue]?
  )
    -> GateOutcome
  {
    guard holder else {
      return GateOutcome(
        gate: self,
        result: Result(
          gate: text, passed: true, detail: "no version holds the stage; nothing to compare"),
        unverifiable: false)
    }
    switch outcome {
    case nil:
      return GateOutcome(
        gate: self,
        result: Result(
          gate: text, passed: false, detail: "\(metric) cannot be computed by this command"),
        unverifiable: false)
    case .failed(let detail):
      return GateOutcome(
        gate: self, result: Result(gate: text, passed: false, detail: "\(metric): \(detail)"),
        unverifiable: false)
    case .unverifiable(let detail):
      return GateOutcome(
        gate: self,
        result: Result(
          gate: text, passed: false, detail: "\(metric) cannot be verified here: \(detail)"),
        unverifiable: true)
    case .value(let value, let detail):
      let result = evaluate(candidate: [metric: .double(value)], current: current)
      var text = "\(metric) = \(Self.significant(value)) (\(detail))"
      if case .current(let other, _) = bound, let base = current?[other]?.number {
        text += ", current.\(other) = \(Self.significant(base))"
      }
      return GateOutcome(
        gate: self, result: Result(gate: self.text, passed: result.passed, detail: text),
        unverifiable: false)
    }
  }

  /// A value with 4 significant digits, as `mlx drift` prints statistics.
  static func significant(_ value: Double) -> String {
    if value == 0 { return "0" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    return String(format: "%.4g", value)
  }
}

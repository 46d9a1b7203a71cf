/// A condition a version's metrics must meet to enter a stage:
/// `accuracy >= 0.9`, `latency_ms <= 50`, `auc >= current.auc - 0.01`.
///
/// The left side is a metric of the candidate; the right side a number, or a metric of the
/// stage's current holder (`current.NAME`) plus or minus a number. Metric names may use
/// letters, digits, `_`, `.`, `/` and `-` (flattened keys such as `loss.final`).
public struct Gate: Equatable, Sendable, CustomStringConvertible {
  public enum Comparison: String, Sendable, CaseIterable {
    case atLeast = ">="
    case atMost = "<="
    case greater = ">"
    case less = "<"
    case equal = "=="
    case notEqual = "!="

    func holds(_ left: Double, _ right: Double) -> Bool {
      switch self {
      case .atLeast: left >= right
      case .atMost: left <= right
      case .greater: left > right
      case .less: left < right
      case .equal: left == right
      case .notEqual: left != right
      }
    }
  }

  /// The right-hand side.
  public enum Bound: Equatable, Sendable {
    case number(Double)
    /// `current.metric + offset`.
    case current(metric: String, offset: Double)
  }

  public let metric: String
  public let comparison: Comparison
  public let bound: Bound
  public let text: String

  public var description: String { text }

  /// Parses one gate; nil (with the reason) for anything else.
  public static func parse(_ text: String) -> Swift.Result<Gate, GateError> {
    let tokens = text.split(whereSeparator: \.isWhitespace).map(String.init)
    guard tokens.count == 3 || tokens.count == 5 else {
      return .failure(
        GateError(
          text: text, problem: "expected 'metric OP value' or 'metric OP current.metric +/- number'"
        ))
    }
    guard isMetricName(tokens[0]) else {
      return .failure(GateError(text: text, problem: "'\(tokens[0])' is not a metric name"))
    }
    guard let comparison = Comparison(rawValue: tokens[1]) else {
      let known = Comparison.allCases.map(\.rawValue).joined(separator: " ")
      return .failure(
        GateError(text: text, problem: "unknown comparison '\(tokens[1])' (use one of \(known))"))
    }
    let bound: Bound
    if tokens.count == 3, let number = Double(tokens[2]) {
      bound = .number(number)
    } else if tokens[2].hasPrefix("current."), isMetricName(String(tokens[2].dropFirst(8))) {
      var offset = 0.0
      if tokens.count == 5 {
        guard let amount = Double(tokens[4]), tokens[3] == "+" || tokens[3] == "-" else {
          return .failure(
            GateError(text: text, problem: "expected '+ number' or '- number' after \(tokens[2])"))
        }
        offset = tokens[3] == "+" ? amount : -amount
      }
      bound = .current(metric: String(tokens[2].dropFirst(8)), offset: offset)
    } else {
      return .failure(
        GateError(
          text: text,
          problem: "'\(tokens[2...].joined(separator: " "))' is not a number or current.METRIC"))
    }
    return .success(
      Gate(
        metric: tokens[0], comparison: comparison, bound: bound, text: tokens.joined(separator: " ")
      ))
  }

  private static func isMetricName(_ text: String) -> Bool {
    !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || "_./-:".contains($0) }
  }

  /// The outcome of checking one gate.
  public struct Result: Codable, Sendable, Equatable {
    public let gate: String
    public let passed: Bool
    /// What was compared, for the report and the tag trailer.
    public let detail: String
  }

  /// Checks the candidate's metrics with its computed ones (``ComputedMetric``), which take
  /// precedence over recorded metrics of the same name; a computed metric's result says why.
  func evaluate(
    candidate: [String: ParamValue], current: [String: ParamValue]?,
    computed: [String: ComputedMetric.Outcome], currentComputed: [String: ComputedMetric.Outcome]?
  ) -> Gate.Result {
    var candidate = candidate
    for (name, outcome) in computed { candidate[name] = .double(outcome.value) }
    var current = current
    if current != nil, let currentComputed {
      for (name, outcome) in currentComputed { current?[name] = .double(outcome.value) }
    }
    let result = evaluate(candidate: candidate, current: current)
    guard let outcome = computed[metric] else { return result }
    return Result(gate: text, passed: result.passed, detail: "\(result.detail): \(outcome.detail)")
  }

  /// Checks the candidate's metrics (and the current holder's, when the gate refers to them).
  public func evaluate(
    candidate: [String: ParamValue], current: [String: ParamValue]?
  ) -> Gate.Result {
    guard let value = candidate[metric]?.number else {
      return Result(
        gate: text, passed: false, detail: "metric \(metric) is not recorded for this version")
    }
    switch bound {
    case .number(let limit):
      return Result(
        gate: text, passed: comparison.holds(value, limit),
        detail: "\(metric) = \(YAMLText.double(value).trimmedNumber)")
    case .current(let other, let offset):
      guard let current else {
        return Result(
          gate: text, passed: true, detail: "no version holds the stage; nothing to compare")
      }
      guard let base = current[other]?.number else {
        return Result(
          gate: text, passed: true, detail: "the current holder has no \(other); nothing to compare"
        )
      }
      let limit = base + offset
      return Result(
        gate: text, passed: comparison.holds(value, limit),
        detail:
          "\(metric) = \(YAMLText.double(value).trimmedNumber), current.\(other) = \(YAMLText.double(base).trimmedNumber)"
      )
    }
  }
}

/// A gate in the policy that cannot be parsed.
public struct GateError: Error, Equatable, Sendable {
  public let text: String
  public let problem: String
}

extension String {
  /// `0.9` rather than `0.9` with a trailing `.0` for whole numbers (`50` not `50.0`).
  fileprivate var trimmedNumber: String { hasSuffix(".0") ? String(dropLast(2)) : self }
}

import Foundation

/// The thresholds `mlx drift` judges columns by: the `drift:` key of `.mlx/policy.yaml`.
///
/// ```yaml
/// drift:
///   psi: 0.2            # numeric: drifted when PSI ≥ this
///   ks_pvalue: 0.05     # numeric: drifted when the KS p-value ≤ this (0 turns it off)
///   js: 0.1             # categorical: drifted when the Jensen–Shannon distance ≥ this
///   chi2_pvalue: 0.05   # categorical: drifted when the chi-square p-value < this
///   columns:
///     age: {psi: 0.3}   # per-column overrides
///     id: {ignore: true}
/// ```
///
/// The comparisons are evidently's: PSI and JS distance drift at or above the threshold, a KS
/// p-value at or below it, a chi-square p-value below it.
public struct DriftPolicy: Sendable, Equatable {
  public struct Thresholds: Sendable, Equatable, Codable {
    public var psi = 0.2
    public var ksPValue = 0.05
    public var js = 0.1
    public var chiSquarePValue = 0.05
    /// Whether the column is left out of the comparison.
    public var ignore = false

    enum CodingKeys: String, CodingKey {
      case psi
      case ksPValue = "ks_pvalue"
      case js
      case chiSquarePValue = "chi2_pvalue"
      case ignore
    }
  }

  public var defaults = Thresholds()
  public var columns: [String: Thresholds] = [:]

  public init() {}

  /// The thresholds of `column`.
  public func thresholds(for column: String) -> Thresholds { columns[column] ?? defaults }

  /// Reads the `drift:` key of a policy file's text (other keys are the registry's); errors
  /// name the file and line.
  public init(parsingPolicy text: String, path: String) throws(QualityError) {
    do {
      let root = try YAMLMapping.parse(text)
      guard let drift = try root.mapping("drift") else { return }
      try drift.rejectUnknownKeys(
        ["psi", "ks_pvalue", "js", "chi2_pvalue", "columns"], in: " of drift")
      defaults = try Self.thresholds(drift, base: Thresholds(), context: "drift")
      if let columns = try drift.mapping("columns") {
        for name in columns.keys {
          guard let entry = try columns.mapping(name) else { continue }
          try entry.rejectUnknownKeys(
            ["psi", "ks_pvalue", "js", "chi2_pvalue", "ignore"], in: " of drift column \(name)")
          var thresholds = try Self.thresholds(entry, base: defaults, context: "column \(name)")
          thresholds.ignore = try entry.boolean("ignore") ?? false
          self.columns[name] = thresholds
        }
      }
    } catch let issue as YAMLIssue {
      throw QualityError.malformedPolicy(path: path, line: issue.line, problem: issue.message)
    } catch let error as QualityError {
      throw error
    } catch {
      throw QualityError.malformedPolicy(path: path, line: nil, problem: "\(error)")
    }
  }

  private static func thresholds(
    _ mapping: YAMLMapping, base: Thresholds, context: String
  ) throws -> Thresholds {
    var result = base
    func number(_ key: String, _ range: ClosedRange<Double>) throws -> Double? {
      guard let text = try mapping.string(key) else { return nil }
      guard let value = Double(text), range.contains(value) else {
        throw YAMLIssue(
          line: mapping.line(of: key),
          message:
            "'\(key)' of \(context) must be a number from \(range.lowerBound) to \(range.upperBound)"
        )
      }
      return value
    }
    result.psi = try number("psi", 0...1e9) ?? result.psi
    result.ksPValue = try number("ks_pvalue", 0...1) ?? result.ksPValue
    result.js = try number("js", 0...1) ?? result.js
    result.chiSquarePValue = try number("chi2_pvalue", 0...1) ?? result.chiSquarePValue
    return result
  }
}

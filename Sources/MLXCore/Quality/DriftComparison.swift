import Foundation

/// A numeric column's values as a weighted, ascending list: every value with its count when
/// exact, a quantile sketch's retained values with their weights otherwise.
public struct WeightedSample: Sendable, Equatable {
  /// Ascending, distinct.
  public var values: [Double]
  public var weights: [Int]
  public var minimum: Double
  public var maximum: Double
  /// How far the CDF read off these values may be from the column's (a fraction); 0 if exact.
  public var rankError: Double

  public var count: Int { weights.reduce(0, +) }
  public var isExact: Bool { rankError == 0 }

  /// Values with their weights in any order; `minimum` and `maximum` default to the extremes.
  public init(
    weighted: [(value: Double, weight: Int)], rankError: Double, minimum: Double? = nil,
    maximum: Double? = nil
  ) {
    var values: [Double] = []
    var weights: [Int] = []
    for (value, weight) in weighted.sorted(by: { $0.value < $1.value }) where !value.isNaN {
      if values.last == value {
        weights[weights.count - 1] += weight
      } else {
        values.append(value)
        weights.append(weight)
      }
    }
    self.values = values
    self.weights = weights
    self.minimum = minimum ?? values.first ?? 0
    self.maximum = maximum ?? values.last ?? 0
    self.rankError = rankError
  }

  /// Every value of a sample, exactly.
  public init(sample: [Double]) {
    self.init(weighted: sample.map { ($0, 1) }, rankError: 0)
  }

  /// The step CDF: at each value the fraction at or below it (count/n, as scipy computes it).
  public var distribution: EmpiricalDistribution {
    let total = Double(count)
    var running = 0
    let cumulative = weights.map { weight -> Double in
      running += weight
      return Double(running) / total
    }
    return EmpiricalDistribution(
      points: values, cumulative: cumulative, count: count, rankError: rankError)
  }

  /// numpy.histogram's counts in bins with these edges: [e_i, e_{i+1}), the last one closed.
  func histogram(edges: [Double]) -> [Int] {
    PopulationStability.histogram(sorted: values, edges: edges, weights: weights)
  }
}

/// One side of a column to compare.
public enum DriftColumnData: Sendable, Equatable {
  case numeric(WeightedSample)
  /// Counts per value; `exact` false when only the most frequent values were kept.
  case categorical(counts: [String: Int], exact: Bool)
}

/// How one column changed between two sides, and whether beyond its thresholds.
public struct ColumnDrift: Encodable, Sendable, Equatable {
  public struct KS: Encodable, Sendable, Equatable {
    public var statistic: Double
    public var pValue: Double
    /// `exact` or `asymptotic`, scipy's choice for these sizes.
    public var method: String
    /// Whether the statistic was read off every value (true) or off sketches.
    public var exactValues: Bool
    /// How far a statistic from sketches may be from the exact one.
    public var errorBound: Double
    /// From sketches: the p-value of the statistic less its error bound, the largest the
    /// bound allows. The verdict uses it, so sketch error alone never makes drift.
    public var conservativePValue: Double?
  }

  public struct ChiSquare: Encodable, Sendable, Equatable {
    /// Absent when infinite: a category the baseline never had.
    public var statistic: Double?
    /// Absent with fewer than two categories.
    public var pValue: Double?
    public var degreesOfFreedom: Int
  }

  public var name: String
  /// `numeric` or `categorical`.
  public var kind: String
  public var baselineCount: Int
  public var currentCount: Int
  public var ks: KS?
  public var psi: Double?
  public var chiSquare: ChiSquare?
  public var js: Double?
  /// False when counts were not exact (a sketch, or only the top values of a column).
  public var exact: Bool
  public var thresholds: DriftPolicy.Thresholds
  /// Each check beyond its threshold, as text (`psi 0.31 >= 0.2`); empty when not drifted.
  public var reasons: [String]
  public var drifted: Bool { !reasons.isEmpty }

  enum CodingKeys: String, CodingKey {
    case name, kind, baselineCount, currentCount, ks, psi, chiSquare, js, exact, thresholds
    case reasons, drifted
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encode(kind, forKey: .kind)
    try container.encode(baselineCount, forKey: .baselineCount)
    try container.encode(currentCount, forKey: .currentCount)
    try container.encodeIfPresent(ks, forKey: .ks)
    try container.encodeIfPresent(psi, forKey: .psi)
    try container.encodeIfPresent(chiSquare, forKey: .chiSquare)
    try container.encodeIfPresent(js, forKey: .js)
    try container.encode(exact, forKey: .exact)
    try container.encode(thresholds, forKey: .thresholds)
    try container.encode(reasons, forKey: .reasons)
    try container.encode(drifted, forKey: .drifted)
  }
}

/// The statistics of one column on two sides, judged by the policy's thresholds.
public enum DriftComparison {
  /// Compares a column; nil when either side has no values (nothing to compare).
  public static func compare(
    name: String, baseline: DriftColumnData, current: DriftColumnData,
    thresholds: DriftPolicy.Thresholds
  ) -> ColumnDrift? {
    switch (baseline, current) {
    case (.numeric(let first), .numeric(let second)):
      guard first.count > 0, second.count > 0 else { return nil }
      return numeric(name, first, second, thresholds)
    case (.categorical(let first, let exact1), .categorical(let second, let exact2)):
      guard !first.isEmpty, !second.isEmpty else { return nil }
      return categorical(name, first, second, exact1 && exact2, thresholds)
    default:
      return nil
    }
  }

  static func numeric(
    _ name: String, _ first: WeightedSample, _ second: WeightedSample,
    _ thresholds: DriftPolicy.Thresholds
  ) -> ColumnDrift {
    let ks = KolmogorovSmirnov.test(first.distribution, second.distribution)
    let psi = populationStability(first, second)
    var conservative: Double?
    if ks.errorBound > 0 {
      conservative =
        KolmogorovSmirnov.pValue(
          statistic: max(ks.statistic - ks.errorBound, 0), first.count, second.count
        ).pValue
    }
    var reasons: [String] = []
    let judged = conservative ?? ks.pValue
    if judged <= thresholds.ksPValue {
      let text = conservative == nil ? "ks p-value" : "ks p-value (at D − bound)"
      reasons.append("\(text) \(format(judged)) <= \(format(thresholds.ksPValue))")
    }
    if psi >= thresholds.psi {
      reasons.append("psi \(format(psi)) >= \(format(thresholds.psi))")
    }
    return ColumnDrift(
      name: name, kind: "numeric", baselineCount: first.count, currentCount: second.count,
      ks: .init(
        statistic: ks.statistic, pValue: ks.pValue, method: ks.method.rawValue,
        exactValues: first.isExact && second.isExact, errorBound: ks.errorBound,
        conservativePValue: conservative),
      psi: psi, chiSquare: nil, js: nil, exact: first.isExact && second.isExact,
      thresholds: thresholds, reasons: reasons)
  }

  /// evidently's PSI of a numeric column: Sturges bins over both sides when the baseline has
  /// more than 20 distinct values, else each value a category; empty bins filled.
  static func populationStability(_ first: WeightedSample, _ second: WeightedSample) -> Double {
    let fractions: ([Double], [Double])
    if first.values.count > PopulationStability.largestCategoricalNumeric {
      let edges = PopulationStability.sturgesEdges(
        minimum: min(first.minimum, second.minimum), maximum: max(first.maximum, second.maximum),
        count: first.count + second.count)
      fractions = (
        first.histogram(edges: edges).map { Double($0) / Double(first.count) },
        second.histogram(edges: edges).map { Double($0) / Double(second.count) }
      )
    } else {
      let counts = CategoricalDrift.unionCounts(
        reference: Dictionary(zip(first.values, first.weights), uniquingKeysWith: +),
        current: Dictionary(zip(second.values, second.weights), uniquingKeysWith: +))
      fractions = (
        counts.reference.map { Double($0) / Double(first.count) },
        counts.current.map { Double($0) / Double(second.count) }
      )
    }
    return PopulationStability.index(
      reference: PopulationStability.replacingZeros(fractions.0),
      current: PopulationStability.replacingZeros(fractions.1))
  }

  static func categorical(
    _ name: String, _ first: [String: Int], _ second: [String: Int], _ exact: Bool,
    _ thresholds: DriftPolicy.Thresholds
  ) -> ColumnDrift {
    let chi = CategoricalDrift.chiSquare(reference: first, current: second)
    let js = CategoricalDrift.jensenShannonDistance(reference: first, current: second)
    var reasons: [String] = []
    if !chi.pValue.isNaN, chi.pValue < thresholds.chiSquarePValue {
      reasons.append(
        "chi-square p-value \(format(chi.pValue)) < \(format(thresholds.chiSquarePValue))")
    }
    if js >= thresholds.js {
      reasons.append("js \(format(js)) >= \(format(thresholds.js))")
    }
    return ColumnDrift(
      name: name, kind: "categorical", baselineCount: first.values.reduce(0, +),
      currentCount: second.values.reduce(0, +), ks: nil, psi: nil,
      chiSquare: .init(
        statistic: chi.statistic.isFinite ? chi.statistic : nil,
        pValue: chi.pValue.isNaN ? nil : chi.pValue,
        degreesOfFreedom: chi.degreesOfFreedom),
      js: js, exact: exact, thresholds: thresholds, reasons: reasons)
  }

  /// A number for a reason: 4 significant digits.
  public static func format(_ value: Double) -> String {
    if value == 0 { return "0" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    return String(format: "%.4g", value)
  }
}

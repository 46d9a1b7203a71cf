import Foundation

/// Drift of a categorical column from its counts per category: Pearson's chi-square test as
/// evidently's `chisquare` stat test runs it, and the Jensen–Shannon distance as
/// `scipy.spatial.distance.jensenshannon` (natural logarithm unless a base is given) on the
/// fractions evidently's `jensenshannon` stat test passes it.
public enum CategoricalDrift {
  public struct ChiSquare: Sendable, Equatable {
    public var statistic: Double
    /// NaN with fewer than two categories (no degrees of freedom), as scipy gives.
    public var pValue: Double
    public var degreesOfFreedom: Int
  }

  /// Both sides' counts over the union of categories, in one (sorted) order.
  public static func unionCounts<Key: Hashable & Comparable>(
    reference: [Key: Int], current: [Key: Int]
  ) -> (keys: [Key], reference: [Int], current: [Int]) {
    let keys = Set(reference.keys).union(current.keys).sorted()
    return (keys, keys.map { reference[$0] ?? 0 }, keys.map { current[$0] ?? 0 })
  }

  /// `scipy.stats.chisquare(f_obs, f_exp)` with the current counts observed and the reference
  /// counts scaled to the current total expected: Σ (o − e)²/e, p from chi-square with
  /// (categories − 1) degrees of freedom. A category the reference lacks makes it infinite
  /// (p = 0), as in scipy.
  public static func chiSquare<Key: Hashable & Comparable>(
    reference: [Key: Int], current: [Key: Int]
  ) -> ChiSquare {
    let counts = unionCounts(reference: reference, current: current)
    let referenceTotal = Double(counts.reference.reduce(0, +))
    let currentTotal = Double(counts.current.reduce(0, +))
    let scale = currentTotal / referenceTotal
    var statistic = 0.0
    for (r, c) in zip(counts.reference, counts.current) {
      let expected = Double(r) * scale
      let difference = Double(c) - expected
      statistic += difference * difference / expected
    }
    let freedom = counts.keys.count - 1
    return ChiSquare(
      statistic: statistic,
      pValue: SpecialFunctions.chiSquareSurvival(statistic, degreesOfFreedom: Double(freedom)),
      degreesOfFreedom: freedom)
  }

  /// `scipy.spatial.distance.jensenshannon(p, q, base)`: both normalized, m their mean,
  /// sqrt((KL(p‖m) + KL(q‖m)) / 2), the sum divided by ln(base) when a base is given.
  public static func jensenShannonDistance(
    _ p: [Double], _ q: [Double], base: Double? = nil
  ) -> Double {
    precondition(p.count == q.count)
    let pTotal = p.reduce(0, +)
    let qTotal = q.reduce(0, +)
    func relativeEntropy(_ x: Double, _ y: Double) -> Double {
      if x > 0, y > 0 { return x * log(x / y) }
      if x == 0, y >= 0 { return 0 }
      return .infinity
    }
    var left = 0.0
    var right = 0.0
    for (a, b) in zip(p, q) {
      let x = a / pTotal
      let y = b / qTotal
      let m = (x + y) / 2
      left += relativeEntropy(x, m)
      right += relativeEntropy(y, m)
    }
    var divergence = left + right
    if let base { divergence /= log(base) }
    return (divergence / 2).squareRoot()
  }

  /// The Jensen–Shannon distance of two categorical columns' counts over the union of
  /// categories (evidently's fractions, no zeros replaced).
  public static func jensenShannonDistance<Key: Hashable & Comparable>(
    reference: [Key: Int], current: [Key: Int]
  ) -> Double {
    let counts = unionCounts(reference: reference, current: current)
    let r = Double(counts.reference.reduce(0, +))
    let c = Double(counts.current.reduce(0, +))
    return jensenShannonDistance(
      counts.reference.map { Double($0) / r }, counts.current.map { Double($0) / c })
  }

  /// PSI of two categorical columns' counts, as evidently's `psi` stat test on them.
  public static func populationStability<Key: Hashable & Comparable>(
    reference: [Key: Int], current: [Key: Int]
  ) -> Double {
    let counts = unionCounts(reference: reference, current: current)
    let r = Double(counts.reference.reduce(0, +))
    let c = Double(counts.current.reduce(0, +))
    return PopulationStability.index(
      reference: PopulationStability.replacingZeros(counts.reference.map { Double($0) / r }),
      current: PopulationStability.replacingZeros(counts.current.map { Double($0) / c }))
  }
}

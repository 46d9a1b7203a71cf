import Foundation

/// A distribution as a step function: at each of its ascending, distinct support points the
/// fraction of values at or below it. From a sample it is the exact empirical CDF; from a
/// quantile sketch it is the sketch's estimate, off by at most `rankError` (a fraction) at any
/// point.
public struct EmpiricalDistribution: Sendable, Equatable {
  public var points: [Double]
  public var cumulative: [Double]
  /// How many values the distribution describes (the sample size).
  public var count: Int
  /// The largest difference between `cumulative` and the true CDF, as a fraction; 0 if exact.
  public var rankError: Double

  public init(points: [Double], cumulative: [Double], count: Int, rankError: Double) {
    self.points = points
    self.cumulative = cumulative
    self.count = count
    self.rankError = rankError
  }

  /// The exact empirical CDF of a sample (NaNs are the caller's to drop).
  public init(sample: [Double]) {
    self.init(sorted: sample.sorted())
  }

  /// The exact empirical CDF of an ascending sample.
  public init(sorted: [Double]) {
    var points: [Double] = []
    var cumulative: [Double] = []
    let n = Double(sorted.count)
    var index = 0
    while index < sorted.count {
      let value = sorted[index]
      while index < sorted.count, sorted[index] == value { index += 1 }
      points.append(value)
      cumulative.append(Double(index) / n)
    }
    self.init(points: points, cumulative: cumulative, count: sorted.count, rankError: 0)
  }
}

/// The two-sample Kolmogorov–Smirnov test as `scipy.stats.ks_2samp(a, b)` with its defaults
/// (two-sided, method 'auto').
public struct KolmogorovSmirnovResult: Sendable, Equatable, Codable {
  public enum Method: String, Sendable, Codable {
    /// The exact distribution (both samples of at most 10,000 values).
    case exact
    /// Smirnov's limit: `kstwo.sf(D, round(n1·n2/(n1+n2)))`.
    case asymptotic
  }

  /// sup |F1 − F2|.
  public var statistic: Double
  public var pValue: Double
  public var method: Method
  /// How far the statistic may be from the exact one when computed from sketches; 0 if exact.
  public var errorBound: Double
}

public enum KolmogorovSmirnov {
  /// scipy's `MAX_AUTO_N`: 'auto' is exact when both sizes are at most this.
  static let largestExactSize = 10_000

  /// The test on two samples (NaNs dropped by the caller; both non-empty).
  public static func test(_ first: [Double], _ second: [Double]) -> KolmogorovSmirnovResult {
    test(EmpiricalDistribution(sample: first), EmpiricalDistribution(sample: second))
  }

  /// The test on two distributions: the statistic at the union of their support points, its
  /// error bound the sum of their rank errors, the p-value from the statistic and the counts.
  public static func test(
    _ first: EmpiricalDistribution, _ second: EmpiricalDistribution
  ) -> KolmogorovSmirnovResult {
    var result = pValue(statistic: statistic(first, second), first.count, second.count)
    result.errorBound = first.rankError + second.rankError
    return result
  }

  /// max(max(F1 − F2), clip(−min(F1 − F2), 0, 1)) over the union of the support points.
  static func statistic(_ first: EmpiricalDistribution, _ second: EmpiricalDistribution) -> Double {
    var i = 0
    var j = 0
    var f1 = 0.0
    var f2 = 0.0
    var largest = -Double.infinity
    var smallest = Double.infinity
    while i < first.points.count || j < second.points.count {
      let next: Double
      if j >= second.points.count || (i < first.points.count && first.points[i] <= second.points[j])
      {
        next = first.points[i]
      } else {
        next = second.points[j]
      }
      if i < first.points.count, first.points[i] == next {
        f1 = first.cumulative[i]
        i += 1
      }
      if j < second.points.count, second.points[j] == next {
        f2 = second.cumulative[j]
        j += 1
      }
      let difference = f1 - f2
      largest = max(largest, difference)
      smallest = min(smallest, difference)
    }
    guard largest.isFinite else { return 0 }
    return max(largest, min(max(-smallest, 0), 1))
  }

  /// The p-value of a statistic `d` of samples of sizes `n1` and `n2`, by scipy's choice of
  /// method. The exact path rounds `d` to the lattice h/lcm(n1, n2), and so does scipy.
  public static func pValue(statistic d: Double, _ n1: Int, _ n2: Int) -> KolmogorovSmirnovResult {
    precondition(n1 > 0 && n2 > 0)
    var d = d
    if max(n1, n2) <= largestExactSize {
      let g = gcd(n1, n2)
      let lcm = (n1 / g) * n2
      let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
      d = Double(h) / Double(lcm)
      if h == 0 {
        return KolmogorovSmirnovResult(statistic: d, pValue: 1, method: .exact, errorBound: 0)
      }
      let probability =
        n1 == n2
        ? probabilityOutsideSquare(n1, h) : outerProbabilityInside(n1, n2, g, h)
      if probability >= 0, probability <= 1 {
        return KolmogorovSmirnovResult(
          statistic: d, pValue: probability, method: .exact, errorBound: 0)
      }
    }
    let (m, n) = (Double(max(n1, n2)), Double(min(n1, n2)))
    let effective = (m * n / (m + n)).rounded(.toNearestOrEven)
    let probability = KolmogorovDistribution.survival(Int(effective), d)
    return KolmogorovSmirnovResult(
      statistic: d, pValue: KolmogorovDistribution.clip(probability), method: .asymptotic,
      errorBound: 0)
  }

  private static func gcd(_ a: Int, _ b: Int) -> Int {
    var (a, b) = (a, b)
    while b != 0 { (a, b) = (b, a % b) }
    return a
  }

  /// Pr(D_{n,n} ≥ h/n), scipy's `_compute_prob_outside_square` (a Horner-like alternating sum).
  static func probabilityOutsideSquare(_ n: Int, _ h: Int) -> Double {
    var p = 0.0
    var k = n / h
    while k >= 0 {
      var p1 = 1.0
      for j in 0..<h {
        p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1)
      }
      p = p1 * (1 - p)
      k -= 1
    }
    return 2 * p
  }

  /// The share of lattice paths from (0, 0) to (m, n) that leave |x/m − y/n| < h/lcm, scipy's
  /// `_compute_outer_prob_inside_method` (Hodges; Viehmann's recursion for 1 − p).
  static func outerProbabilityInside(_ m: Int, _ n: Int, _ g: Int, _ h: Int) -> Double {
    let (m, n) = m < n ? (n, m) : (m, n)
    let mg = m / g
    let ng = n / g
    var minJ = 0
    var maxJ = min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
    var currentLength = maxJ - minJ
    let length = min(2 * maxJ + 2, n + 1)
    var a = [Double](repeating: 1, count: length)
    for index in minJ..<maxJ { a[index] = 0 }
    for i in 1...m {
      let lastMinJ = minJ
      let lastLength = currentLength
      minJ = max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0)
      minJ = min(minJ, n)
      maxJ = min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
      if maxJ <= minJ { return 1 }
      var value = minJ == 0 ? 0.0 : 1.0
      let id = Double(i)
      for jj in 0..<(maxJ - minJ) {
        let j = Double(jj + minJ)
        value = (a[jj + minJ - lastMinJ] * id + value * j) / (id + j)
        a[jj] = value
      }
      currentLength = maxJ - minJ
      if lastLength > currentLength {
        for index in (maxJ - minJ)..<min(maxJ - minJ + lastLength - currentLength, length) {
          a[index] = 1
        }
      }
    }
    return a[maxJ - minJ - 1]
  }
}

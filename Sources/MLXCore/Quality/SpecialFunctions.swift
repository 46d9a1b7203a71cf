import Foundation

/// The special functions the drift tests need.
enum SpecialFunctions {
  /// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a) (scipy's
  /// `gammaincc`): the series for P(a, x) below x < a + 1, Lentz's continued fraction for
  /// Q(a, x) above (Numerical Recipes' split), each to double precision.
  static func regularizedUpperGamma(_ a: Double, _ x: Double) -> Double {
    guard a > 0, !x.isNaN, !a.isNaN else { return .nan }
    if x <= 0 { return 1 }
    if x.isInfinite { return 0 }
    let logPrefix = a * log(x) - x - lgamma(a)
    if x < a + 1 {
      // P(a, x) = x^a e^-x / Γ(a+1) · Σ x^k / ((a+1)…(a+k))
      var term = 1.0 / a
      var sum = term
      var denominator = a
      for _ in 0..<1_000_000 {
        denominator += 1
        term *= x / denominator
        sum += term
        if abs(term) < abs(sum) * 1e-17 { break }
      }
      return max(0, min(1, 1 - sum * exp(logPrefix)))
    }
    // Q(a, x) = e^-x x^a / Γ(a) · 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …)))
    let tiny = 1e-300
    var b = x + 1 - a
    var c = 1 / tiny
    var d = 1 / b
    var fraction = d
    for i in 1..<1_000_000 {
      let an = -Double(i) * (Double(i) - a)
      b += 2
      d = an * d + b
      if abs(d) < tiny { d = tiny }
      c = b + an / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      fraction *= delta
      if abs(delta - 1) < 1e-16 { break }
    }
    return max(0, min(1, exp(logPrefix) * fraction))
  }

  /// The chi-square distribution's survival function, `scipy.stats.chi2.sf(x, k)`; NaN for
  /// k ≤ 0, as scipy gives.
  static func chiSquareSurvival(_ x: Double, degreesOfFreedom k: Double) -> Double {
    guard k > 0 else { return .nan }
    if x.isNaN { return .nan }
    return regularizedUpperGamma(k / 2, x / 2)
  }
}

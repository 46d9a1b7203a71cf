import Foundation

/// The survival function of the two-sided one-sample Kolmogorov–Smirnov statistic D_n,
/// Pr(D_n ≥ x), computed as scipy does it (`scipy.stats.kstwo.sf`, i.e. `_kolmogn` in
/// scipy/stats/_ksstats.py, after Simard and L'Ecuyer 2011): Ruben–Gambino's closed forms at
/// the ends, the Durbin matrix (Marsaglia–Tsang–Wang) and Pomeranz's recursion for small n,
/// Pelz–Good's expansion for large n, and Smirnov's one-sided distribution (doubled) in the
/// upper tail. `ks_2samp` uses it with n = round(n1·n2/(n1+n2)) for large samples.
enum KolmogorovDistribution {
  private static let scale = 0x1p128
  private static let inverseScale = 0x1p-128

  /// Pr(D_n ≥ x).
  static func survival(_ n: Int, _ x: Double) -> Double {
    guard n > 0, !x.isNaN else { return .nan }
    if x >= 1 { return 0 }
    if x <= 0 { return 1 }
    let nd = Double(n)
    let t = nd * x
    if t <= 1 {
      if t <= 0.5 { return 1 }
      let cdf: Double
      if n <= 140 {
        var product = 1.0
        for i in 1...n { product *= Double(i) * (1.0 / nd) * (2 * t - 1) }
        cdf = product
      } else {
        cdf = exp(logFactorialOverPower(nd) + nd * log(2 * t - 1))
      }
      return clip(1 - cdf)
    }
    if t >= nd - 1 { return clip(2 * pow(1 - x, nd)) }
    if x >= 0.5 { return clip(2 * SmirnovDistribution.survival(n, x)) }
    let nxSquared = t * x
    if n <= 140 {
      if nxSquared <= 0.754693 { return clip(1 - clip(durbinCDF(n, x))) }
      if nxSquared <= 4 { return clip(1 - clip(pomeranzCDF(n, x))) }
      return clip(2 * SmirnovDistribution.survival(n, x))
    }
    if nxSquared >= 370 { return 0 }
    if nxSquared >= 2.2 { return clip(2 * SmirnovDistribution.survival(n, x)) }
    let cdf: Double
    if nxSquared >= 18 {
      cdf = 1
    } else if n <= 100_000, nd * pow(x, 1.5) <= 1.4 {
      cdf = clip(durbinCDF(n, x))
    } else {
      cdf = pelzGoodCDF(n, x)
    }
    return clip(1 - clip(cdf))
  }

  static func clip(_ p: Double) -> Double { min(max(p, 0), 1) }

  /// log(n!/n^n) by Stirling's series with n·log(n) removed first.
  private static func logFactorialOverPower(_ n: Double) -> Double {
    let coefficients = [
      -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
      8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
      -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ]
    let rn = 1.0 / n
    var series = 0.0
    for coefficient in coefficients { series = series * (rn / n) + coefficient }
    return log(n) / 2 - n + log(2 * Double.pi) / 2 + rn * series
  }

  /// Pr(D_n ≤ d) by the k-th diagonal entry of H^n (Durbin; Marsaglia, Tsang and Wang).
  static func durbinCDF(_ n: Int, _ d: Double) -> Double {
    if d >= 1 { return 1 }
    let nd = Double(n) * d
    if nd <= 0.5 { return 0 }
    let k = Int(nd.rounded(.up))
    let h = Double(k) - nd
    let m = 2 * k - 1
    var v = (1...m).map { 1 - pow(h, Double($0)) }
    var w = [Double](repeating: 0, count: m)
    var factorial = 1.0
    for j in 1...m {
      w[j - 1] = factorial
      factorial /= Double(j)
      v[j - 1] *= factorial
    }
    let tt = pow(max(2 * h - 1, 0), Double(m)) - 2 * pow(h, Double(m))
    v[m - 1] = (1 + tt) * factorial
    var matrix = [Double](repeating: 0, count: m * m)
    for i in 1..<m {
      for row in (i - 1)..<m { matrix[row * m + i] = w[row - (i - 1)] }
    }
    for row in 0..<m { matrix[row * m] = v[row] }
    for column in 0..<m { matrix[(m - 1) * m + column] = v[m - 1 - column] }
    var power = [Double](repeating: 0, count: m * m)
    for i in 0..<m { power[i * m + i] = 1 }
    var remaining = n
    var exponent = 0
    var matrixExponent = 0
    while remaining > 0 {
      if remaining % 2 == 1 {
        power = multiply(power, matrix, m)
        exponent += matrixExponent
      }
      matrix = multiply(matrix, matrix, m)
      matrixExponent *= 2
      if abs(matrix[(k - 1) * m + (k - 1)]) > scale {
        for i in matrix.indices { matrix[i] /= scale }
        matrixExponent += 128
      }
      remaining /= 2
    }
    var p = power[(k - 1) * m + (k - 1)]
    for i in 1...n {
      p = Double(i) * p / Double(n)
      if abs(p) < inverseScale {
        p *= scale
        exponent -= 128
      }
    }
    return clip(scalbn(p, exponent))
  }

  private static func multiply(_ a: [Double], _ b: [Double], _ m: Int) -> [Double] {
    var result = [Double](repeating: 0, count: m * m)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        result.withUnsafeMutableBufferPointer { r in
          for i in 0..<m {
            for l in 0..<m {
              let left = a[i * m + l]
              if left == 0 { continue }
              for j in 0..<m { r[i * m + j] += left * b[l * m + j] }
            }
          }
        }
      }
    }
    return result
  }

  private static func pomeranzBounds(
    _ i: Int, _ n: Int, _ ll: Int, _ ceilF: Int, _ roundF: Int
  ) -> (Int, Int) {
    var j1: Int
    var j2: Int
    if i == 0 {
      (j1, j2) = (-ll - ceilF - 1, ll + ceilF - 1)
    } else {
      let half = (i + 1) / 2
      if (i + 1) % 2 == 0 {
        if half == n + 1 {
          (j1, j2) = (n - ll - ceilF - 1, n + ll + ceilF - 1)
        } else {
          (j1, j2) = (half - 1 - ll - roundF - 1, half + ll - 1 + ceilF - 1)
        }
      } else {
        (j1, j2) = (half - 1 - ll - 1, half + ll + roundF - 1)
      }
    }
    return (max(j1 + 2, 0), min(j2, n))
  }

  /// Pr(D_n ≤ x) by Pomeranz's recursion (1974).
  static func pomeranzCDF(_ n: Int, _ x: Double) -> Double {
    let t = Double(n) * x
    let ll = Int(t.rounded(.down))
    let f = t - Double(ll)
    let g = min(f, 1 - f)
    let ceilF = f > 0 ? 1 : 0
    let roundF = f > 0.5 ? 1 : 0
    let powers = 2 * (ll + 1)
    var gPower = [Double](repeating: 1, count: powers)
    var twoGPower = [Double](repeating: 1, count: powers)
    var oneMinusTwoGPower = [Double](repeating: 1, count: powers)
    let nd = Double(n)
    for m in 1..<powers {
      gPower[m] = gPower[m - 1] * (g / nd) / Double(m)
      twoGPower[m] = twoGPower[m - 1] * (2 * g / nd) / Double(m)
      oneMinusTwoGPower[m] = oneMinusTwoGPower[m - 1] * ((1 - 2 * g) / nd) / Double(m)
    }
    var v0 = [Double](repeating: 0, count: powers)
    var v1 = [Double](repeating: 0, count: powers)
    v1[0] = 1
    var v0Start = 0
    var v1Start = 0
    var exponent = 0
    var (j1, j2) = pomeranzBounds(0, n, ll, ceilF, roundF)
    for i in 1..<(2 * n + 2) {
      let k1 = j1
      swap(&v0, &v1)
      swap(&v0Start, &v1Start)
      for index in v1.indices { v1[index] = 0 }
      (j1, j2) = pomeranzBounds(i, n, ll, ceilF, roundF)
      let weights =
        (i == 1 || i == 2 * n + 1) ? gPower : (i % 2 == 1 ? twoGPower : oneMinusTwoGPower)
      let length = j2 - k1 + 1
      if length > 0 {
        let start = k1 - v0Start
        let left = Array(v0[max(start, 0)..<min(start + length, powers)])
        let right = Array(weights[0..<min(length, powers)])
        let convolution = convolve(left, right)
        let from = j1 - k1
        let count = j2 - j1 + 1
        for index in 0..<max(count, 0) where from + index < convolution.count {
          v1[index] = convolution[from + index]
        }
        let largest = v1.max() ?? 0
        if largest > 0, largest < inverseScale {
          for index in v1.indices { v1[index] *= scale }
          exponent -= 128
        }
        v1Start = v0Start + j1 - k1
      }
    }
    var answer = v1[n - v1Start]
    for m in 1...n {
      if abs(answer) > scale {
        answer *= inverseScale
        exponent += 128
      }
      answer *= Double(m)
    }
    return clip(scalbn(answer, exponent))
  }

  private static func convolve(_ a: [Double], _ b: [Double]) -> [Double] {
    guard !a.isEmpty, !b.isEmpty else { return [] }
    var result = [Double](repeating: 0, count: a.count + b.count - 1)
    for i in a.indices {
      for j in b.indices { result[i + j] += a[i] * b[j] }
    }
    return result
  }

  /// Pelz and Good's approximation (1976) of Pr(D_n ≤ x).
  static func pelzGoodCDF(_ n: Int, _ x: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let pi2 = Double.pi * Double.pi
    let pi4 = pi2 * pi2
    let pi6 = pi4 * pi2
    let sqrt2Pi = (2 * Double.pi).squareRoot()
    let z = Double(n).squareRoot() * x
    let z2 = z * z
    let z3 = z2 * z
    let z4 = z2 * z2
    let z6 = z4 * z2
    let qLog = -pi2 / 8 / z2
    if qLog < -708 { return 0 }
    var q = exp(qLog)
    let k1a = -z2
    let k1b = pi2 / 4
    let k2a = 6 * z6 + 2 * z4
    let k2b = (2 * z4 - 5 * z2) * pi2 / 4
    let k2c = pi4 * (1 - 2 * z2) / 16
    let k3d = pi6 * (5 - 30 * z2) / 64
    let k3c = pi4 * (-60 * z2 + 212 * z4) / 16
    let k3b = pi2 * (135 * z4 - 96 * z6) / 4
    let k3a = -30 * z6 - 90 * pow(z, 8)
    var terms = [0.0, 0, 0, 0]
    let maxK = Int((16 * z / Double.pi).rounded(.up))
    for k in stride(from: maxK, to: 0, by: -1) {
      let m = Double(2 * k - 1)
      let m2 = m * m
      let m4 = m2 * m2
      let m6 = m4 * m2
      let qPower = pow(q, Double(8 * k))
      let coefficients = [
        1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6,
      ]
      for i in 0..<4 { terms[i] = terms[i] * qPower + coefficients[i] }
    }
    let divisors = [z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)]
    for i in 0..<4 { terms[i] = terms[i] * q * sqrt2Pi / divisors[i] }
    q = exp(-pi2 / 2 / z2)
    var k2Extra = 0.0
    var k3Extra = 0.0
    let sqrt3z = 3.0.squareRoot() * z
    for k in stride(from: maxK, to: 0, by: -1) {
      let k2 = Double(k * k)
      let qPower = pow(q, k2)
      k2Extra += k2 * qPower
      let kPi = Double.pi * Double(k)
      k3Extra += (sqrt3z + kPi) * (sqrt3z - kPi) * k2 * qPower
    }
    terms[2] += k2Extra * pi2 * sqrt2Pi / (-36 * z3)
    terms[3] += k3Extra * pi2 * sqrt2Pi / (216 * z6)
    var sum = 0.0
    for i in 0..<4 { sum += terms[i] / pow(Double(n), Double(i) / 2) }
    return sum
  }
}

/// Smirnov's one-sided distribution, Pr(D⁺_n ≥ x) (scipy.special.smirnov), by the
/// Birnbaum–Tingey sum x·Σ C(n,v)(1−x−v/n)^(n−v)(x+v/n)^(v−1) over v < n(1−x), every term
/// positive and taken in logarithms; the closed forms at the ends as in Cephes.
enum SmirnovDistribution {
  static func survival(_ n: Int, _ x: Double) -> Double {
    guard n > 0, x >= 0, x <= 1 else { return .nan }
    if n == 1 { return 1 - x }
    if x == 0 { return 1 }
    if x == 1 { return 0 }
    let nd = Double(n)
    let nx = nd * x
    var floorNX = Int(nx.rounded(.down))
    var alpha = nx - Double(floorNX)
    if alpha >= 1 {
      floorNX += 1
      alpha = 0
    }
    if floorNX == 0 || (floorNX == 1 && alpha == 0) {
      return 1 - x * pow(1 + x, nd - 1)
    }
    if -2 * nd * x * x < -708.3964185322641 { return 0 }
    if floorNX >= n - 1 { return pow(1 - x, nd) }
    if n > 1_000_000 {
      let logP = -pow(6 * nx + 1, 2) / 18 / nd
      return logP < -M_LN2 ? exp(logP) : 1 - (-expm1(logP))
    }
    var last = n - floorNX - (alpha == 0 ? 0 : 1)
    if alpha == 0 { last -= 1 }
    var logBinomial = 0.0
    var sum = 0.0
    var peak = 0.0
    for v in 0...max(last, 0) {
      let vd = Double(v)
      let below = (Double(n - v - floorNX) - alpha) / nd  // 1 - x - v/n
      let above = (Double(v + floorNX) + alpha) / nd  // x + v/n
      let logTerm = logBinomial + (nd - vd) * log(below) + (vd - 1) * log(above)
      let term = exp(logTerm)
      sum += term
      peak = max(peak, term)
      if term < peak * 1e-20, term < sum * 1e-20 { break }
      logBinomial += log((nd - vd) / (vd + 1))
    }
    return KolmogorovDistribution.clip(x * sum)
  }
}

import Foundation
import Testing

@testable import MLXCore

/// The drift statistics against values scipy 1.17 and evidently 0.7 print for the same input
/// (the generated comparisons run in DriftCrossCheckTests).
@Suite struct DriftStatisticsTests {
  static func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
    abs(a - b) <= tolerance || (a.isNaN && b.isNaN)
  }

  /// `scipy.stats.kstwo.sf(x, n)` through each of `_kolmogn`'s branches.
  @Test(arguments: [
    (7, 0.3, 0.46626387699002947),  // Durbin matrix, small n
    (80, 0.1, 0.37559361581842293),  // Pomeranz
    (60, 0.2, 0.014023403960275127),  // Pomeranz
    (10, 0.6, 0.0005681672000000003),  // 2·smirnov, x ≥ 0.5
    (5, 0.15, 0.9988),  // Ruben–Gambino, t ≤ 1
    (1000, 0.05, 0.013012074781090332),  // 2·smirnov, large n
    (5000, 0.03, 0.00024159234422666817),  // 2·smirnov
    (50000, 0.02, 8.35587873542047e-18),  // 2·smirnov, far tail
    (200_000, 0.01, 8.433125699870092e-18),
    (1000, 0.04, 0.07933956059000224),  // Pelz–Good
    (300, 0.06, 0.221275575895042),  // Pelz–Good
    (1000, 0.012, 0.9984464668620097),  // Durbin matrix, large n
    (100_000, 0.001, 0.9999638407940036),
    (200, 0.003, 1.0),
  ])
  func kolmogorovSurvivalMatchesScipy(n: Int, x: Double, expected: Double) {
    let value = KolmogorovDistribution.survival(n, x)
    #expect(Self.close(value, expected, 1e-12 + 1e-9 * expected), "n \(n) x \(x): \(value)")
  }

  @Test func smirnovMatchesScipy() {
    #expect(Self.close(SmirnovDistribution.survival(20, 0.3), 0.021533604376327058, 1e-14))
    #expect(Self.close(SmirnovDistribution.survival(5000, 0.03), 0.00012079617211333408, 1e-15))
  }

  @Test func exactTwoSampleTestsMatchScipy() {
    let unequal = KolmogorovSmirnov.test([1, 2, 3, 4, 5], [2.5, 6, 7, 8, 9, 10, 11])
    #expect(Self.close(unequal.statistic, 0.8571428571428571, 1e-15))
    #expect(Self.close(unequal.pValue, 0.01515151515151515, 1e-12))
    #expect(unequal.method == .exact)
    let ties = KolmogorovSmirnov.test(
      [1, 2, 2, 3, 3, 3, 4, 5, 6, 7], [2, 3, 3, 4, 8, 9, 9, 10, 11, 12, 12, 13])
    #expect(Self.close(ties.statistic, 0.6666666666666666, 1e-15))
    #expect(Self.close(ties.pValue, 0.006733204875619736, 1e-12))
    let square = KolmogorovSmirnov.test(
      (0..<30).map(Double.init), (0..<30).map { Double($0) + 7.5 })
    #expect(Self.close(square.statistic, 0.26666666666666666, 1e-15))
    #expect(Self.close(square.pValue, 0.23907300248018645, 1e-12))
    let same = KolmogorovSmirnov.test([3, 1, 2], [2, 3, 1])
    #expect(same.statistic == 0 && same.pValue == 1)
  }

  @Test func largeSamplesUseTheAsymptoticDistribution() {
    let first = (0..<10_001).map { Double($0) }
    let second = (0..<500).map { Double($0) * 20 + 3 }
    let result = KolmogorovSmirnov.test(first, second)
    #expect(result.method == .asymptotic)
    #expect(result.pValue > 0.5)
  }

  @Test func distributionsFromSketchesCarryTheirErrorBound() {
    let exact = EmpiricalDistribution(sample: [1, 2, 3, 4])
    #expect(exact.points == [1, 2, 3, 4] && exact.cumulative == [0.25, 0.5, 0.75, 1])
    let sketch = EmpiricalDistribution(
      points: [1.5, 3.5], cumulative: [0.5, 1], count: 1000, rankError: 0.01)
    let result = KolmogorovSmirnov.test(exact, sketch)
    #expect(result.statistic == 0.25)
    #expect(result.errorBound == 0.01)
    #expect(result.pValue == KolmogorovSmirnov.pValue(statistic: 0.25, 4, 1000).pValue)
  }

  @Test func incompleteGammaMatchesScipy() {
    #expect(Self.close(SpecialFunctions.regularizedUpperGamma(2.5, 1.3), 0.761365267845014, 1e-13))
    #expect(
      Self.close(SpecialFunctions.regularizedUpperGamma(50, 70), 0.0051405024585059085, 1e-15))
    #expect(Self.close(SpecialFunctions.regularizedUpperGamma(0.5, 0.01), 0.887537083981715, 1e-13))
    #expect(
      Self.close(SpecialFunctions.regularizedUpperGamma(1000, 900), 0.9994500977342882, 1e-12))
    #expect(SpecialFunctions.chiSquareSurvival(3, degreesOfFreedom: 0).isNaN)
  }

  @Test func chiSquareAsEvidently() {
    let result = CategoricalDrift.chiSquare(
      reference: ["a": 20, "b": 20, "c": 20], current: ["a": 10, "b": 20, "c": 30])
    #expect(result.statistic == 10)
    #expect(Self.close(result.pValue, 0.006737946999085468, 1e-15))
    let novel = CategoricalDrift.chiSquare(reference: ["a": 3], current: ["a": 2, "b": 1])
    #expect(novel.pValue == 0)
  }

  @Test func psiAndJensenShannonAsEvidently() {
    // evidently on a = [1.5, 2.5, 3, 4], b = [1.5, 2.7, 3.2, 9, 5] (numeric, ≤ 20 values)
    // and x = [x, y, x, z], y = [x, y, y, z, q] (categorical).
    let psi = PopulationStability.index(
      referenceSample: [1.5, 2.5, 3, 4], currentSample: [1.5, 2.7, 3.2, 9, 5])
    #expect(Self.close(psi, 11.954526078554522, 1e-12))
    let fractions = PopulationStability.numericFractions(
      reference: [1.5, 2.5, 3, 4], current: [1.5, 2.7, 3.2, 9, 5])
    let js = CategoricalDrift.jensenShannonDistance(fractions.reference, fractions.current)
    #expect(Self.close(js, 0.7338806618419289, 1e-12))
    let reference = ["x": 2, "y": 1, "z": 1]
    let current = ["x": 1, "y": 2, "z": 1, "q": 1]
    #expect(
      Self.close(
        CategoricalDrift.populationStability(reference: reference, current: current),
        1.8759653431772796, 1e-12))
    #expect(
      Self.close(
        CategoricalDrift.jensenShannonDistance(reference: reference, current: current),
        0.3356277343068326, 1e-12))
    #expect(CategoricalDrift.chiSquare(reference: reference, current: current).pValue == 0)
  }

  @Test func sturgesEdgesAsNumpy() {
    // numpy.histogram_bin_edges(numpy.arange(1024.0), bins="sturges") has 12 edges.
    let edges = PopulationStability.sturgesEdges(minimum: 0, maximum: 1023, count: 1024)
    #expect(edges.count == 12)
    #expect(edges.first == 0 && edges.last == 1023)
    #expect(PopulationStability.sturgesEdges(minimum: 2, maximum: 2, count: 5) == [1.5, 2.5])
    let counts = PopulationStability.histogram(sorted: [0, 1, 1, 2, 3], edges: [0, 1, 2, 3])
    #expect(counts == [1, 2, 2])
  }
}

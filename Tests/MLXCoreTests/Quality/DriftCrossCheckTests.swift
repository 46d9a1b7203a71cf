import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

/// The drift statistics against scipy and evidently on generated samples from 5 to 200,000
/// values a side: the samples are written to two CSV files that
/// `Tests/MLXTestSupport/drift_reference.py` reads, and the same numbers are given to mlx.
/// KS statistic within 1e-9 and p-value within 1e-6 of `scipy.stats.ks_2samp`; PSI, the
/// Jensen–Shannon distance and the chi-square p-value within 1e-9 of evidently's stat tests.
@Suite struct DriftCrossCheckTests {
  static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("MLXTestSupport/drift_reference.py")

  struct Sample {
    var continuous: [Double] = []
    var rounded: [Double] = []
    var small: [Double] = []
    var category: [String] = []

    init(count: Int, shift: Double, seed: UInt64) {
      var generator = SeededGenerator(state: seed)
      let categories = ["red", "green", "blue", "cyan", "magenta", "yellow", "black"]
      for _ in 0..<count {
        let value = generator.normal() + shift
        continuous.append(value)
        rounded.append((value * 4).rounded() / 4)
        small.append(Double(min(max(Int((value * 3 + 8).rounded()), 0), 15)))
        let index = min(Int(abs(generator.normal() + shift) * 2), categories.count - 1)
        category.append(categories[index])
      }
    }

    func csv() -> String {
      var text = "x,t,k,c\n"
      text.reserveCapacity(continuous.count * 40)
      for i in continuous.indices {
        text += "\(continuous[i]),\(rounded[i]),\(Int(small[i])),\(category[i])\n"
      }
      return text
    }

    func counts() -> [String: Int] {
      Dictionary(category.map { ($0, 1) }, uniquingKeysWith: +)
    }
  }

  static let cases: [(Int, Int, Double)] = [
    (5, 5, 0.5), (5, 7, 1.5), (20, 30, 0.3), (100, 100, 0.2), (250, 400, 0.0),
    (1000, 1500, 0.1), (3000, 3000, 0.05), (9000, 10_000, 0.03), (12_000, 7, 1.0),
    (15_000, 40, 0.3), (20_000, 150, 0.2), (10_001, 5000, 0.02), (50_000, 60_000, 0.01),
    (200_000, 200_000, 0.005),
  ]

  /// Every case in one Python run (importing evidently takes seconds).
  @Test func agreesWithScipyAndEvidently() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var samples: [(Sample, Sample)] = []
    var files: [String] = []
    for (index, (n1, n2, shift)) in Self.cases.enumerated() {
      let baseline = Sample(count: n1, shift: 0, seed: UInt64(n1 * 31 + n2))
      let current = Sample(count: n2, shift: shift, seed: UInt64(n2 * 17 + n1 + 1))
      try directory.write(baseline.csv(), to: "a\(index).csv")
      try directory.write(current.csv(), to: "b\(index).csv")
      samples.append((baseline, current))
      files += ["a\(index).csv", "b\(index).csv"]
    }
    let python = try #require(ProcessRunner.which("python3"))
    let output = try ProcessRunner.run(python, [Self.reference.path] + files, in: directory.path)
    try #require(output.succeeded, "scipy and evidently are installed by .ci/run: \(output)")
    let results = try #require(try output.json()["results"] as? [[String: Any]])
    try #require(results.count == Self.cases.count)
    for (index, (n1, n2, shift)) in Self.cases.enumerated() {
      try compare(samples[index].0, samples[index].1, results[index], "\(n1)×\(n2) shift \(shift)")
    }
  }

  func compare(_ baseline: Sample, _ current: Sample, _ expected: [String: Any], _ label: String)
    throws
  {

    for (name, a, b) in [
      ("x", baseline.continuous, current.continuous), ("t", baseline.rounded, current.rounded),
      ("k", baseline.small, current.small),
    ] {
      let column = try #require(expected[name] as? [String: Any])
      let ks = KolmogorovSmirnov.test(a, b)
      let statistic = try #require(column["ks_statistic"] as? Double)
      let pValue = try #require(column["ks_pvalue"] as? Double)
      #expect(
        abs(ks.statistic - statistic) <= 1e-9, "\(label) \(name): D \(ks.statistic) vs \(statistic)"
      )
      #expect(
        abs(ks.pValue - pValue) <= 1e-6,
        "\(label) \(name): p \(ks.pValue) vs \(pValue) (\(ks.method))")
      let psi = PopulationStability.index(referenceSample: a, currentSample: b)
      let expectedPSI = try #require(column["psi"] as? Double)
      #expect(
        abs(psi - expectedPSI) <= 1e-9 * max(1, abs(expectedPSI)),
        "\(label) \(name): PSI \(psi) vs \(expectedPSI)")
      let fractions = PopulationStability.numericFractions(reference: a, current: b)
      let js = CategoricalDrift.jensenShannonDistance(fractions.reference, fractions.current)
      let expectedJS = try #require(column["js"] as? Double)
      #expect(abs(js - expectedJS) <= 1e-9, "\(label) \(name): JS \(js) vs \(expectedJS)")
    }

    let column = try #require(expected["c"] as? [String: Any])
    let reference = baseline.counts()
    let now = current.counts()
    let chi = CategoricalDrift.chiSquare(reference: reference, current: now)
    if let pValue = column["chi2_pvalue"] as? Double {
      #expect(abs(chi.pValue - pValue) <= 1e-9, "\(label): chi-square p \(chi.pValue) vs \(pValue)")
    } else {
      #expect(chi.pValue.isNaN, "\(label): chi-square p \(chi.pValue) vs NaN")
    }
    let psi = CategoricalDrift.populationStability(reference: reference, current: now)
    let expectedPSI = try #require(column["psi"] as? Double)
    #expect(
      abs(psi - expectedPSI) <= 1e-9 * max(1, abs(expectedPSI)),
      "\(label): PSI \(psi) vs \(expectedPSI)")
    let js = CategoricalDrift.jensenShannonDistance(reference: reference, current: now)
    let expectedJS = try #require(column["js"] as? Double)
    #expect(abs(js - expectedJS) <= 1e-9, "\(label): JS \(js) vs \(expectedJS)")
  }
}

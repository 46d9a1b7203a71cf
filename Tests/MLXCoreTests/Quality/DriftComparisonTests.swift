import Foundation
import Testing

@testable import MLXCore

/// Columns judged by the policy's thresholds, and the `drift:` block of policy.yaml.
@Suite struct DriftComparisonTests {
  @Test func aColumnAgainstItselfDoesNotDrift() throws {
    let sample = WeightedSample(sample: (0..<500).map { Double($0 % 97) * 1.5 })
    let drift = try #require(
      DriftComparison.compare(
        name: "x", baseline: .numeric(sample), current: .numeric(sample),
        thresholds: .init()))
    #expect(drift.ks?.statistic == 0 && drift.ks?.pValue == 1 && drift.psi == 0)
    #expect(!drift.drifted && drift.exact)
  }

  @Test func aShiftedColumnDriftsNamingEachCheck() throws {
    let first = WeightedSample(sample: (0..<500).map { Double($0) })
    let second = WeightedSample(sample: (0..<500).map { Double($0) + 200 })
    let drift = try #require(
      DriftComparison.compare(
        name: "x", baseline: .numeric(first), current: .numeric(second), thresholds: .init()))
    #expect(drift.drifted)
    #expect(drift.reasons.count == 2)
    #expect(drift.reasons[0].hasPrefix("ks p-value") && drift.reasons[1].hasPrefix("psi"))
    // The same numbers as the functions checked against scipy and evidently.
    #expect(
      drift.ks?.pValue == KolmogorovSmirnov.test(first.distribution, second.distribution).pValue)
    let psi = PopulationStability.index(
      referenceSample: (0..<500).map { Double($0) },
      currentSample: (0..<500).map { Double($0) + 200 })
    #expect(abs((drift.psi ?? 0) - psi) < 1e-12)
  }

  /// From sketches the verdict takes the p-value at D less the error bound: sketch error
  /// alone never makes drift.
  @Test func sketchErrorAloneIsNotDrift() throws {
    let values = (0..<50_000).map { Double($0 % 2500) }
    let first = WeightedSample(weighted: values.map { ($0, 1) }, rankError: 0.015)
    let shifted = WeightedSample(weighted: values.map { ($0 + 50, 1) }, rankError: 0.015)
    let drift = try #require(
      DriftComparison.compare(
        name: "x", baseline: .numeric(first), current: .numeric(shifted), thresholds: .init()))
    let ks = try #require(drift.ks)
    #expect(abs(ks.statistic - 0.02) < 1e-12 && ks.pValue < 1e-6 && ks.errorBound == 0.03)
    #expect(ks.conservativePValue == 1)
    #expect(!drift.drifted && !drift.exact)
  }

  @Test func categoricalColumnsUseChiSquareAndJensenShannon() throws {
    let drift = try #require(
      DriftComparison.compare(
        name: "c", baseline: .categorical(counts: ["a": 50, "b": 50], exact: true),
        current: .categorical(counts: ["a": 90, "b": 10, "c": 1], exact: true),
        thresholds: .init()))
    #expect(drift.drifted && drift.chiSquare?.pValue == 0 && drift.chiSquare?.statistic == nil)
    #expect((drift.js ?? 0) > 0.1)
    let encoded = try JSONEncoder().encode(drift)
    #expect(String(decoding: encoded, as: UTF8.self).contains("\"drifted\":true"))
  }

  @Test func thresholdsComeFromThePolicyWithPerColumnOverrides() throws {
    let policy = try DriftPolicy(
      parsingPolicy: """
        version: 1
        stages: [dev]
        drift:
          psi: 0.25
          columns:
            age: {psi: 0.5, ks_pvalue: 0}
            id: {ignore: true}
        """, path: ".mlx/policy.yaml")
    #expect(policy.defaults.psi == 0.25 && policy.defaults.js == 0.1)
    #expect(policy.thresholds(for: "age").psi == 0.5 && policy.thresholds(for: "age").ksPValue == 0)
    #expect(policy.thresholds(for: "id").ignore)
    #expect(policy.thresholds(for: "other") == policy.defaults)
    #expect(try DriftPolicy(parsingPolicy: "version: 1\n", path: "p") == DriftPolicy())
    _ = try RegistryPolicy(parsing: "version: 1\ndrift:\n  psi: 0.3\n")
  }

  @Test func aBadThresholdNamesTheFileAndLine() {
    #expect(
      throws: QualityError.malformedPolicy(
        path: ".mlx/policy.yaml", line: 3,
        problem: "'js' of drift must be a number from 0.0 to 1.0")
    ) {
      try DriftPolicy(parsingPolicy: "drift:\n  psi: 0.1\n  js: two\n", path: ".mlx/policy.yaml")
    }
    #expect(throws: QualityError.self) {
      try DriftPolicy(parsingPolicy: "drift:\n  pis: 0.1\n", path: "p")
    }
  }
}

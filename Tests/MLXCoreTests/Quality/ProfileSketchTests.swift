import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

/// The sketches behind profiles: quantiles within their stated rank error, exact on small
/// data, deterministic and mergeable; distinct counts within three standard errors; moments
/// that merge to what one pass gives.
@Suite struct ProfileSketchTests {

  /// Standard normal values (Box–Muller), some exponentials cubed for a skewed tail.
  static func values(_ count: Int, seed: UInt64) -> [Double] {
    var generator = SeededGenerator(state: seed)
    return (0..<count).map { index in
      let u = Double.random(in: Double.ulpOfOne..<1, using: &generator)
      let v = Double.random(in: 0..<1, using: &generator)
      let normal = (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
      return index % 3 == 0 ? pow(-log(u), 3) : normal
    }
  }

  /// The rank of `value` in sorted `values`: how many are below it, and how many at or below.
  static func rankRange(of value: Double, in sorted: [Double]) -> ClosedRange<Int> {
    var low = 0
    var high = sorted.count
    while low < high {
      let middle = (low + high) / 2
      if sorted[middle] < value { low = middle + 1 } else { high = middle }
    }
    var upper = low
    while upper < sorted.count, sorted[upper] == value { upper += 1 }
    return low...upper
  }

  @Test func quantilesOfAMillionValuesAreWithinTheRankBound() {
    let values = Self.values(1_000_000, seed: 7)
    var sketch = QuantileSketch()
    for value in values { sketch.insert(value) }
    #expect(!sketch.isExact)
    #expect(sketch.count == values.count)
    let sorted = values.sorted()
    let bound = sketch.rankErrorBound * Double(values.count)
    var worst = 0.0
    for step in 1..<100 {
      let q = Double(step) / 100
      let value = sketch.quantile(q)!
      let ranks = Self.rankRange(of: value, in: sorted)
      let wanted = q * Double(values.count)
      let error =
        ranks.contains(Int(wanted))
        ? 0 : min(abs(Double(ranks.lowerBound) - wanted), abs(Double(ranks.upperBound) - wanted))
      worst = max(worst, error)
      // The CDF agrees with the ranks too.
      let cdf = sketch.cdf(value) * Double(values.count)
      #expect(abs(cdf - Double(ranks.upperBound)) <= bound)
    }
    #expect(worst <= bound, "worst rank error \(worst) of \(values.count)")
    // The sketch stays small: a few hundred values.
    #expect(sketch.weightedValues.count < 1_000)
  }

  @Test func upToTheExactLimitEveryValueIsKept() {
    let values = Self.values(QuantileSketch.exactLimit, seed: 3)
    var sketch = QuantileSketch()
    for value in values { sketch.insert(value) }
    #expect(sketch.isExact)
    #expect(sketch.rankErrorBound == 0)
    let sorted = values.sorted()
    #expect(sketch.exactValues == sorted)
    // numpy's default (linear) quantile.
    let position = 0.3 * Double(sorted.count - 1)
    let lower = Int(position)
    let expected = sorted[lower] + (sorted[lower + 1] - sorted[lower]) * (position - Double(lower))
    #expect(sketch.quantile(0.3) == expected)
    #expect(sketch.cdf(sorted[99]) == 100 / Double(sorted.count))
    sketch.insert(0)
    #expect(!sketch.isExact)
    #expect(sketch.exactValues == nil)
  }

  @Test func mergedPiecesAreExactWhenSmallAndBoundedWhenLarge() {
    var left = QuantileSketch()
    var right = QuantileSketch()
    for value in 0..<1000 { left.insert(Double(value)) }
    for value in 1000..<2000 { right.insert(Double(value)) }
    left.merge(right)
    #expect(left.isExact)
    #expect(left.exactValues == (0..<2000).map(Double.init))

    let values = Self.values(300_000, seed: 11)
    var pieces = stride(from: 0, to: values.count, by: 37_000).map { start in
      var sketch = QuantileSketch()
      for value in values[start..<min(start + 37_000, values.count)] { sketch.insert(value) }
      return sketch
    }
    var merged = pieces.removeFirst()
    for piece in pieces { merged.merge(piece) }
    #expect(merged.count == values.count)
    let sorted = values.sorted()
    for q in [0.01, 0.1, 0.5, 0.9, 0.99] {
      let ranks = Self.rankRange(of: merged.quantile(q)!, in: sorted)
      let wanted = q * Double(values.count)
      let slack = merged.rankErrorBound * Double(values.count)
      #expect(
        Double(ranks.lowerBound) - slack <= wanted && wanted <= Double(ranks.upperBound) + slack)
    }
  }

  @Test func theSameValuesGiveTheSameBytes() throws {
    let values = Self.values(50_000, seed: 5)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    var first = QuantileSketch()
    var second = QuantileSketch()
    for value in values {
      first.insert(value)
      second.insert(value)
    }
    let bytes = try encoder.encode(first)
    #expect(bytes == (try encoder.encode(second)))
    let decoded = try JSONDecoder().decode(QuantileSketch.self, from: bytes)
    #expect(decoded == first)
    #expect(decoded.quantile(0.5) == first.quantile(0.5))
  }

  @Test func aSketchWhoseWeightsDoNotAddUpIsRefused() {
    let text = #"{"count":5,"k":256,"levels":[[1,2],[3]]}"#
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(QuantileSketch.self, from: Data(text.utf8))
    }
  }

  @Test func distinctCountsAreWithinThreeStandardErrors() {
    for distinct in [10, 1_000, 50_000, 400_000] {
      var counter = DistinctCounter()
      var halves = (DistinctCounter(), DistinctCounter())
      for value in 0..<distinct {
        // Each value twice: repeats must not count.
        for _ in 0..<2 {
          let text = Array("value-\(value)".utf8)
          let hash = text.withUnsafeBytes { ValueHash.hash($0) }
          counter.insert(hash: hash)
          if value % 2 == 0 { halves.0.insert(hash: hash) } else { halves.1.insert(hash: hash) }
        }
      }
      let error = abs(Double(counter.estimate - distinct)) / Double(distinct)
      #expect(error <= 3 * DistinctCounter.standardError, "\(counter.estimate) for \(distinct)")
      halves.0.merge(halves.1)
      #expect(halves.0 == counter)
    }
  }

  @Test func momentsMergeToWhatOnePassGives() {
    let values = Self.values(100_000, seed: 13).map { $0 * 1000 + 1e6 }
    var whole = Moments()
    for value in values { whole.add(value) }
    var merged = Moments()
    for start in stride(from: 0, to: values.count, by: 7_919) {
      var piece = Moments()
      for value in values[start..<min(start + 7_919, values.count)] { piece.add(value) }
      merged.merge(piece)
    }
    let mean = values.reduce(0, +) / Double(values.count)
    let variance =
      values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
    #expect(abs(whole.mean - mean) / abs(mean) < 1e-12)
    #expect(abs(merged.mean - mean) / abs(mean) < 1e-12)
    #expect(abs(merged.standardDeviation - variance.squareRoot()) / variance.squareRoot() < 1e-9)
    #expect(merged.count == values.count)
    #expect(merged.min == values.min())
    #expect(merged.max == values.max())
  }

  @Test func valueCountsAreExactUpToTheirCapacityThenBounded() {
    var counts = ValueCounts()
    func add(_ text: String, into counts: inout ValueCounts) {
      Array(text.utf8).withUnsafeBytes { counts.add($0, hash: ValueHash.hash($0)) }
    }
    for index in 0..<5_000 { add("v\(index % 10)", into: &counts) }
    #expect(counts.isExact)
    #expect(counts.top(3).map(\.count) == [500, 500, 500])
    // A frequent value among many rare ones stays, undercounted by at most n/(capacity+1).
    var heavy = ValueCounts()
    var total = 0
    for index in 0..<200_000 {
      add(index % 4 == 0 ? "frequent" : "rare\(index)", into: &heavy)
      total += 1
    }
    #expect(!heavy.isExact)
    #expect(heavy.undercount <= total / (ValueCounts.capacity + 1))
    let frequent = heavy.top(1)[0]
    #expect(frequent.value == "frequent")
    #expect(frequent.count <= 50_000 && frequent.count >= 50_000 - heavy.undercount)
  }

  @Test func valueCountsMergeAndLowerAsMisraGries() {
    // Reference: the summary's rules on a dictionary, merged pieces included.
    func add(_ text: String, into counts: inout ValueCounts) {
      Array(text.utf8).withUnsafeBytes { counts.add($0, hash: ValueHash.hash($0)) }
    }
    var generator = SeededGenerator(state: 11)
    var pieces = [ValueCounts(), ValueCounts(), ValueCounts()]
    var truth: [String: Int] = [:]
    var total = 0
    for index in 0..<60_000 {
      let value =
        index % 3 == 0
        ? "hot\(index % 50)" : "cold\(UInt64.random(in: 0..<5000, using: &generator))"
      add(value, into: &pieces[index % 3])
      truth[value, default: 0] += 1
      total += 1
    }
    // An empty value and one long value are values like any other.
    for piece in pieces.indices {
      add("", into: &pieces[piece])
      add(String(repeating: "x", count: 300), into: &pieces[piece])
    }
    truth["", default: 0] += 3
    truth[String(repeating: "x", count: 300), default: 0] += 3
    total += 6
    var merged = pieces[0]
    merged.merge(pieces[1])
    merged.merge(pieces[2])
    #expect(!merged.isExact)
    #expect(merged.undercount <= total / (ValueCounts.capacity + 1))
    let top = merged.top(ValueCounts.capacity)
    #expect(top.count <= ValueCounts.capacity)
    #expect(Set(top.map(\.value)).count == top.count)
    for entry in top {
      let actual = truth[entry.value] ?? 0
      #expect(entry.count <= actual && entry.count >= actual - merged.undercount)
    }
    for index in 0..<50 { #expect(top.contains { $0.value == "hot\(index)" }) }
    // Exact when small: every value, every count.
    var small = ValueCounts()
    var exact: [String: Int] = [:]
    for index in 0..<5_000 {
      let value = "v\(index % 997)"
      add(value, into: &small)
      exact[value, default: 0] += 1
    }
    #expect(small.isExact)
    #expect(Dictionary(uniqueKeysWithValues: small.top(2000).map { ($0.value, $0.count) }) == exact)
  }
}

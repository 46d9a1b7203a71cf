/// Quantiles of a column's numbers in a few kilobytes: a KLL sketch (Karnin, Lang and
/// Liberty, 2016) that merges, so each piece of a file gets its own and they are combined.
///
/// While the sketch has seen at most ``exactLimit`` values it keeps them all: quantiles,
/// ranks and the empirical CDF are then exact (``isExact``, ``exactValues``). Beyond that,
/// values live in levels; a value at level `h` stands for `2^h` of the values seen, and a
/// full level is compacted by sorting it and promoting every other value. With `k` = 256 the
/// rank of a returned quantile is within ``rankErrorBound`` (1.5% of the count) of the rank
/// asked for, with probability above 99% (the bound Apache DataSketches states for its KLL
/// with this `k`, rounded up).
///
/// Deterministic: which half of a level is promoted comes from a hash of the number of values
/// seen and the level, not from a random generator, so the same values in the same order (and
/// the same merges) give the same sketch, byte for byte.
public struct QuantileSketch: Codable, Equatable, Sendable {
  /// Values kept exactly before the first compaction.
  public static let exactLimit = 4096
  /// The normalized rank error: a returned quantile's rank is within this fraction of the
  /// count of the rank asked for (0 while the sketch is exact).
  public var rankErrorBound: Double { isExact ? 0 : 0.015 }

  /// The size of the top level; lower levels hold 2/3 of the one above, at least 8.
  public let k: Int
  /// The number of values seen.
  public private(set) var count: Int
  /// Level 0 holds values of weight 1, level `h` values of weight `2^h`; levels are sorted
  /// when encoded.
  private(set) var levels: [[Double]]
  /// Derived from `levels` (never encoded): each level's capacity, their sum, the values held.
  private var capacities: [Int] = []
  private var capacityTotal = 0
  private var held = 0

  public init(k: Int = 256) {
    self.k = k
    count = 0
    levels = [[]]
    size()
  }

  /// Recomputes what is derived from the levels.
  private mutating func size() {
    capacities = levels.indices.map(capacity)
    capacityTotal = capacities.reduce(0, +)
    held = levels.reduce(0) { $0 + $1.count }
  }

  /// Whether every value seen is kept (no compaction happened).
  public var isExact: Bool { levels.count == 1 }

  /// Every value seen, sorted, while the sketch is exact.
  public var exactValues: [Double]? { isExact ? levels[0].sorted() : nil }

  public mutating func insert(_ value: Double) {
    levels[0].append(value)
    count += 1
    held += 1
    if levels.count == 1 {
      if held > Self.exactLimit { compress() }
    } else if held > capacityTotal, levels[0].count >= capacities[0] {
      // (compress() would return at once with the sketch within its capacity.)
      compress()
    }
  }

  /// Adds every value `other` has seen.
  public mutating func merge(_ other: QuantileSketch) {
    count += other.count
    while levels.count < other.levels.count { levels.append([]) }  // sized below
    for (level, values) in other.levels.enumerated() { levels[level] += values }
    size()
    if levels.count > 1 || levels[0].count > Self.exactLimit { compress() }
  }

  /// The values and their weights, sorted by value.
  public var weightedValues: [(value: Double, weight: Int)] {
    var result: [(value: Double, weight: Int)] = []
    result.reserveCapacity(levels.reduce(0) { $0 + $1.count })
    for (level, values) in levels.enumerated() {
      for value in values { result.append((value, 1 << level)) }
    }
    result.sort { $0.value < $1.value }
    return result
  }

  /// The fraction of values at or below `x` (the empirical CDF); exact while ``isExact``.
  public func cdf(_ x: Double) -> Double {
    guard count > 0 else { return 0 }
    var below = 0
    for (level, values) in levels.enumerated() {
      for value in values where value <= x { below += 1 << level }
    }
    return Double(below) / Double(count)
  }

  /// The value at fraction `q` (0...1) of the sorted values; nil when empty. When exact, the
  /// linear interpolation numpy's `quantile` computes by default; otherwise the smallest kept
  /// value whose cumulative weight reaches `q` of the count.
  public func quantile(_ q: Double) -> Double? {
    guard count > 0 else { return nil }
    let q = min(1, max(0, q))
    if let values = exactValues {
      let position = q * Double(values.count - 1)
      let lower = Int(position.rounded(.down))
      guard lower + 1 < values.count else { return values[lower] }
      let fraction = position - Double(lower)
      let value = values[lower] + (values[lower + 1] - values[lower]) * fraction
      return value.isFinite ? value : values[lower]
    }
    let items = weightedValues
    let target = q * Double(count)
    var cumulative = 0
    for item in items {
      cumulative += item.weight
      if Double(cumulative) >= target { return item.value }
    }
    return items.last?.value
  }

  // MARK: - Compaction

  private func capacity(_ level: Int) -> Int {
    max(8, Int((Double(k) * Self.shrink[levels.count - 1 - level]).rounded(.up)))
  }

  /// (2/3)^depth, for depths up to the most levels a sketch has.
  private static let shrink: [Double] = (0..<64).map { depth in
    (0..<depth).reduce(1.0) { value, _ in value * 2 / 3 }
  }

  /// Compacts the lowest full level until the sketch is within its capacity. (Runs once per
  /// few inserts on a long column: it allocates nothing.)
  private mutating func compress() {
    while true {
      let exactPhase = levels.count == 1 && held <= Self.exactLimit
      if exactPhase || held <= capacityTotal { return }
      var level = 0
      while level < levels.count, levels[level].count < capacities[level] { level += 1 }
      guard level < levels.count else { return }
      compact(level)
    }
  }

  /// Sorts `level` and promotes every other value (starting at the first or the second, by
  /// a hash of the count and the level) to the level above; with an odd count the largest
  /// value stays. In place: the level keeps its storage for the values to come.
  private mutating func compact(_ level: Int) {
    if level + 1 == levels.count {
      levels.append([])
      size()
    }
    let offset = Int(Self.mix(UInt64(count) &* 0x9E37_79B9 &+ UInt64(level)) & 1)
    var removed = 0
    // Through the outer array's buffer: each level is changed in place, no level copied,
    // retained or checked again per value.
    levels.withUnsafeMutableBufferPointer { levels in
      levels[level].sort()
      let total = levels[level].count
      let paired = total - total % 2
      levels[level].withUnsafeBufferPointer { sorted in
        var index = offset
        while index < paired {
          levels[level + 1].append(sorted[index])
          index += 2
        }
      }
      let kept = total % 2 == 1 ? levels[level][total - 1] : nil
      removed = total - (kept == nil ? 0 : 1) - (paired - offset + 1) / 2
      levels[level].removeAll(keepingCapacity: true)
      if let kept { levels[level].append(kept) }
    }
    held -= removed
  }

  /// SplitMix64's finalizer.
  static func mix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Equal when they hold the same values at the same levels (a level's order is of no
  /// consequence: it is sorted before it is compacted, and when encoded).
  public static func == (left: QuantileSketch, right: QuantileSketch) -> Bool {
    left.k == right.k && left.count == right.count && left.levels.count == right.levels.count
      && zip(left.levels, right.levels).allSatisfy { $0.sorted() == $1.sorted() }
  }

  // MARK: - Codable

  private enum CodingKeys: String, CodingKey { case k, count, levels }

  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    k = try container.decode(Int.self, forKey: .k)
    count = try container.decode(Int.self, forKey: .count)
    levels = try container.decode([[Double]].self, forKey: .levels)
    size()
    let weight = levels.enumerated().reduce(0) { $0 + $1.element.count << $1.offset }
    guard (8...65536).contains(k), !levels.isEmpty, levels.count < 62, weight == count,
      levels.allSatisfy({ $0.allSatisfy(\.isFinite) })
    else {
      throw DecodingError.dataCorruptedError(
        forKey: .levels, in: container,
        debugDescription: "a quantile sketch whose weights do not add up to its count")
    }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(k, forKey: .k)
    try container.encode(count, forKey: .count)
    try container.encode(levels.map { $0.sorted() }, forKey: .levels)
  }
}

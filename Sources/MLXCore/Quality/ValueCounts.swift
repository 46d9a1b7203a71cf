/// How often each value of a column occurs: exact while the column has at most ``capacity``
/// distinct values, then a Misra–Gries summary (Misra and Gries, 1982; merged as Agarwal et
/// al., 2012, show) of the most frequent ones.
///
/// Once the summary is full, a value not in it lowers every count by one instead of being
/// added. So each count is at most ``undercount`` below the true one, and ``undercount`` is
/// at most the number of values counted divided by `capacity + 1`: every value more frequent
/// than that is in the summary. ``isExact`` while nothing was ever lowered.
struct ValueCounts: Sendable {
  static let capacity = 1000

  private(set) var values: [[UInt8]] = []
  private(set) var counts: [Int] = []
  /// Each value's position, by its hash (or the next free slot after it, on a collision).
  private var index: [UInt64: Int] = [:]
  /// How far below the true count any count may be.
  private(set) var undercount = 0

  var isExact: Bool { undercount == 0 }

  /// Counts one occurrence of `value`, whose ``ValueHash`` is `hash`.
  @inline(__always)
  mutating func add(_ value: UnsafeRawBufferPointer, hash: UInt64, count: Int = 1) {
    var slot = hash
    while let position = index[slot] {
      if values[position].elementsEqual(value) {
        counts[position] += count
        return
      }
      slot &+= 1
    }
    if values.count < Self.capacity {
      index[slot] = values.count
      values.append(Array(value))
      counts.append(count)
      return
    }
    // Full: lower every count by the smaller of the new value's count and the least count.
    let lowered = min(count, counts.min() ?? count)
    undercount += lowered
    if count > lowered {
      counts = counts.map { $0 - lowered }
      rebuild(adding: (Array(value), count - lowered))
    } else {
      counts = counts.map { $0 - lowered }
      rebuild(adding: nil)
    }
  }

  /// Counts one occurrence of `value` if that needs no lowering: false (and nothing
  /// counted) for a new value when the counts are full.
  @inline(__always)
  mutating func addExactly(_ value: UnsafeRawBufferPointer, hash: UInt64) -> Bool {
    guard values.count == Self.capacity else {
      add(value, hash: hash)
      return true
    }
    var slot = hash
    while let position = index[slot] {
      if values[position].elementsEqual(value) {
        counts[position] += 1
        return true
      }
      slot &+= 1
    }
    return false
  }

  /// Adds `other`'s counts; when more than ``capacity`` values are then held, lowers every
  /// count by the (capacity+1)-th largest and drops those at zero.
  mutating func merge(_ other: ValueCounts) {
    undercount += other.undercount
    for (value, count) in zip(other.values, other.counts) {
      value.withUnsafeBytes { bytes in
        var slot = ValueHash.hash(bytes)
        while let position = index[slot] {
          if values[position] == value {
            counts[position] += count
            return
          }
          slot &+= 1
        }
        index[slot] = values.count
        values.append(value)
        counts.append(count)
      }
    }
    guard values.count > Self.capacity else { return }
    let lowered = counts.sorted(by: >)[Self.capacity]
    undercount += lowered
    counts = counts.map { $0 - lowered }
    rebuild(adding: nil)
  }

  /// Drops the values whose count reached zero (and adds `extra`), then rebuilds the index.
  private mutating func rebuild(adding extra: ([UInt8], Int)?) {
    var keptValues: [[UInt8]] = []
    var keptCounts: [Int] = []
    for (value, count) in zip(values, counts) where count > 0 {
      keptValues.append(value)
      keptCounts.append(count)
    }
    if let extra, keptValues.count < Self.capacity {
      keptValues.append(extra.0)
      keptCounts.append(extra.1)
    }
    values = []
    counts = []
    index = [:]
    for (value, count) in zip(keptValues, keptCounts) {
      value.withUnsafeBytes { add($0, hash: ValueHash.hash($0), count: count) }
    }
  }

  /// The values and counts, most frequent first (ties by value), at most `limit` of them.
  func top(_ limit: Int) -> [(value: String, count: Int)] {
    zip(values, counts)
      .map { (value: String(decoding: $0.0, as: UTF8.self), count: $0.1) }
      .sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
      .prefix(limit).map { $0 }
  }
}

/// Count, mean and the sum of squared deviations, updated one value at a time (Welford) and
/// merged (Chan et al.), numerically stable; with the minimum and maximum.
struct Moments: Equatable, Sendable {
  var count = 0
  var mean = 0.0
  var squares = 0.0
  var min = Double.infinity
  var max = -Double.infinity

  @inline(__always)
  mutating func add(_ value: Double) {
    count += 1
    let delta = value - mean
    mean += delta / Double(count)
    squares += delta * (value - mean)
    if value < min { min = value }
    if value > max { max = value }
  }

  mutating func merge(_ other: Moments) {
    guard other.count > 0 else { return }
    guard count > 0 else {
      self = other
      return
    }
    let total = Double(count + other.count)
    let delta = other.mean - mean
    mean += delta * Double(other.count) / total
    squares += other.squares + delta * delta * Double(count) * Double(other.count) / total
    count += other.count
    min = Swift.min(min, other.min)
    max = Swift.max(max, other.max)
  }

  /// The sample standard deviation (n − 1); 0 for fewer than two values.
  var standardDeviation: Double {
    count > 1 ? (Swift.max(0, squares) / Double(count - 1)).squareRoot() : 0
  }
}

/// What one piece of a file showed of one column.
struct ColumnTally: Sendable {
  /// What the profiler does with a column's cells.
  enum Role: Sendable, Equatable {
    /// No type given: every candidate type is tried, numbers are summarized while every
    /// value is one.
    case inferred
    /// An integer or number column.
    case numeric(TableSchema.FieldType)
    /// Any other type: values are counted.
    case categorical(TableSchema.FieldType)
  }

  /// The types tried for an inferred column, narrowest first (as `mlx schema infer`).
  static let candidates = SchemaInference.candidates

  var present = 0
  var missing = 0
  var invalid = 0
  /// NaN and infinite numbers (invalid once the column is numeric).
  var nonFinite = 0
  /// For an inferred column, the candidate types every present value had so far: bit `i`
  /// for ``candidates``[i] (a mask, not an array: tested for every cell).
  var possible: UInt8 = (1 << ColumnTally.candidates.count) - 1
  var moments = Moments()
  var sketch = QuantileSketch()
  var distinct = DistinctCounter()
  /// Nil once a numeric (or possibly numeric) column had more distinct values than are
  /// counted exactly: counting them is then of no use.
  var counts: ValueCounts? = ValueCounts()
  /// Whether the counts of a column still possibly numeric were dropped.
  var countsDropped = false

  private var numberPossible: Bool { possible & 2 != 0 }

  @inline(__always)
  private func isPossible(_ index: Int) -> Bool { possible & (1 << index) != 0 }

  @inline(__always)
  private mutating func rule(out index: Int) { possible &= ~(1 << index) }

  @inline(__always)
  mutating func add(_ cell: UnsafeRawBufferPointer, role: Role) {
    present += 1
    let hash = ValueHash.hash(cell)
    switch role {
    case .inferred:
      if numberPossible {
        // An integer column's cells are read once; a number column's fail the integer
        // reading once, then are read as numbers only.
        if isPossible(0), let integer = FieldValue.integer(cell) {
          addNumber(Double(integer))
        } else if let value = FieldValue.number(cell) {
          rule(out: 0)
          addNumber(value)
        } else {
          rule(out: 0)
          rule(out: 1)
        }
      }
      if possible > 3 {
        // candidates[2...] (checked by tests): date, datetime, boolean.
        if isPossible(2), FieldValue.date(cell) == nil { rule(out: 2) }
        if isPossible(3), FieldValue.datetime(cell) == nil { rule(out: 3) }
        if isPossible(4), FieldValue.boolean(cell) == nil { rule(out: 4) }
      }
      distinct.insert(hash: hash)
      count(cell, hash: hash, numeric: numberPossible)
    case .numeric(let type):
      let value =
        type == .integer ? FieldValue.integer(cell).map(Double.init) : FieldValue.number(cell)
      guard let value, value.isFinite else {
        invalid += 1
        return
      }
      addNumber(value)
      distinct.insert(hash: hash)
      count(cell, hash: hash, numeric: true)
    case .categorical(let type):
      if type != .string, type != .any, FieldValue.parse(cell, as: type) == nil {
        invalid += 1
        return
      }
      distinct.insert(hash: hash)
      count(cell, hash: hash, numeric: false)
    }
  }

  @inline(__always)
  private mutating func addNumber(_ value: Double) {
    guard value.isFinite else {
      nonFinite += 1
      return
    }
    moments.add(value)
    sketch.insert(value)
  }

  @inline(__always)
  private mutating func count(_ cell: UnsafeRawBufferPointer, hash: UInt64, numeric: Bool) {
    guard counts != nil else { return }
    if !numeric {
      counts!.add(cell, hash: hash)
    } else if !counts!.addExactly(cell, hash: hash) {
      counts = nil
      countsDropped = true
    }
  }

  mutating func merge(_ other: ColumnTally) {
    present += other.present
    missing += other.missing
    invalid += other.invalid
    nonFinite += other.nonFinite
    possible &= other.possible
    moments.merge(other.moments)
    sketch.merge(other.sketch)
    distinct.merge(other.distinct)
    countsDropped = countsDropped || other.countsDropped
    if var mine = counts, let theirs = other.counts {
      mine.merge(theirs)
      counts = mine
    } else {
      counts = nil
    }
  }

  /// The type of an inferred column: the narrowest candidate every present value had.
  var inferredType: TableSchema.FieldType {
    guard present > 0 else { return .string }
    return Self.candidates.indices.first(where: isPossible).map { Self.candidates[$0] } ?? .string
  }
}

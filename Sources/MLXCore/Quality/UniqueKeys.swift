import Dispatch

/// Finding values seen twice in a unique column, in 8 bytes a row.
///
/// Each row keeps one 64-bit key: an integer cell of an integer field its value (exact), any
/// other cell a hash of its bytes. Keys of a dense range (row ids) are checked in a bitmap of
/// the range, one pass, no sort; other keys are sorted per piece, on all cores, and the sorted
/// lists merged. A key seen twice only names candidates: the file is then read again to
/// compare the cells themselves.
enum UniqueKeys {
  /// The key of one cell.
  @inline(__always)
  static func key(of cell: UnsafeRawBufferPointer, integerField: Bool) -> UInt64 {
    if integerField, let value = FieldValue.integer(cell) {
      return UInt64(bitPattern: value)
    }
    var hasher = Hasher()
    hasher.combine(cell.count)
    hasher.combine(bytes: cell)
    return UInt64(bitPattern: Int64(hasher.finalize()))
  }

  /// The keys found more than once across the lists (one per piece, in any order).
  static func repeated(in lists: [[UInt64]]) -> Set<UInt64> {
    let count = lists.reduce(0) { $0 + $1.count }
    guard count > 1 else { return [] }
    var low = Int64.max
    var high = Int64.min
    for list in lists {
      for key in list {
        let value = Int64(bitPattern: key)
        low = min(low, value)
        high = max(high, value)
      }
    }
    let (span, overflow) = high.subtractingReportingOverflow(low)
    if !overflow, span >= 0, span < Int64(count) * 8 {
      return repeatedInBitmap(lists, low: low, span: Int(span))
    }
    return repeatedBySorting(lists)
  }

  private static func repeatedInBitmap(_ lists: [[UInt64]], low: Int64, span: Int) -> Set<UInt64> {
    var bits = [UInt64](repeating: 0, count: span / 64 + 1)
    var repeated = Set<UInt64>()
    for list in lists {
      for key in list {
        let offset = Int(Int64(bitPattern: key) - low)
        let mask = UInt64(1) << UInt64(offset & 63)
        if bits[offset >> 6] & mask != 0 {
          repeated.insert(key)
        } else {
          bits[offset >> 6] |= mask
        }
      }
    }
    return repeated
  }

  private static func repeatedBySorting(_ lists: [[UInt64]]) -> Set<UInt64> {
    let sorted = ConcurrentResults<[UInt64]>(count: lists.count)
    DispatchQueue.concurrentPerform(iterations: lists.count) { index in
      sorted.record(index) { lists[index].sorted() }
    }
    let runs = (try? sorted.values()) ?? lists.map { $0.sorted() }
    var positions = [Int](repeating: 0, count: runs.count)
    var repeated = Set<UInt64>()
    var previous: UInt64?
    while true {
      var smallest: Int?
      for run in runs.indices where positions[run] < runs[run].count {
        if smallest == nil || runs[run][positions[run]] < runs[smallest!][positions[smallest!]] {
          smallest = run
        }
      }
      guard let run = smallest else { return repeated }
      let value = runs[run][positions[run]]
      if value == previous { repeated.insert(value) }
      previous = value
      positions[run] += 1
    }
  }
}

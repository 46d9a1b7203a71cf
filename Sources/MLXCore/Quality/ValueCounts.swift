/// How often each value of a column occurs: exact while the column has at most ``capacity``
/// distinct values, then a Misra–Gries summary (Misra and Gries, 1982; merged as Agarwal et
/// al., 2012, show) of the most frequent ones.
///
/// Once the summary is full, a value not in it lowers every count by one instead of being
/// added. So each count is at most ``undercount`` below the true one, and ``undercount`` is
/// at most the number of values counted divided by `capacity + 1`: every value more frequent
/// than that is in the summary. ``isExact`` while nothing was ever lowered.
///
/// Counting a cell allocates nothing: the values' bytes are kept one after another in one
/// buffer, found through an open-addressing table on the ``ValueHash`` the caller computed
/// once for the cell (and shares with ``DistinctCounter``).
struct ValueCounts: Sendable {
  static let capacity = 1000

  /// The values' bytes, one after another, in the order of ``counts``.
  private var bytes: [UInt8] = []
  /// Where each value starts in ``bytes``; it ends where the next starts (or at the end).
  private var starts: [Int] = []
  /// Each value's hash.
  private var hashes: [UInt64] = []
  private(set) var counts: [Int] = []
  /// Open addressing on the hash (linear probing): each slot holds a value's position + 1,
  /// or 0 when free. Its size is a power of two, at least twice the values held.
  private var slots: [Int32] = Array(repeating: 0, count: 64)
  /// How far below the true count any count may be.
  private(set) var undercount = 0

  var isExact: Bool { undercount == 0 }

  /// The number of values held.
  var valueCount: Int { counts.count }

  /// The value at `position`, as bytes.
  func value(at position: Int) -> [UInt8] {
    let end = position + 1 < starts.count ? starts[position + 1] : bytes.count
    return Array(bytes[starts[position]..<end])
  }

  /// The position of `value` (hash `hash`), or the free slot where it would go.
  @inline(__always)
  private func find(_ value: UnsafeRawBufferPointer, hash: UInt64) -> (
    position: Int?, slot: Int
  ) {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let entry = Int(slots[slot])
      if entry == 0 { return (nil, slot) }
      let position = entry - 1
      if hashes[position] == hash, matches(position, value) { return (position, slot) }
      slot = (slot + 1) & mask
    }
  }

  @inline(__always)
  private func matches(_ position: Int, _ value: UnsafeRawBufferPointer) -> Bool {
    let start = starts[position]
    let end = position + 1 < starts.count ? starts[position + 1] : bytes.count
    let count = value.count
    guard end - start == count else { return false }
    guard count > 0 else { return true }
    // Inline, eight bytes at a time: most values are a few bytes, too short for memcmp's call.
    return bytes.withUnsafeBytes { stored in
      let left = stored.baseAddress! + start
      let right = value.baseAddress!
      var offset = 0
      while offset + 8 <= count {
        if left.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
          != right.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        {
          return false
        }
        offset += 8
      }
      while offset < count {
        if left.load(fromByteOffset: offset, as: UInt8.self)
          != right.load(fromByteOffset: offset, as: UInt8.self)
        {
          return false
        }
        offset += 1
      }
      return true
    }
  }

  /// Appends a value not held, in the free slot `slot` (the table grown first when needed).
  private mutating func append(_ value: UnsafeRawBufferPointer, hash: UInt64, count: Int, slot: Int)
  {
    var slot = slot
    if (counts.count + 1) * 2 > slots.count {
      grow()
      slot = find(value, hash: hash).slot
    }
    slots[slot] = Int32(counts.count + 1)
    starts.append(bytes.count)
    bytes.append(contentsOf: value)
    hashes.append(hash)
    counts.append(count)
  }

  /// Doubles the table and places every value again.
  private mutating func grow() {
    slots = Array(repeating: 0, count: slots.count * 2)
    reindex()
  }

  /// Places every value in a cleared table.
  private mutating func reindex() {
    let mask = slots.count - 1
    slots.withUnsafeMutableBufferPointer { table in
      for index in table.indices { table[index] = 0 }
      for (position, hash) in hashes.enumerated() {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while table[slot] != 0 { slot = (slot + 1) & mask }
        table[slot] = Int32(position + 1)
      }
    }
  }

  /// Counts one occurrence of `value`, whose ``ValueHash`` is `hash`.
  @inline(__always)
  mutating func add(_ value: UnsafeRawBufferPointer, hash: UInt64, count: Int = 1) {
    let found = find(value, hash: hash)
    if let position = found.position {
      counts[position] += count
      return
    }
    if counts.count < Self.capacity {
      append(value, hash: hash, count: count, slot: found.slot)
      return
    }
    // Full: lower every count by the smaller of the new value's count and the least count.
    let lowered = min(count, counts.min() ?? count)
    undercount += lowered
    lower(by: lowered)
    if count > lowered, counts.count < Self.capacity {
      append(value, hash: hash, count: count - lowered, slot: find(value, hash: hash).slot)
    }
  }

  /// Counts one occurrence of `value` if that needs no lowering: false (and nothing
  /// counted) for a new value when the counts are full.
  @inline(__always)
  mutating func addExactly(_ value: UnsafeRawBufferPointer, hash: UInt64) -> Bool {
    let found = find(value, hash: hash)
    if let position = found.position {
      counts[position] += 1
      return true
    }
    guard counts.count < Self.capacity else { return false }
    append(value, hash: hash, count: 1, slot: found.slot)
    return true
  }

  /// Adds `other`'s counts; when more than ``capacity`` values are then held, lowers every
  /// count by the (capacity+1)-th largest and drops those at zero.
  mutating func merge(_ other: ValueCounts) {
    undercount += other.undercount
    for position in other.counts.indices {
      let value = other.value(at: position)
      let hash = other.hashes[position]
      value.withUnsafeBytes { value in
        let found = find(value, hash: hash)
        if let at = found.position {
          counts[at] += other.counts[position]
        } else {
          append(value, hash: hash, count: other.counts[position], slot: found.slot)
        }
      }
    }
    guard counts.count > Self.capacity else { return }
    let lowered = counts.sorted(by: >)[Self.capacity]
    undercount += lowered
    lower(by: lowered)
  }

  /// Lowers every count by `amount` and drops the values at zero or below, keeping the
  /// others in their order (their bytes moved down in place), then places them again.
  private mutating func lower(by amount: Int) {
    var kept = 0
    var written = 0
    let total = counts.count
    let end = bytes.count
    bytes.withUnsafeMutableBytes { storage in
      for position in 0..<total {
        let count = counts[position] - amount
        guard count > 0 else { continue }
        let start = starts[position]
        let length = (position + 1 < total ? starts[position + 1] : end) - start
        if written != start, length > 0 {
          (storage.baseAddress! + written).copyMemory(
            from: storage.baseAddress! + start, byteCount: length)
        }
        // Kept positions never pass the ones being read: starts can be overwritten behind.
        starts[kept] = written
        hashes[kept] = hashes[position]
        counts[kept] = count
        written += length
        kept += 1
      }
    }
    bytes.removeLast(bytes.count - written)
    starts.removeLast(total - kept)
    hashes.removeLast(total - kept)
    counts.removeLast(total - kept)
    reindex()
  }

  /// The values and counts, most frequent first (ties by value), at most `limit` of them.
  func top(_ limit: Int) -> [(value: String, count: Int)] {
    counts.indices
      .map { (value: String(decoding: value(at: $0), as: UTF8.self), count: counts[$0]) }
      .sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
      .prefix(limit).map { $0 }
  }
}

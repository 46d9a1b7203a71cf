import Dispatch

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// A delimited text file — CSV as RFC 4180 writes it (quoted fields, doubled quotes, line
/// breaks inside quotes, CRLF or LF), or TSV (no quoting) — read from a mapping of the file.
///
/// The file is cut into pieces on record boundaries so pieces are read on all cores: each
/// nominal cut moves to the first line break after it that is outside quotes, judged by the
/// parity of the quotes before it (counted in parallel). A cut is right only if the record
/// before it ends exactly there; ``Piece`` readers report where they stopped, and a reader
/// that finds any cut wrong reads the file again in one piece, so the records are always
/// those a reader from the start would see.
struct DelimitedText: @unchecked Sendable {
  let bytes: UnsafeRawBufferPointer
  let delimiter: UInt8
  let quoting: Bool
  /// For JSON Lines, the columns (the schema's field names) each line's keys are read into;
  /// nil for CSV and TSV.
  var jsonColumns: [[UInt8]]? = nil

  static let quote = UInt8(ascii: "\"")
  static let newline = UInt8(ascii: "\n")
  static let carriageReturn = UInt8(ascii: "\r")

  /// One field of a record: its bytes in the file, without the surrounding quotes.
  struct Field {
    var start: Int
    var end: Int
    /// Holds doubled quotes (CSV) or escapes (a JSON string) to undo before the value is read.
    var escaped: Bool
    /// What the bytes are: `text` in CSV and TSV; a JSON value's kind in JSON Lines.
    var kind: Kind = .text

    enum Kind: UInt8 {
      case text, string, number, literal, nested
      /// JSON `null`, or a key the line does not have: a missing value.
      case null, absent
      /// A cell of a line that is not a JSON object: not checked.
      case unread
    }
  }

  /// What reading one record found besides its fields.
  enum Problem: Equatable {
    /// A quoted field with no closing quote before the end of the file.
    case unterminatedQuote
    /// Characters between a closing quote and the next delimiter.
    case textAfterQuote
    /// A JSON Lines line that is not one JSON object (or gives a key twice).
    case notAnObject
    /// A JSON Lines key that is no column; the range is its bytes.
    case extraKey(Range<Int>)

    /// A CSV/TSV quoting fault: the record's fields are not what the file meant.
    var isQuoting: Bool { self == .unterminatedQuote || self == .textAfterQuote }
  }

  /// Reads the record starting at `position` into `fields` (cleared first) and returns where
  /// the next record starts. A blank line yields no fields.
  func readRecord(at position: Int, into fields: inout [Field], problem: inout Problem?) -> Int {
    if let jsonColumns {
      return readJSONRecord(at: position, columns: jsonColumns, into: &fields, problem: &problem)
    }
    fields.removeAll(keepingCapacity: true)
    let end = bytes.count
    var cursor = position
    if cursor < end, bytes[cursor] == Self.newline { return cursor + 1 }
    if cursor + 1 < end, bytes[cursor] == Self.carriageReturn, bytes[cursor + 1] == Self.newline {
      return cursor + 2
    }
    while true {
      if quoting, cursor < end, bytes[cursor] == Self.quote {
        let start = cursor + 1
        var scan = start
        var escaped = false
        var closing = end
        while let found = find(Self.quote, from: scan) {
          if found + 1 < end, bytes[found + 1] == Self.quote {
            escaped = true
            scan = found + 2
            continue
          }
          closing = found
          break
        }
        if closing == end {
          problem = .unterminatedQuote
          fields.append(Field(start: start, end: end, escaped: escaped))
          return end
        }
        fields.append(Field(start: start, end: closing, escaped: escaped))
        cursor = closing + 1
        if cursor < end, bytes[cursor] != delimiter, bytes[cursor] != Self.newline,
          bytes[cursor] != Self.carriageReturn
        {
          problem = .textAfterQuote
          while cursor < end, bytes[cursor] != delimiter, bytes[cursor] != Self.newline {
            cursor += 1
          }
        }
      } else {
        let start = cursor
        cursor = endOfUnquotedField(from: cursor, end: end)
        var fieldEnd = cursor
        if fieldEnd > start, bytes[fieldEnd - 1] == Self.carriageReturn,
          cursor == end || bytes[cursor] == Self.newline
        {
          fieldEnd -= 1
        }
        fields.append(Field(start: start, end: fieldEnd, escaped: false))
      }
      if cursor < end, bytes[cursor] == delimiter {
        cursor += 1
        continue
      }
      if cursor < end, bytes[cursor] == Self.carriageReturn { cursor += 1 }
      return cursor < end ? cursor + 1 : end
    }
  }

  /// The first delimiter or line break at or after `cursor`, or `end`: eight bytes at a time
  /// (a zero byte of `word ^ pattern` marks a match), then byte by byte for the last few.
  @inline(__always)
  private func endOfUnquotedField(from start: Int, end: Int) -> Int {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    let delimiters = UInt64(delimiter) &* ones
    let newlines = UInt64(Self.newline) &* ones
    var cursor = start
    while cursor + 8 <= end {
      let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: cursor, as: UInt64.self))
      let a = word ^ delimiters
      let b = word ^ newlines
      // Exact: a byte's high bit is set only when that byte (of a or b) is zero.
      let found = ((a &- ones) & ~a | (b &- ones) & ~b) & highs
      if found != 0 {
        // The lowest flagged byte is the first match: bytes below it produced no borrow.
        return cursor + found.trailingZeroBitCount / 8
      }
      cursor += 8
    }
    while cursor < end {
      let byte = bytes[cursor]
      if byte == delimiter || byte == Self.newline { break }
      cursor += 1
    }
    return cursor
  }

  /// The field's value with quotes undoubled, when it needs it.
  func value(of field: Field) -> [UInt8] {
    if field.kind == .string, field.escaped { return jsonUnescaped(field) }
    let raw = UnsafeRawBufferPointer(rebasing: bytes[field.start..<field.end])
    guard field.escaped else { return Array(raw) }
    var result: [UInt8] = []
    result.reserveCapacity(raw.count)
    var index = 0
    while index < raw.count {
      result.append(raw[index])
      index +=
        raw[index] == Self.quote && index + 1 < raw.count && raw[index + 1] == Self.quote ? 2 : 1
    }
    return result
  }

  /// Calls `body` with the field's value: its bytes in the mapping, or for a field with
  /// doubled quotes a copy with them undone.
  @inline(__always)
  func withValue(of field: Field, _ body: (UnsafeRawBufferPointer) -> Void) {
    if field.kind.rawValue >= Field.Kind.null.rawValue {
      body(UnsafeRawBufferPointer(start: nil, count: 0))  // missing in JSON Lines
    } else if field.escaped {
      value(of: field).withUnsafeBytes(body)
    } else {
      body(UnsafeRawBufferPointer(rebasing: bytes[field.start..<field.end]))
    }
  }

  /// The field's bytes as written (a JSON string with its quotes).
  func raw(_ field: Field) -> UnsafeRawBufferPointer {
    let quoted = field.kind == .string ? 1 : 0
    return UnsafeRawBufferPointer(rebasing: bytes[field.start - quoted..<field.end + quoted])
  }

  func find(_ byte: UInt8, from position: Int) -> Int? {
    guard position < bytes.count, let base = bytes.baseAddress else { return nil }
    guard let found = memchr(base + position, Int32(byte), bytes.count - position) else {
      return nil
    }
    return base.distance(to: UnsafeRawPointer(found))
  }

  // MARK: - Pieces

  /// Where `count` pieces of `range` start: the first at `range.lowerBound`, each other one
  /// just after a line break outside quotes (by the parity of the quotes before it, counted
  /// on all cores), in increasing order, without repeats. The caller checks that each
  /// piece's last record ends where the next begins.
  /// `release` is called on each range counted, so a mapping's pages can be dropped.
  func cuts(
    of range: Range<Int>, count: Int, release: @escaping @Sendable (Range<Int>) -> Void = { _ in }
  ) -> [Int] {
    let length = range.count
    guard count > 1, length > 1 << 20 else { return [range.lowerBound] }
    let nominal = (0...count).map {
      $0 == count ? range.upperBound : range.lowerBound + length / count * $0
    }
    var quotes = [Int](repeating: 0, count: count)
    if quoting {
      let counted = ConcurrentResults<Int>(count: count)
      DispatchQueue.concurrentPerform(iterations: count) { segment in
        counted.record(segment) {
          // In blocks, each released once counted: memory stays a few blocks whatever the size.
          var total = 0
          var block = nominal[segment]
          while block < nominal[segment + 1] {
            let blockEnd = min(block + (8 << 20), nominal[segment + 1])
            total += quoteCount(in: block..<blockEnd)
            release(block..<blockEnd)
            block = blockEnd
          }
          return total
        }
      }
      quotes = (try? counted.values()) ?? quotes
    }
    var parity = 0
    var cuts = [range.lowerBound]
    for index in 1..<count {
      parity = (parity + quotes[index - 1]) & 1
      var inQuotes = parity == 1
      var cursor = nominal[index]
      if !inQuotes, bytes[cursor - 1] == Self.newline {
        if cursor > cuts.last!, cursor < range.upperBound { cuts.append(cursor) }
        continue
      }
      while cursor < range.upperBound {
        let byte = bytes[cursor]
        if quoting, byte == Self.quote {
          inQuotes.toggle()
        } else if byte == Self.newline, !inQuotes {
          break
        }
        cursor += 1
      }
      let cut = min(cursor + 1, range.upperBound)
      if cut > cuts.last!, cut < range.upperBound { cuts.append(cut) }
    }
    return cuts
  }

  /// The number of quote characters in `range`: eight bytes at a time, each quote byte
  /// found exactly (no carry crosses bytes) and the found bytes counted.
  func quoteCount(in range: Range<Int>) -> Int {
    guard let base = bytes.baseAddress, !range.isEmpty else { return 0 }
    let quotes: UInt64 = 0x2222_2222_2222_2222
    let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    var count = 0
    var index = range.lowerBound
    while index + 8 <= range.upperBound {
      let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ quotes
      // A byte's high bit ends up set exactly when the byte was zero (a quote).
      let zero = ~(((word & low) &+ low) | word | low)
      count &+= zero.nonzeroBitCount
      index += 8
    }
    while index < range.upperBound {
      if bytes[index] == Self.quote { count &+= 1 }
      index += 1
    }
    return count
  }
}

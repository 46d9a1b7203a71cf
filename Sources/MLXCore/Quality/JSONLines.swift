#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// JSON Lines (`.jsonl`, `.ndjson`): one JSON object a line, read as a record of the
/// schema's fields, in the schema's order, so ``PieceReader`` checks it like a CSV row.
///
/// A key's value is a field's cell: a string (its text, escapes undone), a number, `true` or
/// `false` (the literal), or an object or array (its JSON text); `null` and an absent key are
/// missing values. Lines are records: JSON strings hold no raw line break, so the file is cut
/// into pieces at any line break.
extension DelimitedText {
  /// Reads the line at `position` as a JSON object into `fields`, one per column (absent
  /// keys ``Field/Kind/absent``), and returns where the next line starts. A blank line yields
  /// no fields. A line that is not one JSON object yields ``Field/Kind/unread`` fields and
  /// ``Problem/notAnObject``; a key of no column, ``Problem/extraKey(_:)``.
  func readJSONRecord(
    at position: Int, columns: [[UInt8]], into fields: inout [Field], problem: inout Problem?
  ) -> Int {
    fields.removeAll(keepingCapacity: true)
    let lineEnd = find(Self.newline, from: position) ?? bytes.count
    let next = lineEnd < bytes.count ? lineEnd + 1 : lineEnd
    var scanner = JSONScanner(bytes: bytes, position: position, end: lineEnd)
    scanner.skipSpace()
    if scanner.atEnd { return next }
    let absent = Field(start: position, end: position, escaped: false, kind: .absent)
    fields.append(contentsOf: repeatElement(absent, count: columns.count))
    func fail() -> Int {
      for index in fields.indices { fields[index].kind = .unread }
      problem = .notAnObject
      return next
    }
    guard scanner.take(UInt8(ascii: "{")) else { return fail() }
    scanner.skipSpace()
    if !scanner.take(UInt8(ascii: "}")) {
      while true {
        scanner.skipSpace()
        guard let key = scanner.string() else { return fail() }
        scanner.skipSpace()
        guard scanner.take(UInt8(ascii: ":")) else { return fail() }
        scanner.skipSpace()
        guard let cell = scanner.value() else { return fail() }
        let column =
          key.escaped
          ? columns.firstIndex(of: value(of: key))
          : columns.firstIndex { name in
            name.count == key.end - key.start
              && name.elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[key.start..<key.end]))
          }
        if let column {
          guard fields[column].kind == .absent else { return fail() }  // a key given twice
          fields[column] = cell
        } else if problem == nil {
          problem = .extraKey(key.start..<key.end)
        }
        scanner.skipSpace()
        if scanner.take(UInt8(ascii: ",")) { continue }
        guard scanner.take(UInt8(ascii: "}")) else { return fail() }
        break
      }
    }
    scanner.skipSpace()
    if scanner.position < lineEnd, bytes[scanner.position] == Self.carriageReturn {
      scanner.position += 1
    }
    return scanner.atEnd ? next : fail()
  }

  /// Adds the keys of the JSON object on the line at `position` that `keys` lacks, in the
  /// order they come; returns where the next line starts. A line that is not an object adds
  /// none.
  func readJSONKeys(at position: Int, into keys: inout [[UInt8]]) -> Int {
    let lineEnd = find(Self.newline, from: position) ?? bytes.count
    let next = lineEnd < bytes.count ? lineEnd + 1 : lineEnd
    var scanner = JSONScanner(bytes: bytes, position: position, end: lineEnd)
    scanner.skipSpace()
    guard scanner.take(UInt8(ascii: "{")) else { return next }
    var found: [[UInt8]] = []
    scanner.skipSpace()
    if !scanner.take(UInt8(ascii: "}")) {
      while true {
        scanner.skipSpace()
        guard let key = scanner.string() else { return next }
        scanner.skipSpace()
        guard scanner.take(UInt8(ascii: ":")) else { return next }
        scanner.skipSpace()
        guard scanner.value() != nil else { return next }
        found.append(value(of: key))
        scanner.skipSpace()
        if scanner.take(UInt8(ascii: ",")) { continue }
        guard scanner.take(UInt8(ascii: "}")) else { return next }
        break
      }
    }
    for key in found where !keys.contains(key) { keys.append(key) }
    return next
  }

  /// A JSON string's text with its escapes undone (invalid escapes kept as written).
  func jsonUnescaped(_ field: Field) -> [UInt8] {
    let raw = UnsafeRawBufferPointer(rebasing: bytes[field.start..<field.end])
    var result: [UInt8] = []
    result.reserveCapacity(raw.count)
    var index = 0
    while index < raw.count {
      let byte = raw[index]
      guard byte == UInt8(ascii: "\\"), index + 1 < raw.count else {
        result.append(byte)
        index += 1
        continue
      }
      let escape = raw[index + 1]
      index += 2
      switch escape {
      case UInt8(ascii: "n"): result.append(0x0A)
      case UInt8(ascii: "t"): result.append(0x09)
      case UInt8(ascii: "r"): result.append(0x0D)
      case UInt8(ascii: "b"): result.append(0x08)
      case UInt8(ascii: "f"): result.append(0x0C)
      case UInt8(ascii: "u"):
        var scalar = Self.hex(raw, at: index)
        index += scalar == nil ? 0 : 4
        // A surrogate pair: two escapes for one scalar.
        if let high = scalar, (0xD800..<0xDC00).contains(high), index + 1 < raw.count,
          raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u"),
          let low = Self.hex(raw, at: index + 2), (0xDC00..<0xE000).contains(low)
        {
          scalar = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
          index += 6
        }
        let decoded = scalar.flatMap(Unicode.Scalar.init) ?? "\u{FFFD}"
        result += Array(String(decoded).utf8)
      default: result.append(escape)
      }
    }
    return result
  }

  private static func hex(_ raw: UnsafeRawBufferPointer, at index: Int) -> UInt32? {
    guard index + 4 <= raw.count else { return nil }
    var value: UInt32 = 0
    for byte in raw[index..<index + 4] {
      guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { return nil }
      value = value << 4 | UInt32(digit)
    }
    return value
  }
}

/// Reads JSON values on one line, without building them.
private struct JSONScanner {
  let bytes: UnsafeRawBufferPointer
  var position: Int
  let end: Int

  var atEnd: Bool { position >= end }

  mutating func skipSpace() {
    while position < end, [0x20, 0x09, 0x0D].contains(bytes[position]) { position += 1 }
  }

  mutating func take(_ byte: UInt8) -> Bool {
    guard position < end, bytes[position] == byte else { return false }
    position += 1
    return true
  }

  /// A string: the field between its quotes.
  mutating func string() -> DelimitedText.Field? {
    guard take(UInt8(ascii: "\"")) else { return nil }
    let start = position
    var escaped = false
    while position < end {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        position += 1
        return DelimitedText.Field(start: start, end: position - 1, escaped: escaped, kind: .string)
      }
      if byte == UInt8(ascii: "\\") {
        escaped = true
        position += 2
      } else if byte < 0x20 {
        return nil
      } else {
        position += 1
      }
    }
    return nil
  }

  /// Any value, as a field of its kind.
  mutating func value() -> DelimitedText.Field? {
    guard position < end else { return nil }
    let start = position
    switch bytes[position] {
    case UInt8(ascii: "\""):
      return string()
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      return nested()
        ? DelimitedText.Field(start: start, end: position, escaped: false, kind: .nested) : nil
    case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
      for word in ["true", "false", "null"]
      where word.utf8.elementsEqual(
        bytes[start..<min(end, start + word.utf8.count)])
      {
        position += word.utf8.count
        return DelimitedText.Field(
          start: start, end: position, escaped: false, kind: word == "null" ? .null : .literal)
      }
      return nil
    default:
      let numeric = Array("+-.eE0123456789".utf8)
      while position < end, numeric.contains(bytes[position]) { position += 1 }
      guard position > start, FieldValue.number(bytes[start..<position]) != nil else { return nil }
      return DelimitedText.Field(start: start, end: position, escaped: false, kind: .number)
    }
  }

  /// Skips an object or array, strings inside included.
  private mutating func nested() -> Bool {
    var depth = 0
    while position < end {
      switch bytes[position] {
      case UInt8(ascii: "\""):
        guard string() != nil else { return false }
        continue
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        depth += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        depth -= 1
        if depth == 0 {
          position += 1
          return true
        }
      default: break
      }
      position += 1
    }
    return false
  }
}

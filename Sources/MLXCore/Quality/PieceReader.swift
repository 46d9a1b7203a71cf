/// How a file's columns line up with a schema's fields.
struct ColumnLayout: Sendable {
  /// For each column, the index of its field in the schema, or nil for a column the schema
  /// does not list.
  let fieldOfColumn: [Int?]
  /// The columns of a primary key of two fields or more (a one-field key is that field's
  /// `unique`).
  let compositeKey: [Int]
  /// Missing and extra columns.
  let failures: [ValidationFailure]

  init(schema: TableSchema, columns: [String]) {
    fieldOfColumn = columns.map { name in schema.fields.firstIndex { $0.name == name } }
    let columnOf = { (name: String) in columns.firstIndex(of: name) }
    compositeKey = schema.primaryKey.count > 1 ? schema.primaryKey.compactMap(columnOf) : []
    var failures: [ValidationFailure] = []
    for field in schema.fields where columnOf(field.name) == nil {
      failures.append(
        ValidationFailure(
          field: field.name, check: "missing-column", detail: "a column named '\(field.name)'",
          rows: 0, examples: []))
    }
    for (position, name) in columns.enumerated() where fieldOfColumn[position] == nil {
      failures.append(
        ValidationFailure(
          field: name, check: "extra-column", detail: "column \(position + 1) is in no field",
          rows: 0, examples: []))
    }
    self.failures = failures
  }
}

/// Where a failure is counted: a column and a check, or the row (column -1).
struct FailureKey: Hashable {
  var column: Int
  var check: String
}

/// What one worker found in its piece of a file. Rows are counted from 1 within the piece
/// until ``merged(_:)`` numbers them across the file.
struct PieceTally: Sendable {
  var rows = 0
  /// Where the last record read ended.
  var stoppedAt = 0
  var counts: [FailureKey: Int] = [:]
  var examples: [FailureKey: [ValidationFailure.Example]] = [:]
  /// Missing cells per column.
  var missing: [Int]
  /// Per unique column (or -1 for a composite primary key), a hash of each row's value.
  var uniqueHashes: [Int: [UInt64]] = [:]
  /// Rows repeating an earlier row's value, per unique column, with examples.
  var duplicates: [Int: (count: Int, examples: [ValidationFailure.Example])] = [:]

  init(columns: Int) { missing = Array(repeating: 0, count: columns) }

  mutating func record(_ key: FailureKey, row: Int, value: String?) {
    counts[key, default: 0] += 1
    if examples[key, default: []].count < ValidationFailure.exampleLimit {
      examples[key, default: []].append(ValidationFailure.Example(row: row, value: value))
    }
  }

  /// One tally for the whole file, with rows numbered from its start.
  static func merged(_ pieces: [PieceTally]) -> PieceTally {
    var total = PieceTally(columns: pieces.first?.missing.count ?? 0)
    for piece in pieces {
      for (key, count) in piece.counts { total.counts[key, default: 0] += count }
      for (key, found) in piece.examples {
        let room = ValidationFailure.exampleLimit - total.examples[key, default: []].count
        total.examples[key, default: []] += found.prefix(max(0, room)).map {
          ValidationFailure.Example(row: $0.row + total.rows, value: $0.value)
        }
      }
      for column in piece.missing.indices { total.missing[column] += piece.missing[column] }
      for (key, hashes) in piece.uniqueHashes { total.uniqueHashes[key, default: []] += hashes }
      total.rows += piece.rows
      total.stoppedAt = piece.stoppedAt
    }
    return total
  }

  /// The failures in a stable order: each column's checks, then the rows', the key's, the
  /// table's.
  func failures(layout: ColumnLayout, schema: TableSchema) -> [ValidationFailure] {
    var result: [ValidationFailure] = []
    let columnCount = layout.fieldOfColumn.count
    for column in -1..<columnCount {
      let field = column >= 0 ? layout.fieldOfColumn[column].map { schema.fields[$0] } : nil
      let checker = field.map { FieldChecker($0, index: column, unique: false) }
      let keys = counts.keys.filter { $0.column == column }.sorted { $0.check < $1.check }
      for key in keys {
        let detail =
          checker.flatMap { checker in
            FieldChecker.Failure.allCases.first { $0.name == key.check }.map(checker.detail)
          } ?? Self.rowDetail(key.check)
        result.append(
          ValidationFailure(
            field: field?.name, check: key.check, detail: detail, rows: counts[key] ?? 0,
            examples: examples[key] ?? []))
      }
      if column >= 0, let field, let duplicate = duplicates[column] {
        result.append(
          ValidationFailure(
            field: field.name, check: schema.primaryKey == [field.name] ? "primaryKey" : "unique",
            detail: "unique", rows: duplicate.count, examples: duplicate.examples))
      }
    }
    if let duplicate = duplicates[-1] {
      result.append(
        ValidationFailure(
          field: schema.primaryKey.joined(separator: ","), check: "primaryKey",
          detail: "primaryKey [\(schema.primaryKey.joined(separator: ", "))]",
          rows: duplicate.count, examples: duplicate.examples))
    }
    result += tableFailures(layout: layout, schema: schema)
    return result
  }

  private static func rowDetail(_ check: String) -> String {
    switch check {
    case "field-count": "as many fields as the header"
    case "quoting": "quotes closed before the next delimiter"
    default: check
    }
  }

  /// The row count and missing-fraction limits.
  private func tableFailures(layout: ColumnLayout, schema: TableSchema) -> [ValidationFailure] {
    var result: [ValidationFailure] = []
    for (column, fieldIndex) in layout.fieldOfColumn.enumerated() {
      guard let fieldIndex else { continue }
      let field = schema.fields[fieldIndex]
      guard let limit = field.maxMissingFraction ?? schema.maxMissingFraction, rows > 0 else {
        continue
      }
      if Double(missing[column]) / Double(rows) > limit {
        result.append(
          ValidationFailure(
            field: field.name, check: "maxMissingFraction",
            detail: "maxMissingFraction \(limit) (found \(missing[column]) of \(rows) missing)",
            rows: missing[column], examples: []))
      }
    }
    if let least = schema.rows?.minimum, rows < least {
      result.append(
        ValidationFailure(
          field: nil, check: "rows", detail: "at least \(least) rows (found \(rows))", rows: rows,
          examples: []))
    }
    if let most = schema.rows?.maximum, rows > most {
      result.append(
        ValidationFailure(
          field: nil, check: "rows", detail: "at most \(most) rows (found \(rows))", rows: rows,
          examples: []))
    }
    return result
  }
}

/// Reads one piece of a delimited file and checks every cell: the worker of
/// ``TableValidator``.
struct PieceReader {
  let text: DelimitedText
  let file: MappedFile
  let layout: ColumnLayout
  private let checkers: [FieldChecker?]
  private let required: [Bool]
  private let missingValues: [[UInt8]]
  /// Bytes read between releases of the pages behind.
  private static let releaseStride = 8 << 20

  init(text: DelimitedText, file: MappedFile, schema: TableSchema, layout: ColumnLayout) {
    self.text = text
    self.file = file
    self.layout = layout
    let singleKey = schema.primaryKey.count == 1 ? schema.primaryKey.first : nil
    checkers = layout.fieldOfColumn.enumerated().map { column, fieldIndex in
      fieldIndex.map { index in
        let field = schema.fields[index]
        return FieldChecker(
          field, index: column, unique: field.constraints.unique || field.name == singleKey)
      }
    }
    required = layout.fieldOfColumn.map { fieldIndex in
      fieldIndex.map {
        schema.fields[$0].constraints.required || schema.primaryKey.contains(schema.fields[$0].name)
      }
        ?? false
    }
    missingValues = schema.missingValues.map { Array($0.utf8) }
  }

  private func isMissing(_ cell: UnsafeRawBufferPointer) -> Bool {
    missingValues.contains { $0.count == cell.count && $0.elementsEqual(cell) }
  }

  private static func hash(_ cell: UnsafeRawBufferPointer, into hasher: inout Hasher) {
    hasher.combine(cell.count)
    hasher.combine(bytes: cell)
  }

  /// Reads every record that starts in `start..<end`.
  mutating func read(from start: Int, to end: Int) -> PieceTally {
    var tally = PieceTally(columns: layout.fieldOfColumn.count)
    for (column, checker) in checkers.enumerated() where checker?.unique == true {
      tally.uniqueHashes[column] = []
    }
    if !layout.compositeKey.isEmpty { tally.uniqueHashes[-1] = [] }
    var fields: [DelimitedText.Field] = []
    var position = start
    var released = start
    while position < end {
      var problem: DelimitedText.Problem?
      let next = text.readRecord(at: position, into: &fields, problem: &problem)
      defer { position = next }
      guard !fields.isEmpty else { continue }
      tally.rows += 1
      let row = tally.rows
      if problem != nil {
        tally.record(FailureKey(column: -1, check: "quoting"), row: row, value: nil)
      }
      if fields.count != checkers.count {
        tally.record(
          FailureKey(column: -1, check: "field-count"), row: row,
          value: "\(fields.count) fields")
      }
      for (column, field) in fields.prefix(checkers.count).enumerated() {
        guard let checker = checkers[column] else { continue }
        withCell(field) { cell in
          if isMissing(cell) {
            tally.missing[column] += 1
            if required[column] {
              tally.record(FailureKey(column: column, check: "required"), row: row, value: "")
            }
          } else if let failure = checker.check(cell) {
            tally.record(
              FailureKey(column: column, check: failure.name), row: row,
              value: String(decoding: cell, as: UTF8.self))
          }
          if checker.unique {
            var hasher = Hasher()
            Self.hash(cell, into: &hasher)
            tally.uniqueHashes[column]!.append(UInt64(bitPattern: Int64(hasher.finalize())))
          }
        }
      }
      if !layout.compositeKey.isEmpty {
        var hasher = Hasher()
        for column in layout.compositeKey where column < fields.count {
          withCell(fields[column]) { Self.hash($0, into: &hasher) }
        }
        tally.uniqueHashes[-1]!.append(UInt64(bitPattern: Int64(hasher.finalize())))
      }
      if next - released > Self.releaseStride {
        file.release(released..<next)
        released = next
      }
    }
    tally.stoppedAt = position
    return tally
  }

  /// The rows whose value in a unique column (or -1, the composite key) an earlier row had,
  /// among the rows whose hash is in `repeated`.
  mutating func duplicates(of repeated: [Int: Set<UInt64>], from start: Int, to end: Int)
    -> [Int: (count: Int, examples: [ValidationFailure.Example])]
  {
    var seen: [Int: [UInt64: [[UInt8]]]] = [:]
    var found: [Int: (count: Int, examples: [ValidationFailure.Example])] = [:]
    var fields: [DelimitedText.Field] = []
    var position = start
    var row = 0
    while position < end {
      var problem: DelimitedText.Problem?
      position = text.readRecord(at: position, into: &fields, problem: &problem)
      guard !fields.isEmpty else { continue }
      row += 1
      for (column, hashes) in repeated {
        let columns = column == -1 ? layout.compositeKey : [column]
        guard columns.allSatisfy({ $0 < fields.count }) else { continue }
        var hasher = Hasher()
        var value: [UInt8] = []
        for position in columns {
          withCell(fields[position]) { cell in
            Self.hash(cell, into: &hasher)
            if !value.isEmpty { value.append(UInt8(ascii: ",")) }
            value += cell
          }
        }
        let hash = UInt64(bitPattern: Int64(hasher.finalize()))
        guard hashes.contains(hash) else { continue }
        if seen[column, default: [:]][hash, default: []].contains(value) {
          var entry = found[column] ?? (0, [])
          entry.count += 1
          if entry.examples.count < ValidationFailure.exampleLimit {
            entry.examples.append(
              ValidationFailure.Example(row: row, value: String(decoding: value, as: UTF8.self)))
          }
          found[column] = entry
        } else {
          seen[column, default: [:]][hash, default: []].append(value)
        }
      }
    }
    return found
  }

  private func withCell(_ field: DelimitedText.Field, _ body: (UnsafeRawBufferPointer) -> Void) {
    if field.escaped {
      text.value(of: field).withUnsafeBytes(body)
    } else {
      body(UnsafeRawBufferPointer(rebasing: text.bytes[field.start..<field.end]))
    }
  }
}

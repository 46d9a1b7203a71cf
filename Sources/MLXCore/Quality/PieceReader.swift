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
  var counts: [FailureKey: Int] = [:]
  var examples: [FailureKey: [ValidationFailure.Example]] = [:]
  /// Missing cells per column.
  var missing: [Int]
  /// Per unique column (or -1 for a composite primary key), a key of each row's value
  /// (``UniqueKeys``); one list per piece once merged (never joined: 8 bytes a row).
  var uniqueHashes: [Int: [[UInt64]]] = [:]
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
      for (key, lists) in piece.uniqueHashes { total.uniqueHashes[key, default: []] += lists }
      total.rows += piece.rows
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
      let keys = counts.keys.filter { $0.column == column }.sorted { $0.check < $1.check }
      for key in keys {
        // A row check about one key (JSON Lines' extra keys) names it after a NUL.
        let parts = key.check.split(separator: "\u{0}", maxSplits: 1).map(String.init)
        let check = parts[0]
        let detail =
          field.flatMap { field in
            FieldChecker.Failure.allCases.first { $0.name == check }.map {
              FieldChecker.detail($0, of: field)
            }
          } ?? Self.rowDetail(check)
        result.append(
          ValidationFailure(
            field: parts.count > 1 ? parts[1] : field?.name, check: check, detail: detail,
            rows: counts[key] ?? 0, examples: examples[key] ?? []))
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
    case "json": "one JSON object on the line"
    case "extra-column": "a key in no field"
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
  /// Per column: its field's checks, or nil for a column in no field.
  private let checkers: [FieldChecker?]
  private let extras: [FieldChecker.Extra?]
  private let missingValues: [[UInt8]]
  /// Only the empty cell is missing (the default), tested by its length alone.
  private let onlyEmptyIsMissing: Bool
  /// Bytes read between releases of the pages behind.
  private static let releaseStride = 8 << 20

  init(text: DelimitedText, file: MappedFile, schema: TableSchema, layout: ColumnLayout) {
    self.text = text
    self.file = file
    self.layout = layout
    let singleKey = schema.primaryKey.count == 1 ? schema.primaryKey.first : nil
    let fields = layout.fieldOfColumn.map { $0.map { schema.fields[$0] } }
    checkers = fields.map { field in
      field.map { field in
        FieldChecker(
          field, required: field.constraints.required || schema.primaryKey.contains(field.name),
          unique: field.constraints.unique || field.name == singleKey)
      }
    }
    extras = zip(fields, checkers).map { field, checker in
      checker?.hasExtra == true ? field.map(FieldChecker.Extra.init) : nil
    }
    missingValues = schema.missingValues.map { Array($0.utf8) }
    onlyEmptyIsMissing = schema.missingValues == [""]
  }

  @inline(__always)
  private func isMissing(_ cell: UnsafeRawBufferPointer) -> Bool {
    if onlyEmptyIsMissing { return cell.isEmpty }
    return missingValues.contains { $0.count == cell.count && $0.elementsEqual(cell) }
  }

  @inline(__always)
  private static func hash(_ cell: UnsafeRawBufferPointer, into hasher: inout Hasher) {
    hasher.combine(cell.count)
    hasher.combine(bytes: cell)
  }

  /// Reads every record that starts in `start..<end`; returns what it found and where the
  /// last record ended.
  func read(from start: Int, to end: Int) -> (result: PieceTally, stoppedAt: Int) {
    let columnCount = checkers.count
    var tally = PieceTally(columns: columnCount)
    let checkers = self.checkers
    let extras = self.extras
    let compositeKey = layout.compositeKey
    let uniqueColumns = checkers.indices.filter { checkers[$0]?.unique == true }
    var hashes = [[UInt64]](repeating: [], count: columnCount + 1)
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
      if row == 1024, !uniqueColumns.isEmpty || !compositeKey.isEmpty {
        // Room for the piece's keys, from the rows so far: growing by doubling would leave
        // up to half of each list unused.
        let expected = Int(Double(end - start) / Double(next - start) * 1024 * 1.02) + 64
        for column in uniqueColumns + (compositeKey.isEmpty ? [] : [columnCount]) {
          hashes[column].reserveCapacity(expected)
        }
      }
      switch problem {
      case nil: break
      case .notAnObject:
        tally.record(FailureKey(column: -1, check: "json"), row: row, value: nil)
      case .extraKey(let key):
        // Counted per key, each a failure naming it as a CSV's extra column is named.
        let name = String(
          decoding: UnsafeRawBufferPointer(rebasing: text.bytes[key]), as: UTF8.self)
        tally.record(
          FailureKey(column: -1, check: "extra-column\u{0}" + name), row: row, value: nil)
      case .unterminatedQuote, .textAfterQuote:
        tally.record(FailureKey(column: -1, check: "quoting"), row: row, value: nil)
      }
      if fields.count != columnCount {
        tally.record(
          FailureKey(column: -1, check: "field-count"), row: row, value: "\(fields.count) fields")
      }
      for column in 0..<min(fields.count, columnCount) {
        guard let checker = checkers[column] else { continue }
        let field = fields[column]
        if field.kind == .unread { continue }
        text.withValue(of: field) { cell in
          var failure: FieldChecker.Failure?
          var shown = cell
          if field.kind == .text ? isMissing(cell) : field.kind == .null || field.kind == .absent {
            tally.missing[column] += 1
            if checker.required { failure = .required }
          } else if field.kind != .text, !checker.accepts(field.kind) {
            failure = .type
            shown = text.raw(field)
          } else {
            failure = checker.check(cell, extra: checker.hasExtra ? extras[column] : nil)
          }
          if let failure {
            tally.record(
              FailureKey(column: column, check: failure.name), row: row,
              value: field.kind == .absent ? nil : String(decoding: shown, as: UTF8.self))
          }
          if checker.unique {
            hashes[column].append(
              UniqueKeys.key(of: cell, integerField: checker.type == .integer))
          }
        }
      }
      if !compositeKey.isEmpty {
        var hasher = Hasher()
        for column in compositeKey where column < fields.count {
          text.withValue(of: fields[column]) { Self.hash($0, into: &hasher) }
        }
        hashes[columnCount].append(UInt64(bitPattern: Int64(hasher.finalize())))
      }
      if next - released > Self.releaseStride {
        file.release(released..<next)
        released = next
      }
    }
    for column in uniqueColumns { tally.uniqueHashes[column] = [hashes[column]] }
    if !compositeKey.isEmpty { tally.uniqueHashes[-1] = [hashes[columnCount]] }
    return (tally, position)
  }

  /// The rows whose value in a unique column (or -1, the composite key) an earlier row had,
  /// among the rows whose hash is in `repeated`.
  func duplicates(of repeated: [Int: Set<UInt64>], from start: Int, to end: Int)
    -> [Int: (count: Int, examples: [ValidationFailure.Example])]
  {
    var seen: [Int: [UInt64: [[UInt8]]]] = [:]
    var found: [Int: (count: Int, examples: [ValidationFailure.Example])] = [:]
    var fields: [DelimitedText.Field] = []
    var position = start
    var released = start
    var row = 0
    while position < end {
      var problem: DelimitedText.Problem?
      position = text.readRecord(at: position, into: &fields, problem: &problem)
      guard !fields.isEmpty else { continue }
      row += 1
      if fields[0].kind == .unread { continue }
      for (column, hashes) in repeated {
        let columns = column == -1 ? layout.compositeKey : [column]
        guard columns.allSatisfy({ $0 < fields.count }) else { continue }
        var hasher = Hasher()
        var value: [UInt8] = []
        for position in columns {
          text.withValue(of: fields[position]) { cell in
            Self.hash(cell, into: &hasher)
            if !value.isEmpty { value.append(UInt8(ascii: ",")) }
            value += cell
          }
        }
        let hash =
          column == -1
          ? UInt64(bitPattern: Int64(hasher.finalize()))
          : value.withUnsafeBytes {
            UniqueKeys.key(of: $0, integerField: checkers[column]?.type == .integer)
          }
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
      if position - released > Self.releaseStride {
        file.release(released..<position)
        released = position
      }
    }
    return found
  }
}

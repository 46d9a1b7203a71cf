/// `mlx schema infer`: a Table Schema read off a CSV or TSV file, every row of it (on all
/// cores): each column gets the narrowest type every present value has — integer, number,
/// date, datetime, boolean, else string — and `required` when no cell is missing. The
/// missing values are the empty cell and `NA`, as pandas reads them by default.
public enum SchemaInference {
  public static let missingValues = ["", "NA"]
  /// The types tried, narrowest first.
  static let candidates: [TableSchema.FieldType] = [.integer, .number, .date, .datetime, .boolean]

  /// What was seen in one piece: per column, the candidate types still possible and the
  /// numbers of missing and present cells.
  struct Tally: Sendable {
    var rows = 0
    var possible: [[Bool]]
    var missing: [Int]
    var present: [Int]
    /// Per column: a JSON value that is not a string was seen.
    var notText: [Bool]
    /// The piece's first row whose quoting is broken (the piece stops there).
    var malformedRow: Int?

    init(columns: Int) {
      notText = Array(repeating: false, count: columns)
      possible = Array(repeating: Array(repeating: true, count: candidates.count), count: columns)
      missing = Array(repeating: 0, count: columns)
      present = Array(repeating: 0, count: columns)
    }
  }

  /// The inferred schema, and the number of data rows read.
  public static func infer(absolutePath: String, displayPath: String) throws -> (
    schema: TableSchema, rows: Int
  ) {
    let first = try DelimitedTable(absolutePath: absolutePath, displayPath: displayPath)
    var table = first
    if first.format == "jsonl" {
      // The columns are the keys, in the order they first come: one pass to list them.
      let keys = try first.readPieces { range in
        var keys: [[UInt8]] = []
        var position = range.lowerBound
        while position < range.upperBound {
          position = first.text.readJSONKeys(at: position, into: &keys)
        }
        return (keys, position)
      }
      var columns: [[UInt8]] = []
      for key in keys.results.joined() where !columns.contains(key) { columns.append(key) }
      table = try DelimitedTable(
        absolutePath: absolutePath, displayPath: displayPath,
        jsonColumns: columns.map { String(decoding: $0, as: UTF8.self) })
      guard !columns.isEmpty else {
        throw QualityError.unreadableData(path: displayPath, reason: "has no JSON object with keys")
      }
    }
    guard !table.columns.isEmpty else {
      throw QualityError.unreadableData(path: displayPath, reason: "has no header row")
    }
    try table.requireDistinctColumns(displayPath: displayPath)
    let read = table
    let (tallies, _) = try read.readPieces { Self.read(read, $0) }
    var before = 0
    for tally in tallies {
      // Fields of a broken record are unknown: no type can be inferred from them.
      if let row = tally.malformedRow {
        throw QualityError.malformedQuoting(path: displayPath, row: before + row)
      }
      before += tally.rows
    }
    let rows = tallies.reduce(0) { $0 + $1.rows }
    let fields = table.columns.enumerated().map { column, name in
      let present = tallies.reduce(0) { $0 + $1.present[column] }
      let missing = tallies.reduce(0) { $0 + $1.missing[column] }
      let narrowest = candidates.indices.first { candidate in
        tallies.allSatisfy { $0.possible[column][candidate] }
      }
      var constraints = TableSchema.Constraints()
      constraints.required = missing == 0 && rows > 0
      // JSON values other than strings (arrays, objects, mixed kinds) fit only `any`.
      let text: TableSchema.FieldType =
        tallies.contains { $0.notText[column] } ? .any : .string
      return TableSchema.Field(
        name: name, type: present == 0 ? text : narrowest.map { candidates[$0] } ?? text,
        description: nil, constraints: constraints, maxMissingFraction: nil)
    }
    return (TableSchema(fields: fields, missingValues: missingValues), rows)
  }

  /// Reads every record that starts in `range`.
  private static func read(_ table: DelimitedTable, _ range: Range<Int>) -> (
    result: Tally, stoppedAt: Int
  ) {
    let columns = table.columns.count
    let missingValues = Self.missingValues.map { Array($0.utf8) }
    var tally = Tally(columns: columns)
    var fields: [DelimitedText.Field] = []
    var position = range.lowerBound
    var released = position
    while position < range.upperBound {
      var problem: DelimitedText.Problem?
      position = table.text.readRecord(at: position, into: &fields, problem: &problem)
      guard !fields.isEmpty else { continue }
      tally.rows += 1
      if let problem, problem.isQuoting {
        tally.malformedRow = tally.rows
        return (tally, range.upperBound)
      }
      for (column, field) in fields.prefix(columns).enumerated() {
        if field.kind == .unread { continue }
        table.text.withValue(of: field) { cell in
          if field.kind == .text
            ? missingValues.contains(where: { $0.elementsEqual(cell) })
            : field.kind == .null || field.kind == .absent
          {
            tally.missing[column] += 1
            return
          }
          tally.present[column] += 1
          if field.kind != .text, field.kind != .string { tally.notText[column] = true }
          for (index, candidate) in candidates.enumerated() where tally.possible[column][index] {
            let kindFits = field.kind == .text || Self.jsonKind(field.kind, fits: candidate)
            if !kindFits || FieldValue.parse(cell, as: candidate) == nil {
              tally.possible[column][index] = false
            }
          }
        }
      }
      if position - released > 8 << 20 {
        table.file.release(released..<position)
        released = position
      }
    }
    return (tally, position)
  }

  /// Whether a JSON value of `kind` can be of `type`, as validation reads JSON Lines.
  private static func jsonKind(_ kind: DelimitedText.Field.Kind, fits type: TableSchema.FieldType)
    -> Bool
  {
    switch type {
    case .integer, .number: kind == .number
    case .boolean: kind == .literal
    case .date, .datetime, .string: kind == .string
    case .any: true
    }
  }

  /// The schema as YAML, with a comment saying where it came from.
  public static func yaml(_ schema: TableSchema, source: String, rows: Int) -> String {
    var lines = [
      "# Inferred by `mlx schema infer \(source)` from \(rows) rows: check the types, then add",
      "# constraints (minimum, maximum, enum, unique, ...); see docs/quality.md.",
      "fields:",
    ]
    for field in schema.fields {
      lines.append("  - name: \(YAMLText.string(field.name))")
      lines.append("    type: \(field.type.rawValue)")
      if field.constraints.required { lines.append("    constraints: {required: true}") }
    }
    let missing = schema.missingValues.map { "\"\($0)\"" }.joined(separator: ", ")
    lines.append("missingValues: [\(missing)]")
    return lines.joined(separator: "\n") + "\n"
  }
}

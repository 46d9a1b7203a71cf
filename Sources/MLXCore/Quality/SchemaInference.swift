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

    init(columns: Int) {
      possible = Array(repeating: Array(repeating: true, count: candidates.count), count: columns)
      missing = Array(repeating: 0, count: columns)
      present = Array(repeating: 0, count: columns)
    }
  }

  /// The inferred schema, and the number of data rows read.
  public static func infer(absolutePath: String, displayPath: String) throws -> (
    schema: TableSchema, rows: Int
  ) {
    guard DelimitedTable.format(of: displayPath) != "jsonl" else {
      throw QualityError.unreadableData(
        path: displayPath,
        reason: "schema infer reads CSV and TSV files; write a JSON Lines file's schema by hand")
    }
    let table = try DelimitedTable(absolutePath: absolutePath, displayPath: displayPath)
    guard !table.columns.isEmpty else {
      throw QualityError.unreadableData(path: displayPath, reason: "has no header row")
    }
    let (tallies, _) = try table.readPieces { read(table, $0) }
    let rows = tallies.reduce(0) { $0 + $1.rows }
    let fields = table.columns.enumerated().map { column, name in
      let present = tallies.reduce(0) { $0 + $1.present[column] }
      let missing = tallies.reduce(0) { $0 + $1.missing[column] }
      let narrowest = candidates.indices.first { candidate in
        tallies.allSatisfy { $0.possible[column][candidate] }
      }
      var constraints = TableSchema.Constraints()
      constraints.required = missing == 0 && rows > 0
      return TableSchema.Field(
        name: name, type: present == 0 ? .string : narrowest.map { candidates[$0] } ?? .string,
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
      for (column, field) in fields.prefix(columns).enumerated() {
        table.text.withValue(of: field) { cell in
          if missingValues.contains(where: { $0.elementsEqual(cell) }) {
            tally.missing[column] += 1
            return
          }
          tally.present[column] += 1
          for (index, candidate) in candidates.enumerated() where tally.possible[column][index] {
            if FieldValue.parse(cell, as: candidate) == nil {
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

import Dispatch

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// `mlx schema infer`: a Table Schema read off a CSV or TSV file, every row of it (on all
/// cores): each column gets the narrowest type every present value has — integer, number,
/// date, datetime, boolean, else string — and `required` when no cell is missing. The
/// missing values are the empty cell and `NA`, as pandas reads them by default.
public enum SchemaInference {
  public static let missingValues = ["", "NA"]
  /// The types tried, narrowest first.
  static let candidates: [TableSchema.FieldType] = [.integer, .number, .date, .datetime, .boolean]

  /// What was seen in one piece: per column, the candidate types still possible and the
  /// number of missing cells.
  struct Tally: Sendable {
    var rows = 0
    var stoppedAt = 0
    var possible: [[Bool]]
    var missing: [Int]
    var present: [Int]
  }

  /// The inferred schema, and the number of data rows read.
  public static func infer(absolutePath: String, displayPath: String) throws -> (
    schema: TableSchema, rows: Int
  ) {
    let file = try MappedFile(path: absolutePath)
    let format = TableValidator.format(of: absolutePath)
    let text = DelimitedText(
      bytes: file.bytes, delimiter: UInt8(ascii: format == "tsv" ? "\t" : ","),
      quoting: format == "csv")
    var start = file.bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    var fields: [DelimitedText.Field] = []
    var problem: DelimitedText.Problem?
    while start < file.bytes.count, fields.isEmpty {
      start = text.readRecord(at: start, into: &fields, problem: &problem)
    }
    let columns = fields.map { String(decoding: text.value(of: $0), as: UTF8.self) }
    guard !columns.isEmpty else {
      throw QualityError.unreadableData(path: displayPath, reason: "has no header row")
    }
    let body = start..<file.bytes.count
    var cuts = text.cuts(of: body, count: max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) * 4) {
      file.release($0)
    }
    var tallies = read(text, file: file, cuts: cuts, end: body.upperBound, columns: columns.count)
    if !zip(tallies, cuts.dropFirst() + [body.upperBound]).allSatisfy({ $0.stoppedAt == $1 }) {
      cuts = [body.lowerBound]
      tallies = read(text, file: file, cuts: cuts, end: body.upperBound, columns: columns.count)
    }
    var fieldsOut: [TableSchema.Field] = []
    let rows = tallies.reduce(0) { $0 + $1.rows }
    for (column, name) in columns.enumerated() {
      let present = tallies.reduce(0) { $0 + $1.present[column] }
      let missing = tallies.reduce(0) { $0 + $1.missing[column] }
      let type =
        present == 0
        ? TableSchema.FieldType.string
        : candidates.indices.first { candidate in
          tallies.allSatisfy { $0.possible[column][candidate] }
        }.map { candidates[$0] } ?? .string
      var constraints = TableSchema.Constraints()
      constraints.required = missing == 0 && rows > 0
      fieldsOut.append(
        TableSchema.Field(
          name: name, type: type, description: nil, constraints: constraints,
          maxMissingFraction: nil))
    }
    return (TableSchema(fields: fieldsOut, missingValues: missingValues), rows)
  }

  private static func read(
    _ text: DelimitedText, file: MappedFile, cuts: [Int], end: Int, columns: Int
  ) -> [Tally] {
    let results = ConcurrentResults<Tally>(count: cuts.count)
    let missingValues = Self.missingValues.map { Array($0.utf8) }
    DispatchQueue.concurrentPerform(iterations: cuts.count) { piece in
      results.record(piece) {
        var tally = Tally(
          possible: Array(
            repeating: Array(repeating: true, count: candidates.count), count: columns),
          missing: Array(repeating: 0, count: columns), present: Array(repeating: 0, count: columns)
        )
        var fields: [DelimitedText.Field] = []
        var position = cuts[piece]
        let stop = piece + 1 < cuts.count ? cuts[piece + 1] : end
        var released = position
        while position < stop {
          var problem: DelimitedText.Problem?
          position = text.readRecord(at: position, into: &fields, problem: &problem)
          guard !fields.isEmpty else { continue }
          tally.rows += 1
          for (column, field) in fields.prefix(columns).enumerated() {
            let cell = text.value(of: field)
            if missingValues.contains(cell) {
              tally.missing[column] += 1
              continue
            }
            tally.present[column] += 1
            for (index, candidate) in candidates.enumerated() where tally.possible[column][index] {
              if cell.withUnsafeBytes({ FieldValue.parse($0, as: candidate) }) == nil {
                tally.possible[column][index] = false
              }
            }
          }
          if position - released > 8 << 20 {
            file.release(released..<position)
            released = position
          }
        }
        tally.stoppedAt = position
        return tally
      }
    }
    return (try? results.values()) ?? []
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

/// Checks a CSV, TSV or JSON Lines file against a Table Schema, on all cores, in bounded memory.
///
/// The header row names the columns; each schema field must be one of them and each column
/// a field. The rest of the file is cut into pieces (``DelimitedTable/readPieces(_:)``), each
/// read by one worker that counts every failed check and keeps its first examples; a worker
/// drops the pages it has read from the process's memory as it goes. Uniqueness keeps a
/// 64-bit key per row of each unique field (8 bytes a row, ``UniqueKeys``), and reads the
/// file a second time only when two keys match, to name the rows.
public struct TableValidator: Sendable {
  public let schema: TableSchema
  public let schemaPath: String

  public init(schema: TableSchema, schemaPath: String) {
    self.schema = schema
    self.schemaPath = schemaPath
  }

  /// Validates the file at `absolutePath`, shown as `displayPath`.
  public func validate(absolutePath: String, displayPath: String) throws -> TableValidation {
    let table = try DelimitedTable(
      absolutePath: absolutePath, displayPath: displayPath,
      jsonColumns: schema.fields.map(\.name))
    var report = TableValidation(
      path: displayPath, schema: schemaPath, format: table.format, rows: 0,
      columns: table.columns, failures: [])
    guard !table.columns.isEmpty || table.format == "jsonl" else {
      report.failures.append(
        ValidationFailure(
          field: nil, check: "missing-column", detail: "a header row naming the columns",
          rows: 0, examples: []))
      return report
    }
    let layout = ColumnLayout(schema: schema, columns: table.columns)
    report.failures += layout.failures
    let schema = self.schema
    // A reader per piece: each compiles its own patterns.
    let (tallies, _) = try table.readPieces { range in
      PieceReader(text: table.text, file: table.file, schema: schema, layout: layout)
        .read(from: range.lowerBound, to: range.upperBound)
    }
    var total = PieceTally.merged(tallies)
    report.rows = total.rows
    var repeated: [Int: Set<UInt64>] = [:]
    for (key, lists) in total.uniqueHashes {
      let seen = UniqueKeys.repeated(in: lists)
      if !seen.isEmpty { repeated[key] = seen }
    }
    total.uniqueHashes = [:]
    if !repeated.isEmpty {
      // Keys seen twice name candidates: the cells themselves are compared in a second read.
      let reader = PieceReader(text: table.text, file: table.file, schema: schema, layout: layout)
      total.duplicates = reader.duplicates(
        of: repeated, from: table.body.lowerBound, to: table.body.upperBound)
    }
    report.failures += total.failures(layout: layout, schema: schema)
    return report
  }
}

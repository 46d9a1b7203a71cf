import Dispatch

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Checks a CSV or TSV file against a Table Schema, on all cores, in bounded memory.
///
/// The header row names the columns; each schema field must be one of them and each column
/// a field. The rest of the file is cut into pieces (``DelimitedText/cuts(of:count:)``), each
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

  /// The format of `path` from its extension: `tsv` for `.tsv` and `.tab`, else `csv`.
  public static func format(of path: String) -> String {
    path.hasSuffix(".tsv") || path.hasSuffix(".tab") ? "tsv" : "csv"
  }

  /// Validates the file at `absolutePath`, shown as `displayPath`.
  public func validate(absolutePath: String, displayPath: String) throws -> TableValidation {
    let file = try MappedFile(path: absolutePath)
    let format = Self.format(of: displayPath)
    let text = DelimitedText(
      bytes: file.bytes, delimiter: UInt8(ascii: format == "tsv" ? "\t" : ","),
      quoting: format == "csv")
    // The header, after a UTF-8 byte order mark.
    var start = file.bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    var fields: [DelimitedText.Field] = []
    var problem: DelimitedText.Problem?
    while start < file.bytes.count, fields.isEmpty {
      start = text.readRecord(at: start, into: &fields, problem: &problem)
    }
    let columns = fields.map { String(decoding: text.value(of: $0), as: UTF8.self) }
    var report = TableValidation(
      path: displayPath, schema: schemaPath, format: format, rows: 0, columns: columns,
      failures: [])
    guard !columns.isEmpty else {
      report.failures.append(
        ValidationFailure(
          field: nil, check: "missing-column", detail: "a header row naming the columns",
          rows: 0, examples: []))
      return report
    }
    let layout = ColumnLayout(schema: schema, columns: columns)
    report.failures += layout.failures
    let body = start..<file.bytes.count
    let workers = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) * 4
    var cuts = text.cuts(of: body, count: workers) { file.release($0) }
    var tallies = readPieces(text, file: file, cuts: cuts, end: body.upperBound, layout: layout)
    if !Self.piecesJoin(tallies, cuts: cuts, end: body.upperBound) {
      cuts = [body.lowerBound]
      tallies = readPieces(text, file: file, cuts: cuts, end: body.upperBound, layout: layout)
    }
    var total = PieceTally.merged(tallies)
    report.rows = total.rows
    if !total.uniqueHashes.isEmpty {
      try findDuplicates(&total, text: text, file: file, cuts: cuts, layout: layout)
    }
    report.failures += total.failures(layout: layout, schema: schema)
    return report
  }

  /// Whether every piece's last record ended exactly where the next piece begins.
  static func piecesJoin(_ tallies: [PieceTally], cuts: [Int], end: Int) -> Bool {
    zip(tallies, cuts.dropFirst() + [end]).allSatisfy { $0.stoppedAt == $1 }
  }

  private func readPieces(
    _ text: DelimitedText, file: MappedFile, cuts: [Int], end: Int, layout: ColumnLayout
  ) -> [PieceTally] {
    let results = ConcurrentResults<PieceTally>(count: cuts.count)
    let schema = self.schema
    DispatchQueue.concurrentPerform(iterations: cuts.count) { piece in
      results.record(piece) {
        let reader = PieceReader(text: text, file: file, schema: schema, layout: layout)
        return reader.read(from: cuts[piece], to: piece + 1 < cuts.count ? cuts[piece + 1] : end)
      }
    }
    return (try? results.values()) ?? []
  }

  /// Fills in the rows of each unique field (and the primary key) whose value an earlier
  /// row had, reading the file again only for the hashes seen twice.
  private func findDuplicates(
    _ total: inout PieceTally, text: DelimitedText, file: MappedFile, cuts: [Int],
    layout: ColumnLayout
  ) throws {
    var repeated: [Int: Set<UInt64>] = [:]
    for (key, lists) in total.uniqueHashes {
      let seen = UniqueKeys.repeated(in: lists)
      if !seen.isEmpty { repeated[key] = seen }
    }
    total.uniqueHashes = [:]
    guard !repeated.isEmpty else { return }
    let reader = PieceReader(text: text, file: file, schema: schema, layout: layout)
    total.duplicates = reader.duplicates(
      of: repeated, from: cuts[0], to: file.bytes.count)
  }
}

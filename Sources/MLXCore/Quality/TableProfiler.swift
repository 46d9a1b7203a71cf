/// Profiles a CSV or TSV file (``TableProfile``) on all cores, in bounded memory: the body is
/// cut into pieces at record boundaries (``DelimitedTable/readPieces(count:_:)``), each piece
/// is summarized column by column (``ColumnTally``), and the summaries are merged in file
/// order.
///
/// The number of pieces depends on the file's size only, not on the machine's cores, so the
/// same file gives the same profile, byte for byte, everywhere.
///
/// Without a schema each column's type is inferred as `mlx schema infer` does, in the same
/// read. A column that looked numeric in some piece (so its values there were not all
/// counted) and turns out not to be is profiled again in a second read with the types now
/// known.
public struct TableProfiler: Sendable {
  /// The schema giving the column types, and its description for ``TableProfile/types``;
  /// nil to infer them.
  public let schema: (schema: TableSchema, types: String)?

  /// Bytes of a piece: the number of pieces is the body's size over this, from 1 to 64.
  let pieceSize: Int

  public init(schema: (schema: TableSchema, types: String)? = nil) {
    self.init(schema: schema, pieceSize: 16 << 20)
  }

  init(schema: (schema: TableSchema, types: String)?, pieceSize: Int) {
    self.schema = schema
    self.pieceSize = pieceSize
  }

  /// Profiles the file at `absolutePath`, shown as `displayPath`, whose SHA-256 is `digest`
  /// (`sha256:<hex>`).
  public func profile(absolutePath: String, displayPath: String, digest: String) throws
    -> TableProfile
  {
    let table = try DelimitedTable(absolutePath: absolutePath, displayPath: displayPath)
    guard !table.columns.isEmpty else {
      throw QualityError.unreadableData(path: displayPath, reason: "has no header row")
    }
    try table.requireDistinctColumns(displayPath: displayPath)
    let missingValues = schema?.schema.missingValues ?? SchemaInference.missingValues
    var roles = table.columns.map { name -> ColumnTally.Role in
      guard let field = schema?.schema.field(named: name) else { return .inferred }
      return field.type == .integer || field.type == .number
        ? .numeric(field.type) : .categorical(field.type)
    }
    var (rows, tallies) = try read(
      table, roles: roles, missingValues: missingValues, displayPath: displayPath)
    let types = zip(roles, tallies).map { role, tally -> TableSchema.FieldType in
      switch role {
      case .inferred: tally.inferredType
      case .numeric(let type), .categorical(let type): type
      }
    }
    let recount = tallies.indices.filter { column in
      roles[column] == .inferred && tallies[column].countsDropped
        && types[column] != .integer && types[column] != .number
    }
    if !recount.isEmpty {
      for column in recount { roles[column] = .categorical(types[column]) }
      let again = try read(
        table, roles: roles, missingValues: missingValues, displayPath: displayPath)
      for column in recount { tallies[column] = again.tallies[column] }
      rows = again.rows
    }
    let columns = table.columns.indices.map { column in
      Self.column(table.columns[column], type: types[column], tally: tallies[column])
    }
    return TableProfile(
      digest: digest, format: table.format, types: schema?.types ?? "inferred", rows: rows,
      columns: columns)
  }

  /// Throws, naming the first such row, when a record's quoting is broken: its fields are not
  /// what the file meant, so no statistic of it can be trusted.
  private func read(
    _ table: DelimitedTable, roles: [ColumnTally.Role], missingValues: [String],
    displayPath: String
  ) throws -> (rows: Int, tallies: [ColumnTally]) {
    let missing = missingValues.map { Array($0.utf8) }
    let pieces = min(64, max(1, table.body.count / pieceSize))
    let (results, _) = try table.readPieces(count: pieces) { range in
      Self.read(table, range, roles: roles, missingValues: missing)
    }
    var tallies = roles.map { _ in ColumnTally() }
    var rows = 0
    for piece in results {
      if let malformed = piece.malformedRow {
        throw QualityError.malformedQuoting(path: displayPath, row: rows + malformed)
      }
      rows += piece.rows
      for column in tallies.indices { tallies[column].merge(piece.tallies[column]) }
    }
    return (rows, tallies)
  }

  /// Rows whose cells are gathered before they are tallied column by column.
  static let block = 256

  /// Reads every record that starts in `range`. The cells of ``block`` rows are gathered
  /// per column, then each column's are tallied in one run: its tally stays in cache and
  /// its role is read once, and each column still sees its cells in file order.
  private static func read(
    _ table: DelimitedTable, _ range: Range<Int>, roles: [ColumnTally.Role],
    missingValues: [[UInt8]]
  ) -> (result: (rows: Int, tallies: [ColumnTally], malformedRow: Int?), stoppedAt: Int) {
    let columnCount = roles.count
    let text = table.text
    var tallies = roles.map { _ in ColumnTally() }
    var rows = 0
    var fields: [DelimitedText.Field] = []
    // A cell the record lacks (fewer fields than columns): missing.
    let absent = DelimitedText.Field(start: 0, end: 0, escaped: false, kind: .absent)
    // Column by column: the cells of column c are at c * block ..< c * block + gathered.
    var cells = [DelimitedText.Field](repeating: absent, count: block * columnCount)
    var gathered = 0
    var malformedRow: Int?
    var position = range.lowerBound
    var released = position
    while position < range.upperBound {
      var problem: DelimitedText.Problem?
      position = text.readRecord(at: position, into: &fields, problem: &problem)
      guard !fields.isEmpty else { continue }
      rows += 1
      if let problem, problem.isQuoting {
        malformedRow = rows
        break
      }
      let present = min(fields.count, columnCount)
      cells.withUnsafeMutableBufferPointer { cells in
        fields.withUnsafeBufferPointer { fields in
          for column in 0..<present { cells[column &* block &+ gathered] = fields[column] }
        }
        for column in present..<columnCount { cells[column &* block &+ gathered] = absent }
      }
      gathered += 1
      guard gathered == block else { continue }
      tally(
        cells, count: gathered, into: &tallies, text: text, roles: roles, missing: missingValues)
      gathered = 0
      // Released only once tallied: the gathered cells point into these pages.
      if position - released > 8 << 20 {
        table.file.release(released..<position)
        released = position
      }
    }
    tally(cells, count: gathered, into: &tallies, text: text, roles: roles, missing: missingValues)
    // A piece that stopped early ends where it stopped: the caller throws before using it.
    return ((rows, tallies, malformedRow), malformedRow == nil ? position : range.upperBound)
  }

  /// Tallies the first `count` gathered cells of each column.
  private static func tally(
    _ cells: [DelimitedText.Field], count: Int, into tallies: inout [ColumnTally],
    text: DelimitedText, roles: [ColumnTally.Role], missing missingValues: [[UInt8]]
  ) {
    guard count > 0 else { return }
    let onlyEmptyIsMissing = missingValues == [[]]
    cells.withUnsafeBufferPointer { cells in
      tallies.withUnsafeMutableBufferPointer { tallies in
        for column in tallies.indices {
          let role = roles[column]
          // Moved out of the array while its cells are added, so it is uniquely held.
          let slot = tallies.baseAddress! + column
          var tally = slot.move()
          defer { slot.initialize(to: tally) }
          for field in cells[(column &* block)..<(column &* block &+ count)] {
            if field.kind == .absent {
              tally.missing += 1
              continue
            }
            text.withValue(of: field) { cell in
              let isMissing =
                onlyEmptyIsMissing
                ? cell.isEmpty
                : missingValues.contains { $0.count == cell.count && $0.elementsEqual(cell) }
              if isMissing {
                tally.missing += 1
              } else {
                tally.add(cell, role: role)
              }
            }
          }
        }
      }
    }
  }

  /// A column's profile from its merged tally.
  static func column(_ name: String, type: TableSchema.FieldType, tally: ColumnTally)
    -> ColumnProfile
  {
    let isNumeric = type == .integer || type == .number
    var numbers: NumericSummary?
    if isNumeric, tally.moments.count > 0 {
      let moments = tally.moments
      var summary = NumericSummary(
        count: moments.count, min: moments.min, max: moments.max, mean: moments.mean,
        std: moments.standardDeviation, quantiles: [],
        histogram: histogram(tally.sketch, lower: moments.min, upper: moments.max),
        sketch: tally.sketch)
      let quantiles = NumericSummary.levels.map { q in
        NumericSummary.Quantile(q: q, value: summary.quantile(q) ?? moments.min)
      }
      summary.quantiles = quantiles
      numbers = summary
    }
    var values: ValueSummary?
    if let counts = tally.counts, !isNumeric || counts.isExact {
      values = ValueSummary(
        exact: counts.isExact, undercount: counts.undercount,
        top: counts.top(counts.isExact ? ValueSummary.capacity : ValueSummary.kept).map {
          ValueSummary.ValueCount(value: $0.value, count: $0.count)
        })
    }
    return ColumnProfile(
      name: name, type: type, count: tally.present, missing: tally.missing,
      invalid: tally.invalid + (isNumeric ? tally.nonFinite : 0),
      distinct: tally.distinct.estimate, distinctSketch: tally.distinct, numbers: numbers,
      values: values)
  }

  /// Equal-width bins over [lower, upper], counted from the sketch's weighted values.
  static func histogram(_ sketch: QuantileSketch, lower: Double, upper: Double)
    -> NumericSummary.Histogram
  {
    let bins = upper > lower ? NumericSummary.bins : 1
    var counts = [Int](repeating: 0, count: bins)
    let width = (upper - lower) / Double(bins)
    for item in sketch.weightedValues {
      let position = width > 0 ? ((item.value - lower) / width).rounded(.down) : 0
      // Clamped before conversion: a range too wide for a Double gives no finite position.
      let bin = position.isFinite ? Int(min(Double(bins - 1), max(0, position))) : bins - 1
      counts[bin] += item.weight
    }
    return NumericSummary.Histogram(lower: lower, upper: upper, counts: counts)
  }
}

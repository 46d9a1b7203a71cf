import Dispatch

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// A CSV or TSV file opened for reading on all cores: its mapping, its header's column
/// names, and the body after the header, read in pieces cut at record boundaries.
struct DelimitedTable: Sendable {
  let file: MappedFile
  let text: DelimitedText
  /// `csv` or `tsv`.
  let format: String
  /// The header's column names (none for a file with no header row).
  let columns: [String]
  /// The bytes after the header.
  let body: Range<Int>

  /// Throws when two columns of the header share a name: statistics by column name (a
  /// profile, drift, an inferred schema) would mix them up.
  func requireDistinctColumns(displayPath: String) throws(QualityError) {
    var seen: [String: Int] = [:]
    for (index, name) in columns.enumerated() {
      if let first = seen[name] {
        throw QualityError.unreadableData(
          path: displayPath,
          reason: "names column '\(MessageText.quoted(name))' twice in its header (columns "
            + "\(first + 1) and \(index + 1)); rename one")
      }
      seen[name] = index
    }
  }

  /// The format of `path` from its extension: `tsv` for `.tsv` and `.tab`, `jsonl` for
  /// `.jsonl` and `.ndjson`, else `csv`.
  static func format(of path: String) -> String {
    if path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") { return "jsonl" }
    return path.hasSuffix(".tsv") || path.hasSuffix(".tab") ? "tsv" : "csv"
  }

  /// The file names mlx reads as tables.
  static func isTable(_ path: String) -> Bool {
    isDelimited(path) || [".jsonl", ".ndjson"].contains { path.hasSuffix($0) }
  }

  /// CSV or TSV, which profiles and drift read (JSON Lines only validates).
  static func isDelimited(_ path: String) -> Bool {
    [".csv", ".tsv", ".tab"].contains { path.hasSuffix($0) }
  }

  /// Maps the file at `absolutePath` and reads its header (after a UTF-8 byte order mark);
  /// `displayPath` gives the format. JSON Lines has no header: its columns are `jsonColumns`
  /// (the schema's fields), each line's keys read into them.
  init(absolutePath: String, displayPath: String, jsonColumns: [String] = []) throws {
    file = try MappedFile(path: absolutePath)
    format = Self.format(of: displayPath)
    var text = DelimitedText(
      bytes: file.bytes, delimiter: UInt8(ascii: format == "tsv" ? "\t" : ","),
      quoting: format == "csv")
    var start = file.bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    if format == "jsonl" {
      text.jsonColumns = jsonColumns.map { Array($0.utf8) }
      self.text = text
      columns = jsonColumns
      body = start..<file.bytes.count
      return
    }
    self.text = text
    var fields: [DelimitedText.Field] = []
    var problem: DelimitedText.Problem?
    while start < file.bytes.count, fields.isEmpty {
      start = text.readRecord(at: start, into: &fields, problem: &problem)
    }
    columns = fields.map { String(decoding: text.value(of: $0), as: UTF8.self) }
    body = start..<file.bytes.count
  }

  /// Reads the body in pieces, several per core: `read` reads every record that starts in
  /// its range and returns its result with where the last record ended. When a piece's last
  /// record does not end where the next piece begins (a cut the quote parity misplaced), the
  /// body is read again in one piece, so the records are those a reader from the start sees.
  /// Returns the results in file order and where each piece starts.
  /// `count` sets the number of pieces (at most; default: four per core).
  func readPieces<Result: Sendable>(
    count: Int? = nil,
    _ read: @escaping @Sendable (Range<Int>) -> (result: Result, stoppedAt: Int)
  ) throws -> (results: [Result], cuts: [Int]) {
    let file = self.file
    let workers = count ?? max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) * 4
    let cuts = text.cuts(of: body, count: workers) { file.release($0) }
    let pieces = try Self.read(cuts: cuts, end: body.upperBound, read)
    if zip(pieces, cuts.dropFirst() + [body.upperBound]).allSatisfy({ $0.stoppedAt == $1 }) {
      return (pieces.map(\.result), cuts)
    }
    let whole = try Self.read(cuts: [body.lowerBound], end: body.upperBound, read)
    return (whole.map(\.result), [body.lowerBound])
  }

  private static func read<Result: Sendable>(
    cuts: [Int], end: Int,
    _ read: @escaping @Sendable (Range<Int>) -> (result: Result, stoppedAt: Int)
  ) throws -> [(result: Result, stoppedAt: Int)] {
    let results = ConcurrentResults<(result: Result, stoppedAt: Int)>(count: cuts.count)
    DispatchQueue.concurrentPerform(iterations: cuts.count) { piece in
      results.record(piece) { read(cuts[piece]..<(piece + 1 < cuts.count ? cuts[piece + 1] : end)) }
    }
    return try results.values()
  }
}

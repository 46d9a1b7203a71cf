/// What validating one table against a schema found: `mlx validate`'s report for one file.
public struct TableValidation: Encodable, Sendable, Equatable {
  /// The file, as the user named it.
  public var path: String
  /// The schema file it was checked against.
  public var schema: String
  /// `csv` or `tsv`.
  public var format: String
  /// Data rows read (the header row not counted; blank lines skipped).
  public var rows: Int
  /// The header's column names.
  public var columns: [String]
  /// Every failed check, each once with its count of rows and its first examples.
  public var failures: [ValidationFailure]

  public var valid: Bool { failures.isEmpty }

  enum CodingKeys: String, CodingKey {
    case path, schema, format, rows, columns, failures, valid
  }

  /// The stored fields, and `valid` for scripts.
  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(path, forKey: .path)
    try container.encode(schema, forKey: .schema)
    try container.encode(format, forKey: .format)
    try container.encode(rows, forKey: .rows)
    try container.encode(columns, forKey: .columns)
    try container.encode(valid, forKey: .valid)
    try container.encode(failures, forKey: .failures)
  }
}

/// One check that failed: which field (nil for the table), what, in how many rows, and the
/// first rows where it did.
public struct ValidationFailure: Codable, Sendable, Equatable {
  public var field: String?
  /// The Table Schema name of the check: `type`, `required`, `unique`, `minimum`, `maximum`,
  /// `enum`, `pattern`, `minLength`, `maxLength`, `primaryKey`; and mlx's `encoding`,
  /// `field-count`, `quoting`, `missing-column`, `extra-column`, `rows`,
  /// `maxMissingFraction`; with `--features`, `observed-minimum` and `observed-maximum`.
  public var check: String
  /// The check with its argument, as a person reads it (`minimum 0`, `type integer`).
  public var detail: String
  /// Rows that fail it (for `rows` and `maxMissingFraction`, the measured count).
  public var rows: Int
  /// The first rows that fail it, in file order (at most ``exampleLimit``).
  public var examples: [Example]

  public struct Example: Codable, Sendable, Equatable {
    /// The data row, counted from 1 (the header row is row 0).
    public var row: Int
    /// The cell as written (nil when the check is about the row, not one cell).
    public var value: String?
  }

  public static let exampleLimit = 5
}

extension TableValidation {
  /// The report as `mlx validate` prints it: a line for the file, then one per failed check
  /// with its count of rows and first examples.
  public var reportLines: [String] {
    let rows = "\(self.rows) \(self.rows == 1 ? "row" : "rows")"
    guard !valid else { return ["\(path): \(rows), valid (\(schema))"] }
    let count = failures.count
    var lines = ["\(path): \(rows), \(count) \(count == 1 ? "check" : "checks") failed (\(schema))"]
    for failure in failures {
      let subject = failure.field.map { "\($0): " } ?? ""
      let examples = failure.examples.map { example in
        "row \(example.row)" + (example.value.map { " \(Self.quoted($0))" } ?? "")
      }
      let shown = examples.isEmpty ? "" : ", e.g. " + examples.joined(separator: ", ")
      let counted =
        failure.examples.isEmpty && failure.rows == 0
        ? "" : ": \(failure.rows) \(failure.rows == 1 ? "row" : "rows")"
      lines.append("  \(subject)\(failure.detail)\(counted)\(shown)")
    }
    return lines
  }

  /// A cell as one line: quoted, with control characters escaped, long ones cut.
  static func quoted(_ value: String) -> String {
    var text = ""
    for scalar in value.unicodeScalars.prefix(60) {
      switch scalar {
      case "\n": text += "\\n"
      case "\r": text += "\\r"
      case "\t": text += "\\t"
      case "\"": text += "\\\""
      case _ where scalar.value < 0x20: text += "\\u{\(String(scalar.value, radix: 16))}"
      default: text.unicodeScalars.append(scalar)
      }
    }
    return "\"" + text + (value.unicodeScalars.count > 60 ? "…" : "") + "\""
  }
}

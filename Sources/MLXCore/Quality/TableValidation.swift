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

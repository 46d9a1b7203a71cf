import Foundation

/// The profile of one CSV or TSV file (`mlx profile`): per-column statistics and mergeable
/// sketches, small enough (tens of kilobytes) to store beside the data and compare later
/// without reading the data again. See docs/quality.md, "Profiles".
///
/// Encoded as canonical JSON (``json``: sorted keys, no spaces), so the same data profiled
/// with the same types gives the same bytes; that JSON is the object mlx stores.
public struct TableProfile: Codable, Equatable, Sendable {
  public static let formatVersion = 1

  /// The profile format's version (``formatVersion``).
  public var version: Int
  /// `sha256:` and the SHA-256 of the file, as `sha256sum` prints it.
  public var digest: String
  /// `csv` or `tsv`.
  public var format: String
  /// Where the column types came from: `inferred`, or `schema sha256:…` (the SHA-256 of the
  /// schema file given with `--schema`).
  public var types: String
  /// Data rows (after the header, blank lines not counted).
  public var rows: Int
  /// The columns in header order.
  public var columns: [ColumnProfile]

  public init(
    digest: String, format: String, types: String, rows: Int, columns: [ColumnProfile]
  ) {
    version = Self.formatVersion
    self.digest = digest
    self.format = format
    self.types = types
    self.rows = rows
    self.columns = columns
  }

  /// The column named `name`; nil when there is none.
  public func column(named name: String) -> ColumnProfile? {
    columns.first { $0.name == name }
  }

  /// The canonical JSON: sorted keys, no insignificant whitespace.
  public var json: [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // A mean or deviation of values near Double's limits may overflow: written as a string.
    encoder.nonConformingFloatEncodingStrategy = Self.nonFinite.encoding
    return Array((try? encoder.encode(self)) ?? Data())
  }

  private static var nonFinite:
    (
      encoding: JSONEncoder.NonConformingFloatEncodingStrategy,
      decoding: JSONDecoder.NonConformingFloatDecodingStrategy
    )
  {
    (
      .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN"),
      .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    )
  }

  /// Reads a profile's JSON; `source` names it in errors.
  public init(json bytes: [UInt8], source: String) throws(QualityError) {
    let decoded: TableProfile
    do {
      let decoder = JSONDecoder()
      decoder.nonConformingFloatDecodingStrategy = Self.nonFinite.decoding
      decoded = try decoder.decode(TableProfile.self, from: Data(bytes))
    } catch {
      throw QualityError.malformedProfile(path: source, problem: Self.describe(error))
    }
    guard decoded.version == Self.formatVersion else {
      throw QualityError.malformedProfile(
        path: source,
        problem: "profile format version \(decoded.version) (this mlx reads version 1)")
    }
    self = decoded
  }

  private static func describe(_ error: Error) -> String {
    switch error {
    case DecodingError.dataCorrupted(let context), DecodingError.keyNotFound(_, let context),
      DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
      let path = context.codingPath.map(\.stringValue).joined(separator: ".")
      return "not a profile (\(path.isEmpty ? "" : path + ": ")\(context.debugDescription))"
    default:
      return "not a profile (\(error))"
    }
  }
}

/// One column of a ``TableProfile``.
public struct ColumnProfile: Codable, Equatable, Sendable {
  public var name: String
  /// The column's type: the schema's, or the narrowest every present value has.
  public var type: TableSchema.FieldType
  /// Cells present (not missing).
  public var count: Int
  /// Missing cells (a missing value of the schema, by default empty or `NA`; or absent from
  /// a short row).
  public var missing: Int
  /// Present cells that are not of the column's type, and NaN or infinite numbers: left out
  /// of every other statistic.
  public var invalid: Int
  /// The estimated number of distinct values (as written), within about 3 ×
  /// ``DistinctCounter/standardError`` of the true number.
  public var distinct: Int
  /// The HyperLogLog behind ``distinct``.
  public var distinctSketch: DistinctCounter
  /// Statistics of an integer or number column.
  public var numbers: NumericSummary?
  /// The most frequent values: of every string, boolean, date and datetime column, and of a
  /// numeric column with at most ``ValueSummary/capacity`` distinct values.
  public var values: ValueSummary?

  /// Whether the column is integer or number.
  public var isNumeric: Bool { type == .integer || type == .number }
}

/// Statistics of a numeric column's valid values.
public struct NumericSummary: Codable, Equatable, Sendable {
  public var count: Int
  public var min: Double
  public var max: Double
  public var mean: Double
  /// The sample standard deviation (divided by count − 1, as pandas computes it); 0 for one
  /// value.
  public var std: Double
  /// Quantiles read off ``sketch``: exact (numpy's linear interpolation) while the sketch
  /// is exact, else within its rank error bound.
  public var quantiles: [Quantile]
  public var histogram: Histogram
  public var sketch: QuantileSketch

  public struct Quantile: Codable, Equatable, Sendable {
    public var q: Double
    public var value: Double
  }

  /// Equal-width bins over [min, max] (the last one includes max), counted from the sketch:
  /// exact while the sketch is, else each count within 2 × the rank error of the count.
  public struct Histogram: Codable, Equatable, Sendable {
    public var lower: Double
    public var upper: Double
    public var counts: [Int]
  }

  /// The quantiles reported.
  public static let levels = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]
  public static let bins = 32

  /// The value at quantile `q`: the median is `quantile(0.5)`.
  public func quantile(_ q: Double) -> Double? {
    if q <= 0 { return min }
    if q >= 1 { return max }
    return sketch.quantile(q)
  }

  /// The fraction of values at or below `x`.
  public func cdf(_ x: Double) -> Double { sketch.cdf(x) }
}

/// A column's most frequent values and their counts.
public struct ValueSummary: Codable, Equatable, Sendable {
  /// Values counted exactly up to this many distinct ones.
  public static let capacity = ValueCounts.capacity
  /// Values kept in a profile when the counts are not exact.
  public static let kept = 100

  /// Whether ``top`` holds every value with its exact count.
  public var exact: Bool
  /// How far below its true count a count may be (0 when exact); any value occurring more
  /// often than this is in ``top`` (when ``top`` is not cut to ``kept`` values).
  public var undercount: Int
  /// Values and counts, most frequent first (ties by value).
  public var top: [ValueCount]

  public struct ValueCount: Codable, Equatable, Sendable {
    public var value: String
    public var count: Int
  }

  /// Each value's count.
  public var counts: [String: Int] {
    Dictionary(top.map { ($0.value, $0.count) }, uniquingKeysWith: +)
  }
}

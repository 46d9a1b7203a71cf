/// `mlx drift`'s report: the two sides, each shared column's statistics and verdict, and the
/// columns that could not be compared.
public struct DriftReport: Encodable, Sendable {
  /// One side as given and what it resolved to.
  public struct Side: Encodable, Sendable {
    /// As typed: `data.csv@HEAD~1`, `churn#production`, `batch.csv`.
    public var spec: String
    /// The data file (repository-relative for tracked data).
    public var path: String
    /// The revision the data was read at (as typed, or the registry version's commit);
    /// absent for a plain file.
    public var revision: String?
    /// For `NAME#STAGE`: the registry version holding the stage.
    public var version: String?
    /// The data's SHA-256, `sha256:…`.
    public var digest: String
    public var rows: Int

    public init(
      spec: String, path: String, revision: String?, version: String? = nil, digest: String,
      rows: Int
    ) {
      (self.spec, self.path, self.revision, self.version, self.digest, self.rows) =
        (spec, path, revision, version, digest, rows)
    }
  }

  /// A column shared by both sides with another kind on each (numeric on one side only).
  public struct TypeChange: Encodable, Sendable, Equatable {
    public var name: String
    public var baseline: String
    public var current: String
  }

  public var baseline: Side
  public var current: Side
  public var columns: [ColumnDrift]
  /// Columns the policy says to ignore.
  public var ignored: [String]
  /// Shared columns with no values on a side, or no value counts to compare.
  public var notCompared: [String]
  public var onlyInBaseline: [String]
  public var onlyInCurrent: [String]
  /// Counted as drift.
  public var typeChanges: [TypeChange]
  /// Whether any column drifted beyond its thresholds or changed type.
  public var drifted: Bool { columns.contains(where: \.drifted) || !typeChanges.isEmpty }

  enum CodingKeys: String, CodingKey {
    case baseline, current, drifted, columns, ignored, notCompared, onlyInBaseline
    case onlyInCurrent, typeChanges
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(baseline, forKey: .baseline)
    try container.encode(current, forKey: .current)
    try container.encode(drifted, forKey: .drifted)
    try container.encode(columns, forKey: .columns)
    try container.encode(ignored, forKey: .ignored)
    try container.encode(notCompared, forKey: .notCompared)
    try container.encode(onlyInBaseline, forKey: .onlyInBaseline)
    try container.encode(onlyInCurrent, forKey: .onlyInCurrent)
    try container.encode(typeChanges, forKey: .typeChanges)
  }

  /// Compares two profiles column by column (in the baseline's order) by `policy`.
  public init(
    baseline: Side, current: Side, profiles: (TableProfile, TableProfile), policy: DriftPolicy
  ) {
    self.baseline = baseline
    self.current = current
    let (first, second) = profiles
    columns = []
    ignored = []
    notCompared = []
    typeChanges = []
    onlyInBaseline = first.columns.map(\.name).filter { second.column(named: $0) == nil }
    onlyInCurrent = second.columns.map(\.name).filter { first.column(named: $0) == nil }
    for column in first.columns {
      guard let other = second.column(named: column.name) else { continue }
      let thresholds = policy.thresholds(for: column.name)
      if thresholds.ignore {
        ignored.append(column.name)
        continue
      }
      guard column.isNumeric == other.isNumeric else {
        typeChanges.append(
          TypeChange(
            name: column.name, baseline: column.type.rawValue, current: other.type.rawValue))
        continue
      }
      guard let a = Self.data(column), let b = Self.data(other),
        let drift = DriftComparison.compare(
          name: column.name, baseline: a, current: b, thresholds: thresholds)
      else {
        notCompared.append(column.name)
        continue
      }
      columns.append(drift)
    }
  }

  /// A profiled column as drift reads it: a numeric column's every value (the sketch's while
  /// it is exact, else the exact value counts of a column with at most 1,000 distinct
  /// values), else its sketch; another column's value counts.
  static func data(_ column: ColumnProfile) -> DriftColumnData? {
    if column.isNumeric {
      guard let numbers = column.numbers else { return nil }
      let sketch = numbers.sketch
      if !sketch.isExact, let values = column.values, values.exact {
        let weighted = values.top.compactMap { entry -> (value: Double, weight: Int)? in
          let number = Array(entry.value.utf8).withUnsafeBytes { FieldValue.number($0) }
          return number.flatMap { $0.isFinite ? ($0, entry.count) : nil }
        }
        if weighted.count == values.top.count,
          weighted.reduce(0, { $0 + $1.weight }) == numbers.count
        {
          return .numeric(
            WeightedSample(
              weighted: weighted, rankError: 0, minimum: numbers.min, maximum: numbers.max))
        }
      }
      let weighted = sketch.weightedValues
      return .numeric(
        WeightedSample(
          weighted: weighted, rankError: sketch.rankErrorBound, minimum: numbers.min,
          maximum: numbers.max))
    }
    guard let values = column.values else { return nil }
    return .categorical(counts: values.counts, exact: values.exact)
  }
}

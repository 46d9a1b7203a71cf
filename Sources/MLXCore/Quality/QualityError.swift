/// Errors of schemas, validation and profiles, each naming the file and what to do.
public enum QualityError: Error, CustomStringConvertible, Equatable {
  /// A schema that does not parse, or breaks Table Schema's rules.
  case malformedSchema(path: String, line: Int?, problem: String)
  /// A feature definition file that does not parse.
  case malformedFeatures(path: String, line: Int?, problem: String)
  /// `mlx validate` with no `--schema` for a file that names none.
  case noSchema(path: String)
  /// A file to check that is not there, or is not a file.
  case unreadableData(path: String, reason: String)
  /// A CSV/TSV record whose quoting is broken (`profile`, `schema infer`).
  case malformedQuoting(path: String, row: Int)
  /// A file whose format the command does not read: `mlx validate` reads JSON Lines too,
  /// `profile` and `drift` only CSV and TSV.
  case unsupportedFormat(path: String, jsonLines: Bool)
  /// A `drift:` block of the policy file that does not parse.
  case malformedPolicy(path: String, line: Int?, problem: String)
  /// A stored profile that does not parse.
  case malformedProfile(path: String, problem: String)

  public var description: String {
    switch self {
    case .malformedSchema(let path, let line, let problem):
      return "\(line.map { "\(path):\($0)" } ?? path): \(problem) (see docs/quality.md)"
    case .malformedFeatures(let path, let line, let problem):
      return
        "\(line.map { "\(path):\($0)" } ?? path): \(problem) (see docs/quality.md, Feature sets)"
    case .noSchema(let path):
      return "\(path) has no schema; give --schema FILE, or write one with "
        + "`mlx schema infer \(path) -o \(path).schema.yaml` and record it in the pointer with "
        + "`mlx add \(path) --schema \(path).schema.yaml`"
    case .unreadableData(let path, let reason):
      return "\(path): \(reason)"
    case .malformedQuoting(let path, let row):
      return "\(path): row \(row) has a quote that is not closed, or text after a closing "
        + "quote (RFC 4180), so its fields are unknown; fix the file (`mlx validate` lists "
        + "every such row)"
    case .malformedProfile(let path, let problem):
      return "\(path): \(problem); run `mlx profile` on the data again"
    case .unsupportedFormat(let path, jsonLines: true):
      return
        "\(path) is not a .csv, .tsv, .jsonl or .ndjson file, which are the formats mlx validates"
    case .unsupportedFormat(let path, jsonLines: false):
      return "\(path) is not a .csv or .tsv file, which are the formats mlx profiles and compares"
    case .malformedPolicy(let path, let line, let problem):
      return "\(line.map { "\(path):\($0)" } ?? path): \(problem) (see docs/quality.md, \"Drift\")"
    }
  }
}

import Foundation

/// Everything about one `mlx run`, `train` or `eval`: the evidence lineage and audits rely
/// on. Stored as `run.json` in a Git commit under `refs/mlx/runs/<id>` (see ``RunStore``).
public struct RunRecord: Codable, Sendable, Equatable {
  /// What happened to one stage in this run.
  public enum StageStatus: String, Codable, Sendable {
    /// The command ran and succeeded; its outputs were stored.
    case ran
    /// Outputs were restored from the run cache or the store without running the command.
    case restored
    /// Up to date (or frozen): nothing to do.
    case skipped
    /// The command failed; nothing was recorded as its output.
    case failed
    /// The command was stopped by a signal (Ctrl-C).
    case interrupted
    /// Not run because a stage it depends on failed.
    case blocked
  }

  /// One stage's result, with what it read and wrote.
  public struct StageResult: Codable, Sendable, Equatable {
    public var name: String
    public var status: StageStatus
    /// Why the stage ran, was restored or was skipped.
    public var reason: String
    public var cmd: String
    public var exitCode: Int32?
    public var durationSeconds: Double
    public var deps: [LockFile.Entry]
    public var params: [String: [String: ParamValue]]
    public var outs: [LockFile.Entry]
    public var metrics: [String: [String: ParamValue]]
    /// The run whose command produced these outputs: this run when the stage ran, an
    /// earlier one when they were restored or up to date.
    public var producedBy: String?
  }

  /// The code the run used.
  public struct CodeState: Codable, Sendable, Equatable {
    /// The commit HEAD pointed to, or nil before the first commit.
    public var commit: String?
    public var branch: String?
    /// Whether tracked files the run does not record differed from that commit when the run
    /// started (see ``PipelineSpec/recordsContent(of:)``).
    public var dirty: Bool
    /// Those files (at most ``CodeState/uncommittedLimit``); absent when there were none.
    public var uncommitted: [String]?

    public static let uncommittedLimit = 50

    /// How lineage shows it: the commit and whether the tree was clean or dirty, or that
    /// the run came before the first commit (so no commit holds the code it ran).
    public var summary: String { Self.summary(commit: commit, dirty: dirty) }

    static func summary(commit: String?, dirty: Bool) -> String {
      guard let commit else { return "none (run before the first commit)" }
      return commit + (dirty ? " (dirty)" : " (clean)")
    }
  }

  /// Where the run happened.
  public struct Platform: Codable, Sendable, Equatable {
    public var host: String
    public var os: String
    public var kernel: String
    public var architecture: String
  }

  public static let formatVersion = 1

  public var version = RunRecord.formatVersion
  public var id: String
  /// The mlx command line that made the run.
  public var command: [String]
  public var stages: [StageResult]
  public var user: GitIdentity
  public var startedAt: Date
  public var endedAt: Date
  public var durationSeconds: Double
  public var exitStatus: Int32
  public var code: CodeState
  /// Param values every stage read, by params file (overrides applied).
  public var params: [String: [String: ParamValue]]
  /// `-S` overrides given for this run.
  public var overrides: [String]
  /// Metric values every stage wrote, by metrics file.
  public var metrics: [String: [String: ParamValue]]
  /// The params files' full contents as the stages saw them (overrides applied), by path;
  /// `mlx runs apply` writes them back.
  public var paramsFiles: [String: String]
  public var mlxVersion: String
  public var platform: Platform

  /// Stage names that ran or were restored.
  public var executedStages: [String] {
    stages.filter { $0.status == .ran || $0.status == .restored }.map(\.name)
  }

  /// Every dependency read, by path (the last stage to read a path wins).
  public var deps: [LockFile.Entry] {
    var seen: [String: LockFile.Entry] = [:]
    for stage in stages { for entry in stage.deps { seen[entry.path] = entry } }
    return seen.values.sorted { PathOrder.precedes($0.path, $1.path) }
  }

  /// Every output written, by path.
  public var outs: [LockFile.Entry] {
    var seen: [String: LockFile.Entry] = [:]
    for stage in stages where stage.status == .ran || stage.status == .restored {
      for entry in stage.outs { seen[entry.path] = entry }
    }
    return seen.values.sorted { PathOrder.precedes($0.path, $1.path) }
  }

  static func encoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.dateEncodingStrategy = .custom { date, encoder in
      var container = encoder.singleValueContainer()
      try container.encode(Timestamp.format(date))
    }
    return encoder
  }

  static func decoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    decoder.dateDecodingStrategy = .custom { decoder in
      let text = try decoder.singleValueContainer().decode(String.self)
      guard let date = Timestamp.parse(text) else {
        throw DecodingError.dataCorrupted(
          .init(
            codingPath: decoder.codingPath, debugDescription: "'\(text)' is not an ISO 8601 time"))
      }
      return date
    }
    return decoder
  }

  /// A new, time-ordered run id: `YYYYMMDD-HHMMSS-` and 8 random hex digits (UTC).
  static func makeID(at date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    let random = (0..<4).map { _ in UInt8.random(in: 0...255) }
    return formatter.string(from: date) + "-" + Hex.encode(random)
  }
}

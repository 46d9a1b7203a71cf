import Yams

/// `mlx.lock`: what the last successful run of each stage read and wrote.
///
/// ```yaml
/// # Written by mlx run: what each stage last read and wrote. Commit it with mlx.yaml.
/// version: 1
/// stages:
///   train:
///     cmd: python src/train.py
///     deps:
///     - path: data/features
///       digest: sha256:…
///       size: 1048576
///       files: 2
///     validated:                     # inputs checked against a Table Schema before running
///     - path: data/features
///       digest: sha256:…               # the data checked (its deps digest)
///       schema: data/features.schema.yaml
///       schema_digest: sha256:…        # SHA-256 of the schema file's bytes
///     params:
///       params.yaml:
///         train.lr: 0.1
///     outs:
///     - path: models/model.pkl
///       digest: sha256:…
///       size: 524288
///     metrics:
///       metrics/train.json:
///         accuracy: 0.93
///     run: 20261122-101500-3f2a9c1e
/// ```
///
/// Stages, files and keys are sorted, so the same state always gives the same bytes and two
/// branches that ran different stages merge without conflicts in unrelated lines.
public struct LockFile: Equatable, Sendable {
  public static let fileName = "mlx.lock"

  /// A file or directory and its content digest.
  public struct Entry: Codable, Equatable, Sendable {
    public var path: String
    public var digest: ObjectID
    public var size: Int64
    /// Number of files, for a directory.
    public var files: Int?
  }

  /// An input that passed validation before the stage's commands ran: the data's digest (as
  /// `deps` records it) and the schema file's path and SHA-256.
  public struct Validated: Codable, Equatable, Sendable {
    public var path: String
    public var digest: ObjectID
    public var schema: String
    public var schemaDigest: ObjectID

    public init(path: String, digest: ObjectID, schema: String, schemaDigest: ObjectID) {
      (self.path, self.digest, self.schema, self.schemaDigest) = (
        path, digest, schema, schemaDigest
      )
    }
  }

  /// One stage's last successful run.
  public struct StageState: Codable, Equatable, Sendable {
    public var cmd: String
    public var deps: [Entry]
    /// Param values by params file, then dotted key.
    public var params: [String: [String: ParamValue]]
    public var outs: [Entry]
    /// Metric values by metrics file, then dotted key.
    public var metrics: [String: [String: ParamValue]]
    /// The run that produced this state.
    public var run: String?
    /// Inputs validated before the commands ran (`validate:` in mlx.yaml), by path.
    public var validated: [Validated] = []

    public init(
      cmd: String, deps: [Entry], params: [String: [String: ParamValue]], outs: [Entry],
      metrics: [String: [String: ParamValue]], run: String?, validated: [Validated] = []
    ) {
      let byPath: (Entry, Entry) -> Bool = { PathOrder.precedes($0.path, $1.path) }
      (self.cmd, self.deps, self.params, self.outs, self.metrics, self.run) =
        (cmd, deps.sorted(by: byPath), params, outs.sorted(by: byPath), metrics, run)
      self.validated = validated.sorted { PathOrder.precedes($0.path, $1.path) }
    }

    public init(from decoder: Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      cmd = try container.decode(String.self, forKey: .cmd)
      deps = try container.decodeIfPresent([Entry].self, forKey: .deps) ?? []
      params =
        try container.decodeIfPresent([String: [String: ParamValue]].self, forKey: .params) ?? [:]
      outs = try container.decodeIfPresent([Entry].self, forKey: .outs) ?? []
      metrics =
        try container.decodeIfPresent([String: [String: ParamValue]].self, forKey: .metrics) ?? [:]
      run = try container.decodeIfPresent(String.self, forKey: .run)
      validated = try container.decodeIfPresent([Validated].self, forKey: .validated) ?? []
    }
  }

  public var stages: [String: StageState]

  public init(stages: [String: StageState] = [:]) { self.stages = stages }

  /// Parses a lock file; `path` names it in errors.
  public init(parsing text: String, path: String = LockFile.fileName) throws(PipelineError) {
    func fail(_ line: Int?, _ problem: String) -> PipelineError {
      .malformed(
        path: path, line: line, stage: nil,
        problem:
          "\(problem); restore it with `git checkout -- \(path)` or delete it to rerun every stage")
    }
    do {
      let root = try YAMLMapping.parse(text)
      try root.rejectUnknownKeys(["version", "stages"])
      guard let version = try root.integer("version") else {
        throw YAMLIssue(line: root.line(of: "version"), message: "missing key 'version'")
      }
      guard version == 1 else {
        throw PipelineError.malformed(
          path: path, line: root.line(of: "version"), stage: nil,
          problem: "version \(version) is newer than this mlx understands; upgrade mlx")
      }
      var stages: [String: StageState] = [:]
      if let mapping = try root.mapping("stages") {
        for name in mapping.keys {
          guard let stage = try mapping.mapping(name) else { continue }
          stages[name] = try Self.parseStage(stage)
        }
      }
      self.stages = stages
    } catch let issue as YAMLIssue {
      throw fail(issue.line, issue.message)
    } catch let error as PipelineError {
      throw error
    } catch {
      throw fail(nil, "\(error)")
    }
  }

  private static func parseStage(_ stage: YAMLMapping) throws(YAMLIssue) -> StageState {
    try stage.rejectUnknownKeys(["cmd", "deps", "validated", "params", "outs", "metrics", "run"])
    return StageState(
      cmd: try stage.requireString("cmd"), deps: try entries(stage, "deps"),
      params: try values(stage, "params"), outs: try entries(stage, "outs"),
      metrics: try values(stage, "metrics"), run: try stage.string("run"),
      validated: try validations(stage))
  }

  private static func validations(_ stage: YAMLMapping) throws(YAMLIssue) -> [Validated] {
    guard let node = stage.node("validated"), node.null == nil else { return [] }
    guard let sequence = node.sequence else {
      throw YAMLIssue(line: node.mark?.line, message: "'validated' must be a list")
    }
    var result: [Validated] = []
    for item in sequence {
      guard let mapping = item.mapping else {
        throw YAMLIssue(line: item.mark?.line, message: "'validated' entries must be mappings")
      }
      let entry = YAMLMapping(mapping: mapping)
      try entry.rejectUnknownKeys(["path", "digest", "schema", "schema_digest"])
      var digests: [ObjectID] = []
      for key in ["digest", "schema_digest"] {
        let text = try entry.requireString(key)
        guard let digest = ObjectID(parsing: text) else {
          throw YAMLIssue(
            line: entry.line(of: key),
            message: "'\(MessageText.quoted(text))' is not a sha256 digest")
        }
        digests.append(digest)
      }
      var paths: [String] = []
      for key in ["path", "schema"] {
        let path = try entry.requireString(key)
        guard RelativePath.isSafe(path) else {
          throw YAMLIssue(
            line: entry.line(of: key),
            message:
              "\(key) '\(MessageText.quoted(path))' must be inside the repository and out of .git and .mlx"
          )
        }
        paths.append(path)
      }
      result.append(
        Validated(path: paths[0], digest: digests[0], schema: paths[1], schemaDigest: digests[1]))
    }
    return result
  }

  private static func entries(_ stage: YAMLMapping, _ key: String) throws(YAMLIssue) -> [Entry] {
    guard let node = stage.node(key), node.null == nil else { return [] }
    guard let sequence = node.sequence else {
      throw YAMLIssue(line: node.mark?.line, message: "'\(key)' must be a list")
    }
    var result: [Entry] = []
    for item in sequence {
      guard let mapping = item.mapping else {
        throw YAMLIssue(line: item.mark?.line, message: "'\(key)' entries must be mappings")
      }
      let entry = YAMLMapping(mapping: mapping)
      let digestText = try entry.requireString("digest")
      guard let digest = ObjectID(parsing: digestText) else {
        throw YAMLIssue(
          line: entry.line(of: "digest"),
          message: "'\(MessageText.quoted(digestText))' is not a sha256 digest")
      }
      guard let size = try entry.integer("size") else {
        throw YAMLIssue(line: entry.line(of: "size"), message: "missing key 'size'")
      }
      let path = try entry.requireString("path")
      guard RelativePath.isSafe(path) else {
        throw YAMLIssue(
          line: entry.line(of: "path"),
          message:
            "path '\(MessageText.quoted(path))' must be inside the repository and out of .git and .mlx"
        )
      }
      guard size >= 0 else {
        throw YAMLIssue(line: entry.line(of: "size"), message: "size must be 0 or more")
      }
      result.append(
        Entry(
          path: path, digest: digest, size: Int64(size),
          files: try entry.integer("files")))
    }
    return result
  }

  private static func values(_ stage: YAMLMapping, _ key: String) throws(YAMLIssue)
    -> [String: [String: ParamValue]]
  {
    guard let groups = try stage.mapping(key) else { return [:] }
    var result: [String: [String: ParamValue]] = [:]
    for file in groups.keys {
      guard let node = groups.node(file) else { continue }
      if node.null != nil {
        result[file] = [:]
        continue
      }
      guard let mapping = node.mapping else {
        throw YAMLIssue(
          line: node.mark?.line, message: "values of \(MessageText.quoted(file)) must be a mapping")
      }
      var values: [String: ParamValue] = [:]
      for (name, value) in mapping {
        values[name.scalar?.string ?? "\(name)"] = ParamValue(value)
      }
      result[file] = values
    }
    return result
  }

  /// The canonical text.
  public var encoded: String {
    var lines = [
      "# Written by mlx run: what each stage last read and wrote. Commit it with mlx.yaml.",
      "version: 1",
      "stages:",
    ]
    for name in stages.keys.sorted() {
      let state = stages[name]!
      lines.append("  \(YAMLText.string(name)):")
      lines.append("    cmd: \(YAMLText.string(state.cmd))")
      appendEntries("deps", state.deps, to: &lines)
      if !state.validated.isEmpty { lines.append("    validated:") }
      for entry in state.validated {
        lines.append("    - path: \(YAMLText.string(entry.path))")
        lines.append("      digest: \(entry.digest)")
        lines.append("      schema: \(YAMLText.string(entry.schema))")
        lines.append("      schema_digest: \(entry.schemaDigest)")
      }
      appendValues("params", state.params, to: &lines)
      appendEntries("outs", state.outs, to: &lines)
      appendValues("metrics", state.metrics, to: &lines)
      if let run = state.run { lines.append("    run: \(YAMLText.string(run))") }
    }
    if stages.isEmpty { lines[lines.count - 1] = "stages: {}" }
    return lines.joined(separator: "\n") + "\n"
  }

  private func appendEntries(_ key: String, _ entries: [Entry], to lines: inout [String]) {
    guard !entries.isEmpty else { return }
    lines.append("    \(key):")
    for entry in entries.sorted(by: { PathOrder.precedes($0.path, $1.path) }) {
      lines.append("    - path: \(YAMLText.string(entry.path))")
      lines.append("      digest: \(entry.digest)")
      lines.append("      size: \(entry.size)")
      if let files = entry.files { lines.append("      files: \(files)") }
    }
  }

  private func appendValues(
    _ key: String, _ groups: [String: [String: ParamValue]], to lines: inout [String]
  ) {
    guard !groups.isEmpty else { return }
    lines.append("    \(key):")
    for file in groups.keys.sorted(by: PathOrder.precedes) {
      let values = groups[file]!
      if values.isEmpty {
        lines.append("      \(YAMLText.string(file)): {}")
        continue
      }
      lines.append("      \(YAMLText.string(file)):")
      for name in values.keys.sorted(by: PathOrder.precedes) {
        lines.append("        \(YAMLText.string(name)): \(values[name]!.yamlFlow)")
      }
    }
  }
}

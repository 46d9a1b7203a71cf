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

    public init(
      cmd: String, deps: [Entry], params: [String: [String: ParamValue]], outs: [Entry],
      metrics: [String: [String: ParamValue]], run: String?
    ) {
      let byPath: (Entry, Entry) -> Bool = { PathOrder.precedes($0.path, $1.path) }
      (self.cmd, self.deps, self.params, self.outs, self.metrics, self.run) =
        (cmd, deps.sorted(by: byPath), params, outs.sorted(by: byPath), metrics, run)
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
    try stage.rejectUnknownKeys(["cmd", "deps", "params", "outs", "metrics", "run"])
    return StageState(
      cmd: try stage.requireString("cmd"), deps: try entries(stage, "deps"),
      params: try values(stage, "params"), outs: try entries(stage, "outs"),
      metrics: try values(stage, "metrics"), run: try stage.string("run"))
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

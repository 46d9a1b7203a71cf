import Yams

/// `mlx.yaml`: the pipeline's stages, in the shape DVC users know from `dvc.yaml`.
///
/// ```yaml
/// stages:
///   train:
///     cmd: python src/train.py
///     deps: [src/train.py, data/features]
///     params: [train.lr, train.epochs]       # keys of params.yaml (or {other.yaml: [keys]})
///     outs:
///       - models/model.pkl: {kind: model}
///     metrics: [metrics/train.json]
///     validate: [data/features]              # or - data/x.csv: {schema: schemas/x.yaml}
///     role: train
/// ```
///
/// Paths are relative to the stage's `wdir` (default: the repository root) and are stored
/// repository-relative. See docs/pipelines.md for every key.
public struct PipelineSpec: Sendable {
  public static let fileName = "mlx.yaml"
  public static let defaultParamsFile = "params.yaml"
  static let stageKeys: Set<String> = [
    "cmd", "deps", "params", "outs", "metrics", "wdir", "env", "frozen", "always_changed", "role",
    "desc", "validate",
  ]

  /// Stages in declaration order.
  public let stages: [Stage]

  public func stage(named name: String) -> Stage? { stages.first { $0.name == name } }

  /// Parses `text`; `path` names the file in errors.
  public init(parsing text: String, path: String = PipelineSpec.fileName) throws(PipelineError) {
    func fail(_ line: Int?, _ stage: String?, _ problem: String) -> PipelineError {
      .malformed(path: path, line: line, stage: stage, problem: problem)
    }
    let root: YAMLMapping
    do {
      root = try YAMLMapping.parse(text)
      try root.rejectUnknownKeys(["stages"])
    } catch {
      throw fail(error.line, nil, error.message)
    }
    guard let stagesNode = root.node("stages") else {
      throw fail(root.line(of: "stages"), nil, "missing key 'stages'")
    }
    guard let mapping = stagesNode.mapping else {
      throw fail(stagesNode.mark?.line, nil, "'stages' must map stage names to stages")
    }
    var stages: [Stage] = []
    for (key, value) in mapping {
      let name = key.scalar?.string ?? ""
      guard Self.isValidName(name) else {
        throw fail(
          key.mark?.line, nil,
          "stage name '\(MessageText.quoted(name))' may use letters, digits, '-', '_' and '.'")
      }
      do {
        stages.append(try Self.parseStage(name: name, node: value))
      } catch {
        throw fail(error.line ?? key.mark?.line, name, error.message)
      }
    }
    self.stages = stages
  }

  /// Whether a run of this pipeline records what `path` (repository-relative) holds, so an
  /// uncommitted change to it does not make the run's code unknown: a stage's dependency
  /// (recorded by digest), a stage's output or metrics file (written by mlx runs and recorded
  /// by digest and value), a params file (recorded by value), mlx.yaml itself (each stage's
  /// command, dependencies and outputs are recorded), mlx.lock, a pointer file, a
  /// `.gitignore`, mlx's own settings under `.mlx/`.
  public func recordsContent(of path: String) -> Bool {
    if path == Self.fileName || path == LockFile.fileName || path.hasSuffix(PointerFile.suffix) {
      return true
    }
    if path.hasPrefix(".mlx/") { return true }
    if path == ".gitignore" || path.hasSuffix("/.gitignore") { return true }
    for stage in stages {
      let recorded = stage.dependencies + stage.writtenPaths
      if recorded.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) { return true }
      if stage.params.contains(where: { $0.file == path }) { return true }
    }
    return false
  }

  static func isValidName(_ name: String) -> Bool {
    !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
  }

  // MARK: - One stage

  private static func parseStage(name: String, node: Node) throws(YAMLIssue) -> Stage {
    guard let mapping = node.mapping else {
      throw YAMLIssue(
        line: node.mark?.line, message: "a stage must be a mapping with at least 'cmd'")
    }
    let stage = YAMLMapping(mapping: mapping)
    try stage.rejectUnknownKeys(stageKeys)
    let wdirText = try stage.string("wdir") ?? "."
    guard let workingDirectory = resolve(wdirText, in: "") else {
      throw YAMLIssue(
        line: stage.line(of: "wdir"),
        message: "wdir '\(MessageText.quoted(wdirText))' leaves the repository")
    }
    func paths(_ key: String, _ items: [(String, Int?)]) throws(YAMLIssue) -> [String] {
      var result: [String] = []
      for (item, line) in items {
        try rejectControlCharacters(key, item, line)
        guard let path = resolve(item, in: workingDirectory) else {
          throw YAMLIssue(
            line: line, message: "\(key) path '\(MessageText.quoted(item))' leaves the repository")
        }
        result.append(path)
      }
      return result
    }

    let commands = try commandList(stage)
    let dependencies = try paths("deps", try pathItems(stage, "deps"))
    var outputs: [Stage.Output] = []
    for (item, line, options) in try pathItemsWithOptions(stage, "outs") {
      try rejectControlCharacters("outs", item, line)
      guard let path = resolve(item, in: workingDirectory) else {
        throw YAMLIssue(
          line: line, message: "outs path '\(MessageText.quoted(item))' leaves the repository")
      }
      try rejectMetadata("outs", item, path, line)
      let kindText = try options?.string("kind") ?? ArtifactKind.file.rawValue
      try options?.rejectUnknownKeys(
        ["kind", "desc", "cache"], in: " of output \(MessageText.quoted(item))")
      guard let kind = ArtifactKind(rawValue: kindText) else {
        throw YAMLIssue(
          line: line,
          message: "unknown kind '\(MessageText.quoted(kindText))' for \(MessageText.quoted(item))")
      }
      outputs.append(Stage.Output(path: path, kind: kind))
    }
    let metricItems = try pathItemsWithOptions(stage, "metrics").map { ($0.0, $0.1) }
    let metrics = try paths("metrics", metricItems)
    for ((item, line), path) in zip(metricItems, metrics) {
      try rejectMetadata("metrics", item, path, line)
    }
    var validations: [Stage.Validation] = []
    for (item, line, options) in try pathItemsWithOptions(stage, "validate") {
      let path = try paths("validate", [(item, line)])[0]
      guard dependencies.contains(path) else {
        throw YAMLIssue(
          line: line,
          message: "validate path '\(MessageText.quoted(item))' must also be listed in deps")
      }
      try options?.rejectUnknownKeys(["schema"], in: " of \(MessageText.quoted(item))")
      var schema: String?
      if let text = try options?.string("schema") {
        schema = try paths("schema", [(text, line)])[0]
        try rejectMetadata("schema", text, schema!, line)
      }
      validations.append(Stage.Validation(path: path, schema: schema))
    }
    let roleText = try stage.string("role")
    var role: Stage.Role?
    if let roleText {
      guard let parsed = Stage.Role(rawValue: roleText) else {
        throw YAMLIssue(
          line: stage.line(of: "role"),
          message: "role must be train or eval, not '\(MessageText.quoted(roleText))'")
      }
      role = parsed
    }
    var environment: [String: String] = [:]
    if let env = try stage.mapping("env") {
      for key in env.keys {
        environment[key] = try env.string(key) ?? ""
      }
    }
    return Stage(
      name: name, commands: commands, workingDirectory: workingDirectory,
      dependencies: dependencies, params: try paramReferences(stage, workingDirectory),
      outputs: outputs, metrics: metrics, environment: environment,
      isFrozen: try stage.boolean("frozen") ?? false,
      isAlwaysChanged: try stage.boolean("always_changed") ?? false, role: role,
      description: try stage.string("desc"), validations: validations)
  }

  private static func commandList(_ stage: YAMLMapping) throws(YAMLIssue) -> [String] {
    let node = try stage.requireNode("cmd")
    if let scalar = node.scalar, !scalar.string.isEmpty { return [scalar.string] }
    if let sequence = node.sequence {
      let commands = sequence.compactMap { $0.scalar?.string }
      if commands.count == sequence.count, !commands.isEmpty { return commands }
    }
    throw YAMLIssue(line: node.mark?.line, message: "'cmd' must be a command or a list of commands")
  }

  /// A list of plain paths (`deps`).
  private static func pathItems(_ stage: YAMLMapping, _ key: String) throws(YAMLIssue)
    -> [(String, Int?)]
  {
    guard let node = stage.node(key), node.null == nil else { return [] }
    guard let sequence = node.sequence else {
      if let scalar = node.scalar { return [(scalar.string, node.mark?.line)] }
      throw YAMLIssue(line: node.mark?.line, message: "'\(key)' must be a list of paths")
    }
    var items: [(String, Int?)] = []
    for item in sequence {
      guard let text = item.scalar?.string, !text.isEmpty else {
        throw YAMLIssue(line: item.mark?.line, message: "'\(key)' entries must be paths")
      }
      items.append((text, item.mark?.line))
    }
    return items
  }

  /// A list of paths, each optionally `path: {options}` (`outs`, `metrics`).
  private static func pathItemsWithOptions(_ stage: YAMLMapping, _ key: String) throws(YAMLIssue)
    -> [(String, Int?, YAMLMapping?)]
  {
    guard let node = stage.node(key), node.null == nil else { return [] }
    guard let sequence = node.sequence else {
      if let scalar = node.scalar { return [(scalar.string, node.mark?.line, nil)] }
      throw YAMLIssue(line: node.mark?.line, message: "'\(key)' must be a list of paths")
    }
    var items: [(String, Int?, YAMLMapping?)] = []
    for item in sequence {
      if let text = item.scalar?.string, !text.isEmpty {
        items.append((text, item.mark?.line, nil))
      } else if let mapping = item.mapping, mapping.count == 1,
        let path = mapping.keys.first?.scalar?.string
      {
        let value = mapping.values.first!
        let options = value.null != nil ? nil : value.mapping.map(YAMLMapping.init)
        if options == nil && value.null == nil {
          throw YAMLIssue(
            line: item.mark?.line,
            message: "options of \(MessageText.quoted(path)) must be a mapping")
        }
        items.append((path, item.mark?.line, options))
      } else {
        throw YAMLIssue(line: item.mark?.line, message: "'\(key)' entries must be paths")
      }
    }
    return items
  }

  /// `params:` entries: `key` (in params.yaml) or `{file.yaml: [keys]}` (empty: whole file).
  private static func paramReferences(_ stage: YAMLMapping, _ directory: String) throws(YAMLIssue)
    -> [Stage.ParamReference]
  {
    guard let node = stage.node("params"), node.null == nil else { return [] }
    guard let sequence = node.sequence else {
      throw YAMLIssue(line: node.mark?.line, message: "'params' must be a list of keys")
    }
    let defaultFile = FileSystem.join(directory, defaultParamsFile)
    var references: [Stage.ParamReference] = []
    for item in sequence {
      if let key = item.scalar?.string, !key.isEmpty {
        references.append(.init(file: defaultFile, key: key))
        continue
      }
      guard let mapping = item.mapping, mapping.count == 1,
        let fileName = mapping.keys.first?.scalar?.string,
        let file = resolve(fileName, in: directory)
      else {
        throw YAMLIssue(
          line: item.mark?.line, message: "'params' entries are keys or {file: [keys]}")
      }
      // Params are recorded by value in mlx.lock and run records: never Git's or mlx's files
      // (`.mlx/config.local.yaml` holds credentials).
      if let reserved = RelativePath.reservedComponent(of: file) {
        throw YAMLIssue(
          line: item.mark?.line,
          message:
            "params file '\(MessageText.quoted(fileName))' is inside a \(reserved) directory, "
            + "which mlx never reads params from")
      }
      let keys = mapping.values.first!
      if keys.null != nil || keys.sequence?.isEmpty == true {
        references.append(.init(file: file, key: nil))
      } else if let list = keys.sequence {
        for key in list {
          guard let text = key.scalar?.string else {
            throw YAMLIssue(line: key.mark?.line, message: "param keys must be text")
          }
          references.append(.init(file: file, key: text))
        }
      } else {
        throw YAMLIssue(
          line: keys.mark?.line, message: "keys of \(MessageText.quoted(fileName)) must be a list")
      }
    }
    return references
  }

  /// A path with a newline or another control character cannot be recorded in a manifest or
  /// shown on one line.
  private static func rejectControlCharacters(_ key: String, _ item: String, _ line: Int?)
    throws(YAMLIssue)
  {
    guard RelativePath.hasControlCharacters(item) else { return }
    throw YAMLIssue(
      line: line,
      message: "\(key) path '\(MessageText.quoted(item))' has control characters (such as a "
        + "newline); rename it")
  }

  /// Outputs and metrics are files mlx restores from its store: none may be inside `.git` or
  /// `.mlx`, or a committed pipeline could make mlx write a Git hook.
  private static func rejectMetadata(
    _ key: String, _ item: String, _ path: String, _ line: Int?
  ) throws(YAMLIssue) {
    guard let reserved = RelativePath.reservedComponent(of: path) else { return }
    throw YAMLIssue(
      line: line,
      message:
        "\(key) path '\(MessageText.quoted(item))' is inside a \(reserved) directory, which mlx never writes"
    )
  }

  /// Joins `path` to a repository-relative directory and resolves `.` and `..`; nil if the
  /// result leaves the repository or is the repository itself.
  static func resolve(_ path: String, in directory: String) -> String? {
    if path.hasPrefix("/") { return nil }
    var parts = directory.split(separator: "/").map(String.init)
    for component in path.split(separator: "/") {
      switch component {
      case ".": continue
      case "..":
        guard !parts.isEmpty else { return nil }
        parts.removeLast()
      default: parts.append(String(component))
      }
    }
    return parts.joined(separator: "/")
  }
}

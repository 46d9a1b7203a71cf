/// Errors in `mlx.yaml` and in running it, each naming the stage, key or file and the fix.
public enum PipelineError: Error, CustomStringConvertible, Equatable {
  /// No `mlx.yaml` in the repository root.
  case missingPipeline(path: String)
  /// Bad YAML, a missing or unknown key, a wrong type; `stage` names the stage when known.
  case malformed(path: String, line: Int?, stage: String?, problem: String)
  /// Two stages write the same path (or one writes inside the other's output).
  case duplicateOutput(path: String, stages: [String])
  /// The stages depend on each other in a circle.
  case cycle([String])
  /// A dependency that no stage produces and that is not in the work tree.
  case missingDependency(stage: String, path: String)
  /// A dependency whose pointer is there but whose data is not (a fresh clone).
  case dependencyNotCheckedOut(stage: String, path: String)
  /// A stage name given on the command line that `mlx.yaml` does not define.
  case unknownStage(String, known: [String])
  /// `mlx train` / `mlx eval` with no stage of that role.
  case noStage(role: String)
  /// A params file or key a stage names is missing.
  case missingParam(stage: String, file: String, key: String)
  /// A params or metrics file that cannot be parsed.
  case unreadableValues(path: String, problem: String)
  /// `-S` with no `=`, or an empty key.
  case badOverride(String)
  /// `-S` names a params file that does not exist.
  case overrideFileMissing(file: String, key: String)
  /// `-S` names a key its params file does not hold.
  case overrideKeyMissing(file: String, key: String)
  /// `-S` names a value that cannot be replaced where it stands (a mapping, a list, a
  /// multi-line or escaped string).
  case overrideNotInPlace(file: String, key: String)
  /// A stage's command finished without writing one of its outputs.
  case missingOutput(stage: String, path: String)
  /// A stage's inputs failed validation (`validate:`): the stage did not run. `detail` says
  /// which file, schema and checks.
  case validationFailed(stage: String, detail: String)
  /// A stage's command failed.
  case commandFailed(stage: String, status: Int32)
  /// A stage's command was stopped by a signal (Ctrl-C).
  case interrupted(stage: String, signal: Int32)
  /// A run id (or prefix) that matches no run, or several.
  case unknownRun(String)
  /// Outputs recorded for a stage could not be written back.
  case restoreFailed(stage: String, path: String, reason: String)
  case ambiguousRun(String, matches: [String])

  public var description: String { MessageText.oneLine(text) }

  private var text: String {
    switch self {
    case .missingPipeline(let path):
      return "\(path) does not exist; write the pipeline's stages there (see docs/pipelines.md)"
    case .malformed(let path, let line, let stage, let problem):
      let location = line.map { "\(path):\($0)" } ?? path
      let context = stage.map { "stage '\($0)': " } ?? ""
      return "\(location): \(context)\(problem)"
    case .duplicateOutput(let path, let stages):
      return
        "\(PipelineSpec.fileName): stages \(stages.map { "'\($0)'" }.joined(separator: " and ")) "
        + "both write \(MessageText.quoted(path)); each output must belong to one stage"
    case .cycle(let stages) where stages.count == 2 && stages[0] == stages[1]:
      return "\(PipelineSpec.fileName): stage '\(stages[0])' depends on its own output; "
        + "remove that dependency or that output"
    case .cycle(let stages):
      return "\(PipelineSpec.fileName): stages depend on each other in a cycle: "
        + "\(stages.joined(separator: " -> ")); remove one of these dependencies"
    case .missingDependency(let stage, let path):
      return "stage '\(stage)': dependency \(path) does not exist and no stage writes it; "
        + "create it, `mlx add` it, or fix the path in mlx.yaml"
    case .dependencyNotCheckedOut(let stage, let path):
      return "stage '\(stage)': dependency \(path) is tracked (\(path).mlx) but not in the work "
        + "tree; `mlx pull` fetches it from the remote (`mlx checkout` if the store has it)"
    case .unknownStage(let name, let known):
      return "no stage named '\(name)' in mlx.yaml (stages: \(known.joined(separator: ", ")))"
    case .noStage(let role):
      return "no stage in mlx.yaml has `role: \(role)`; add it to your \(role) stage, "
        + "or run stages by name with `mlx run STAGE`"
    case .missingParam(let stage, let file, let key):
      return "stage '\(stage)': param '\(key)' is not in \(file); add it or fix mlx.yaml"
    case .unreadableValues(let path, let problem):
      return "\(path): \(problem); fix the file"
    case .badOverride(let text):
      return "-S '\(text)' must look like key=value (or file.yaml:key=value)"
    case .overrideFileMissing(let file, let key):
      return "-S \(key): params file \(file) does not exist; create it with the key "
        + "(-S only changes values a params file already holds) or fix the file name"
    case .overrideKeyMissing(let file, let key):
      return "-S \(key): \(file) has no key '\(key)'; add it to the file first "
        + "(-S only changes values the file already holds) or fix the key"
    case .overrideNotInPlace(let file, let key):
      return "-S \(key): the value in \(file) is not a one-line value mlx can replace in place; "
        + "edit the file instead"
    case .missingOutput(let stage, let path):
      return "stage '\(stage)': the command succeeded but did not write \(path); "
        + "fix the command or the stage's outs"
    case .validationFailed(let stage, let detail):
      return "stage '\(stage)' did not run: \(detail); fix the data or the schema and run again"
    case .commandFailed(let stage, let status):
      return "stage '\(stage)' failed with exit code \(status); nothing was recorded for it"
    case .interrupted(let stage, let signal):
      return "stage '\(stage)' was stopped by signal \(signal); nothing was recorded for it"
    case .restoreFailed(let stage, let path, let reason):
      return "stage '\(stage)': cannot restore \(path): \(reason)"
    case .unknownRun(let id):
      return "no run '\(id)'; `mlx runs` lists them"
    case .ambiguousRun(let id, let matches):
      return "run id '\(id)' matches several runs (\(matches.prefix(3).joined(separator: ", "))…); "
        + "give more characters"
    }
  }
}

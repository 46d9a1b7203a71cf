import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Stores files and directories and writes their pointers.
  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Track files or directories: store their content and write PATH.mlx pointers.",
      discussion: """
        The content goes to the object store (.mlx/cache); PATH.mlx records its SHA-256 digest \
        and is staged in Git with PATH added to .gitignore. Adding again after a change stores \
        only the new chunks. With --schema (recorded in the pointer and kept by later adds), \
        the data is validated first as `mlx validate` does: when it fails, the report is \
        printed, nothing is stored and the pointer is unchanged (exit 1).
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var output: OutputOptions

    @Option(
      help:
        "What the paths hold: dataset, features, model or file (default: keep the pointer's kind, else file)."
    )
    var kind: ArtifactKind?

    @Option(help: "A description to record in the pointer.")
    var description: String?

    @Option(
      help:
        "For --kind features: the feature definition file (YAML, in the data's directory or below), kept on re-add.",
      completion: .file())
    var definition: String?

    @Option(
      help: ArgumentHelp(
        "A Table Schema to record in the pointer: this and every later add validates the data against it first.",
        valueName: "file"),
      completion: .file())
    var schema: String?

    @Argument(help: "Files or directories to track.", completion: .file())
    var paths: [String]

    func validate() throws {
      if paths.isEmpty { throw ValidationError("give at least one file or directory to add") }
    }

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let summary: AddSummary
      do {
        summary = try workspace.add(
          paths, kind: kind, description: description, definition: definition, schema: schema,
          progress: quiet.reporter)
      } catch let error as DataValidationError {
        if output.json {
          try Output.json(error.report)
        } else if !quiet.isOn {
          for file in error.report.files { Validate.print(file) }
        }
        StandardError.write("mlx: \(error)\n")
        throw ExitCode.failure
      }
      if output.json {
        try Output.json(AddedJSON(summary))
        return
      }
      for file in summary.validated {
        quiet.say(
          "Validated \(file.path) against \(file.schema): \(file.rows) rows")
      }
      for result in summary.results {
        let artifact = result.artifact
        let files = artifact.pointer.fileCount.map { ", \($0) files" } ?? ""
        let verb = result.changed ? "Added" : "Unchanged"
        quiet.say(
          "\(verb) \(workspace.display(artifact.path)) (\(artifact.pointer.kind.rawValue), "
            + "\(ByteCount.format(artifact.pointer.size))\(files), \(artifact.pointer.digest.short))"
        )
      }
      for path in summary.untrackedFromGit {
        quiet.say(
          "Removed \(workspace.display(path)) from Git's index; its content is now in mlx's store")
      }
      quiet.say(
        "Stored \(summary.newObjects) new objects (\(ByteCount.format(summary.newBytes))); "
          + "commit the .mlx pointers with git")
    }
  }
}

extension ArtifactKind: ExpressibleByArgument {}

/// The JSON shape of `mlx add --json`.
private struct AddedJSON: Encodable {
  struct Artifact: Encodable {
    let path: String
    let pointer: String
    let kind: String
    let digest: String
    let size: Int64
    let files: Int?
    let changed: Bool
  }

  let artifacts: [Artifact]
  let newObjects: Int
  let newBytes: Int64
  let untrackedFromGit: [String]
  /// The files checked against their schema first: path, schema, rows, with paths as
  /// `mlx validate --json` gives them (relative to where mlx runs).
  let validated: [Validated]

  struct Validated: Encodable {
    let path: String
    let schema: String
    let rows: Int
  }

  init(_ summary: AddSummary) {
    artifacts = summary.results.map { result in
      let artifact = result.artifact
      return Artifact(
        path: artifact.path, pointer: artifact.pointerPath, kind: artifact.pointer.kind.rawValue,
        digest: artifact.pointer.digest.description, size: artifact.pointer.size,
        files: artifact.pointer.fileCount, changed: result.changed)
    }
    newObjects = summary.newObjects
    newBytes = summary.newBytes
    untrackedFromGit = summary.untrackedFromGit
    validated = summary.validated.map { Validated(path: $0.path, schema: $0.schema, rows: $0.rows) }
  }
}

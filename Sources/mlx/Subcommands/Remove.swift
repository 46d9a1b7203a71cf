import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Stops tracking artifacts.
  struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rm",
      abstract: "Stop tracking files or directories; their data stays in place.",
      discussion: """
        Deletes PATH.mlx (staging the deletion in Git) and PATH's line in .gitignore. The \
        data in the work tree and in the store is kept.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption

    @Argument(help: "Tracked paths (or their .mlx pointers).", completion: .file())
    var paths: [String]

    func validate() throws {
      if paths.isEmpty { throw ValidationError("give at least one tracked path") }
    }

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      for artifact in try workspace.remove(paths) {
        quiet.say(
          "Stopped tracking \(workspace.display(artifact.path)) (removed \(workspace.display(artifact.pointerPath)))"
        )
      }
    }
  }
}

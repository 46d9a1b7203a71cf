import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Restores tracked files from the store.
  struct Checkout: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "checkout",
      abstract: "Restore tracked files and directories from the store to match their pointers.",
      discussion: """
        Writes missing or outdated files exactly (bytes and executable bit), as after \
        `git switch`. A file whose content is in the store (another branch's version) is \
        replaced: it can be had back. A file with changes in no pointer and not in the store \
        is left alone unless --force is given; with --force, files inside a tracked directory \
        that its pointer does not list are deleted. A directory is never deleted, and no path \
        inside .git or .mlx is ever written. Exits 1 if anything was left alone or could not \
        be restored.

        With --rev REV, restores the paths (default: every artifact) as they were at REV: the \
        data, then the pointer file as REV holds it, so `git status` shows the old version \
        until you commit it (as `git checkout REV -- PATH` with `dvc checkout` would). The \
        data must be in the store: `mlx fetch --rev REV PATH` brings it from a remote.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var output: OutputOptions

    @Flag(help: "Overwrite local changes.")
    var force = false

    @Option(help: "Restore the paths as they were at this revision.")
    var rev: String?

    @Argument(help: "Tracked paths to restore (default: all).", completion: .file())
    var paths: [String] = []

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let report =
        if let rev {
          try workspace.checkout(paths, at: rev, force: force, progress: quiet.reporter)
        } else {
          try workspace.checkout(paths, force: force, progress: quiet.reporter)
        }
      if output.json {
        try Output.json(report)
      } else {
        for path in report.restored { quiet.say("Restored \(workspace.display(path))") }
        for problem in report.refused {
          StandardError.write(
            "mlx: not restoring \(workspace.display(problem.path)): \(problem.reason); "
              + "`mlx add` keeps the changes; --force discards them\n")
        }
        for problem in report.failed {
          StandardError.write(
            "mlx: cannot restore \(workspace.display(problem.path)): \(problem.reason)\n")
        }
        if report.restored.isEmpty && report.succeeded {
          quiet.say("Everything matches its pointer (\(report.unchanged.count) tracked)")
        }
      }
      if !report.succeeded { throw ExitCode.failure }
    }
  }
}

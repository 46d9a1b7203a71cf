import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Compares the work tree with the pointers.
  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "status",
      abstract:
        "Show which tracked files and directories changed and which pointers are not committed.",
      discussion: """
        States: unchanged, modified, deleted (run `mlx checkout` to restore), and "not in \
        cache" when the store lacks the recorded content. Unchanged files are recognised by \
        their stat data, without hashing. With a pipeline (mlx.yaml), also lists the stages \
        `mlx run` would run or restore, and why (changed dependencies, params or command), \
        as `dvc status` does. Exits 0 whatever the state, and 1 when a pointer or the \
        pipeline cannot be read (each is named on its own line; everything else is still \
        shown); use --json in scripts.

        With --remote [NAME], instead lists the tracked artifacts whose content the remote \
        lacks (at --rev, at every commit with --all-commits, at every tagged commit with \
        --all-tags, or in the work tree), reading only the remote's listing and indexes, \
        never its data, and exits 1 when any is missing: a check for CI.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var output: OutputOptions

    @Argument(help: "Limit to these tracked paths.", completion: .file())
    var paths: [String] = []

    @Option(
      name: .customLong("remote"),
      help: "Check that this remote (default: the default remote) holds the content.")
    var remote: String?

    @OptionGroup var revisions: RevisionOptions

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      if let remote {
        return try checkRemote(workspace, remote: remote.isEmpty ? nil : remote)
      }
      guard revisions.selection == .workTree else {
        throw ValidationError(
          "--rev, --all-commits and --all-tags go with --remote; `mlx diff` compares revisions")
      }
      let report = try workspace.status(of: paths)
      let statuses = report.artifacts
      // A pointer (or mlx.yaml) that cannot be read is named on its own line; the rest is
      // still shown.
      for problem in report.unreadablePointers + [report.pipelineProblem].compactMap({ $0 }) {
        StandardError.write("mlx: \(problem)\n")
      }
      if output.json {
        try Output.json(report)
      } else if !quiet.isOn {
        show(statuses, in: workspace)
        if !report.stages.isEmpty {
          print("Pipeline stages not up to date (`mlx run` brings them up to date):")
          for stage in report.stages {
            print("    \(stage.name): \(stage.reason) (would \(stage.action))")
          }
        }
      }
      if !report.unreadablePointers.isEmpty || report.pipelineProblem != nil {
        throw ExitCode.failure
      }
    }

    private func show(_ statuses: [ArtifactStatus], in workspace: Workspace) {
      if statuses.isEmpty {
        print("No tracked artifacts; run `mlx add PATH` to track one.")
        return
      }
      let changed = statuses.filter {
        $0.state != .unchanged || !$0.cached || $0.pointerState == .deleted
      }
      for status in changed {
        var line = "\(status.state.rawValue): \(workspace.display(status.path))"
        if !status.cached { line += " (not in cache)" }
        if status.pointerState == .deleted {
          line += " (pointer deleted; `mlx checkout` restores it)"
        }
        print(line)
        if let changes = status.changes {
          let shown = { workspace.display(status.path + "/" + $0) }
          for path in changes.added { print("    added: \(shown(path))") }
          for path in changes.modified { print("    modified: \(shown(path))") }
          for path in changes.deleted { print("    deleted: \(shown(path))") }
        }
      }
      let uncommitted = statuses.filter { $0.needsCommit && $0.pointerState != .deleted }
      if !uncommitted.isEmpty {
        print("Pointers not committed yet:")
        for status in uncommitted {
          print("    \(status.pointerState.rawValue): \(workspace.display(status.pointer))")
        }
      }
      let uncached = statuses.filter { !$0.cached }.count
      if uncached > 0 {
        // A fresh clone: the content is on a remote, not yet in this clone's store.
        let remote = workspace.remotes.first { $0.isDefault } ?? workspace.remotes.first
        print(
          remote.map {
            "\(uncached) not in cache: `mlx pull\($0.isDefault ? "" : " -r \($0.name)")` "
              + "fetches them from remote \($0.name)"
          }
            ?? "\(uncached) not in cache: `mlx add PATH` stores a file again; with a remote "
            + "(`mlx remote add`), `mlx pull` fetches them")
      }
      if changed.isEmpty && uncommitted.isEmpty {
        print("\(statuses.count) tracked, all unchanged and committed")
      } else if changed.isEmpty {
        print("\(statuses.count) tracked, all unchanged")
      }
    }

    private func checkRemote(_ workspace: Workspace, remote: String?) throws {
      let report = try workspace.remoteStatus(paths, remote: remote, at: revisions.selection)
      if output.json {
        try Output.json(report)
      } else if quiet.isOn {
        if !report.missing.isEmpty {
          quiet.summarize(
            failure: "\(report.missing.count) of \(report.artifacts) tracked artifacts are "
              + "missing on remote \(report.remote); `mlx push` sends them")
        }
      } else {
        for missing in report.missing {
          print(
            "missing on \(report.remote): \(workspace.display(missing.path)) (\(missing.digest.short))"
          )
        }
        let present = report.artifacts - report.missing.count
        print("\(present) of \(report.artifacts) tracked artifacts are on remote \(report.remote)")
      }
      if !report.missing.isEmpty { throw ExitCode.failure }
    }
  }
}

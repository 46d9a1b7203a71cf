import ArgumentParser
import Foundation
import MLXCore

extension MLXCommand {
  /// Installs the Git hooks that keep the data in step with Git.
  struct InstallHooks: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "install-hooks",
      abstract: "Install Git hooks: checkout after a switch or merge, push before a git push.",
      discussion: """
        As `dvc install` does: post-checkout and post-merge run `mlx checkout`, so switching \
        branches brings each branch's data; pre-push sends the content of the commits being \
        pushed to the default remote (when there is one), and stops the git push if that \
        fails. Hooks go to core.hooksPath, or the repository's hooks/ (shared by its linked \
        worktrees). A hook that was there before is kept as NAME.pre-mlx and runs first; \
        running this again rewrites mlx's hooks.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var output: OutputOptions

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let executable =
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        ?? CommandLine.arguments[0]
      let report = try workspace.installHooks(executable: executable)
      if output.json { return try Output.json(report) }
      for name in report.chained {
        quiet.say("Kept the existing \(name) hook as \(name).pre-mlx; it runs first")
      }
      quiet.say("Installed \(report.installed.joined(separator: ", ")) in \(report.directory)")
    }
  }

  /// What the installed hooks run.
  struct GitHookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "git-hook",
      abstract: "Run one of the hooks `mlx install-hooks` installs (Git calls this).",
      shouldDisplay: false)

    @Argument(help: "post-checkout, post-merge or pre-push.")
    var hook: String

    @Argument(parsing: .captureForPassthrough, help: "The arguments Git gave the hook.")
    var arguments: [String] = []

    func run() throws {
      guard let hook = GitHook(rawValue: hook) else {
        throw ValidationError(
          "unknown hook '\(hook)'; mlx installs post-checkout, post-merge and pre-push")
      }
      // A repository without mlx (not initialised) is none of these hooks' business.
      guard let workspace = try? Workspace.open(at: nil) else { return }
      switch hook {
      case .postCheckout:
        // Third argument: 1 for a branch checkout, 0 for `git checkout -- FILE`.
        guard arguments.count >= 3, arguments[2] == "1" else { return }
        try checkout(workspace)
      case .postMerge:
        try checkout(workspace)
      case .prePush:
        try push(workspace)
      }
    }

    private func checkout(_ workspace: Workspace) throws {
      let report = try workspace.checkout([], force: false, progress: SilentProgress())
      if !report.restored.isEmpty {
        let count = report.restored.count
        print("mlx: restored \(count) tracked \(count == 1 ? "path" : "paths") for this commit")
      }
      for problem in report.refused {
        let path = workspace.display(problem.path)
        StandardError.write(
          "mlx: not restoring \(path): \(problem.reason); `mlx add \(path)` keeps the changes, "
            + "`mlx checkout --force \(path)` discards them\n")
      }
      for problem in report.failed {
        StandardError.write(
          "mlx: cannot restore \(workspace.display(problem.path)): \(problem.reason)\n")
      }
    }

    /// Pushes the content of every commit Git is about to push (its standard input lists
    /// `LOCAL-REF LOCAL-SHA REMOTE-REF REMOTE-SHA`), when the repository has an mlx remote.
    private func push(_ workspace: Workspace) throws {
      guard !workspace.remotes.isEmpty else { return }
      var commits: [String] = []
      while let line = readLine() {
        let fields = line.split(separator: " ")
        guard fields.count == 4, fields[1].contains(where: { $0 != "0" }) else { continue }
        if !commits.contains(String(fields[1])) { commits.append(String(fields[1])) }
      }
      do {
        for commit in commits {
          let report = try workspace.push(
            [], remote: nil, at: .revision(commit), progress: SilentProgress())
          if report.totals.objects > 0 {
            print(
              "mlx: pushed \(report.totals.objects) objects "
                + "(\(ByteCount.format(report.totals.bytes))) to \(report.remote)")
          }
        }
      } catch {
        StandardError.write(
          "mlx: \(error); git push stopped so the data is not left behind "
            + "(fix it and push again, or skip the hook with git push --no-verify)\n")
        throw ExitCode.failure
      }
    }
  }
}

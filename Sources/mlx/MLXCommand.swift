import ArgumentParser
import Foundation
import MLXCore

@main
struct MLXCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mlx",
    abstract: "Version data and models beside Git, run pipelines, promote and trace models.",
    discussion: """
      Run `mlx COMMAND --help` for a command's options, `mlx --version` for the version. \
      Documentation: docs/ in the mlx repository.
      """,
    subcommands: [
      Init.self, Add.self, Status.self, Checkout.self, List.self, Diff.self, Verify.self,
      Remove.self, GC.self, Remote.self, Push.self, Fetch.self, Pull.self, Get.self,
      Run.self, Train.self, Eval.self, Runs.self, Metrics.self, Params.self, Validate.self,
      Schema.self, Profile.self, Drift.self, Features.self,
      Register.self, Promote.self, Rollback.self, Unassign.self, Deregister.self, Deprecate.self,
      Approve.self, Approvals.self,
      Registry.self, Audit.self, Lineage.self, Report.self, VerifyProvenance.self,
      InstallHooks.self,
      Completion.self, GitHookCommand.self,
    ]
  )

  /// Runs the command line, letting `--push` and `--git` stand without a remote (origin)
  /// and `--remote` without a name (the default remote): ArgumentParser has no options with
  /// an optional value.
  static func main() {
    // A closed pipe (a helper program that exits early, `mlx … | head`) is an error to
    // handle, not a reason to die; programs mlx starts get the default back (ChildProcess).
    signal(SIGPIPE, SIG_IGN)
    var arguments = Array(CommandLine.arguments.dropFirst())
    // `mlx --version` is handled here rather than by ArgumentParser, which would add a
    // `--version` flag to every subcommand, beside `mlx register --version vX.Y.Z`.
    if arguments == ["--version"] {
      print(MLXVersion.current)
      return
    }
    var index = 0
    while index < arguments.count {
      let hasValue = index + 1 < arguments.count && !arguments[index + 1].hasPrefix("-")
      if (arguments[index] == "--push" || arguments[index] == "--git") && !hasValue {
        arguments.insert("origin", at: index + 1)
      }
      // `--remote` alone means the default remote (`mlx status --remote`).
      if arguments[index] == "--remote" && !hasValue {
        arguments.insert("", at: index + 1)
      }
      index += 1
    }
    main(arguments)
  }
}

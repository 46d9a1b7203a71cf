import Foundation
import MLXTestSupport
import Testing

@Suite struct HelpTests {
  static let commands = [
    "init", "add", "status", "checkout", "ls", "diff", "verify", "rm", "gc", "run", "train", "eval",
    "runs", "metrics", "params", "register", "promote", "rollback", "unassign", "deregister",
    "deprecate", "registry", "audit", "lineage", "remote", "push", "fetch", "pull", "get",
    "install-hooks", "completion",
  ]

  @Test func rootHelpListsEveryCommand() throws {
    try withTemporaryDirectory { directory in
      let result = try ProcessRunner.run(
        TestRepository.mlxExecutable, ["--help"], in: directory.path)
      #expect(result.succeeded)
      for command in Self.commands {
        #expect(result.stdout.contains("  \(command) "), "missing \(command) in help")
      }
    }
  }

  @Test(arguments: commands)
  func everyCommandHasHelp(command: String) throws {
    try withTemporaryDirectory { directory in
      let result = try ProcessRunner.run(
        TestRepository.mlxExecutable, [command, "--help"], in: directory.path)
      #expect(result.succeeded)
      #expect(result.stdout.contains("OVERVIEW:"))
      #expect(result.stdout.contains("USAGE: mlx \(command)"))
      // Each option is listed once (a subcommand's own --version once meant two).
      let listed = result.stdout.components(separatedBy: "OPTIONS:").last ?? ""
      // Option lines are indented by two spaces; wrapped help text by more.
      let inOptions = listed.split(separator: "\n").compactMap { line -> String? in
        guard line.hasPrefix("  -"), !line.hasPrefix("   ") else { return nil }
        return line.split(separator: " ").first { $0.hasPrefix("--") }.map(String.init)
      }
      #expect(Set(inOptions).count == inOptions.count, "\(command): \(inOptions)")
    }
  }

  @Test func theVersionIsPrintedByTheRootCommandOnly() throws {
    try withTemporaryDirectory { directory in
      let result = try ProcessRunner.run(
        TestRepository.mlxExecutable, ["--version"], in: directory.path)
      #expect(result.succeeded)
      #expect(result.stdout.split(separator: ".").count >= 2, "\(result)")
      let help = try ProcessRunner.run(
        TestRepository.mlxExecutable, ["register", "--help"], in: directory.path)
      let optionLines = help.stdout.split(separator: "\n").filter { $0.hasPrefix("  --version") }
      #expect(optionLines.count == 1, "\(help.stdout)")
    }
  }

  @Test func completionScriptsForEachShell() throws {
    try withTemporaryDirectory { directory in
      for shell in ["bash", "zsh", "fish"] {
        let result = try ProcessRunner.run(
          TestRepository.mlxExecutable, ["completion", shell], in: directory.path)
        #expect(result.succeeded, "\(shell): \(result)")
        #expect(result.stdout.contains("install-hooks"), "\(shell)")
      }
      let bash = try ProcessRunner.run(
        TestRepository.mlxExecutable, ["completion", "bash"], in: directory.path)
      let syntax = try ProcessRunner.run(
        "/bin/bash", ["-n", "-c", bash.stdout], in: directory.path)
      #expect(syntax.succeeded, "\(syntax)")
      let unknown = try ProcessRunner.run(
        TestRepository.mlxExecutable, ["completion", "tcsh"], in: directory.path)
      #expect(unknown.status == 64)
      #expect(unknown.stderr.contains("bash, zsh and fish"), "\(unknown)")
    }
  }

  @Test func badArgumentsExitWithUsageCode() throws {
    try withTemporaryDirectory { directory in
      let result = try ProcessRunner.run(
        TestRepository.mlxExecutable, ["add", "--kind", "weights", "x"], in: directory.path)
      #expect(result.status == 64)
      #expect(result.stderr.contains("weights"))
    }
  }
}

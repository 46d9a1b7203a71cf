import Foundation
import MLXTestSupport
import Testing

@Suite struct HelpTests {
  static let commands = [
    "init", "add", "status", "checkout", "ls", "diff", "verify", "rm", "run", "train", "eval",
    "runs", "metrics", "params", "register", "promote", "rollback", "unassign", "deregister",
    "deprecate", "registry", "audit", "lineage",
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

import Foundation
import MLXTestSupport
import Testing

@Suite struct HelpTests {
  static let commands = [
    "init", "add", "status", "checkout", "ls", "diff", "verify", "rm", "gc", "run", "train", "eval",
    "runs", "metrics", "params", "register", "promote", "rollback", "unassign", "deregister",
    "deprecate", "registry", "audit", "lineage", "remote", "push", "fetch", "pull", "get",
    "install-hooks", "completion", "profile", "drift", "report", "features",
  ]

  /// Every command and subcommand, as typed.
  static let everyCommand =
    commands.map { [$0] }
    + [
      "approve", "approvals", "verify-provenance", "runs list", "runs show", "runs compare",
      "runs apply", "metrics show", "metrics diff", "params diff", "registry show",
      "registry history", "registry which", "registry check-ref", "audit check", "audit report",
      "remote add", "remote list", "remote modify", "remote default", "remote remove",
      "remote keygen", "report runs", "report drift", "features list", "features show",
      "features diff",
    ].map { $0.split(separator: " ").map(String.init) }

  /// The commands that report what they did take -q/--quiet (once, from one option group).
  static let quietCommands = [
    "init", "add", "status", "checkout", "verify", "rm", "gc", "run", "train", "eval", "push",
    "fetch", "pull", "get", "register", "promote", "rollback", "unassign", "deregister",
    "deprecate", "approve", "install-hooks", "runs apply", "remote add", "remote modify",
    "remote default", "remote remove", "remote keygen", "lineage", "audit check", "validate",
    "profile", "drift", "report runs", "report drift",
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

  /// No help lists a flag twice, short or long (the root's --version once appeared beside
  /// `register --version VERSION`), and -q/--quiet is where it should be.
  @Test(arguments: everyCommand)
  func noHelpListsAnOptionTwice(command: [String]) throws {
    try withTemporaryDirectory { directory in
      let result = try ProcessRunner.run(
        TestRepository.mlxExecutable, command + ["--help"], in: directory.path)
      #expect(result.succeeded, "\(command): \(result)")
      let listed = result.stdout.components(separatedBy: "OPTIONS:").last ?? ""
      var names: [String] = []
      for line in listed.split(separator: "\n") where line.hasPrefix("  -") {
        // The option's names end where its help starts, after two spaces.
        let spec = String(line.dropFirst(2)).components(separatedBy: "  ")[0]
        for word in spec.split(separator: " ") where word.hasPrefix("-") {
          let name = word.split(separator: "<").first.map(String.init) ?? String(word)
          names.append(name.trimmingCharacters(in: CharacterSet(charactersIn: ",")))
        }
      }
      #expect(Set(names).count == names.count, "\(command): \(names)")
      let quiet = Self.quietCommands.contains(command.joined(separator: " "))
      #expect(names.contains("--quiet") == quiet, "\(command): \(names)")
      #expect(names.contains("-q") == quiet, "\(command): \(names)")
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

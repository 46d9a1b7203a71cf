import Foundation
import MLXTestSupport
import Testing

/// `-q/--quiet`: nothing on standard output on success (but what `--json` asks for), and
/// errors still one line on standard error with a non-zero exit.
@Suite struct QuietTests {
  private static let pipeline = """
    stages:
      train:
        cmd: echo trained > model.txt
        deps: [data.csv]
        outs: [model.txt]
        role: train
      eval:
        cmd: 'echo "accuracy: 0.9" > metrics.yaml'
        deps: [model.txt]
        metrics: [metrics.yaml]
        role: eval

    """

  private func expectSilent(_ repo: TestRepository, _ arguments: String...) throws {
    let result = try repo.mlx(arguments)
    #expect(result.succeeded, "mlx \(arguments): \(result)")
    #expect(result.stdout.isEmpty, "mlx \(arguments): \(result)")
  }

  private func expectOneErrorLine(_ repo: TestRepository, _ arguments: String...) throws {
    let result = try repo.mlx(arguments)
    #expect(result.status == 1, "mlx \(arguments): \(result)")
    #expect(result.stdout.isEmpty, "mlx \(arguments): \(result)")
    #expect(result.errorLines.count == 1, "mlx \(arguments): \(result)")
  }

  @Test func everyCommandFamilyIsSilentOnSuccess() throws {
    let repo = try TestRepository()
    let remote = try TemporaryDirectory()
    defer {
      repo.remove()
      remote.remove()
    }
    try expectSilent(repo, "init", "-q")
    try expectSilent(repo, "init", "--quiet")
    try repo.write("a,b\n1,2\n", to: "data.csv")
    try expectSilent(repo, "add", "-q", "data.csv")
    try expectSilent(repo, "status", "-q")
    try expectSilent(repo, "remote", "add", "-q", "--default", "shared", remote.path)
    try repo.commitAll("data")
    try expectSilent(repo, "push", "-q")
    try repo.run("rm", "data.csv")
    try expectSilent(repo, "checkout", "-q")
    try repo.run("rm", "data.csv")
    try expectSilent(repo, "fetch", "-q")
    try expectSilent(repo, "pull", "-q", "--no-git")
    try expectSilent(repo, "status", "-q", "--remote")
    try expectSilent(repo, "verify", "-q")

    try repo.write(Self.pipeline, to: "mlx.yaml")
    try expectSilent(repo, "run", "-q")
    try expectSilent(repo, "train", "-q", "--force")
    try expectSilent(repo, "eval", "--quiet", "--force")
    try repo.commitAll("pipeline")

    try expectSilent(repo, "register", "-q", "churn", "--path", "model.txt")
    try expectSilent(repo, "promote", "-q", "churn", "--to", "staging")
    try expectSilent(repo, "lineage", "-q", "--strict", "churn#staging")
    try expectSilent(repo, "audit", "-q")
    try repo.write(
      "fields:\n  - {name: a, type: integer}\n  - {name: b, type: integer}\n", to: "s.yaml")
    try expectSilent(repo, "validate", "-q", "data.csv", "--schema", "s.yaml")
    try expectSilent(repo, "profile", "-q", "data.csv")
    try expectSilent(repo, "drift", "-q", "data.csv", "data.csv")
    try expectSilent(repo, "gc", "-q", "--dry-run")
    try expectSilent(repo, "gc", "-q", "--grace", "0")
    try expectSilent(repo, "rm", "-q", "data.csv")

    // --json still prints.
    try repo.write("x\n", to: "other.txt")
    let json = try repo.mlx("add", "-q", "--json", "other.txt")
    #expect(json.succeeded, "\(json)")
    #expect(try json.json()["artifacts"] != nil, "\(json)")
  }

  @Test func errorsStillPrintOneLineOnStandardError() throws {
    let repo = try TestRepository()
    let remote = try TemporaryDirectory()
    defer {
      repo.remove()
      remote.remove()
    }
    try repo.mlx("init")
    try repo.write("a,b\n1,2\n", to: "data.csv")
    try repo.mlx("add", "data.csv")
    try repo.write(Self.pipeline, to: "mlx.yaml")
    try repo.commitAll("data")

    try expectOneErrorLine(repo, "add", "-q", "missing.csv")
    try expectOneErrorLine(repo, "checkout", "-q", "missing.csv")
    try expectOneErrorLine(repo, "status", "-q", "missing.csv")
    try expectOneErrorLine(repo, "push", "-q", "-r", "nowhere")
    try expectOneErrorLine(repo, "fetch", "-q", "-r", "nowhere")
    try expectOneErrorLine(repo, "pull", "-q", "--no-git", "-r", "nowhere")
    try expectOneErrorLine(repo, "run", "-q", "nosuchstage")
    try expectOneErrorLine(repo, "register", "-q", String(repeating: "m", count: 5000))
    try expectOneErrorLine(
      repo, "promote", "-q", String(repeating: "m", count: 300), "--to", "staging")
    try expectOneErrorLine(repo, "gc", "-q", "--remote", "nowhere")
    try repo.write(
      "fields:\n  - {name: a, type: date}\n  - {name: b, type: integer}\n", to: "s.yaml")
    try expectOneErrorLine(repo, "validate", "-q", "data.csv", "--schema", "s.yaml")

    // A remote without the content: `status --remote -q` says so in one line.
    try repo.mlx("remote", "add", "--default", "shared", remote.path)
    try expectOneErrorLine(repo, "status", "-q", "--remote")

    // A damaged store: `verify -q` says so in one line.
    let packs = repo.directory(".mlx/cache/packs")
    for pack in try FileManager.default.contentsOfDirectory(atPath: packs)
    where pack.hasSuffix(".pack") {
      try FileManager.default.removeItem(atPath: packs + "/" + pack)
    }
    try expectOneErrorLine(repo, "verify", "-q")
  }
}

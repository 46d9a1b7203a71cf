import Foundation
import MLXTestSupport
import Testing

/// `mlx get`: one artifact's bytes for deployment, by stage, version or path, from a clone
/// or from a Git URL and its remote.
@Suite struct GetCommandTests {
  /// The registry fixture with churn v1.0.0 in dev, a second model committed after it, and
  /// everything pushed to a committed directory remote.
  private func deployed() throws -> (RegistryFixture, TemporaryDirectory, v1: String) {
    let fixture = try RegistryFixture()
    let remote = try TemporaryDirectory()
    let repo = fixture.repo
    let v1 = try repo.sha256sum("models/model.bin")
    #expect(try repo.mlx("register", "churn", "--version", "v1.0.0").succeeded)
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    #expect(try repo.mlx("remote", "add", "--default", "shared", remote.path).succeeded)
    try repo.commitAll("remote")
    #expect(try repo.mlx("push", "--rev", "HEAD~1").succeeded)
    try fixture.commitModel("weights v2", accuracy: 0.95, auc: 0.96)
    #expect(try repo.mlx("push").succeeded)
    return (fixture, remote, v1)
  }

  @Test func byStageVersionAndPathFromAClone() throws {
    let (fixture, remote, v1) = try deployed()
    defer {
      fixture.remove()
      remote.remove()
    }
    let clone = try TestRepository(cloning: fixture.repo)
    defer { clone.remove() }
    let byStage = try clone.mlx("get", "churn#dev", "-o", "deploy/model.bin", "--json")
    #expect(byStage.succeeded, "\(byStage)")
    #expect(try clone.sha256sum("deploy/model.bin") == v1)
    #expect(try byStage.json()["version"] as? String == "v1.0.0")
    #expect(((try byStage.json()["fetched"] as? Int) ?? 0) > 0)

    #expect(try clone.mlx("get", "churn@v1.0.0", "-o", "deploy/by-version.bin").succeeded)
    #expect(try clone.sha256sum("deploy/by-version.bin") == v1)
    #expect(try clone.mlx("get", "models/model.bin", "--rev", "HEAD~2", "-o", "old.bin").succeeded)
    #expect(try clone.sha256sum("old.bin") == v1)
    // The work tree's pointer, into an existing directory under its own name.
    let taken = try clone.mlx("get", "models/model.bin", "-o", "deploy")
    #expect(taken.status != 0, "\(taken)")
    #expect(taken.stderr.contains("--force"), "\(taken)")
    #expect(try clone.mlx("get", "models/model.bin", "-o", "deploy", "--force").succeeded)
    #expect(try clone.read("deploy/model.bin") == "weights v2")

    // An output holding something else is kept unless --force.
    try clone.write("precious", to: "taken.bin")
    let refused = try clone.mlx("get", "churn#dev", "-o", "taken.bin")
    #expect(refused.status != 0)
    #expect(refused.errorLines.count == 1, "\(refused)")
    #expect(try clone.read("taken.bin") == "precious")
    #expect(try clone.mlx("get", "churn#dev", "-o", "taken.bin", "--force").succeeded)
    #expect(try clone.sha256sum("taken.bin") == v1)

    for (reference, message) in [
      ("churn@v9.0.0", "v9.0.0"), ("churn#production", "production"),
      ("nothing.bin", "nothing.bin"),
    ] {
      let result = try clone.mlx("get", reference, "-o", "x")
      #expect(result.status != 0)
      #expect(result.errorLines.count == 1, "\(result)")
      #expect(result.stderr.contains(message), "\(result)")
    }
    let inside = try clone.mlx("get", "churn#dev", "-o", ".git/hooks/post-checkout")
    #expect(inside.status != 0)
    #expect(!clone.exists(".git/hooks/post-checkout"))
  }

  @Test func fromAGitURLWithoutAClone() throws {
    let (fixture, remote, v1) = try deployed()
    let elsewhere = try TemporaryDirectory()
    defer {
      fixture.remove()
      remote.remove()
      elsewhere.remove()
    }
    let result = try ProcessRunner.run(
      TestRepository.mlxExecutable,
      ["get", "--repo", fixture.repo.path, "churn#dev", "-o", "model.bin"], in: elsewhere.path)
    #expect(result.succeeded, "\(result)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: elsewhere("model.bin"))).count == 10)
    let digest = try ProcessRunner.run(
      ProcessRunner.which("sha256sum")!, ["model.bin"], in: elsewhere.path
    ).stdout.prefix(64)
    #expect("sha256:" + digest == v1)
    // Only the output is left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path) == ["model.bin"])
  }
}

/// A stage whose policy says `remote: required` takes only versions whose model is pushed.
@Suite struct PromoteRequiresPushTests {
  @Test func promotionWaitsForThePush() throws {
    let fixture = try RegistryFixture()
    let remote = try TemporaryDirectory()
    defer {
      fixture.remove()
      remote.remove()
    }
    let repo = fixture.repo
    let policy = try repo.read(".mlx/policy.yaml")
    try repo.write(
      policy.replacingOccurrences(
        of: "  - name: dev\n", with: "  - name: dev\n    remote: required\n"),
      to: ".mlx/policy.yaml")
    #expect(try repo.mlx("remote", "add", "--default", "shared", remote.path).succeeded)
    try repo.commitAll("dev needs the model pushed")
    #expect(try repo.mlx("register", "churn", "--version", "v1.0.0").succeeded)

    let refused = try repo.mlx("promote", "churn", "--to", "dev")
    #expect(refused.status != 0)
    #expect(refused.errorLines.count == 1, "\(refused)")
    #expect(refused.stderr.contains("is not on remote shared"), "\(refused)")
    #expect(refused.stderr.contains("mlx push --rev"), "\(refused)")
    #expect(!(try fixture.tags().contains { $0.contains("#dev") }))

    #expect(try repo.mlx("push").succeeded)
    let promoted = try repo.mlx("promote", "churn", "--to", "dev")
    #expect(promoted.succeeded, "\(promoted)")
    #expect(try repo.mlx("audit").succeeded)

    try repo.write(
      policy.replacingOccurrences(
        of: "  - name: dev\n", with: "  - name: dev\n    remote: maybe\n"), to: ".mlx/policy.yaml")
    try repo.commitAll("bad policy")
    let bad = try repo.mlx("promote", "churn", "--to", "staging")
    #expect(bad.status != 0)
    #expect((bad.stdout + bad.stderr).contains("remote must be 'required' or 'optional'"), "\(bad)")
  }
}

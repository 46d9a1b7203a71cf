import Foundation
import MLXTestSupport
import Testing

/// Registries GTO writes read the same in mlx as in GTO itself: `mlx registry --json --gto`
/// against `gto show --json`, field by field, and the same for history and check-ref.
@Suite struct GTOCompatibilityTests {
  /// Runs the real GTO with its clock at `seconds`. GTO writes tags through dulwich, which
  /// takes the tagger time from Python's clock; a committer date in the environment makes
  /// GTO use dulwich rather than libgit2, whose clock cannot be set.
  @discardableResult
  private func gto(_ repo: TestRepository, at seconds: Int, _ arguments: String...) throws
    -> ProcessResult
  {
    _ = try #require(ProcessRunner.which("gto"), "GTO is not installed: pip install gto")
    let script = """
      import sys, time
      now = float(sys.argv[1])
      time.time = lambda: now
      sys.argv = ["gto"] + sys.argv[2:]
      from gto.cli import app
      app()
      """
    let result = try ProcessRunner.run(
      ProcessRunner.which("python3")!, ["-c", script, String(seconds)] + arguments, in: repo.path,
      environment: ["GIT_COMMITTER_DATE": "\(seconds) +0000"])
    guard result.succeeded else { throw TestFailure("gto \(arguments): \(result)") }
    return result
  }

  private func json(_ result: ProcessResult) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
  }

  /// Both tools' output, normalised for comparison (GTO lists history newest first, with
  /// events of one second in its own order).
  private func compare(
    _ repo: TestRepository, _ gtoArguments: [String], _ mlxArguments: [String],
    unordered: Bool = false
  ) throws {
    let theirs = try ProcessRunner.run(ProcessRunner.which("gto")!, gtoArguments, in: repo.path)
    let ours = try repo.mlx(mlxArguments)
    #expect(theirs.succeeded && ours.succeeded, "\(theirs)\n\(ours)")
    var a = try json(theirs)
    var b = try json(ours)
    if unordered, let left = a as? [[String: Any]], let right = b as? [[String: Any]] {
      let key = { (item: [String: Any]) in String(describing: item["ref"] ?? "") }
      a = left.sorted { key($0) < key($1) }
      b = right.sorted { key($0) < key($1) }
    }
    #expect(
      NSDictionary(dictionary: ["v": a]).isEqual(to: ["v": b]),
      "gto \(gtoArguments):\n\(theirs.stdout)\nmlx \(mlxArguments):\n\(ours.stdout)")
  }

  /// A repository with two commits for versions to point at.
  private func twoCommits() throws -> TestRepository {
    let repo = try TestRepository()
    try repo.write("a", to: "a.txt")
    try repo.commitAll("first")
    try repo.write("b", to: "b.txt")
    try repo.commitAll("second")
    return repo
  }

  @Test func aRegistryGTOWroteReadsTheSame() throws {
    let repo = try twoCommits()
    defer { repo.remove() }
    let base = 1_767_225_600
    // Uppercase, '_', a monorepo 'dir:name', an assignment without registration, an
    // unassignment, a deregistration, and a deprecation followed by a new registration.
    try gto(repo, at: base + 1, "register", "Churn", "HEAD~1")
    try gto(repo, at: base + 2, "assign", "my_model", "HEAD", "--stage", "Prod", "--sr")
    try gto(repo, at: base + 3, "register", "models/sub:net", "HEAD~1")
    try gto(repo, at: base + 4, "assign", "models/sub:net", "--version", "v0.0.1", "--stage", "dev")
    try gto(repo, at: base + 5, "register", "models/sub:net", "HEAD")
    try gto(repo, at: base + 6, "assign", "models/sub:net", "--version", "v0.0.2", "--stage", "dev")
    try gto(
      repo, at: base + 7, "assign", "models/sub:net", "--version", "v0.0.2", "--stage", "staging")
    try gto(repo, at: base + 8, "deprecate", "models/sub:net", "v0.0.2", "staging")
    try gto(repo, at: base + 9, "deprecate", "models/sub:net", "v0.0.2")
    try gto(repo, at: base + 10, "deprecate", "Churn")
    try gto(repo, at: base + 11, "register", "Churn", "HEAD")
    try gto(repo, at: base + 12, "register", "Retired", "HEAD")
    try gto(repo, at: base + 13, "deprecate", "Retired")

    try compare(repo, ["show", "--json"], ["registry", "--json", "--gto"])
    try compare(
      repo, ["history", "--json"], ["registry", "history", "--json", "--gto"], unordered: true)
    for tag in try repo.git("tag", "-l").split(separator: "\n").map(String.init) {
      try compare(
        repo, ["check-ref", tag, "--json"], ["registry", "check-ref", tag, "--json", "--gto"])
    }
    // What GTO says in words, mlx says too.
    let which = try repo.mlx("registry", "which", "models/sub:net#dev", "--json")
    #expect(try which.json()["version"] as? String == "v0.0.1", "v0.0.2 was deregistered: \(which)")
    #expect(
      try repo.mlx("registry", "which", "my_model%Prod", "--json").json()["version"] as? String
        == (try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)),
      "an assignment without registration names the commit, as in GTO")
    let states = try repo.mlx("registry", "--json").json()["artifacts"] as? [[String: Any]] ?? []
    let churn = states.first { $0["name"] as? String == "Churn" }
    #expect(
      churn?["deprecated"] as? Bool == false, "registering after a deprecation reactivates it")
    #expect(states.first { $0["name"] as? String == "Retired" }?["deprecated"] as? Bool == true)
  }

  @Test func aDeprecationAndARegistrationInOneSecondOrderAsInGTO() throws {
    let repo = try twoCommits()
    defer { repo.remove() }
    let base = 1_767_225_600
    try gto(repo, at: base, "register", "churn", "HEAD~1")
    // GTO's priority puts a deprecation (2) before a registration (3) in the same second.
    try gto(repo, at: base + 5, "register", "churn", "HEAD")
    try gto(repo, at: base + 5, "deprecate", "churn")
    try compare(repo, ["show", "--json"], ["registry", "--json", "--gto"])
    let states = try repo.mlx("registry", "--json").json()["artifacts"] as? [[String: Any]] ?? []
    #expect(states.first?["deprecated"] as? Bool == false)
  }

  @Test func gtoReadsNamesMlxWritesInItsFullGrammar() throws {
    let fixture = try RegistryFixture(gates: [], productionSigners: [])
    defer { fixture.remove() }
    let repo = fixture.repo
    var minute = 0
    func mlx(_ arguments: String...) throws -> ProcessResult {
      minute += 1
      return try repo.mlx(
        arguments,
        environment: ["GIT_COMMITTER_DATE": String(format: "2026-02-01T10:%02d:00Z", minute)])
    }
    #expect(
      try mlx("promote", "models/sub:Net_2", "--to", "dev", "--path", "models/model.bin").succeeded)
    #expect(try mlx("promote", "Churn_X", "--to", "dev", "--path", "models/model.bin").succeeded)
    #expect(try mlx("promote", "Churn_X", "--to", "staging").succeeded)
    #expect(try repo.git("tag", "-l").contains("models/sub=Net_2#dev#1"))
    try compare(repo, ["show", "--json"], ["registry", "--json", "--gto"])
  }

  @Test func aVersionGTOPutInProductionUnsignedIsNamedWhenItDoesNotCount() throws {
    let repo = try twoCommits()
    defer { repo.remove() }
    let base = 1_767_225_600
    try gto(repo, at: base, "register", "churn", "HEAD~1")
    try gto(repo, at: base + 1, "assign", "churn", "--version", "v0.0.1", "--stage", "production")
    // With no policy, mlx's defaults still want production signed: the version does not count,
    // and promote says which tag fails and why rather than that the version does not exist.
    let result = try repo.mlx("promote", "churn@v0.0.1", "--to", "dev")
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("churn@v0.0.1 does not count: its tag churn@v0.0.1 fails the audit"),
      "\(result)")
    #expect(result.stderr.contains("production requires a signature"), "\(result)")
    #expect(try repo.git("tag", "-l", "churn#dev*").isEmpty, "nothing written")
  }
}

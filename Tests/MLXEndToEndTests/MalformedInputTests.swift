import Foundation
import MLXTestSupport
import Testing

/// Cases of the malformed-input corpus (`Tests/MLXCoreTests/Fixtures/malformed/`) run
/// through the built `mlx`: a non-zero exit, exactly one line on standard error with the
/// corpus's expected message, and the bad file and the work tree left as they were.
@Suite struct MalformedInputTests {
  static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("MLXCoreTests/Fixtures/malformed").path

  static func expected(_ name: String) throws -> String {
    let table = try String(contentsOfFile: corpus + "/expected.tsv", encoding: .utf8)
    for line in table.split(separator: "\n") where line.hasPrefix(name + "\t") {
      return String(line.dropFirst(name.count + 1))
    }
    throw CocoaError(.fileReadUnknown)
  }

  /// A repository with one tracked file, its pointer committed.
  private func repository() throws -> TestRepository {
    let repo = try TestRepository()
    try repo.mlx("init")
    try repo.write("a,b\n1,2\n", to: "data/train.csv")
    try repo.mlx("add", "data/train.csv")
    try repo.commitAll("track")
    return repo
  }

  /// Copies corpus case `name` to `relative` in `repo`, runs `arguments`, and checks the
  /// single error line and that the file is untouched.
  private func check(
    _ name: String, at relative: String, in repo: TestRepository, prefix: String = "Error: ",
    _ arguments: String...
  ) throws {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.corpus + "/" + name))
    try repo.write(bytes, to: relative)
    let result = try repo.mlx(arguments)
    #expect(result.status != 0, "\(name): \(result)")
    #expect(result.errorLines.count == 1, "\(name): \(result)")
    #expect(result.stderr == prefix + (try Self.expected(name)) + "\n", "\(name): \(result)")
    let after = try Data(contentsOf: URL(fileURLWithPath: repo.path + "/" + relative))
    #expect(after == bytes, "\(name): \(relative) was changed")
    #expect(try repo.read("data/train.csv") == "a,b\n1,2\n", "\(name): data lost")
  }

  @Test func pointerIntoGitIsReportedByStatus() throws {
    let repo = try repository()
    defer { repo.remove() }
    try check(
      "pointer/path-into-git.mlx", at: "data/train.csv.mlx", in: repo, prefix: "mlx: ", "status")
    #expect(!repo.exists(".git/hooks/pre-commit"))
  }

  @Test func pipelineWithTabsStopsTheRun() throws {
    let repo = try repository()
    defer { repo.remove() }
    try check("pipeline/tab-indent.yaml", at: "mlx.yaml", in: repo, "run")
  }

  @Test func pipelineOutputIntoGitStopsTheRun() throws {
    let repo = try repository()
    defer { repo.remove() }
    try check("pipeline/out-into-git.yaml", at: "mlx.yaml", in: repo, "run")
    #expect(!repo.exists(".git/hooks/post-checkout"))
  }

  /// Params are recorded by value: a committed pipeline cannot copy mlx's credentials, or a
  /// file outside the repository through a symbolic link, into mlx.lock.
  @Test func paramsFromMlxOrThroughALinkStopTheRun() throws {
    let repo = try repository()
    defer { repo.remove() }
    try check("pipeline/params-from-mlx.yaml", at: "mlx.yaml", in: repo, "run")
    let outside = try TemporaryDirectory()
    defer { outside.remove() }
    try outside.write("secret: s3cret\n", to: "kube.yaml")
    try repo.write(
      "stages:\n  train:\n    cmd: echo ran > out.txt\n    params: [{kube.yaml: []}]\n",
      to: "mlx.yaml")
    for target in [outside("kube.yaml"), ".mlx/config.yaml"] {
      try? FileManager.default.removeItem(atPath: repo.directory("kube.yaml"))
      try FileManager.default.createSymbolicLink(
        atPath: repo.directory("kube.yaml"), withDestinationPath: target)
      let result = try repo.mlx("run")
      #expect(result.status == 1)
      #expect(
        result.errorLines.first?.hasPrefix("Error: kube.yaml: a symbolic link to ") == true,
        "\(result)")
      #expect(!repo.exists("out.txt") && !repo.exists("mlx.lock"), "the stage ran")
    }
  }

  @Test func lockWithMergeConflictStopsTheRun() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.write("stages:\n  train:\n    cmd: echo ran > out.txt\n", to: "mlx.yaml")
    try check("lock/crlf-merge-conflict.lock", at: "mlx.lock", in: repo, "run")
    #expect(!repo.exists("out.txt"), "the stage ran")
  }

  @Test func paramsThatAreNotUTF8FailTheStage() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.write(
      "stages:\n  train:\n    cmd: echo ran > out.txt\n    params: [lr]\n", to: "mlx.yaml")
    try check("params/non-utf8.yaml", at: "params.yaml", in: repo, "run", "-q")
    #expect(!repo.exists("out.txt"), "the stage ran")
  }

  @Test func tagWithASecondDigestClaimFailsTheAudit() throws {
    let repo = try repository()
    defer { repo.remove() }
    let digest = try repo.sha256sum("data/train.csv")
    try repo.git(
      "tag", "-a", "churn@v0.0.1", "-m", "Register churn v0.0.1", "-m",
      "Mlx-Artifact: churn\nMlx-Event: registration\nMlx-Digest: \(digest)\n"
        + "Mlx-Digest: sha256:\(String(repeating: "0", count: 64))")
    let audit = try repo.mlx("audit")
    #expect(audit.status == 1, "\(audit)")
    // The corpus case tag/forged-second-digest.txt gives the same problem.
    let problem = "trailer 'Mlx-Digest' is given 2 times; a claim is made once"
    #expect(try Self.expected("tag/forged-second-digest.txt").contains(problem))
    #expect(audit.stdout.contains("trailers: " + problem), "\(audit)")
  }
}

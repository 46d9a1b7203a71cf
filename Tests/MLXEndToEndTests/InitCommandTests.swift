import Foundation
import MLXTestSupport
import Testing

@Suite struct InitCommandTests {
  @Test func createsConfigurationAndStagesIt() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    let result = try repo.mlx("init")
    #expect(result.succeeded, "\(result)")
    #expect(result.stdout.contains("Initialized mlx"))
    #expect(try repo.read(".mlx/config.yaml").contains("version: 1"))
    #expect(try repo.read(".mlx/.gitignore").contains("/cache/"))
    let staged = try repo.git("diff", "--cached", "--name-only")
    #expect(staged.split(separator: "\n") == [".mlx/.gitignore", ".mlx/config.yaml"])
  }

  @Test func secondInitChangesNothing() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("# edited by hand\nversion: 1\n", to: ".mlx/config.yaml")
    let again = try repo.mlx("init")
    #expect(again.succeeded)
    #expect(again.stdout.contains("already initialized"))
    #expect(try repo.read(".mlx/config.yaml") == "# edited by hand\nversion: 1\n")
  }

  @Test func worksFromASubdirectory() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.write("x", to: "src/deep/file.txt")
    let result = try repo.mlx("init", in: "src/deep")
    #expect(result.succeeded, "\(result)")
    #expect(repo.exists(".mlx/config.yaml"))
    #expect(!repo.exists("src/deep/.mlx"))
  }

  @Test func failsOutsideAGitRepository() throws {
    try withTemporaryDirectory { directory in
      let result = try ProcessRunner.run(
        TestRepository.mlxExecutable, ["init"], in: directory.path,
        environment: ["GIT_CEILING_DIRECTORIES": directory.path])
      #expect(result.status != 0)
      #expect(result.errorLines.count == 1)
      #expect(result.stderr.contains("not inside a Git repository"))
      #expect(!directory.exists(".mlx"))
    }
  }

  @Test func commandsBeforeInitSayToRunInit() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.write("a", to: "a.txt")
    let result = try repo.mlx("add", "a.txt")
    #expect(result.status != 0)
    #expect(result.stderr.contains("run `mlx init` first"))
  }

  @Test func malformedConfigurationIsReportedWithItsLine() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("version: 1\ncache:\n  compresion: 3\n", to: ".mlx/config.yaml")
    let result = try repo.mlx("status")
    #expect(result.status != 0)
    #expect(result.errorLines.count == 1)
    #expect(result.stderr.contains(".mlx/config.yaml:3"))
    #expect(result.stderr.contains("unknown key 'compresion'"))
  }
}

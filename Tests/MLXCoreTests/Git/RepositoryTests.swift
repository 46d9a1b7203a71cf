import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

/// libgit2, through `Repository`, cross-checked against the `git` program.
@Suite struct RepositoryTests {
  @Test func discoversFromASubdirectoryAndStagesLikeGitAdd() throws {
    let fixture = try TestRepository()
    defer { fixture.remove() }
    try fixture.write("hello", to: "sub/dir/file.txt")
    let repository = try Repository.discover(from: fixture.directory("sub/dir"))
    #expect(repository.workTree == fixture.path)
    try repository.stage(["sub/dir/file.txt"])
    #expect(try fixture.git("ls-files", "--stage").contains("sub/dir/file.txt"))
    #expect(try repository.isIndexed("sub/dir/file.txt"))
    try repository.unstage(["sub/dir/file.txt"])
    #expect(try fixture.git("ls-files").isEmpty)
  }

  @Test func readsBlobsThatGitCommitted() throws {
    let fixture = try TestRepository()
    defer { fixture.remove() }
    try fixture.write("a", to: "x.mlx")
    try fixture.write("b", to: "d/y.mlx")
    try fixture.write("c", to: "z.txt")
    try fixture.git("add", ".")
    try fixture.git("commit", "-qm", "c1")
    let repository = try Repository.discover(from: fixture.path)
    let blobs = try repository.blobs(at: "HEAD", withSuffix: ".mlx")
    #expect(blobs.map(\.path).sorted() == ["d/y.mlx", "x.mlx"])
    #expect(blobs.first { $0.path == "x.mlx" }?.content == Array("a".utf8))
    let head = try fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(try repository.headCommit()?.hex == head)
    #expect(try repository.commit("main").hex == head)
  }

  @Test func reportsUntrackedAndStagedFiles() throws {
    let fixture = try TestRepository()
    defer { fixture.remove() }
    try fixture.write("a", to: "staged.mlx")
    try fixture.write("b", to: "loose.mlx")
    try fixture.git("add", "staged.mlx")
    let repository = try Repository.discover(from: fixture.path)
    let states = try repository.changedFiles(matching: "*.mlx")
    #expect(states == ["staged.mlx": .staged, "loose.mlx": .untracked])
  }

  @Test func failsClearlyOutsideARepository() throws {
    try withTemporaryDirectory { directory in
      #expect(throws: GitError.self) { try Repository.discover(from: directory.path) }
    }
  }
}

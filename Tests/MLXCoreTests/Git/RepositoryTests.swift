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

  /// git trusts an entry's size and mtime only when the entry is older, in whole seconds,
  /// than the index; an index libgit2 rewrites must not turn an entry git still had to
  /// check into a trusted one, or a same-size edit made in that second never reaches
  /// `git add -A`. The index is dated back so every entry is racy, deterministically.
  @Test func stagingKeepsRacilyCleanEntriesForGitToCheck() throws {
    let fixture = try TestRepository()
    defer { fixture.remove() }
    try fixture.write("lr: 0.1\n", to: "params.yaml")
    try fixture.git("add", "-A")
    try fixture.git("commit", "-qm", "c1")
    try FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSince1970: 946_684_800)],
      ofItemAtPath: fixture.path + "/.git/index")
    try fixture.write("x", to: "other.mlx")
    try Repository.discover(from: fixture.path).stage(["other.mlx"])
    let entry = try fixture.git("ls-files", "--debug", "params.yaml")
    #expect(entry.contains("size: 0"), "\(entry)")
    // Unchanged content is still unchanged to git: it compares and finds it equal.
    #expect(try fixture.git("status", "--short") == "A  other.mlx\n")
  }

  @Test func failsClearlyOutsideARepository() throws {
    try withTemporaryDirectory { directory in
      #expect(throws: GitError.self) { try Repository.discover(from: directory.path) }
    }
  }
}

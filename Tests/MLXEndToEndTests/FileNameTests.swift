import Foundation
import MLXTestSupport
import Testing

/// Names mlx cannot record are refused before anything is written, and files that only look
/// like mlx's temporary files are the user's data: never skipped, never deleted.
@Suite struct FileNameTests {
  private func repository() throws -> TestRepository {
    let repo = try TestRepository()
    try repo.mlx("init")
    try repo.commitAll("init")
    return repo
  }

  /// A newline in a name would split the pointer's `path:` line (breaking every later
  /// command) and the `.gitignore` line that keeps the data out of Git.
  @Test func aNameWithAControlCharacterIsRefusedAndNothingIsWritten() throws {
    let repo = try repository()
    defer { repo.remove() }
    let gitignoreBefore = repo.exists(".gitignore") ? try repo.read(".gitignore") : ""
    try repo.write("x", to: "new\nline.txt")
    let refused = try repo.mlx("add", "new\nline.txt")
    #expect(refused.status == 1)
    #expect(refused.errorLines.count == 1, "\(refused)")
    #expect(refused.stderr.contains("new\\nline.txt: file names with control characters"))
    #expect(!repo.exists("new\nline.txt.mlx"))
    #expect((repo.exists(".gitignore") ? try repo.read(".gitignore") : "") == gitignoreBefore)
    #expect(try repo.git("status", "--porcelain", "--untracked-files=no").isEmpty)

    // Inside a directory: the same, naming the file, and the rest of the repository works.
    try repo.write("ok", to: "set/good.txt")
    try repo.write("tab", to: "set/bad\tname.txt")
    let directory = try repo.mlx("add", "set")
    #expect(directory.status == 1)
    #expect(directory.errorLines.count == 1, "\(directory)")
    #expect(directory.stderr.contains("set/bad\\tname.txt"), "\(directory)")
    #expect(!repo.exists("set.mlx"))
    #expect(try repo.mlx("status").succeeded)
  }

  /// `.name.v2.tmp-4000000` is the user's file (no process 4000000 wrote it): `mlx add`
  /// tracks it and a checkout restores it; mlx deletes only files it marked as its own.
  @Test func filesThatLookLikeTemporaryFilesAreData() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.write("mine", to: "set/.name.v2.tmp-4000000")
    try repo.write("also mine", to: "set/.x.tmp-1")
    try repo.write("data", to: "set/a.txt")
    let added = try repo.mlx("add", "set", "--json")
    #expect(added.succeeded, "\(added)")
    #expect(try repo.read("set/.name.v2.tmp-4000000") == "mine")
    let pointer = try repo.read("set.mlx")
    #expect(pointer.contains("files: 3"), "\(pointer)")

    try repo.run("rm", "-rf", "set")
    #expect(try repo.mlx("checkout", "set").succeeded)
    #expect(try repo.read("set/.name.v2.tmp-4000000") == "mine")
    #expect(try repo.read("set/.x.tmp-1") == "also mine")
  }

  /// What a killed checkout leaves in the work tree carries mlx's mark: the next command that
  /// reads the directory deletes it and does not take it for data.
  @Test func aMarkedLeftoverOfAGoneProcessIsRemoved() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.write("data", to: "set/a.txt")
    let leftover = ".b.txt.k3j2.tmp-4194302"
    try repo.write("half a file", to: "set/" + leftover)
    let marked = try repo.run(
      "python3", "-c",
      "import os, sys; os.setxattr(sys.argv[1], 'user.mlx.temporary', sys.argv[2].encode())",
      "set/" + leftover, leftover)
    try #require(marked.succeeded, "\(marked)")
    #expect(try repo.mlx("add", "set").succeeded)
    #expect(!repo.exists("set/" + leftover))
    #expect(try repo.read("set.mlx").contains("files: 1"))
  }
}

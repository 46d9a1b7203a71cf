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
    // Reading a directory never makes the temporary-name key; only writing a tagged name does.
    #expect(!repo.exists(".mlx/state/temporary-files.key"))
    let pointer = try repo.read("set.mlx")
    #expect(pointer.contains("files: 3"), "\(pointer)")

    try repo.run("rm", "-rf", "set")
    #expect(try repo.mlx("checkout", "set").succeeded)
    #expect(try repo.read("set/.name.v2.tmp-4000000") == "mine")
    #expect(try repo.read("set/.x.tmp-1") == "also mine")
  }

  /// What a killed checkout leaves in the work tree has a name tagged under the
  /// repository's key: the next command that reads the directory deletes it and does not take
  /// it for data. The same name with a wrong tag is the user's.
  @Test func aTaggedLeftoverOfAGoneProcessIsRemoved() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.write("data", to: "set/a.txt")
    try repo.write("more", to: "set/b0.txt")
    // A directory checkout makes the key (its files are staged beside, under tagged names).
    try repo.mlx("add", "set")
    try repo.run("rm", "-rf", "set")
    #expect(try repo.mlx("checkout", "set").succeeded)
    let keyPath = repo.directory(".mlx/state/temporary-files.key")
    let key = try #require(try? Data(contentsOf: URL(fileURLWithPath: keyPath)))
    #expect(key.count == 32)
    // Leftovers of process 4194302, which is gone: one tagged with the key, one not.
    let tagged = try repo.run(
      "python3", "-c",
      "import hmac, sys; key = open(sys.argv[1], 'rb').read(); "
        + "print(hmac.new(key, b'b.txt\\0k3j2\\0' + b'4194302', 'sha256').hexdigest()[:16])",
      keyPath)
    try #require(tagged.succeeded, "\(tagged)")
    let tag = tagged.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let leftover = ".b.txt.k3j2-\(tag).tmp-4194302"
    let forged = ".c.txt.k3j2-0123456789abcdef.tmp-4194302"
    try repo.write("half a file", to: "set/" + leftover)
    try repo.write("the user's", to: "set/" + forged)
    #expect(try repo.mlx("add", "set").succeeded)
    #expect(!repo.exists("set/" + leftover))
    #expect(try repo.read("set/" + forged) == "the user's")
    #expect(try repo.read("set.mlx").contains("files: 3"))
  }
}

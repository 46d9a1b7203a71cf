import Foundation
import MLXTestSupport
import Testing

@Suite struct AddCommandTests {
  private func initialized() throws -> TestRepository {
    let repo = try TestRepository()
    try repo.mlx("init")
    return repo
  }

  @Test func pointerDigestMatchesSha256sumAndIsStaged() throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write("id,label\n1,cat\n2,dog\n", to: "data/train.csv")
    let result = try repo.mlx("add", "data/train.csv", "--kind", "dataset")
    #expect(result.succeeded, "\(result)")

    let pointer = try repo.read("data/train.csv.mlx")
    let digest = try repo.sha256sum("data/train.csv")
    #expect(
      pointer == """
        version: 1
        kind: dataset
        path: train.csv
        digest: \(digest)
        size: 21

        """)
    #expect(try repo.read("data/.gitignore") == "/train.csv\n")
    let staged = try repo.git("diff", "--cached", "--name-only").split(separator: "\n")
    #expect(staged.contains("data/train.csv.mlx"))
    #expect(staged.contains("data/.gitignore"))
    #expect(!staged.contains("data/train.csv"))
    #expect(try repo.git("check-ignore", "data/train.csv").contains("data/train.csv"))
  }

  @Test func directoryPointerCountsFilesAndManifestRecordsExecutableBit() throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write("a", to: "images/a.txt")
    try repo.write("bb", to: "images/sub/b.txt")
    try repo.write("#!/bin/sh\n", to: "images/run.sh")
    try repo.run("chmod", "+x", "images/run.sh")
    let result = try repo.mlx("add", "images", "--json")
    #expect(result.succeeded, "\(result)")
    let artifact = try #require((try result.json()["artifacts"] as? [[String: Any]])?.first)
    #expect(artifact["files"] as? Int == 3)
    #expect(artifact["size"] as? Int == 13)
    #expect(try repo.read("images.mlx").contains("files: 3"))
    #expect(try repo.read(".gitignore") == "/images\n")

    try repo.run("rm", "-rf", "images")
    #expect(try repo.mlx("checkout").succeeded)
    #expect(try repo.run("test", "-x", "images/run.sh").succeeded)
    #expect(try !repo.run("test", "-x", "images/a.txt").succeeded)
  }

  @Test func reAddingAnEditedLargeFileStoresOnlyTheChangedChunks() throws {
    let repo = try initialized()
    defer { repo.remove() }
    var data = pseudoRandomBytes(count: 12 << 20, seed: 7)
    try repo.write(data, to: "model.bin")
    let first = try repo.mlx("add", "model.bin", "--json")
    #expect(first.succeeded, "\(first)")
    let firstBytes = try #require(try first.json()["new_bytes"] as? Int)
    #expect(firstBytes >= 12 << 20)
    #expect(try repo.read("model.bin.mlx").contains(try repo.sha256sum("model.bin")))

    data.replaceSubrange((6 << 20)..<((6 << 20) + 100), with: Data(repeating: 0xAB, count: 100))
    try repo.write(data, to: "model.bin")
    let second = try repo.mlx("add", "model.bin", "--json")
    #expect(second.succeeded, "\(second)")
    let secondBytes = try #require(try second.json()["new_bytes"] as? Int)
    #expect(secondBytes < 5 << 20, "an edit of 100 bytes stored \(secondBytes) bytes")
    #expect(try repo.read("model.bin.mlx").contains(try repo.sha256sum("model.bin")))
  }

  @Test func addingUnchangedContentAgainStoresNothing() throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write("same", to: "a.txt")
    try repo.mlx("add", "a.txt")
    let again = try repo.mlx("add", "a.txt", "--json")
    #expect(try again.json()["new_objects"] as? Int == 0)
  }

  /// A pointer file deleted after it was staged, with its objects gone from the cache:
  /// adding the data again writes both back.
  @Test func addingAgainRestoresADeletedPointerAndLostObjects() throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write(pseudoRandomBytes(count: 600_000, seed: 5), to: "d.bin")
    try repo.mlx("add", "d.bin")
    let pointer = try repo.read("d.bin.mlx")
    try repo.run("rm", "-rf", ".mlx/cache/packs", "d.bin.mlx")
    let again = try repo.mlx("add", "d.bin")
    #expect(again.succeeded, "\(again)")
    #expect(try repo.read("d.bin.mlx") == pointer)
    #expect(try repo.mlx("verify").succeeded)
  }

  @Test func keepsKindAndDescriptionAcrossReAdds() throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write("v1", to: "m.pkl")
    try repo.mlx("add", "m.pkl", "--kind", "model", "--description", "churn model: v1")
    try repo.write("v2", to: "m.pkl")
    try repo.mlx("add", "m.pkl")
    let pointer = try repo.read("m.pkl.mlx")
    #expect(pointer.contains("kind: model"))
    #expect(pointer.contains("description: \"churn model: v1\""))
  }

  @Test func resolvesPathsFromASubdirectory() throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write("x", to: "data/raw/x.csv")
    let result = try repo.mlx("add", "raw/x.csv", in: "data")
    #expect(result.succeeded, "\(result)")
    #expect(repo.exists("data/raw/x.csv.mlx"))
  }

  @Test func untracksDataThatGitTrackedBefore() throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write("big", to: "blob.dat")
    try repo.git("add", "blob.dat")
    let result = try repo.mlx("add", "blob.dat")
    #expect(result.succeeded, "\(result)")
    #expect(result.stdout.contains("Removed blob.dat from Git's index"))
    #expect(try repo.git("ls-files", "blob.dat").isEmpty)
    #expect(repo.exists("blob.dat"))
  }

  // MARK: - Bad input

  @Test func missingFileIsAOneLineError() throws {
    let repo = try initialized()
    defer { repo.remove() }
    let result = try repo.mlx("add", "nope.csv")
    #expect(result.status != 0)
    #expect(result.errorLines == ["Error: nope.csv: no such file or directory; check the path"])
    #expect(try repo.storeIsSound())
  }

  @Test func pathOutsideTheRepositoryIsRefused() throws {
    let repo = try initialized()
    defer { repo.remove() }
    try withTemporaryDirectory { outside in
      try outside.write("secret", to: "secret.txt")
      for path in ["../outside.txt", outside("secret.txt")] {
        let result = try repo.mlx("add", path)
        #expect(result.status != 0)
        #expect(result.errorLines.count == 1)
        #expect(result.stderr.contains("is outside the repository"))
      }
      // A symbolic link to a directory outside does not make its files "inside".
      try repo.run("ln", "-s", outside.path, "linked")
      let viaLink = try repo.mlx("add", "linked/secret.txt")
      #expect(viaLink.status != 0)
      #expect(viaLink.stderr.contains("is outside the repository"))
    }
    #expect(try repo.storeIsSound())
    #expect(
      try repo.git("diff", "--cached", "--name-only").split(separator: "\n").allSatisfy {
        $0.hasPrefix(".mlx/")
      })
  }

  @Test func metadataDirectoriesAreRefused() throws {
    let repo = try initialized()
    defer { repo.remove() }
    let result = try repo.mlx("add", ".git/config")
    #expect(result.status != 0)
    #expect(result.stderr.contains("inside .git or .mlx"))
  }

  @Test func symbolicLinksAreRefusedWithTheRule() throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write("x", to: "real.txt")
    try repo.run("ln", "-s", "real.txt", "link.txt")
    let direct = try repo.mlx("add", "link.txt")
    #expect(direct.status != 0)
    #expect(direct.stderr.contains("link.txt is a symbolic link"))

    try repo.write("y", to: "dir/file.txt")
    try repo.run("ln", "-s", "../real.txt", "dir/link")
    let inside = try repo.mlx("add", "dir")
    #expect(inside.status != 0)
    #expect(inside.stderr.contains("dir/link is a symbolic link"))
    #expect(!repo.exists("dir.mlx"))
    #expect(try repo.storeIsSound())
  }

  @Test func pointerFilesCannotBeAdded() throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write("x", to: "a.txt")
    try repo.mlx("add", "a.txt")
    let result = try repo.mlx("add", "a.txt.mlx")
    #expect(result.status != 0)
    #expect(result.stderr.contains("is an mlx pointer file"))
  }

  @Test func filesInsideATrackedDirectoryCannotBeAddedAlone() throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write("x", to: "data/a.txt")
    try repo.mlx("add", "data")
    let result = try repo.mlx("add", "data/a.txt")
    #expect(result.status != 0)
    #expect(result.stderr.contains("is inside the tracked directory data"))
  }

  // MARK: - Concurrency and interruption

  @Test func twoAddsAtOnceBothSucceed() throws {
    let repo = try initialized()
    defer { repo.remove() }
    for name in ["one", "two"] {
      try repo.write(pseudoRandomBytes(count: 3 << 20, seed: UInt64(name.count)), to: "\(name).bin")
    }
    let processes = try ["one", "two"].map { try repo.launchMLX("add", "\($0).bin") }
    for process in processes {
      process.waitUntilExit()
      #expect(process.terminationStatus == 0)
    }
    let staged = try repo.git("diff", "--cached", "--name-only")
    #expect(staged.contains("one.bin.mlx") && staged.contains("two.bin.mlx"))
    #expect(
      try repo.read(".gitignore") == "/one.bin\n/two.bin\n"
        || (try repo.read(".gitignore")) == "/two.bin\n/one.bin\n")
    #expect(try repo.mlx("verify").succeeded)
  }

  @Test(arguments: [0, 2_000, 10_000, 40_000, 120_000])
  func killedAddLeavesAConsistentStore(afterMicroseconds delay: Int) throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write(pseudoRandomBytes(count: 24 << 20, seed: 3), to: "big.bin")
    try repo.write("small", to: "small/a.txt")
    let process = try repo.launchMLX("add", "small", "big.bin")
    usleep(useconds_t(delay))
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()

    let verify = try repo.mlx("verify")
    #expect(verify.succeeded, "after a kill at \(delay) µs: \(verify)")
    let rerun = try repo.mlx("add", "small", "big.bin")
    #expect(rerun.succeeded, "\(rerun)")
    #expect(try repo.read("big.bin.mlx").contains(try repo.sha256sum("big.bin")))
    let status = try repo.mlx("status", "--json")
    let states = (try status.json()["artifacts"] as? [[String: Any]])?.map {
      $0["state"] as? String
    }
    #expect(states == ["unchanged", "unchanged"])
    #expect(try repo.mlx("verify").succeeded)
  }
}

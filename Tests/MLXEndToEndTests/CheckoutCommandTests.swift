import Foundation
import MLXTestSupport
import Testing

@Suite struct CheckoutCommandTests {
  private func repository() throws -> TestRepository {
    let repo = try TestRepository()
    try repo.mlx("init")
    try repo.write(pseudoRandomBytes(count: 3 << 20, seed: 11), to: "data/big.bin")
    try repo.write("x", to: "data/set/a.txt")
    try repo.write("#!/bin/sh\necho hi\n", to: "data/set/tools/run.sh")
    try repo.run("chmod", "+x", "data/set/tools/run.sh")
    try repo.mlx("add", "data/big.bin", "data/set")
    return repo
  }

  @Test func restoresDeletedFilesExactly() throws {
    let repo = try repository()
    defer { repo.remove() }
    let bigDigest = try repo.sha256sum("data/big.bin")
    let scriptDigest = try repo.sha256sum("data/set/tools/run.sh")
    try repo.run("rm", "-rf", "data/big.bin", "data/set")
    let result = try repo.mlx("checkout")
    #expect(result.succeeded, "\(result)")
    #expect(try repo.sha256sum("data/big.bin") == bigDigest)
    #expect(try repo.sha256sum("data/set/tools/run.sh") == scriptDigest)
    #expect(try repo.run("test", "-x", "data/set/tools/run.sh").succeeded)
    #expect(try repo.read("data/set/a.txt") == "x")
    #expect(try repo.mlx("checkout").stdout.contains("Everything matches"))
  }

  /// `mlx checkout HEAD~1` (as with `dvc checkout`'s habits or `git checkout REV`) says how
  /// to give a revision instead of "run `mlx add HEAD~1`".
  @Test func aRevisionGivenAsAPathSaysToUseRev() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.commitAll("v1")
    try repo.git("commit", "-q", "--allow-empty", "-m", "v2")
    let branch = try repo.git("branch", "--show-current").trimmingCharacters(in: .newlines)
    for revision in ["HEAD~1", branch, "HEAD"] {
      let result = try repo.mlx("checkout", revision)
      #expect(result.status == 1)
      #expect(result.errorLines.count == 1, "\(result)")
      #expect(result.stderr.contains("'\(revision)' is a revision, not a tracked path"))
      #expect(result.stderr.contains("mlx checkout --rev \(revision)"), "\(result)")
    }
    // A path that is neither keeps the usual answer.
    #expect(try repo.mlx("checkout", "nothing").stderr.contains("is not tracked by mlx"))
  }

  @Test func restoresAPathAsItWasAtARevision() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.commitAll("v1")
    let oldDigest = try repo.sha256sum("data/big.bin")
    let oldPointer = try repo.read("data/big.bin.mlx")
    try repo.write(pseudoRandomBytes(count: 1 << 20, seed: 12), to: "data/big.bin")
    try repo.write("changed", to: "data/set/a.txt")
    try repo.mlx("add", "data/big.bin", "data/set")
    try repo.commitAll("v2")

    let result = try repo.mlx("checkout", "--rev", "HEAD~1", "data/big.bin")
    #expect(result.succeeded, "\(result)")
    #expect(try repo.sha256sum("data/big.bin") == oldDigest)
    #expect(try repo.read("data/big.bin.mlx") == oldPointer)
    #expect(try repo.read("data/set/a.txt") == "changed")
    #expect(try repo.git("status", "--porcelain").contains("M data/big.bin.mlx"))
    #expect(try repo.mlx("verify").succeeded)
    // Back to HEAD's version with plain git and checkout.
    try repo.git("checkout", "--", "data/big.bin.mlx")
    #expect(try repo.mlx("checkout").succeeded)
    #expect(try repo.sha256sum("data/big.bin") != oldDigest)

    // The pointer file's own name works too; local changes are kept without --force.
    try repo.write("mine", to: "data/set/a.txt")
    let refused = try repo.mlx("checkout", "--rev", "HEAD~1", "data/set.mlx")
    #expect(refused.status == 1)
    #expect(try repo.read("data/set/a.txt") == "mine")
    #expect(try repo.git("status", "--porcelain", "data/set.mlx").isEmpty)
    #expect(try repo.mlx("checkout", "--rev", "HEAD~1", "--force", "data/set").succeeded)
    #expect(try repo.read("data/set/a.txt") == "x")

    let unknown = try repo.mlx("checkout", "--rev", "nope", "data/big.bin")
    #expect(unknown.status != 0)
    #expect(unknown.errorLines.count == 1, "\(unknown)")
    let untracked = try repo.mlx("checkout", "--rev", "HEAD~1", "data/other.bin")
    #expect(untracked.status != 0)
    #expect(untracked.errorLines.count == 1, "\(untracked)")
  }

  @Test func restoresOnlyTheNamedPaths() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.run("rm", "-rf", "data/big.bin", "data/set")
    #expect(try repo.mlx("checkout", "data/set").succeeded)
    #expect(repo.exists("data/set/a.txt"))
    #expect(!repo.exists("data/big.bin"))
    #expect(try repo.mlx("checkout", "data/big.bin.mlx").succeeded)
    #expect(repo.exists("data/big.bin"))
  }

  /// Large files' chunks are stored raw by default; `cache.compress_large_files: true`
  /// compresses them, and both restore exactly.
  @Test(arguments: [false, true])
  func largeTextFilesRestoreWithOrWithoutCompression(compressed: Bool) throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    if compressed {
      let config = try repo.read(".mlx/config.yaml")
      try repo.write(
        config.replacingOccurrences(
          of: "compress_large_files: false", with: "compress_large_files: true"),
        to: ".mlx/config.yaml")
    }
    let text = (0..<200_000).map { "\($0),label-\($0 % 7),\($0 * 31 % 1000)\n" }.joined()
    try repo.write(text, to: "table.csv")
    let digest = try repo.sha256sum("table.csv")
    try repo.mlx("add", "table.csv")
    let stored = try repo.mlx("verify")
    #expect(stored.succeeded, "\(stored)")
    let packs = try FileManager.default.contentsOfDirectory(
      atPath: repo.directory(".mlx/cache/packs"))
    let packBytes = try packs.reduce(0) { total, name in
      total
        + (try FileManager.default.attributesOfItem(
          atPath: repo.directory(".mlx/cache/packs/\(name)"))[.size] as? Int ?? 0)
    }
    if compressed {
      #expect(packBytes < text.utf8.count / 2)
    } else {
      #expect(packBytes > text.utf8.count)
    }
    try repo.run("rm", "table.csv")
    #expect(try repo.mlx("checkout").succeeded)
    #expect(try repo.sha256sum("table.csv") == digest)
  }

  @Test func aTruncatedPackIsReportedAndNothingIsWritten() throws {
    let repo = try repository()
    defer { repo.remove() }
    let packs = try FileManager.default.contentsOfDirectory(
      atPath: repo.directory(".mlx/cache/packs"))
    for name in packs where name.hasSuffix(".pack") {
      let path = repo.directory(".mlx/cache/packs/\(name)")
      try repo.run("chmod", "u+w", path)
      try repo.run("truncate", "-s", "1M", path)
    }
    try repo.run("rm", "data/big.bin")
    let result = try repo.mlx("checkout", "data/big.bin")
    #expect(result.status == 1, "\(result)")
    #expect(result.errorLines.count == 1)
    #expect(result.stderr.contains("data/big.bin") && result.stderr.contains("pack is truncated"))
    #expect(!repo.exists("data/big.bin"))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: repo.directory(".mlx/tmp"))
    #expect(leftovers.isEmpty, "\(leftovers)")
  }

  @Test func refusesToOverwriteLocalChangesWithoutForce() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.write("my edit", to: "data/set/a.txt")
    try repo.write("extra", to: "data/set/extra.txt")
    let refused = try repo.mlx("checkout")
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("not restoring data/set"))
    #expect(refused.stderr.contains("--force"))
    #expect(try repo.read("data/set/a.txt") == "my edit")

    let forced = try repo.mlx("checkout", "--force")
    #expect(forced.succeeded, "\(forced)")
    #expect(try repo.read("data/set/a.txt") == "x")
    #expect(!repo.exists("data/set/extra.txt"))
  }

  /// After `git switch`, the data files hold the other branch's content, which is in the
  /// store: `mlx checkout` switches them without --force, as `dvc checkout` does, and still
  /// refuses content that is in no pointer and not in the store.
  @Test func switchingBranchesNeedsNoForce() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("v1", to: "data.csv")
    try repo.write("a1", to: "set/a.txt")
    try repo.write("b1", to: "set/b.txt")
    try repo.mlx("add", "data.csv", "set")
    try repo.commitAll("v1")
    try repo.git("switch", "-q", "-c", "experiment")
    try repo.write("v2", to: "data.csv")
    try repo.write("a2", to: "set/a.txt")
    try repo.write("c2", to: "set/c.txt")
    try repo.mlx("add", "data.csv", "set")
    try repo.commitAll("v2")

    try repo.git("switch", "-q", "main")
    let back = try repo.mlx("checkout")
    #expect(back.succeeded, "\(back)")
    #expect(try repo.read("data.csv") == "v1")
    #expect(try repo.read("set/a.txt") == "a1")
    #expect(!repo.exists("set/c.txt"), "a file of the other branch, in the store, is removed")
    try repo.git("switch", "-q", "experiment")
    #expect(try repo.mlx("checkout").succeeded)
    #expect(try repo.read("data.csv") == "v2")
    #expect(try repo.read("set/c.txt") == "c2")

    // Content in no pointer and not in the store would be lost: refused.
    try repo.write("local edit", to: "data.csv")
    try repo.write("new", to: "set/d.txt")
    let refused = try repo.mlx("checkout")
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("not restoring data.csv"), "\(refused)")
    #expect(refused.stderr.contains("not restoring set"), "\(refused)")
    #expect(refused.stderr.contains("`mlx add` keeps the changes; --force discards them"))
    #expect(try repo.read("data.csv") == "local edit")
    #expect(try repo.read("set/d.txt") == "new")
  }

  @Test func restoresAnExecutableBitChangedByHand() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.run("chmod", "-x", "data/set/tools/run.sh")
    #expect(try repo.mlx("checkout", "--force").succeeded)
    #expect(try repo.run("test", "-x", "data/set/tools/run.sh").succeeded)
  }

  @Test func missingObjectNamesTheFileAndWhatToDo() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.run("rm", "-rf", ".mlx/cache", "data/big.bin")
    let result = try repo.mlx("checkout", "data/big.bin")
    #expect(result.status != 0)
    #expect(result.errorLines.count == 1)
    #expect(result.stderr.contains("cannot restore data/big.bin: object sha256:"))
    #expect(result.stderr.contains("is not in the cache"))
    #expect(!repo.exists("data/big.bin"))
  }

  @Test func corruptObjectIsDetectedAndNothingIsWritten() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init", "--repository", repo.path)
    try repo.write(String(repeating: "precious data ", count: 100), to: "notes.txt")
    try repo.write("", to: ".mlx/config.local.yaml")
    try repo.mlx("add", "notes.txt")
    try corruptLastByteOfEveryPack(repo)
    try repo.run("rm", "notes.txt")
    let result = try repo.mlx("checkout")
    #expect(result.status != 0)
    #expect(result.stderr.contains("is corrupt"))
    #expect(!repo.exists("notes.txt"))
    let verify = try repo.mlx("verify")
    #expect(verify.status != 0)
    #expect(verify.stdout.contains("corrupt: sha256:"))
  }

  @Test func manifestPathsLeavingTheDirectoryAreRejected() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    // Store a hand-made manifest whose entry climbs out of the directory, then point at it.
    let evil =
      "mlx-manifest 1\n100644 5 sha256:\(String(repeating: "0", count: 64)) ../../escaped\n"
    try repo.write(evil, to: "evil-manifest")
    try repo.mlx("add", "evil-manifest")
    let digest = try repo.sha256sum("evil-manifest")
    try repo.write(
      "version: 1\nkind: dataset\npath: data\ndigest: \(digest)\nsize: 5\nfiles: 1\n",
      to: "data.mlx")
    let result = try repo.mlx("checkout", "data")
    #expect(result.status != 0)
    #expect(result.stderr.contains("unsafe path '../../escaped'"))
    #expect(!repo.exists("../escaped"))
    #expect(!repo.exists("data"))
  }

  @Test func errorsLeaveTheStoreSound() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.write("my edit", to: "data/set/a.txt")
    #expect(try !repo.mlx("checkout").succeeded)
    try repo.write(
      "version: 1\nkind: file\npath: nope\ndigest: sha256:\(String(repeating: "1", count: 64))\nsize: 1\n",
      to: "nope.mlx")
    #expect(try !repo.mlx("checkout", "nope").succeeded)
    try repo.run("rm", "nope.mlx")
    #expect(try repo.storeIsSound())
  }

  @Test func refusesToWriteThroughASymbolicLink() throws {
    let repo = try repository()
    defer { repo.remove() }
    try withTemporaryDirectory { outside in
      try repo.run("rm", "-rf", "data/set")
      try repo.run("mkdir", "-p", "data/set")
      try repo.run("ln", "-s", outside.path, "data/set/tools")
      let result = try repo.mlx("checkout", "--force", "data/set")
      #expect(result.status != 0)
      #expect(!outside.exists("run.sh"))
    }
  }
}

/// Flips the last byte of every pack file, which holds the end of the last object written.
func corruptLastByteOfEveryPack(_ repo: TestRepository) throws {
  let packs = try FileManager.default.contentsOfDirectory(
    atPath: repo.directory(".mlx/cache/packs"))
  for pack in packs where pack.hasSuffix(".pack") {
    let path = repo.directory(".mlx/cache/packs/\(pack)")
    try repo.run("chmod", "u+w", path)
    let handle = try #require(FileHandle(forUpdatingAtPath: path))
    let end = try handle.seekToEnd()
    try handle.seek(toOffset: end - 1)
    let byte = try #require(try handle.read(upToCount: 1)?.first)
    try handle.seek(toOffset: end - 1)
    try handle.write(contentsOf: Data([byte ^ 0xFF]))
    try handle.close()
  }
}

@Suite struct InterruptedCheckoutTests {
  @Test(arguments: [1_000, 20_000, 80_000])
  func killedCheckoutLeavesNoPartialFilesInTheWorkTree(afterMicroseconds delay: Int) throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write(pseudoRandomBytes(count: 24 << 20, seed: 21), to: "big.bin")
    try repo.mlx("add", "big.bin")
    let digest = try repo.sha256sum("big.bin")
    try repo.run("rm", "big.bin")

    let process = try repo.launchMLX("checkout")
    usleep(useconds_t(delay))
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()

    // Either the file is complete or absent; nothing else appears beside it.
    let entries = try FileManager.default.contentsOfDirectory(atPath: repo.path).sorted()
    #expect(
      entries.allSatisfy { [".git", ".gitignore", ".mlx", "big.bin", "big.bin.mlx"].contains($0) },
      "\(entries)")
    if repo.exists("big.bin") { #expect(try repo.sha256sum("big.bin") == digest) }

    #expect(try repo.mlx("checkout").succeeded)
    #expect(try repo.sha256sum("big.bin") == digest)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: repo.directory(".mlx/tmp"))
    #expect(leftovers.isEmpty, "\(leftovers)")
  }
}

import Foundation
import MLXTestSupport
import Testing

/// Paths are data, never control: whatever a hostile commit puts in a pointer, a manifest, a
/// pipeline or a lock file, mlx never writes into `.git` or `.mlx`, never deletes a directory
/// it did not write, and never trusts a recorded size its content does not have.
@Suite struct UntrustedPathTests {
  /// A repository whose store holds a small shell script, as an attacker's payload would be
  /// (any content already tracked anywhere will do).
  private func repositoryWithPayload() throws -> (TestRepository, digest: String, size: Int) {
    let repo = try TestRepository()
    try repo.mlx("init")
    let script = "#!/bin/sh\necho owned > owned.txt\n"
    try repo.write(script, to: "tools/payload.sh")
    try repo.mlx("add", "tools/payload.sh")
    try repo.git("add", "-A")
    try repo.git("commit", "-qm", "tools")
    return (repo, try repo.sha256sum("tools/payload.sh"), script.utf8.count)
  }

  /// Commits a pointer as a merged pull request would bring it.
  private func commitPointer(
    _ repo: TestRepository, at pointerPath: String, path: String, digest: String, size: Int,
    executable: Bool = true
  ) throws {
    var text = "version: 1\nkind: file\npath: \(path)\ndigest: \(digest)\nsize: \(size)\n"
    if executable { text += "executable: true\n" }
    try repo.write(text, to: pointerPath)
    try repo.git("add", "-f", pointerPath)
    try repo.git("commit", "-qm", "hostile pointer")
  }

  @Test(arguments: [
    ("hook.mlx", ".git/hooks/post-checkout"),
    ("hook.mlx", ".GIT/hooks/post-checkout"),
    ("sub/hook.mlx", ".Git/hooks/pre-commit"),
    ("store.mlx", ".mlx/config.yaml"),
    ("sub/nested.mlx", "deeper/.git/config"),
  ])
  func aPointerIntoGitOrMlxWritesNothing(pointerPath: String, target: String) throws {
    let (repo, digest, size) = try repositoryWithPayload()
    defer { repo.remove() }
    try commitPointer(repo, at: pointerPath, path: target, digest: digest, size: size)
    let hooksBefore = try FileManager.default.contentsOfDirectory(
      atPath: repo.directory(".git/hooks"))
    for arguments in [["checkout"], ["checkout", "--force"], ["status"], ["verify", "-q"]] {
      let result = try repo.mlx(arguments)
      #expect(result.status != 0, "mlx \(arguments): \(result)")
      #expect(result.errorLines.count == 1, "\(result)")
      #expect(result.stderr.contains(pointerPath), "the error names the pointer: \(result)")
      #expect(result.stderr.contains(".git or .mlx"), "\(result)")
      #expect(!result.stderr.contains("--force"), "never recommends --force: \(result)")
    }
    let hooksAfter = try FileManager.default.contentsOfDirectory(
      atPath: repo.directory(".git/hooks"))
    #expect(Set(hooksAfter) == Set(hooksBefore))
    #expect(!repo.exists("sub/.Git") && !repo.exists(".GIT") && !repo.exists("deeper"))
    #expect(try repo.read(".mlx/config.yaml").contains("owned") == false)
    #expect(try repo.git("status", "--porcelain").isEmpty, "Git's own data is intact")
  }

  @Test func aPointerNamingGitItselfNeverEmptiesIt() throws {
    let (repo, digest, size) = try repositoryWithPayload()
    defer { repo.remove() }
    try commitPointer(
      repo, at: "evil.mlx", path: ".git", digest: digest, size: size, executable: false)
    let forced = try repo.mlx("checkout", "--force")
    #expect(forced.status != 0)
    #expect(forced.stderr.contains("evil.mlx"))
    #expect(repo.exists(".git/HEAD") && repo.exists(".git/objects"))
    #expect(try repo.git("log", "--oneline").contains("hostile pointer"))
  }

  @Test func forceNeverDeletesADirectoryInPlaceOfATrackedFile() throws {
    let (repo, _, _) = try repositoryWithPayload()
    defer { repo.remove() }
    try repo.run("rm", "tools/payload.sh")
    try repo.write("my notes", to: "tools/payload.sh/notes.txt")
    for arguments in [["checkout"], ["checkout", "--force"]] {
      let result = try repo.mlx(arguments)
      #expect(result.status == 1, "\(result)")
      #expect(result.stderr.contains("tools/payload.sh: it is a directory"), "\(result)")
      #expect(result.stderr.contains("move it away"))
      #expect(!result.stderr.contains("--force"), "--force cannot help here: \(result)")
    }
    #expect(try repo.read("tools/payload.sh/notes.txt") == "my notes")
  }

  @Test func forceReplacesOnlyListedFilesAndKeepsSubdirectories() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("a", to: "data/a.txt")
    try repo.mlx("add", "data")
    try repo.write("changed", to: "data/a.txt")
    try repo.write("extra", to: "data/extra.txt")
    try repo.write("mine", to: "data/mine/keep.txt")
    let forced = try repo.mlx("checkout", "--force")
    #expect(forced.succeeded, "\(forced)")
    #expect(try repo.read("data/a.txt") == "a")
    #expect(!repo.exists("data/extra.txt"), "an extra file is removed, as DVC does")
    #expect(repo.exists("data/mine"), "a directory mlx did not write is never deleted")
  }

  @Test func aTrackedDirectoryCannotHoldGitOrMlxEntries() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("x", to: "data/a.txt")
    try repo.write("[core]\n", to: "data/vendor/.GIT/config")
    let result = try repo.mlx("add", "data")
    #expect(result.status != 0)
    #expect(result.errorLines.count == 1, "\(result)")
    #expect(
      result.stderr.contains(
        "data/vendor/.GIT: a tracked directory cannot hold a .git or .mlx entry"))
    #expect(!repo.exists("data.mlx"))
    #expect(try repo.mlx("add", "data/vendor/.GIT/config").stderr.contains("inside .git or .mlx"))
  }

  @Test func pipelineOutputsAndLockPathsCannotReachGitOrMlx() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write(
      """
      stages:
        build:
          cmd: echo hi
          outs:
            - .git/hooks/pre-commit

      """, to: "mlx.yaml")
    let run = try repo.mlx("run")
    #expect(run.status != 0)
    #expect(run.errorLines.count == 1, "\(run)")
    #expect(run.stderr.contains("mlx.yaml:5"), "\(run)")
    #expect(run.stderr.contains("inside a .git directory"), "\(run)")

    try repo.write(
      """
      stages:
        build:
          cmd: echo hi > out.txt
          outs:
            - out.txt
          metrics:
            - .Mlx/metrics.json

      """, to: "mlx.yaml")
    let metrics = try repo.mlx("run")
    #expect(metrics.status != 0)
    #expect(metrics.stderr.contains("inside a .Mlx directory"), "\(metrics)")

    try repo.write(
      """
      stages:
        build:
          cmd: echo hi > out.txt
          outs:
            - out.txt

      """, to: "mlx.yaml")
    try repo.write(
      """
      version: 1
      stages:
        build:
          cmd: echo hi > out.txt
          outs:
          - path: .git/hooks/post-merge
            digest: sha256:\(String(repeating: "0", count: 64))
            size: 3

      """, to: "mlx.lock")
    let lock = try repo.mlx("run")
    #expect(lock.status != 0)
    #expect(lock.stderr.contains("mlx.lock:6"), "\(lock)")
    #expect(lock.stderr.contains("out of .git and .mlx"), "\(lock)")
    #expect(!repo.exists(".git/hooks/post-merge"))
  }

  @Test func aPointerThatLiesAboutItsSizeIsCaught() throws {
    let (repo, digest, size) = try repositoryWithPayload()
    defer { repo.remove() }
    try commitPointer(
      repo, at: "tools/payload.sh.mlx", path: "payload.sh", digest: digest, size: size + 100)
    try repo.run("rm", "tools/payload.sh")
    let checkout = try repo.mlx("checkout")
    #expect(checkout.status == 1)
    #expect(
      checkout.stderr.contains("tools/payload.sh.mlx records \(size + 100) bytes"), "\(checkout)")
    #expect(checkout.stderr.contains("whose content has \(size)"))
    #expect(!repo.exists("tools/payload.sh"), "nothing is written from a pointer that lies")
    let verify = try repo.mlx("verify")
    #expect(verify.status == 1)
    #expect(
      verify.stdout.contains(
        "size mismatch: tools/payload.sh.mlx: size records \(size + 100), the content has \(size)"),
      "\(verify)")
  }

  @Test func aDirectoryPointerThatLiesAboutItsTotalsIsCaught() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("aaaa", to: "data/a.txt")
    try repo.write("bb", to: "data/b.txt")
    try repo.mlx("add", "data")
    let pointer = try repo.read("data.mlx")
    try repo.write(pointer.replacingOccurrences(of: "files: 2", with: "files: 3"), to: "data.mlx")
    try repo.run("rm", "-r", "data")
    let checkout = try repo.mlx("checkout")
    #expect(checkout.status == 1)
    #expect(checkout.stderr.contains("data.mlx (files) records 3"), "\(checkout)")
    #expect(!repo.exists("data"))
    #expect(try repo.mlx("verify").stdout.contains("files records 3, the content has 2"))
  }

  @Test func aManifestThatLiesAboutAFileSizeIsCaught() throws {
    // Content reaches a store as any tracked file's bytes: here, a manifest's text, whose
    // entry claims 9 bytes for a file of 4.
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("aaaa", to: "data/a.txt")
    try repo.mlx("add", "data")
    let fileDigest = try repo.sha256sum("data/a.txt")
    let manifest = "mlx-manifest 1\n100644 9 \(fileDigest) a.txt\n"
    try repo.write(manifest, to: "carrier.txt")
    try repo.mlx("add", "carrier.txt")
    let manifestDigest = try repo.sha256sum("carrier.txt")
    try repo.write(
      "version: 1\nkind: dataset\npath: lies\ndigest: \(manifestDigest)\nsize: 9\nfiles: 1\n",
      to: "lies.mlx")
    let checkout = try repo.mlx("checkout", "lies")
    #expect(checkout.status == 1)
    #expect(
      checkout.stderr.contains("the manifest of lies for a.txt records 9 bytes"), "\(checkout)")
    #expect(!repo.exists("lies"))
    #expect(
      try repo.mlx("verify").stdout.contains(
        "the manifest's size of a.txt records 9, the content has 4"))
  }
}

/// A committed `cache.dir` is written by whoever made the commit: it may not send the store
/// into `.git`, the work tree or anywhere else outside `.mlx/`.
@Suite struct CommittedCacheDirectoryTests {
  @Test(arguments: [".git/refs", "src", ".", "/tmp/elsewhere", ".mlx/../.git", ".mlx", ".mlx/tmp"])
  func aCommittedStoreOutsideMlxIsRefused(directory: String) throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("x", to: "src/tmp/code.py")
    let config = try repo.read(".mlx/config.yaml")
    try repo.write(
      config.replacingOccurrences(of: "dir: .mlx/cache", with: "dir: \"\(directory)\""),
      to: ".mlx/config.yaml")
    try repo.write("data", to: "d.txt")
    let added = try repo.mlx("add", "d.txt")
    #expect(added.status != 0)
    #expect(added.errorLines.count == 1, "\(added)")
    #expect(added.stderr.contains(".mlx/config.yaml"), "\(added)")
    #expect(added.stderr.contains("config.local.yaml"), "\(added)")
    #expect(!repo.exists(".git/refs/packs"))
    #expect(!repo.exists("packs"))
    #expect(!repo.exists("src/packs"))
  }

  @Test func aCommittedSymbolicLinkCannotLeadTheStoreOut() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try FileManager.default.createSymbolicLink(
      atPath: repo.directory(".mlx/cache"), withDestinationPath: "../.git")
    try repo.write("data", to: "d.txt")
    let added = try repo.mlx("add", "d.txt")
    #expect(added.status != 0)
    #expect(added.errorLines.count == 1, "\(added)")
    #expect(added.stderr.contains("symbolic link"), "\(added)")
    #expect(!repo.exists(".git/packs"))
  }

  @Test func theLocalFileMayNameAnyStore() throws {
    let repo = try TestRepository()
    let shared = try TemporaryDirectory()
    defer {
      repo.remove()
      shared.remove()
    }
    try repo.mlx("init")
    try repo.write(
      "version: 1\ncache:\n  dir: \(shared.path)/store\n", to: ".mlx/config.local.yaml")
    try repo.write("data", to: "d.txt")
    #expect(try repo.mlx("add", "d.txt").succeeded)
    #expect(FileManager.default.fileExists(atPath: shared.path + "/store/packs"))
  }
}

import Foundation
import MLXTestSupport
import Testing

/// `mlx remote`, `push`, `fetch`, `pull` and `status --remote` with a directory remote.
@Suite struct RemoteCommandTests {
  /// A repository tracking a large file, a small file and a directory, committed, with a
  /// default directory remote that exists and is empty.
  private func project() throws -> (repo: TestRepository, remote: TemporaryDirectory) {
    let repo = try TestRepository()
    let remote = try TemporaryDirectory()
    try repo.mlx("init")
    try repo.write(pseudoRandomBytes(count: 3 << 20, seed: 41), to: "data/big.bin")
    try repo.write("id,label\n1,a\n", to: "data/small.csv")
    try repo.write("x", to: "images/a.txt")
    try repo.write("y", to: "images/deeper/b.txt")
    try repo.mlx("add", "data/big.bin", "data/small.csv", "images")
    let added = try repo.mlx("remote", "add", "--default", "shared", remote.path)
    #expect(added.succeeded, "\(added)")
    try repo.commitAll("track data")
    return (repo, remote)
  }

  @Test func remotesAreKeptInTheConfigurationWithItsComments() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    let before = try repo.read(".mlx/config.yaml")
    #expect(try repo.mlx("remote", "add", "one", "/srv/one").succeeded)
    #expect(try repo.mlx("remote", "add", "--default", "two", "file:///srv/two").succeeded)
    let config = try repo.read(".mlx/config.yaml")
    #expect(config.hasPrefix(before))
    #expect(
      config.hasSuffix(
        "remotes:\n  one:\n    url: /srv/one\n  two:\n    url: file:///srv/two\n    default: true\n"
      ))

    #expect(try repo.mlx("remote", "default", "one").succeeded)
    #expect(try repo.mlx("remote", "modify", "two", "/srv/elsewhere").succeeded)
    let listed = try repo.mlx("remote", "list", "--json")
    #expect(listed.stdout.contains("\"url\" : \"/srv/elsewhere\""))
    let lines = try repo.mlx("remote", "list").stdout.split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines[0].hasPrefix("one ") && lines[0].hasSuffix("(default)"))
    #expect(lines[1].hasPrefix("two ") && lines[1].hasSuffix("/srv/elsewhere"))

    #expect(try repo.mlx("remote", "remove", "two").succeeded)
    #expect(try repo.mlx("remote", "remove", "one").succeeded)
    #expect(try repo.read(".mlx/config.yaml") == before)

    #expect(try repo.mlx("remote", "add", "--local", "mine", "/srv/mine").succeeded)
    #expect(try repo.read(".mlx/config.local.yaml").contains("mine:"))
    #expect(try repo.read(".mlx/config.yaml") == before)
  }

  @Test(arguments: [
    ("bad name", "/srv/x", "not a usable remote name"),
    ("true", "/srv/x", "not a usable remote name"),
    ("9lives", "/srv/x", "not a usable remote name"),
    ("ok", "relative/path", "not an absolute path"),
    ("ok", "s3://B/prefix", "names no valid bucket"),
    ("ok", "ftp://host/x", "scheme mlx does not know"),
  ])
  func badRemotesAreRefused(name: String, url: String, message: String) throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    let result = try repo.mlx("remote", "add", name, url)
    #expect(result.status != 0)
    #expect(result.errorLines.count == 1)
    #expect(result.stderr.contains(message), "\(result)")
  }

  @Test func pushThenPullIntoAFreshClone() throws {
    let (repo, remote) = try project()
    defer {
      repo.remove()
      remote.remove()
    }
    let before = try repo.mlx("status", "--remote")
    #expect(before.status == 1)
    #expect(before.stdout.contains("missing on shared: data/big.bin"))
    #expect(before.stdout.contains("0 of 3 tracked artifacts are on remote shared"))

    let pushed = try repo.mlx("push", "--json")
    #expect(pushed.succeeded, "\(pushed)")
    let totals = try #require(try pushed.json()["totals"] as? [String: Any])
    #expect((totals["objects"] as? Int ?? 0) > 5)
    let again = try repo.mlx("push", "--json")
    #expect((try again.json()["totals"] as? [String: Any])?["objects"] as? Int == 0)
    // One `mlx add` made one local pack, and the push was exactly that pack: it is linked
    // into the remote (same file system), not copied.
    let remotePacks = try FileManager.default.contentsOfDirectory(atPath: remote.path + "/packs")
      .filter { $0.hasSuffix(".pack") }
    #expect(remotePacks.count == 1)
    let links = try repo.run("stat", "-c", "%h", remote.path + "/packs/" + remotePacks[0])
    #expect(links.stdout == "2\n", "\(links)")
    let after = try repo.mlx("status", "--remote", "shared")
    #expect(after.succeeded, "\(after)")
    #expect(after.stdout.contains("3 of 3 tracked artifacts are on remote shared"))

    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    #expect(try clone.mlx("status", "--remote").succeeded)
    let pulled = try clone.mlx("pull")
    #expect(pulled.succeeded, "\(pulled)")
    for path in ["data/big.bin", "data/small.csv", "images/a.txt", "images/deeper/b.txt"] {
      #expect(try clone.sha256sum(path) == (try repo.sha256sum(path)))
    }
    #expect(try clone.mlx("verify").succeeded)
    let nothing = try clone.mlx("fetch", "--json")
    #expect((try nothing.json()["totals"] as? [String: Any])?["objects"] as? Int == 0)
  }

  /// A pack fetched for one file may hold a chunked file whose other chunks are in a pack
  /// this fetch did not need: that file stays out of the store until it can be checked.
  @Test func onlyCheckedFilesEnterTheStore() throws {
    let (repo, remote) = try project()
    defer {
      repo.remove()
      remote.remove()
    }
    #expect(try repo.mlx("push").succeeded)
    // Change the end of the large file and the small file; push both as a second pack.
    var big = pseudoRandomBytes(count: 3 << 20, seed: 41)
    big.append(pseudoRandomBytes(count: 1 << 20, seed: 43))
    try repo.write(big, to: "data/big.bin")
    try repo.write("id,label\n1,b\n", to: "data/small.csv")
    try repo.mlx("add", "data/big.bin", "data/small.csv")
    try repo.commitAll("second version")
    #expect(try repo.mlx("push").succeeded)

    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    #expect(try clone.mlx("pull", "data/small.csv").succeeded)
    #expect(try clone.read("data/small.csv") == "id,label\n1,b\n")
    // What is there is sound; the large file's recipe waits for its chunks.
    let partial = try clone.mlx("verify")
    #expect(partial.stdout.contains("0 corrupt, 2 missing"), "\(partial)")
    #expect(partial.stdout.contains("needed by data/big.bin.mlx"), "\(partial)")
    let status = try clone.mlx("status", "--json", "data/big.bin")
    #expect(status.stdout.contains("\"cached\" : false"), "\(status)")

    #expect(try clone.mlx("pull", "data/big.bin").succeeded)
    #expect(try clone.sha256sum("data/big.bin") == (try repo.sha256sum("data/big.bin")))
    #expect(try clone.mlx("verify").succeeded)
  }

  @Test func anOlderRevisionCanBePushedAndChecked() throws {
    let (repo, remote) = try project()
    defer {
      repo.remove()
      remote.remove()
    }
    try repo.write("id,label\n1,a\n2,b\n", to: "data/small.csv")
    try repo.mlx("add", "data/small.csv")
    try repo.commitAll("more rows")
    #expect(try repo.mlx("push", "--rev", "HEAD~1").succeeded)
    #expect(try repo.mlx("status", "--remote", "--rev", "HEAD~1").succeeded)
    let head = try repo.mlx("status", "--remote", "--rev", "HEAD")
    #expect(head.status == 1)
    #expect(head.stdout.contains("missing on shared: data/small.csv"))
  }

  @Test func everyTaggedOrCommittedVersionCanBePushedAndChecked() throws {
    let (repo, remote) = try project()
    defer {
      repo.remove()
      remote.remove()
    }
    try repo.git("tag", "v1")
    try repo.write("id,label\n1,a\n2,b\n", to: "data/small.csv")
    try repo.mlx("add", "data/small.csv")
    try repo.commitAll("v2")
    try repo.git("switch", "-q", "-c", "side")
    try repo.write("id,label\n3,c\n", to: "data/small.csv")
    try repo.mlx("add", "data/small.csv")
    try repo.commitAll("side")
    try repo.git("switch", "-q", "main")
    try repo.mlx("checkout", "--force")
    #expect(try repo.mlx("push").succeeded)

    let tags = try repo.mlx("status", "--remote", "--all-tags")
    #expect(tags.status == 1, "\(tags)")
    #expect(tags.stdout.contains("missing on shared: data/small.csv"), "\(tags)")
    #expect(try repo.mlx("push", "--all-tags").succeeded)
    #expect(try repo.mlx("status", "--remote", "--all-tags").succeeded)

    let all = try repo.mlx("status", "--remote", "--all-commits", "--json")
    #expect(all.status == 1, "\(all)")
    let missing = try #require(try all.json()["missing"] as? [[String: Any]])
    #expect(missing.count == 1, "\(missing)")
    #expect((missing.first?["path"] as? String)?.hasPrefix("data/small.csv@") == true)
    #expect(try repo.mlx("push", "--all-commits").succeeded)
    #expect(try repo.mlx("status", "--remote", "--all-commits").succeeded)

    let both = try repo.mlx("push", "--all-tags", "--rev", "HEAD")
    #expect(both.status != 0)
    #expect(both.stderr.contains("give one of --rev, --all-commits and --all-tags"))
    let untracked = try repo.mlx("status", "--remote", "--all-tags", "nothing.csv")
    #expect(untracked.status != 0)
    #expect(untracked.errorLines.count == 1, "\(untracked)")
  }

  @Test func runsAndTagsTravelWithGitAndCannotBeRewritten() throws {
    let (repo, remote) = try project()
    let origin = try TemporaryDirectory()
    defer {
      repo.remove()
      remote.remove()
      origin.remove()
    }
    try repo.run(ProcessRunner.which("git")!, "init", "-q", "--bare", "-b", "main", origin.path)
    try repo.git("remote", "add", "origin", origin.path)
    try repo.write(
      "stages:\n  s:\n    cmd: echo hi > out.txt\n    outs: [out.txt]\n", to: "mlx.yaml")
    try repo.commitAll("pipeline")
    #expect(try repo.mlx("run").succeeded)
    try repo.commitAll("ran")
    try repo.git("push", "-q", "origin", "main")
    let run = try #require(
      try repo.git("for-each-ref", "--format=%(refname)", "refs/mlx/runs").split(separator: "\n")
        .first)
    try repo.git("update-ref", "refs/mlx/runs/first", String(run))
    try repo.git("tag", "-a", "model@v1.0.0", "-m", "Registering")
    let pushed = try repo.mlx("push", "--git")
    #expect(pushed.succeeded, "\(pushed)")
    #expect(pushed.stdout.contains("Pushed runs (refs/mlx) and tags to origin"))

    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    try clone.git("remote", "set-url", "origin", origin.path)
    #expect(try clone.git("for-each-ref", "refs/mlx").isEmpty)
    let pulled = try clone.mlx("pull", "--git", "origin", "--json")
    #expect(pulled.succeeded, "\(pulled)")
    #expect(
      try clone.git("rev-parse", "refs/mlx/runs/first")
        == (try repo.git("rev-parse", "refs/mlx/runs/first")))
    #expect(try clone.sha256sum("data/big.bin") == (try repo.sha256sum("data/big.bin")))
    #expect(try clone.git("for-each-ref", "refs/mlx-incoming").isEmpty)

    // A hostile origin rewrites the run and the tag: the clone keeps its own.
    let blob = try repo.run(
      "/bin/sh", "-c", "echo forged | git -C '\(origin.path)' hash-object -w --stdin"
    ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.git("-C", origin.path, "update-ref", "refs/mlx/runs/first", blob)
    try repo.git("-C", origin.path, "update-ref", "refs/tags/model@v1.0.0", blob)
    let fetched = try clone.mlx("fetch", "--git")
    #expect(fetched.succeeded, "\(fetched)")
    #expect(fetched.stderr.contains("not taking refs/mlx/runs/first"), "\(fetched)")
    #expect(fetched.stderr.contains("not taking refs/tags/model@v1.0.0"), "\(fetched)")
    #expect(try clone.git("cat-file", "-t", "refs/mlx/runs/first") == "commit\n")
    #expect(try clone.git("cat-file", "-t", "model@v1.0.0") == "tag\n")

    // New names that are not what mlx writes there are refused too; `mlx runs` still works.
    try repo.git("-C", origin.path, "update-ref", "refs/mlx/runs/planted", blob)
    try repo.git("-C", origin.path, "update-ref", "refs/mlx/other/x", blob)
    try repo.git("-C", origin.path, "update-ref", "refs/mlx/runs/commit", "main")
    let planted = try clone.mlx("pull")
    #expect(planted.succeeded, "\(planted)")
    #expect(planted.stderr.contains("not taking refs/mlx/runs/planted"), "\(planted)")
    #expect(planted.stderr.contains("not taking refs/mlx/other/x"), "\(planted)")
    #expect(planted.stderr.contains("not taking refs/mlx/runs/commit"), "\(planted)")
    #expect(try clone.git("for-each-ref", "refs/mlx/runs/planted").isEmpty)
    #expect(try clone.mlx("runs").succeeded)
  }

  @Test func aDamagedRemotePackIsRefusedAndNothingEntersTheStore() throws {
    let (repo, remote) = try project()
    defer {
      repo.remove()
      remote.remove()
    }
    #expect(try repo.mlx("push").succeeded)
    let packs = try FileManager.default.contentsOfDirectory(atPath: remote.path + "/packs")
    let pack = try #require(packs.first { $0.hasSuffix(".pack") })
    let packPath = remote.path + "/packs/" + pack
    chmod(packPath, 0o644)
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: packPath))
    try handle.seek(toOffset: 1000)
    let byte = try #require(try handle.read(upToCount: 1)?.first)
    try handle.seek(toOffset: 1000)
    try handle.write(contentsOf: Data([byte ^ 0x01]))
    try handle.close()

    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    let pulled = try clone.mlx("pull")
    #expect(pulled.status == 1)
    #expect(pulled.errorLines.count == 1)
    #expect(pulled.stderr.contains("remote shared: packs/\(pack) is damaged"), "\(pulled)")
    #expect(!clone.exists("data/big.bin"))
    let stored =
      (try? FileManager.default.contentsOfDirectory(
        atPath: clone.directory(".mlx/cache/packs"))) ?? []
    #expect(stored.isEmpty, "\(stored)")
    let leftovers =
      (try? FileManager.default.contentsOfDirectory(
        atPath: clone.directory(".mlx/cache/tmp"))) ?? []
    #expect(leftovers.isEmpty, "\(leftovers)")
  }

  @Test func aPushWithoutItsMarkerCountsForNothingAndIsSentAgain() throws {
    let (repo, remote) = try project()
    defer {
      repo.remove()
      remote.remove()
    }
    #expect(try repo.mlx("push").succeeded)
    // As a push killed after its pack and index, before its marker.
    let packs = try FileManager.default.contentsOfDirectory(atPath: remote.path + "/packs")
    for name in packs where name.hasSuffix(".ready") {
      try FileManager.default.removeItem(atPath: remote.path + "/packs/" + name)
    }
    try repo.run("rm", "-rf", ".mlx/cache/remotes")
    #expect(try repo.mlx("status", "--remote").status == 1)
    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    let failed = try clone.mlx("pull")
    #expect(failed.status == 1)
    #expect(failed.stderr.contains("in neither the cache nor remote shared"), "\(failed)")

    #expect(try repo.mlx("push").succeeded)
    #expect(try repo.mlx("status", "--remote").succeeded)
    #expect(try clone.mlx("pull").succeeded)
    #expect(try clone.sha256sum("data/big.bin") == (try repo.sha256sum("data/big.bin")))
  }

  @Test func killedPushIsCompletedByRunningItAgain() throws {
    let (repo, remote) = try project()
    defer {
      repo.remove()
      remote.remove()
    }
    try repo.write(pseudoRandomBytes(count: 40 << 20, seed: 42), to: "model.bin")
    try repo.mlx("add", "model.bin")
    try repo.commitAll("model")
    for delay in [2_000, 30_000, 120_000] {
      let process = try repo.launchMLX("push")
      usleep(useconds_t(delay))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
    #expect(try repo.mlx("push").succeeded)
    #expect(try repo.mlx("status", "--remote").succeeded)
    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    #expect(try clone.mlx("pull").succeeded)
    #expect(try clone.sha256sum("model.bin") == (try repo.sha256sum("model.bin")))
    let leftovers = try FileManager.default.contentsOfDirectory(
      atPath: repo.directory(".mlx/cache/tmp")
    )
    .filter { !$0.isEmpty }
    // Temporary files of killed pushes go at the next open of the store.
    #expect(leftovers.isEmpty, "\(leftovers)")
  }

  @Test func unusableRemotesAreClearErrors() throws {
    let (repo, remote) = try project()
    defer { repo.remove() }
    remote.remove()
    let gone = try repo.mlx("push")
    #expect(gone.status == 1)
    #expect(gone.errorLines.count == 1)
    #expect(gone.stderr.contains("does not exist; create the directory first"), "\(gone)")
    let unknown = try repo.mlx("push", "-r", "nowhere")
    #expect(unknown.stderr.contains("no remote named 'nowhere' (known: shared)"))
    try repo.mlx("remote", "remove", "shared")
    let none = try repo.mlx("fetch")
    #expect(none.stderr.contains("no default remote"), "\(none)")
  }

  @Test func pushRefusesContentNoOneHas() throws {
    let (repo, remote) = try project()
    defer {
      repo.remove()
      remote.remove()
    }
    try repo.run("rm", "-rf", ".mlx/cache")
    let result = try repo.mlx("push")
    #expect(result.status == 1)
    #expect(result.stderr.contains("in neither the cache nor remote shared"), "\(result)")
    let listing = (try? FileManager.default.contentsOfDirectory(atPath: remote.path)) ?? []
    #expect(!listing.contains("packs"), "\(listing)")
  }
}

/// A hostile or damaged remote: mlx reads no special file, no more than a marker states, and
/// counts no pack whose files are not all there.
@Suite struct HostileRemoteTests {
  private func pushed() throws -> (repo: TestRepository, remote: TemporaryDirectory, pack: String) {
    let repo = try TestRepository()
    let remote = try TemporaryDirectory()
    try repo.mlx("init")
    try repo.write(pseudoRandomBytes(count: 2 << 20, seed: 51), to: "big.bin")
    try repo.mlx("add", "big.bin")
    try repo.mlx("remote", "add", "--default", "shared", remote.path)
    try repo.commitAll("track")
    #expect(try repo.mlx("push").succeeded)
    let names = try FileManager.default.contentsOfDirectory(atPath: remote.path + "/packs")
    let pack = try #require(names.first { $0.hasSuffix(".pack") }).dropLast(5)
    return (repo, remote, remote.path + "/packs/" + pack)
  }

  @Test func aPackThatIsADeviceIsNotReadWithoutEnd() throws {
    let (repo, remote, pack) = try pushed()
    defer {
      repo.remove()
      remote.remove()
    }
    try FileManager.default.removeItem(atPath: pack + ".pack")
    try FileManager.default.createSymbolicLink(
      atPath: pack + ".pack", withDestinationPath: "/dev/zero")
    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    // Not a regular file: the pack does not count, so the content is missing.
    let status = try clone.mlx("status", "--remote")
    #expect(status.status == 1)
    let pulled = try clone.mlx("pull")
    #expect(pulled.status == 1)
    #expect(pulled.errorLines.count == 1, "\(pulled)")
    let leftovers =
      (try? FileManager.default.contentsOfDirectory(
        atPath: clone.directory(".mlx/cache/tmp"))) ?? []
    #expect(leftovers.isEmpty, "\(leftovers)")
  }

  @Test func anIndexThatIsAFIFODoesNotHang() throws {
    let (repo, remote, pack) = try pushed()
    defer {
      repo.remove()
      remote.remove()
    }
    try FileManager.default.removeItem(atPath: pack + ".idx")
    #expect(mkfifo(pack + ".idx", 0o644) == 0)
    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    let status = try clone.mlx("status", "--remote")
    #expect(status.status == 1, "\(status)")
    #expect(status.stdout.contains("missing on shared: big.bin"))
  }

  @Test func aMarkerWithoutItsPackOrIndexDoesNotCount() throws {
    let (repo, remote, pack) = try pushed()
    defer {
      repo.remove()
      remote.remove()
    }
    try FileManager.default.moveItem(atPath: pack + ".pack", toPath: remote.path + "/aside")
    #expect(try repo.mlx("status", "--remote").status == 1)
    try FileManager.default.moveItem(atPath: remote.path + "/aside", toPath: pack + ".pack")
    #expect(try repo.mlx("status", "--remote").succeeded)
    try FileManager.default.removeItem(atPath: pack + ".idx")
    try repo.run("rm", "-rf", ".mlx/cache/remotes")
    let result = try repo.mlx("status", "--remote")
    #expect(result.status == 1)
    #expect(result.stderr.isEmpty, "\(result)")
    // Pushing again makes a complete pack.
    #expect(try repo.mlx("push").succeeded)
    #expect(try repo.mlx("status", "--remote").succeeded)
  }

  @Test func remotesInsideTheRepositoryAreRefusedAndLinksAreFollowed() throws {
    let (repo, remote, _) = try pushed()
    defer {
      repo.remove()
      remote.remove()
    }
    for inside in [".mlx/cache", ".git", "."] {
      try repo.mlx("remote", "add", "inside", repo.directory(inside))
      let result = try repo.mlx("push", "-r", "inside")
      #expect(result.status == 1)
      #expect(result.stderr.contains("is inside this repository"), "\(result)")
      try repo.mlx("remote", "remove", "inside")
    }
    let link = try TemporaryDirectory()
    defer { link.remove() }
    try FileManager.default.createSymbolicLink(
      atPath: link.path + "/share", withDestinationPath: remote.path)
    try repo.mlx("remote", "add", "linked", link.path + "/share")
    let status = try repo.mlx("status", "--remote", "linked")
    #expect(status.succeeded, "\(status)")
  }

  /// A hostile commit's pointers under `.mlx` or `.MLX` name no artifact: nothing is read,
  /// reported or fetched on their word.
  @Test func pointersInsideMetadataFoldersAreNoArtifacts() throws {
    let (repo, remote, _) = try pushed()
    defer {
      repo.remove()
      remote.remove()
    }
    let pointer = try repo.read("big.bin.mlx")
    try repo.write(pointer.replacingOccurrences(of: "big.bin", with: "evil"), to: ".mlx/evil.mlx")
    try repo.write(
      pointer.replacingOccurrences(of: "big.bin", with: "evil"), to: "deep/.MLX/evil.mlx")
    try repo.git("add", "-f", ".mlx/evil.mlx", "deep/.MLX/evil.mlx")
    try repo.commitAll("hostile pointers")
    let status = try repo.mlx("status", "--remote", "--rev", "HEAD", "--json")
    #expect(status.succeeded, "\(status)")
    #expect(try status.json()["artifacts"] as? Int == 1)
    let diff = try repo.mlx("diff", "HEAD~1", "HEAD")
    #expect(!diff.stdout.contains("evil"), "\(diff)")
  }

  @Test func pathsNamedWithRevMustBeTrackedThere() throws {
    let (repo, remote, _) = try pushed()
    defer {
      repo.remove()
      remote.remove()
    }
    for command in [["status", "--remote"], ["push"], ["fetch"]] {
      let result = try repo.mlx(command + ["--rev", "HEAD", "nosuch"])
      #expect(result.status == 1)
      #expect(result.stderr.contains("nosuch is not tracked by mlx at HEAD"), "\(result)")
    }
  }
}

@Suite struct ConcurrentFetchTests {
  /// Two fetches in one clone: the second waits for the first and then has nothing to bring,
  /// so the store holds the content once.
  @Test func twoFetchesAtOnceStoreTheContentOnce() throws {
    let repo = try TestRepository()
    let remote = try TemporaryDirectory()
    defer {
      repo.remove()
      remote.remove()
    }
    try repo.mlx("init")
    try repo.write(pseudoRandomBytes(count: 8 << 20, seed: 61), to: "big.bin")
    try repo.mlx("add", "big.bin")
    try repo.mlx("remote", "add", "--default", "shared", remote.path)
    try repo.commitAll("track")
    #expect(try repo.mlx("push").succeeded)

    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    let processes = try (0..<2).map { _ in try clone.launchMLX("fetch") }
    for process in processes { process.waitUntilExit() }
    #expect(processes.allSatisfy { $0.terminationStatus == 0 })
    let packs = try FileManager.default.contentsOfDirectory(
      atPath: clone.directory(".mlx/cache/packs")
    ).filter { $0.hasSuffix(".pack") }
    #expect(packs.count == 1, "\(packs)")
    #expect(try clone.mlx("checkout").succeeded)
    #expect(try clone.sha256sum("big.bin") == (try repo.sha256sum("big.bin")))
  }
}

import Foundation
import MLXTestSupport
import Testing

/// A repository with `mlx init` done.
private func initialized() throws -> TestRepository {
  let repo = try TestRepository()
  try repo.mlx("init")
  return repo
}

/// Makes every pack in the store look written days ago, older than the default grace period.
private func ageThePacks(_ repo: TestRepository) throws {
  let aged = try repo.run("sh", "-c", "touch -d '3 days ago' .mlx/cache/packs/*")
  #expect(aged.succeeded, "\(aged)")
}

/// The pack and index files of the store, sorted.
private func packFiles(_ repo: TestRepository) throws -> [String] {
  try FileManager.default.contentsOfDirectory(atPath: repo.directory(".mlx/cache/packs")).sorted()
}

/// The digest a pointer file records.
private func digest(_ repo: TestRepository, _ pointer: String) throws -> String {
  let line = try repo.read(pointer).split(separator: "\n").first { $0.hasPrefix("digest: ") }
  return String(try #require(line).dropFirst("digest: ".count))
}

/// The objects a `mlx gc … --json` run reports removed.
private func removed(_ repo: TestRepository, _ arguments: String...) throws -> Int? {
  let result = try repo.mlx(arguments)
  #expect(result.succeeded, "\(result)")
  return (try result.json()["removed"] as? [String: Any])?["objects"] as? Int
}

/// `mlx gc --explain TARGET --json`.
private func explain(_ repo: TestRepository, _ target: String, grace: String = "0")
  throws -> [String: Any]
{
  let result = try repo.mlx("gc", "--explain", target, "--grace", grace, "--json")
  #expect(result.succeeded, "\(result)")
  return try result.json()
}

@Suite struct GCCommandTests {
  @Test func dryRunCountsWhatGoesAndWhatStaysAndDeletesNothing() throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write("one\n", to: "a.txt")
    try repo.mlx("add", "a.txt")
    try repo.commitAll("one")
    try repo.write("two\n", to: "a.txt")
    try repo.mlx("add", "a.txt")  // never committed: replaced by three
    try repo.write("three\n", to: "a.txt")
    try repo.mlx("add", "a.txt")
    let before = try packFiles(repo)

    let text = try repo.mlx("gc", "--dry-run", "--grace", "0")
    #expect(text.succeeded, "\(text)")
    #expect(text.stdout.contains("Would remove 1 object (60 B): 1 pack deleted, 0 repacked"))
    #expect(text.stdout.contains("Would keep 2 objects (122 B) in 2 packs"), "\(text)")
    let report = try repo.mlx("gc", "--dry-run", "--grace", "0", "--json").json()
    #expect((report["removed"] as? [String: Any])?["objects"] as? Int == 1)
    #expect((report["kept"] as? [String: Any])?["objects"] as? Int == 2)
    #expect((report["packs"] as? [String: Any])?["deleted"] as? Int == 1)
    #expect(report["dry_run"] as? Bool == true)
    #expect(try packFiles(repo) == before)
    let two = try repo.run("sh", "-c", "printf 'two\\n' | sha256sum").stdout.prefix(64)
    let answer = try repo.mlx("gc", "--explain", String(two), "--grace", "0")
    #expect(answer.stdout.contains("is not kept: gc would remove it"), "\(answer)")
    #expect(try explain(repo, String(two))["verdict"] as? String == "garbage")

    // Within the default grace period the same garbage stays.
    let young = try repo.mlx("gc", "--dry-run", "--json").json()
    #expect((young["removed"] as? [String: Any])?["objects"] as? Int == 0)
    #expect((young["young"] as? [String: Any])?["objects"] as? Int == 1)
  }

  @Test func keepsWhatEveryRootNeedsAndRemovesTheRest() throws {
    let repo = try initialized()
    defer { repo.remove() }
    // History: content only an old commit of main needs, and a branch only a tag keeps.
    try repo.write(pseudoRandomBytes(count: 3 << 20, seed: 7), to: "data/big.bin")
    try repo.write("v1\n", to: "data/small.csv")
    try repo.write("x", to: "images/a.txt")
    try repo.mlx("add", "data/big.bin", "data/small.csv", "images")
    try repo.commitAll("v1")
    let first = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    let oldSmall = try repo.sha256sum("data/small.csv")
    try repo.write("v2\n", to: "data/small.csv")
    try repo.mlx("add", "data/small.csv")
    try repo.commitAll("v2")
    try repo.git("checkout", "-q", "-b", "experiment")
    try repo.write("tagged\n", to: "tagged.txt")
    try repo.mlx("add", "tagged.txt")
    let tagged = try repo.sha256sum("tagged.txt")
    try repo.commitAll("tagged")
    try repo.git("tag", "-a", "model@v1.0.0", "-m", "a registry tag")
    try repo.git("checkout", "-q", "main")
    try repo.git("branch", "-D", "experiment")
    // The index stages one version of staged.txt.mlx, the work tree holds another.
    try repo.write("staged one\n", to: "staged.txt")
    try repo.mlx("add", "staged.txt")
    let stagedOne = try repo.sha256sum("staged.txt")
    let stagedPointer = try repo.read("staged.txt.mlx")
    try repo.write("staged two\n", to: "staged.txt")
    try repo.mlx("add", "staged.txt")
    let workTreePointer = try repo.read("staged.txt.mlx")
    try repo.write(stagedPointer, to: "staged.txt.mlx")
    try repo.git("add", "staged.txt.mlx")
    try repo.write(workTreePointer, to: "staged.txt.mlx")
    // A pointer in the work tree only, never staged.
    try repo.write("local\n", to: "local.txt")
    try repo.mlx("add", "local.txt")
    try repo.git("rm", "-q", "--cached", "local.txt.mlx")
    // Garbage: added, never committed, then replaced.
    try repo.write("garbage\n", to: "g.txt")
    try repo.mlx("add", "g.txt")
    let garbage = try repo.sha256sum("g.txt")
    try repo.write("replacement\n", to: "g.txt")
    try repo.mlx("add", "g.txt")

    let result = try repo.mlx("gc", "--grace", "0", "--json")
    #expect(result.succeeded, "\(result)")
    let report = try result.json()
    #expect((report["removed"] as? [String: Any])?["objects"] as? Int == 1, "\(report)")
    #expect(try repo.mlx("verify").succeeded)

    #expect(try explain(repo, garbage)["verdict"] as? String == "absent")
    let old = try explain(repo, oldSmall)
    #expect(old["verdict"] as? String == "kept")
    let oldReason = try #require(old["kept_by"] as? [String: Any])
    #expect(oldReason["reference"] as? String == "refs/heads/main")
    #expect(oldReason["path"] as? String == "data/small.csv.mlx")
    #expect(oldReason["commit"] as? String == first)
    let text = try repo.mlx("gc", "--explain", oldSmall)
    #expect(
      text.stdout
        == "\(oldSmall) is kept by refs/heads/main (commit \(first.prefix(7)), "
        + "data/small.csv.mlx)\n", "\(text)")
    let byTag = try explain(repo, String(tagged.dropFirst(7).prefix(10)))
    #expect(
      (byTag["kept_by"] as? [String: Any])?["reference"] as? String == "refs/tags/model@v1.0.0")
    let byIndex = try #require(try explain(repo, stagedOne)["kept_by"] as? [String: Any])
    #expect(byIndex["kind"] as? String == "index")
    #expect(byIndex["path"] as? String == "staged.txt.mlx")
    let local = try explain(repo, "local.txt")
    #expect((local["kept_by"] as? [String: Any])?["kind"] as? String == "work_tree")
    #expect(local["path"] as? String == "local.txt")
    let file = try explain(repo, "images/a.txt")
    #expect(file["verdict"] as? String == "kept")
    #expect(file["part_of"] as? String == (try digest(repo, "images.mlx")))

    // An old commit checks out from what gc kept.
    try repo.run("rm", "-rf", "data")
    try repo.git("checkout", "-q", "--force", first)
    let checkout = try repo.mlx("checkout", "--force")
    #expect(checkout.succeeded, "\(checkout)")
    #expect(try repo.read("data/small.csv") == "v1\n")
    #expect(try repo.sha256sum("data/big.bin") == (try digest(repo, "data/big.bin.mlx")))
  }

  @Test func runRecordsKeepTheirOutputs() throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write(
      """
      stages:
        train:
          cmd: mkdir -p models && echo trained > models/model.bin
          outs: [models/model.bin]
      """, to: "mlx.yaml")
    try repo.commitAll("pipeline")
    let run = try repo.mlx("run")
    #expect(run.succeeded, "\(run)")
    let model = try repo.sha256sum("models/model.bin")
    // The output's pointer is never committed: only the run record names the model.
    try repo.mlx("rm", "models/model.bin")
    try repo.git("reset", "-q", "--hard")
    try repo.run("rm", "-rf", "models", "mlx.lock")

    let result = try repo.mlx("gc", "--grace", "0", "--json")
    #expect(result.succeeded, "\(result)")
    let reason = try #require(try explain(repo, model)["kept_by"] as? [String: Any])
    #expect(reason["kind"] as? String == "run")
    #expect((reason["reference"] as? String)?.hasPrefix("refs/mlx/runs/") == true)
    #expect(reason["path"] as? String == "models/model.bin")
    let text = try repo.mlx("gc", "--explain", model).stdout
    #expect(text.contains("is kept by refs/mlx/runs/"), "\(text)")
    #expect(text.contains("(run record, models/model.bin)"), "\(text)")
  }

  @Test func theGracePeriodKeepsYoungObjectsAndWhatTheyReuse() throws {
    let repo = try initialized()
    defer { repo.remove() }
    let original = pseudoRandomBytes(count: 6 << 20, seed: 11)
    try repo.write(original, to: "big.bin")
    try repo.mlx("add", "big.bin")
    try repo.mlx("rm", "big.bin")
    try ageThePacks(repo)
    // A new version reuses the old chunks: its recipe is young, the chunks it needs are not,
    // and no pointer names it (as while an add in another clone is under way).
    var edited = original
    edited.append(pseudoRandomBytes(count: 1 << 20, seed: 12))
    try repo.write(edited, to: "big.bin")
    try repo.mlx("add", "big.bin")
    let young = try repo.sha256sum("big.bin")
    try repo.mlx("rm", "big.bin")

    let result = try repo.mlx("gc", "--json")
    #expect(result.succeeded, "\(result)")
    let report = try result.json()
    #expect((report["packs"] as? [String: Any])?["repacked"] as? Int == 1, "\(report)")
    #expect(((report["removed"] as? [String: Any])?["objects"] as? Int ?? 0) >= 1, "\(report)")
    #expect(try repo.mlx("verify").succeeded)
    let answer = try explain(repo, young, grace: "24h")
    #expect(answer["verdict"] as? String == "young")
    let text = try repo.mlx("gc", "--explain", young).stdout
    #expect(text.contains("is not kept, but its pack is younger than 24h"), "\(text)")

    // Past the grace period it goes too, chunks and all.
    let later = try repo.mlx("gc", "--grace", "0", "--json").json()
    #expect((later["kept"] as? [String: Any])?["objects"] as? Int == 0, "\(later)")
    #expect(try packFiles(repo).isEmpty)
    #expect(try explain(repo, young)["verdict"] as? String == "absent")
  }

  @Test func repackingKeepsVerifyGreenAndOldCommitsCheckingOut() throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write(pseudoRandomBytes(count: 5 << 20, seed: 21), to: "keep.bin")
    try repo.write(pseudoRandomBytes(count: 4 << 20, seed: 22), to: "drop.bin")
    try repo.write("small kept\n", to: "small.txt")
    try repo.mlx("add", "keep.bin", "drop.bin", "small.txt")
    try repo.mlx("rm", "drop.bin")
    try repo.commitAll("keep")
    let kept = try repo.sha256sum("keep.bin")
    try repo.write("newer\n", to: "small.txt")
    try repo.mlx("add", "small.txt")
    try repo.commitAll("newer")
    try ageThePacks(repo)
    let before = try packFiles(repo)

    let result = try repo.mlx("gc")
    #expect(result.succeeded, "\(result)")
    #expect(result.stdout.contains(": 0 packs deleted, 1 repacked into 1 new pack"), "\(result)")
    let after = try packFiles(repo)
    #expect(after.count == before.count)
    #expect(after != before)
    #expect(try repo.mlx("verify").succeeded)
    #expect(try removed(repo, "gc", "--json") == 0)

    try repo.run("rm", "keep.bin", "small.txt")
    try repo.git("checkout", "-q", "HEAD~1")
    let checkout = try repo.mlx("checkout")
    #expect(checkout.succeeded, "\(checkout)")
    #expect(try repo.sha256sum("keep.bin") == kept)
    #expect(try repo.read("small.txt") == "small kept\n")
  }

  @Test(arguments: [0, 50_000, 200_000])
  func gcRacingAnAddLosesNothing(afterMicroseconds delay: Int) throws {
    let repo = try initialized()
    defer { repo.remove() }
    // Garbage that shares chunks with the file being added: the add finds them stored.
    let content = pseudoRandomBytes(count: 12 << 20, seed: 31)
    try repo.write(content, to: "data.bin")
    try repo.mlx("add", "data.bin")
    try repo.mlx("rm", "data.bin")
    try repo.write("old\n", to: "other.txt")
    try repo.mlx("add", "other.txt")
    try repo.mlx("rm", "other.txt")
    try ageThePacks(repo)
    var edited = content
    edited.append(pseudoRandomBytes(count: 2 << 20, seed: 32))
    try repo.write(edited, to: "data.bin")

    let add = try repo.launchMLX("add", "data.bin")
    usleep(useconds_t(delay))
    let gc = try repo.launchMLX("gc", "--grace", "0")
    add.waitUntilExit()
    gc.waitUntilExit()
    #expect(add.terminationStatus == 0)
    #expect(gc.terminationStatus == 0)

    #expect(try digest(repo, "data.bin.mlx") == (try repo.sha256sum("data.bin")))
    let verify = try repo.mlx("verify")
    #expect(verify.succeeded, "\(verify)")
    try repo.run("rm", "data.bin")
    #expect(try repo.mlx("checkout").succeeded)
    #expect(try repo.sha256sum("data.bin") == (try digest(repo, "data.bin.mlx")))
    // And a gc after both finds only the old garbage, if the racing one left it.
    #expect(try repo.mlx("gc", "--grace", "0").succeeded)
    #expect(try repo.mlx("verify").succeeded)
  }

  /// SIGKILL at 25 ms steps through a gc that repacks 48 MiB, from the same store each time:
  /// every kill leaves a store `mlx verify` passes and the kept file checking out.
  @Test func killedGCLeavesAStoreThatVerifies() throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write(pseudoRandomBytes(count: 48 << 20, seed: 41), to: "keep.bin")
    try repo.write(pseudoRandomBytes(count: 8 << 20, seed: 42), to: "drop.bin")
    try repo.write("a", to: "dir/a.txt")
    try repo.mlx("add", "keep.bin", "drop.bin", "dir")
    try repo.mlx("rm", "drop.bin")
    try repo.commitAll("keep")
    let kept = try repo.sha256sum("keep.bin")
    try repo.run("cp", "-a", ".mlx/cache", ".mlx/pristine")

    var interrupted = 0
    var finished = 0
    for delay in stride(from: 0, through: 1_000_000, by: 25_000) where finished < 3 {
      try repo.run("rm", "-rf", ".mlx/cache")
      try repo.run("cp", "-a", ".mlx/pristine", ".mlx/cache")
      let gc = try repo.launchMLX("gc", "--grace", "0")
      usleep(useconds_t(delay))
      kill(gc.processIdentifier, SIGKILL)
      gc.waitUntilExit()
      if gc.terminationReason == .uncaughtSignal { interrupted += 1 } else { finished += 1 }

      let verify = try repo.mlx("verify")
      #expect(verify.succeeded, "after a kill at \(delay) µs: \(verify)")
      try repo.run("rm", "-rf", "keep.bin", "dir")
      #expect(try repo.mlx("checkout").succeeded, "after a kill at \(delay) µs")
      #expect(try repo.sha256sum("keep.bin") == kept)
    }
    #expect(interrupted >= 3, "no kill landed before gc finished")
    // Running gc again completes the work.
    #expect(try removed(repo, "gc", "--grace", "0", "--json") ?? 0 >= 0)
    #expect(try repo.mlx("verify").succeeded)
    #expect(try removed(repo, "gc", "--grace", "0", "--dry-run", "--json") == 0)
  }

  @Test(arguments: [
    (["gc", "--grace", "5"], "is not a duration"),
    (["gc", "--grace", "1y"], "is not a duration"),
    (["gc", "--remote"], "gc on a remote needs its name"),
    (["gc", "--explain", "x", "--remote", "r"], "leave out --remote"),
  ])
  func badArgumentsAreUsageErrors(arguments: [String], message: String) throws {
    let repo = try initialized()
    defer { repo.remove() }
    let result = try repo.mlx(arguments)
    #expect(result.status == 64, "\(result)")
    #expect(result.errorLines.first?.contains(message) == true, "\(result)")
  }

  @Test(arguments: [
    (["gc", "--remote", "nowhere"], "no remote named 'nowhere'"),
    (["gc", "--explain", "sha256:abcdef12"], "no object in the store starts with"),
    (["gc", "--explain", "not/tracked.csv"], "not/tracked.csv is not tracked"),
  ])
  func badInputGetsAOneLineError(arguments: [String], message: String) throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write("a\n", to: "a.txt")
    try repo.mlx("add", "a.txt")
    let result = try repo.mlx(arguments)
    #expect(result.status == 1, "\(result)")
    #expect(result.errorLines.count == 1, "\(result)")
    #expect(result.stderr.contains(message), "\(result)")
  }

  @Test func aStoreSharedWithOtherClonesNeedsThemNamed() throws {
    let repo = try initialized()
    let cache = try TemporaryDirectory()
    defer {
      repo.remove()
      cache.remove()
    }
    let shared = ["MLX_CACHE_DIR": cache.path]
    try repo.write("mine\n", to: "mine.txt")
    try repo.mlx(["add", "mine.txt"], environment: shared)
    try repo.commitAll("mine")
    let other = try TestRepository(cloning: repo)
    defer { other.remove() }
    try other.write("theirs\n", to: "theirs.txt")
    try other.mlx(["add", "theirs.txt"], environment: shared)
    let theirs = try other.sha256sum("theirs.txt")

    let refused = try repo.mlx(["gc", "--grace", "0"], environment: shared)
    #expect(refused.status == 1, "\(refused)")
    #expect(refused.errorLines.count == 1)
    #expect(refused.stderr.contains("--project"), "\(refused)")

    let both = try repo.mlx(
      ["gc", "--grace", "0", "--project", other.path, "--json"], environment: shared)
    #expect(both.succeeded, "\(both)")
    #expect((try both.json()["removed"] as? [String: Any])?["objects"] as? Int == 0)
    let answer = try repo.mlx(
      ["gc", "--explain", theirs, "--project", other.path, "--json"], environment: shared)
    #expect((try answer.json()["kept_by"] as? [String: Any])?["kind"] as? String == "work_tree")
    // Naming only this clone says no other uses the store: theirs goes.
    let alone = try repo.mlx(
      ["gc", "--grace", "0", "--project", ".", "--json"], environment: shared)
    #expect((try alone.json()["removed"] as? [String: Any])?["objects"] as? Int == 1, "\(alone)")
  }

  @Test func aShallowCloneIsRefused() throws {
    let repo = try initialized()
    defer { repo.remove() }
    try repo.write("one\n", to: "a.txt")
    try repo.mlx("add", "a.txt")
    try repo.commitAll("one")
    try repo.write("two\n", to: "a.txt")
    try repo.mlx("add", "a.txt")
    try repo.commitAll("two")
    let shallow = try TemporaryDirectory()
    defer { shallow.remove() }
    try repo.git("clone", "-q", "--depth", "1", "file://" + repo.path, shallow.path + "/clone")
    let result = try ProcessRunner.run(
      TestRepository.mlxExecutable, ["gc", "--dry-run"], in: shallow.path + "/clone")
    #expect(result.status == 1, "\(result)")
    #expect(result.stderr.contains("this clone is shallow"), "\(result)")
  }
}

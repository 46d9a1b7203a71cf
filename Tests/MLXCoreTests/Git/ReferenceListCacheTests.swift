import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

/// The cached listing of references must change whenever Git's files do.
@Suite struct ReferenceListCacheTests {
  /// Lists tags as `mlx` does, treating every file as old enough to cache.
  private func list(_ repository: Repository) throws -> [String: String] {
    let listed = try ReferenceListCache.references(
      in: repository, namespace: "refs/tags/", cacheName: "test-refs-cache",
      now: Int(Date().timeIntervalSince1970) + 3600)
    return Dictionary(uniqueKeysWithValues: listed.map { ($0.name, $0.target.hex) })
  }

  /// A repository whose HEAD is one commit, ready to tag.
  private func repositoryWithOneCommit() throws -> TestRepository {
    let fixture = try TestRepository()
    try fixture.write("a", to: "a.txt")
    try fixture.git("add", ".")
    try fixture.git("commit", "-qm", "one")
    return fixture
  }

  private func gitListing(_ fixture: TestRepository) throws -> [String: String] {
    let lines = try fixture.git("for-each-ref", "--format=%(refname) %(objectname)", "refs/tags")
    return Dictionary(
      uniqueKeysWithValues: lines.split(separator: "\n").map {
        let parts = $0.split(separator: " ")
        return (String(parts[0]), String(parts[1]))
      })
  }

  @Test func followsEveryChangeGitMakes() throws {
    let fixture = try repositoryWithOneCommit()
    defer { fixture.remove() }
    for name in ["v1", "team/v2", "v3"] { try fixture.git("tag", "-a", "-m", name, name) }
    let repository = try Repository.discover(from: fixture.path)
    #expect(try list(repository) == (try gitListing(fixture)))
    #expect(FileManager.default.fileExists(atPath: fixture.directory(".git/mlx/test-refs-cache")))
    // A hit: the same listing, read from the cache.
    #expect(try list(repository) == (try gitListing(fixture)))

    try fixture.git("tag", "-d", "v3")
    #expect(try list(repository) == (try gitListing(fixture)))
    try fixture.git("tag", "-a", "-m", "nested", "team/v4")
    #expect(try list(repository) == (try gitListing(fixture)))
    try fixture.git("pack-refs", "--all")
    #expect(try list(repository) == (try gitListing(fixture)))
    try fixture.git("tag", "-f", "-a", "-m", "moved", "v1")
    #expect(try list(repository) == (try gitListing(fixture)))

    // Edited in place, same inode and size: only the times tell.
    try fixture.git("tag", "-a", "-m", "loose", "v5")
    #expect(try list(repository) == (try gitListing(fixture)))
    let other = try #require(try gitListing(fixture)["refs/tags/team/v2"])
    let handle = try #require(FileHandle(forWritingAtPath: fixture.directory(".git/refs/tags/v5")))
    try handle.write(contentsOf: Data((other + "\n").utf8))
    try handle.close()
    #expect(try list(repository)["refs/tags/v5"] == other)
  }

  @Test func aLooseReferenceRemovedUncoversThePackedOne() throws {
    let fixture = try repositoryWithOneCommit()
    defer { fixture.remove() }
    try fixture.git("tag", "-a", "-m", "first", "v1")
    try fixture.git("pack-refs", "--all")
    try fixture.git("tag", "-f", "-a", "-m", "second", "v1")
    let repository = try Repository.discover(from: fixture.path)
    #expect(try list(repository) == (try gitListing(fixture)))
    try FileManager.default.removeItem(atPath: fixture.directory(".git/refs/tags/v1"))
    #expect(try list(repository) == (try gitListing(fixture)))
  }

  /// Only files whose stat changed are read again: an old file's target comes from the cache,
  /// and a file younger than two seconds is never vouched for by its stat.
  @Test func onlyChangedOrYoungFilesAreReadAgain() throws {
    let fixture = try repositoryWithOneCommit()
    defer { fixture.remove() }
    try fixture.git("tag", "-a", "-m", "old", "old")
    let repository = try Repository.discover(from: fixture.path)
    let cachePath = fixture.directory(".git/mlx/test-refs-cache")
    _ = try list(repository)

    // Plant a different target for the unchanged file: a read that trusts the stat returns it.
    var state = try #require(
      ReferenceListCache.decode(Array(try Data(contentsOf: URL(fileURLWithPath: cachePath)))))
    let planted = try #require(GitOID(hex: String(repeating: "ab", count: 20)))
    state.loose["refs/tags/old"]?.target = planted
    try Data(ReferenceListCache.encode(state)).write(to: URL(fileURLWithPath: cachePath))
    try fixture.git("tag", "-a", "-m", "new", "new")
    let listed = try list(repository)
    #expect(listed["refs/tags/old"] == planted.hex)
    #expect(listed["refs/tags/new"] == (try gitListing(fixture))["refs/tags/new"])

    // Read at the real time, the new file is too young to trust and stays marked so.
    let now = Int(Date().timeIntervalSince1970)
    _ = try ReferenceListCache.references(
      in: repository, namespace: "refs/tags/", cacheName: "young", now: now)
    let young = try #require(
      ReferenceListCache.decode(
        Array(try Data(contentsOf: URL(fileURLWithPath: fixture.directory(".git/mlx/young"))))))
    #expect(young.loose["refs/tags/new"]?.trusted == false)
    #expect(young.loose["refs/tags/new"]?.target != nil)
  }

  @Test func aDamagedCacheIsIgnored() throws {
    let fixture = try repositoryWithOneCommit()
    defer { fixture.remove() }
    try fixture.git("tag", "-a", "-m", "v1", "v1")
    let repository = try Repository.discover(from: fixture.path)
    _ = try list(repository)
    try fixture.write("MLXREF02garbage", to: ".git/mlx/test-refs-cache")
    #expect(try list(repository) == (try gitListing(fixture)))
  }
}

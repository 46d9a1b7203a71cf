import Foundation

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

extension Workspace {
  /// Runs `body` on a temporary clone of the Git repository at `url` (`mlx get --repo`),
  /// then deletes the clone. Its store is a fresh one inside the clone whatever the cloned
  /// configuration says, so a repository's committed `cache.dir` cannot direct writes
  /// elsewhere; paths the user gives are relative to the current directory.
  public static func withTemporaryClone<T>(of url: String, _ body: (Workspace) throws -> T)
    throws -> T
  {
    let base = Environment.value("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    var template = Array((base + "/mlx-get-XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw SystemError.last("create a temporary directory", path: base)
    }
    let directory = String(cString: made)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let repository = try Repository.clone(url, to: directory + "/repository")
    guard try FileStatus.of(repository.workTree + "/.mlx/config.yaml") != nil else {
      throw WorkspaceError.notInitialized(root: url)
    }
    var configuration = try loadConfiguration(root: repository.workTree)
    configuration.cacheDirectory = directory + "/cache"
    configuration.cacheDirectoryIsCommitted = false
    let workspace = Workspace(
      repository: repository, configuration: configuration,
      currentDirectory: try FileSystem.currentDirectory())
    return try body(workspace)
  }
}

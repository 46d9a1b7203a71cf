/// Runs and tags between this repository and a Git remote (`--git`).
extension Workspace {
  /// Fetches runs and tags from a Git remote into a staging namespace, then adopts them:
  /// new names are created, existing runs move only forward and tags never, so a remote
  /// cannot rewrite a local run or tag.
  func fetchReferences(from git: String?) throws -> Repository.AdoptedReferences? {
    guard let git else { return nil }
    try checkGitRemote(git)
    let staging = "refs/mlx-incoming/"
    try repository.fetch(
      ["+refs/mlx/*:\(staging)mlx/*", "+refs/tags/*:\(staging)tags/*"], from: git)
    return try repository.adoptReferences(from: staging)
  }

  /// A Git remote's name must be one the repository has; anything with `/` or `:` is a URL.
  func checkGitRemote(_ git: String) throws {
    guard hasGitRemote(git) || git.contains("/") || git.contains(":") else {
      throw RemoteError.noGitRemote(git)
    }
  }
}

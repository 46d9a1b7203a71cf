/// A remote that cannot be used, or an object it should hold but does not, said so that the
/// user knows what to do.
public enum RemoteError: Error, CustomStringConvertible, Equatable, Sendable {
  /// No remote of that name in `.mlx/config.yaml` or `config.local.yaml`.
  case unknownRemote(String, known: [String])
  /// No `-r` and no remote marked as the default.
  case noDefaultRemote
  case invalidURL(String, reason: String)
  case invalidName(String)
  /// A remote setting that is unknown or has an unusable value.
  case invalidSetting(String)
  case duplicateName(String)
  /// The remote directory does not exist (it is never created implicitly: a typo would
  /// otherwise scatter data).
  case unreachable(String, reason: String)
  /// A completion marker, index or pack on the remote that does not check out.
  case damaged(remote: String, key: String, reason: String)
  /// `--git NAME` names no Git remote of the repository (and is no URL).
  case noGitRemote(String)
  /// The data went up, the runs and tags did not.
  case gitPushFailed(git: String, remote: String, reason: String)
  /// The key given for an encrypted remote is not the one its objects were sealed with.
  case wrongKey(remote: String)
  /// An encrypted remote with no key on this machine.
  case missingKey(remote: String)
  /// A promotion the policy allows only for content on the default remote.
  case notPushed(path: String, commit: String, remote: String, stage: String)
  /// Objects the pointers need that neither the local store nor the remote holds.
  case missingObjects(remote: String, ids: [ObjectID])

  public var description: String {
    switch self {
    case .unknownRemote(let name, let known):
      let list = known.isEmpty ? "none is configured" : "known: " + known.joined(separator: ", ")
      guard RemoteSpec.isValidName(name) else {
        return "'\(name)' is no remote name (\(list)); with paths, name the remote first "
          + "(`--remote NAME PATH`) or put the paths before --remote"
      }
      return "no remote named '\(name)' (\(list)); add one with `mlx remote add \(name) URL`"
    case .noDefaultRemote:
      return "no default remote; name one with -r NAME, or mark one with "
        + "`mlx remote default NAME`"
    case .invalidURL(let url, let reason):
      return "remote URL '\(url)' \(reason)"
    case .invalidName(let name):
      return "'\(name)' is not a usable remote name: start with a letter, then use letters, "
        + "digits, '-', '_' and '.' (not a YAML word such as true or null)"
    case .invalidSetting(let problem):
      return problem
    case .duplicateName(let name):
      return "a remote named '\(name)' exists already; change it with `mlx remote modify`"
    case .unreachable(let location, let reason):
      return "remote \(location) \(reason)"
    case .damaged(let remote, let key, let reason):
      return "remote \(remote): \(key) is damaged (\(reason)); remove that pack's .pack, .idx "
        + "and .ready from the remote, then push again from a clone that has the data"
    case .noGitRemote(let name):
      return "no Git remote named '\(name)'; add one (`git remote add \(name) URL`) or give "
        + "--git a URL"
    case .gitPushFailed(let git, let remote, let reason):
      return "the data is on remote \(remote), but pushing runs and tags to \(git) failed "
        + "(\(reason)); fix that, then run `mlx push --git \(git)` again"
    case .wrongKey(let remote):
      return "remote \(remote) was encrypted with another key; give the right one "
        + "(`mlx remote modify --local \(remote) key_file PATH` or MLX_REMOTE_KEY_"
        + "\(RemoteSpec.environmentName(remote)))"
    case .missingKey(let remote):
      return "remote \(remote) is encrypted and no key for it is on this machine: make one "
        + "with `mlx remote keygen \(remote)` (a new remote), or name the team's with "
        + "`mlx remote modify --local \(remote) key_file PATH` or MLX_REMOTE_KEY_"
        + "\(RemoteSpec.environmentName(remote))"
    case .notPushed(let path, let commit, let remote, let stage):
      return "\(path) at \(commit) is not on remote \(remote), and the policy requires it for "
        + "\(stage); run `mlx push --rev \(commit) \(path)` first"
    case .missingObjects(let remote, let ids):
      let shown = ids.prefix(3).map { "sha256:\($0.hex)" }.joined(separator: ", ")
      let more = ids.count > 3 ? " and \(ids.count - 3) more" : ""
      return "\(ids.count) object\(ids.count == 1 ? " is" : "s are") in neither the cache nor "
        + "remote \(remote) (\(shown)\(more)); push them from a clone that has the data"
    }
  }
}

extension ObjectStoreError {
  /// What is wrong with an object, without the advice for a local store: for messages about
  /// a remote's pack, whose objects a user does not add again.
  var problem: String {
    switch self {
    case .missing(let id): "object \(id) is missing"
    case .corrupt(let id, _, let reason): "object \(id): \(reason)"
    case .corruptIndex(_, let reason): "index: \(reason)"
    case .malformedRecipe(let id): "object \(id) is a malformed chunk list"
    case .sizeMismatch(let id, _, let recorded, let actual):
      "object \(id) records \(recorded) bytes and has \(actual)"
    }
  }
}

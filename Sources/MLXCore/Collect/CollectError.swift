/// Why `mlx gc` refuses to run or cannot answer, said so the user knows what to do.
public enum CollectError: Error, CustomStringConvertible, Equatable, Sendable {
  /// History is cut short, so what older commits need is unknown.
  case shallowClone
  /// A commit or object some reference reaches is not in the repository.
  case missingHistory(reference: String, object: String)
  /// The store is outside this repository, so other clones may use it.
  case sharedStore(directory: String)
  /// A `--project` uses another store than this repository.
  case otherStore(project: String, directory: String)
  /// `--explain` named an object prefix that matches nothing in the store.
  case unknownObject(String)
  /// `--explain` named a prefix that several objects share.
  case ambiguousObject(String, count: Int)
  /// `--remote` given without a name.
  case remoteNeedsName

  public var description: String {
    switch self {
    case .shallowClone:
      return "this clone is shallow, so what older commits need is unknown and gc would "
        + "delete it; run `git fetch --unshallow` first"
    case .missingHistory(let reference, let object):
      return "\(reference) reaches object \(object), which is not in the repository, so what "
        + "it needs is unknown; fetch it (`git fetch`) or delete the reference before gc"
    case .sharedStore(let directory):
      return "the store \(directory) is outside this repository, so other clones may use it "
        + "and gc knows only this clone's references; name every clone that uses it with "
        + "--project DIR (--project . when this is the only one)"
    case .otherStore(let project, let directory):
      return "\(project) uses another store (\(directory)); --project names clones that "
        + "share this repository's store"
    case .unknownObject(let prefix):
      return "no object in the store starts with '\(prefix)'; give a tracked path or an "
        + "object as sha256:<hex> or a hex prefix (see `mlx ls`)"
    case .ambiguousObject(let prefix, let count):
      return "\(count) objects in the store start with '\(prefix)'; give more hex digits"
    case .remoteNeedsName:
      return "gc on a remote needs its name: mlx gc --remote NAME (see `mlx remote list`)"
    }
  }
}

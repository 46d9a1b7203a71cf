/// What can go wrong in the object store, each naming the object or file involved.
public enum ObjectStoreError: Error, CustomStringConvertible, Equatable {
  /// The object is in no pack of the store.
  case missing(ObjectID)
  /// The object's bytes do not hash to its id, or cannot be decoded.
  case corrupt(ObjectID, pack: String, reason: String)
  /// A pack index file is damaged.
  case corruptIndex(path: String, reason: String)
  /// A chunk recipe cannot be decoded.
  case malformedRecipe(ObjectID)
  /// A pointer or manifest records a size its content does not have: the record was altered.
  case sizeMismatch(ObjectID, recordedBy: String, recorded: Int64, actual: Int64)

  public var description: String {
    switch self {
    case .missing(let id):
      "object \(id) is not in the cache; add the file again or fetch it from a remote"
    case .corrupt(let id, let pack, let reason):
      "object \(id) in \(pack) is corrupt (\(reason)); run `mlx verify`, then add the file again"
    case .corruptIndex(let path, let reason):
      "\(path) is corrupt (\(reason)); move it aside and add the affected files again"
    case .malformedRecipe(let id):
      "object \(id) is a malformed chunk list; run `mlx verify`, then add the file again"
    case .sizeMismatch(let id, let record, let recorded, let actual):
      "\(record) records \(recorded) bytes for \(id), whose content has \(actual); the record "
        + "was altered: restore it from Git (`git checkout -- FILE`) or add the data again"
    }
  }
}

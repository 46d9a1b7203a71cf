/// The few operations mlx needs from a place that keeps bytes under keys: a directory today,
/// an object store tomorrow. Keys are relative, `/`-separated (`packs/pack-….idx`).
protocol RemoteStorage: Sendable {
  /// Where the storage is, for messages.
  var displayName: String { get }
  /// The objects directly under `prefix` (which ends in `/`): keys, sizes in bytes, and when
  /// they were written.
  func list(prefix: String) throws -> [ListedObject]
  /// A small object's bytes; an error when it holds more than `maximumLength`.
  func read(_ key: String, maximumLength: Int) throws -> [UInt8]
  /// Copies the object at `key`, which must hold exactly `length` bytes, into the new local
  /// file `path`.
  func download(_ key: String, length: UInt64, to path: String) throws
  /// Stores the local file at `path` under `key`; the key appears only once complete.
  func upload(file path: String, to key: String) throws
  /// Stores `bytes` under `key`; the key appears only once complete.
  func write(_ bytes: [UInt8], to key: String) throws
  /// Stores a file that is never modified (a pack of the local store) under `key`: linked
  /// rather than copied where the storage can.
  func upload(immutableFile path: String, to key: String) throws
  /// The `length` bytes of the object at `key` from `offset` on (one object of a pack);
  /// an error when the object is shorter.
  func read(_ key: String, offset: UInt64, length: Int) throws -> [UInt8]
  /// Deletes the object at `key`, durably; no error when it is already gone.
  func delete(_ key: String) throws
  /// The length a push keeps each new pack under, or nil for one pack per push. An object
  /// store gets packs of a few tens of MiB, each sent in one request, several at a time: no
  /// multipart upload to assemble, and a killed push resends only the packs it had not
  /// completed. (An object larger than the limit gets a pack of its own.)
  var packLengthLimit: Int? { get }
  /// How many transfers (requests, copies) run at once.
  var parallelTransfers: Int { get }
}

extension RemoteStorage {
  var packLengthLimit: Int? { nil }
  var parallelTransfers: Int { 1 }

  func upload(immutableFile path: String, to key: String) throws {
    try upload(file: path, to: key)
  }
}

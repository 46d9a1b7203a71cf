import Foundation

/// The work tree a pipeline runs in, as ``PipelineRunner`` needs it: where files are, the
/// object store, and the same storing and restoring `mlx add` and `mlx checkout` do, applied
/// to a stage's outputs. `Workspace` provides it.
protocol PipelineWorkTree: AnyObject {
  var repository: Repository { get }
  /// Where work-tree writes stage their temporary files.
  var temporaryDirectory: String { get }
  /// Where the stat cache is kept between commands.
  var statCachePath: String { get }
  /// Which new objects to compress.
  var compression: CompressionPolicy { get }
  func store() throws -> ObjectStore
  /// An absolute path for a repository-relative one.
  func absolute(_ relative: String) -> String
  /// `mlx.lock` as it is in the work tree (empty when absent).
  func lockFile() throws -> LockFile
  /// What `path` holds now, as `mlx.lock` records it (file or directory); nil when missing.
  func entry(for path: String, statCache: inout StatCache) throws -> LockFile.Entry?
  /// Stores a finished stage's outputs like `mlx add` (pointers and `.gitignore` lines
  /// written and staged) and returns what `mlx.lock` records for them.
  func trackOutputs(_ outputs: [Stage.Output], of stage: String) throws -> [LockFile.Entry]
  /// The schema a `validate:` input is checked against: its repository-relative path (the
  /// stage's, else the one the input's pointer names) and the SHA-256 of its bytes.
  func schema(for validation: Stage.Validation, of stage: String) throws
    -> (path: String, digest: ObjectID)
  /// Checks the input at `path` (file or directory) against the schema at `schema`; returns
  /// the report of the files that fail (as `mlx validate` prints it), empty when all pass.
  func validateInput(_ path: String, schema: String) throws -> [String]
  /// Writes recorded outputs back from the store, replacing what is there: tracked outputs
  /// (`kind` given) with their pointers, plain files (metrics) as files.
  func restoreOutputs(
    _ outputs: [(entry: LockFile.Entry, kind: ArtifactKind?)], of stage: String,
    statCache: inout StatCache
  ) throws
}

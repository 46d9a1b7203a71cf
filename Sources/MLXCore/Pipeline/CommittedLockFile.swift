import Foundation

extension Repository {
  /// The `mlx.lock` a commit holds: nil when it has none, else the parsed file or why it does
  /// not parse, so each caller can say so rather than read a broken file as an empty one.
  func lockFile(inCommit commit: GitOID) throws -> Result<LockFile, PipelineError>? {
    guard let bytes = try file(LockFile.fileName, inCommit: commit) else { return nil }
    do {
      return .success(try LockFile(parsing: String(decoding: bytes, as: UTF8.self)))
    } catch {
      return .failure(error)
    }
  }
}

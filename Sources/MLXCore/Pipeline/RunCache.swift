import Crypto
import Foundation

/// Remembers the outputs of every successful stage run by its inputs, so a stage whose
/// inputs match an earlier run (for example after a param is changed and changed back) gets
/// its outputs restored from the store instead of running again.
///
/// An entry is `runs/<key[0..2]>/<key>.lock` in the object store's directory (shared by the
/// clones that share the store), where the key is the SHA-256 of the stage's command,
/// working directory, environment, dependency digests, param values and output paths, and
/// the file holds the stage's state in `mlx.lock`'s format, so values keep their YAML
/// spelling (`1.0` stays `1.0`) when restored. Writes are atomic; a damaged entry is
/// ignored.
struct RunCache {
  let directory: String

  init(store: ObjectStore) {
    directory = store.directory + "/runs"
  }

  /// The key for running `stage` on these inputs.
  static func key(
    for stage: Stage, deps: [LockFile.Entry], params: [String: [String: ParamValue]]
  ) -> String {
    struct Inputs: Encodable {
      var cmd: String
      var wdir: String
      var env: [String: String]
      var deps: [String: String]
      var params: [String: [String: ParamValue]]
      var outs: [String]
    }
    let inputs = Inputs(
      cmd: stage.commandText, wdir: stage.workingDirectory, env: stage.environment,
      deps: Dictionary(uniqueKeysWithValues: deps.map { ($0.path, $0.digest.description) }),
      params: params, outs: stage.writtenPaths.sorted(by: PathOrder.precedes))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(inputs)) ?? Data()
    return Hex.encode(SHA256.hash(data: data))
  }

  private func path(for key: String) -> String {
    "\(directory)/\(key.prefix(2))/\(key).lock"
  }

  /// The remembered outputs for `key`, or nil.
  func lookup(_ key: String) -> LockFile.StageState? {
    guard let bytes = try? FileSystem.read(path(for: key)),
      let file = try? LockFile(parsing: String(decoding: bytes, as: UTF8.self)),
      file.stages.count == 1
    else { return nil }
    return file.stages.values.first
  }

  /// Remembers `state` (of stage `name`) as the result of running with `key`.
  func save(_ state: LockFile.StageState, of name: String, for key: String) throws {
    let target = path(for: key)
    try FileSystem.createDirectories(FileSystem.parent(of: target))
    try FileSystem.write(
      Array(LockFile(stages: [name: state]).encoded.utf8), atomicallyTo: target)
  }
}

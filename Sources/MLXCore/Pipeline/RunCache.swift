import Crypto
import Foundation

/// Remembers the outputs of every successful stage run by its inputs, so a stage whose
/// inputs match an earlier run (for example after a param is changed and changed back) gets
/// its outputs restored from the store instead of running again.
///
/// An entry is `runs/<key[0..2]>/<key>.json` in the object store's directory (shared by the
/// clones that share the store), where the key is the SHA-256 of the stage's command,
/// working directory, environment, dependency digests, param values and output paths, and
/// the file holds the stage's lock state. Writes are atomic; a damaged entry is ignored.
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
    "\(directory)/\(key.prefix(2))/\(key).json"
  }

  /// The remembered outputs for `key`, or nil.
  func lookup(_ key: String) -> LockFile.StageState? {
    guard let bytes = try? FileSystem.read(path(for: key)) else { return nil }
    return try? JSONDecoder().decode(LockFile.StageState.self, from: Data(bytes))
  }

  /// Remembers `state` as the result of running with `key`.
  func save(_ state: LockFile.StageState, for key: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    let target = path(for: key)
    try FileSystem.createDirectories(FileSystem.parent(of: target))
    try FileSystem.write(Array(try encoder.encode(state)), atomicallyTo: target)
  }
}

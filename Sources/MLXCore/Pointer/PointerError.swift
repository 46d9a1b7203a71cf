/// A pointer file that cannot be used, naming the file, the line when known, and the fix.
public enum PointerError: Error, CustomStringConvertible, Equatable {
  /// The file is not a valid pointer: bad YAML, a missing or unknown key, a bad value.
  case malformed(path: String, line: Int?, problem: String)
  /// The pointer was written by a newer mlx.
  case unsupportedVersion(path: String, version: Int)

  public var description: String { MessageText.oneLine(text) }

  private var text: String {
    switch self {
    case .malformed(let path, let line, let problem):
      let path = RelativePath.escaped(path)
      let location = line.map { "\(path):\($0)" } ?? path
      return
        "\(location): \(problem); fix the pointer or restore it with `git checkout -- \(path)`"
    case .unsupportedVersion(let path, let version):
      return
        "\(RelativePath.escaped(path)): pointer format version \(version) is newer than this mlx understands "
        + "(\(PointerFile.formatVersion)); upgrade mlx"
    }
  }
}

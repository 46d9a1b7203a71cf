/// One stage of the pipeline, with every path made repository-relative.
public struct Stage: Sendable, Equatable {
  /// What `mlx train` and `mlx eval` select.
  public enum Role: String, Sendable, Codable { case train, eval }

  /// A file or directory the stage writes, stored in the object store with a pointer.
  public struct Output: Sendable, Equatable {
    public var path: String
    public var kind: ArtifactKind
  }

  /// A param the stage reads: a dotted key in a params file.
  public struct ParamReference: Sendable, Hashable {
    /// Repository-relative path of the params file.
    public var file: String
    /// Dotted key, or nil for every param in the file.
    public var key: String?
  }

  /// A dependency checked against a Table Schema before the commands run (`validate:`).
  public struct Validation: Sendable, Equatable {
    /// Repository-relative path of the dependency.
    public var path: String
    /// Repository-relative path of the schema; nil for the one the dependency's pointer names.
    public var schema: String?
  }

  public var name: String
  /// Shell commands, run in order with `/bin/sh -c`.
  public var commands: [String]
  /// Repository-relative directory the commands run in ("" for the root).
  public var workingDirectory: String
  public var dependencies: [String]
  public var params: [ParamReference]
  public var outputs: [Output]
  /// Metrics files (JSON or YAML) the stage writes; kept in Git, their values recorded.
  public var metrics: [String]
  public var environment: [String: String]
  public var isFrozen: Bool
  public var isAlwaysChanged: Bool
  public var role: Role?
  public var description: String?
  /// Dependencies validated before the commands run, in declaration order.
  public var validations: [Validation] = []

  /// Every path the stage writes: outputs and metrics files.
  public var writtenPaths: [String] { outputs.map(\.path) + metrics }

  /// The commands as one text, for the lock file and run-cache key.
  public var commandText: String { commands.joined(separator: "\n") }
}

/// One version of a feature set: `mlx features show`.
public struct FeatureSetVersion: Encodable, Sendable {
  /// The feature set's name, from its definition.
  public var name: String
  /// The data's path in the repository.
  public var path: String
  /// The definition file's path in the repository.
  public var definitionPath: String
  /// The commit read, or nil for the work tree.
  public var commit: String?
  /// The registry version that named the commit (`churn-features@v1.0.0`), when one did.
  public var version: String?
  /// The data's digest, as the pointer records it.
  public var digest: String
  /// The stored profile of the data (`mlx profile`), as the pointer records it.
  public var profile: String?
  public var features: [FeatureDefinition.Feature]

  public init(
    definition: FeatureDefinition, path: String, definitionPath: String, commit: String?,
    version: String?, digest: String, profile: String?
  ) {
    self.profile = profile
    name = definition.name
    features = definition.features
    self.path = path
    self.definitionPath = definitionPath
    self.commit = commit
    self.version = version
    self.digest = digest
  }

  public var definition: FeatureDefinition { FeatureDefinition(name: name, features: features) }
}

/// A features artifact of the work tree: `mlx features list`.
public struct FeatureSetSummary: Encodable, Sendable {
  /// The definition's name; nil when the pointer names no definition.
  public var name: String?
  public var path: String
  public var definitionPath: String?
  public var featureCount: Int
  public var digest: String
  /// Registry versions of the artifact at this path, as `ARTIFACT@vX.Y.Z`, oldest first.
  public var versions: [String]
}

/// Two versions of a feature set compared: `mlx features diff`.
public struct FeatureSetComparison: Encodable, Sendable {
  public var old: FeatureSetVersion
  public var new: FeatureSetVersion
  public var dataChanged: Bool
  public var added: [String]
  public var removed: [String]
  public var changed: [FeatureSetDiff.Change]
}

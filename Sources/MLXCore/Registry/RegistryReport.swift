import Foundation

/// Options shared by the commands that write registry tags.
public struct RegistryWriteOptions: Sendable {
  /// A signing key file overriding `user.signingkey`.
  public var key: String?
  /// A remote (name or URL) to push the new tags to.
  public var push: String?
  /// The artifact's path, for an artifact not declared in `.mlx/policy.yaml`.
  public var path: String?
  public init() {}
}

/// One check of a promotion, as the report shows it.
public struct PromotionCheck: Codable, Sendable, Equatable {
  public let name: String
  public let passed: Bool
  public let detail: String
}

/// What a registry command did.
public struct RegistryReport: Codable, Sendable {
  public var artifact: String
  public var version: String?
  public var stage: String?
  public var commit: String?
  /// Tags written, in order (none when refused).
  public var tags: [String] = []
  /// Every check made, passed or not: the same checks `mlx audit` makes.
  public var checks: [PromotionCheck] = []
  public var accepted = true
  public var signed = false
  public var pushedTo: String?
  /// The version that held the stage before.
  public var previous: String?
  /// Notes for the user (a registration that reactivates a deprecated artifact).
  public var notes: [String] = []
  /// For an unassignment: the version holding the stage afterwards, if any.
  public var holderAfter: String?
}

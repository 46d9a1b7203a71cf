/// `NAME#STAGE`, GTO's way to name a stage of an artifact, or `NAME%STAGE`, which no shell
/// treats specially and which cannot collide with a name: `%` is in no part of GTO's grammar,
/// where `:` separates a monorepo artifact's directory (`models/sub:net#prod`).
public struct ArtifactStageReference: Equatable, Sendable {
  public let artifact: String
  public let stage: String

  public init(artifact: String, stage: String) {
    self.artifact = artifact
    self.stage = stage
  }

  /// Parses the text; nil unless it is a valid artifact and stage with `#` or `%` between.
  public init?(_ text: String) {
    guard let separator = text.firstIndex(where: { $0 == "#" || $0 == "%" }) else { return nil }
    let artifact = String(text[..<separator])
    let stage = String(text[text.index(after: separator)...])
    guard RegistryTagName.isValidArtifact(artifact), RegistryTagName.isValidName(stage) else {
      return nil
    }
    self.init(artifact: artifact, stage: stage)
  }
}

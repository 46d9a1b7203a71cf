/// What a tracked artifact is, as its pointer records it.
public enum ArtifactKind: String, CaseIterable, Sendable, Codable {
  case dataset
  case features
  case model
  case file
}

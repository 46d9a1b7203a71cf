import Foundation

/// What `mlx lineage` starts from.
public enum LineageTarget: Sendable, Equatable {
  case version(artifact: String, version: String)
  case stage(artifact: String, stage: String)
  case path(String, revision: String?)
  case commit(String)
  case run(String)
  case digest(ObjectID)
}

/// Options of `mlx lineage`.
public struct LineageOptions: Sendable {
  public var downstream = false
  /// For `NAME#STAGE`: the version that held the stage at this time.
  public var at: Date?
  /// Re-hash stored content on every link (default); off, presence is still checked.
  public var rehash = true
  public init() {}
}

/// Lineage errors.
public enum LineageError: Error, CustomStringConvertible, Equatable {
  case unknownTarget(String)
  case notTracked(path: String, revision: String)
  case unreadablePointer(revision: String, problem: String)
  case unknownDigest(ObjectID)
  case downstreamNeedsData
  case provenanceNeedsArtifact
  case renderingFailed(String)
  case graphvizMissing(path: String)
  case notAnEnvelope(path: String)
  case missingFile(path: String)

  public var description: String {
    switch self {
    case .unknownTarget(let text):
      "'\(text)' is not a version (NAME@vX.Y.Z), a stage (NAME#STAGE), a tracked path, a run id, a digest or a commit"
    case .unreadablePointer(let revision, let problem):
      "at \(revision), \(problem)"
    case .notTracked(let path, let revision):
      "\(path) has no mlx pointer at \(revision)"
    case .unknownDigest(let digest):
      "no tracked artifact or recorded run has the content \(digest)"
    case .downstreamNeedsData:
      "--downstream starts from data: give a path, a digest, a version or a stage"
    case .notAnEnvelope(let path):
      "\(path) is not a DSSE envelope (JSON with payloadType, payload and signatures); "
        + "write one with `mlx lineage TARGET --format slsa --sign`"
    case .missingFile(let path):
      "\(path): no such file or directory; check the path"
    case .graphvizMissing(let path):
      "rendering \(path) needs Graphviz's dot: install it (apt-get install graphviz), or write "
        + "the DOT text with --output lineage.dot"
    case .renderingFailed(let message):
      "Graphviz's dot failed: \(message)"
    case .provenanceNeedsArtifact:
      "a provenance statement needs an artifact with a digest: give a version, a stage, a path or a digest"
    }
  }
}

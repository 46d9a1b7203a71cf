/// A file or directory that a pointer in the work tree describes.
public struct TrackedArtifact: Sendable, Equatable {
  /// Repository-relative path of the data.
  public let path: String
  /// Repository-relative path of the pointer file.
  public let pointerPath: String
  public let pointer: PointerFile
  /// True when the pointer file was deleted from the work tree and was read from Git's
  /// index instead; `mlx checkout` writes it back.
  public var pointerIsMissing = false
}

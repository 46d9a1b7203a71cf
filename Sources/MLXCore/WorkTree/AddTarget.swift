import Foundation

/// One path to add, checked.
struct AddTarget {
  var path: String
  var status: FileStatus
  /// For a directory, its files.
  var files: [WorkTreeScanner.File]?
  var previous: TrackedArtifact?
  /// The kind to record; nil keeps the previous pointer's kind (or `file`).
  var kind: ArtifactKind?
  /// The description to record; nil keeps the previous one.
  var description: String?
  /// A `features` artifact's definition file, relative to the pointer's directory; nil keeps
  /// the previous one.
  var definition: String?
  /// The pointer's `schema` to record (relative to the pointer's directory); nil keeps the
  /// previous one.
  var schema: String?

  var byteCount: Int64 { files.map { $0.reduce(0) { $0 + $1.status.size } } ?? status.size }

  /// Checks a repository-relative path for adding; `shownAs` names it in errors.
  static func check(
    _ path: String, shownAs: String, existing: [TrackedArtifact], in location: WorkTreeLocation
  ) throws -> AddTarget {
    // A newline would split the pointer's `path:` line and the `.gitignore` line that keeps
    // the data out of Git.
    guard !RelativePath.hasControlCharacters(path) else {
      throw WorkspaceError.unsupportedFileName(path: shownAs)
    }
    if let name = RelativePath.overlongComponent(of: path) {
      throw WorkspaceError.nameTooLong(path: shownAs, name: String(name))
    }
    guard let status = try FileStatus.of(location.absolute(path)) else {
      throw WorkspaceError.missingFile(path: shownAs)
    }
    if let outer = existing.first(where: { path.hasPrefix($0.path + "/") }) {
      throw WorkspaceError.nestedArtifact(
        path: location.display(path), inside: location.display(outer.path))
    }
    if let inner = existing.first(where: { $0.path.hasPrefix(path + "/") }) {
      throw WorkspaceError.nestedArtifact(
        path: location.display(inner.path), inside: location.display(path))
    }
    let previous = existing.first { $0.path == path }
    switch status.kind {
    case .regular:
      return AddTarget(path: path, status: status, files: nil, previous: previous)
    case .directory:
      let files = try WorkTreeScanner.files(
        in: location.absolute(path), displayPath: location.display(path))
      return AddTarget(path: path, status: status, files: files, previous: previous)
    case .symbolicLink:
      throw WorkspaceError.symbolicLink(path: shownAs)
    case .other:
      throw WorkspaceError.unsupportedFileType(path: shownAs)
    }
  }
}

/// Lists the regular files of a directory, recursively, with their `lstat` data.
///
/// The rule for special entries (docs/commands.md#symbolic-links): symbolic links, sockets,
/// FIFOs and devices are refused with an error naming them, so a tracked directory always
/// restores to exactly what was added; file names with control characters are refused too.
enum WorkTreeScanner {
  struct File {
    /// Path relative to the scanned directory.
    var path: String
    var status: FileStatus
  }

  /// - Parameters:
  ///   - directory: absolute path of the directory.
  ///   - displayPath: how to name the directory in errors.
  static func files(in directory: String, displayPath: String) throws -> [File] {
    var files: [File] = []
    try walk(directory, relative: "", displayPath: displayPath, into: &files)
    return files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
  }

  private static func walk(
    _ directory: String, relative: String, displayPath: String, into files: inout [File]
  ) throws {
    for entry in try FileSystem.entries(of: directory) {
      let childRelative = relative.isEmpty ? entry.name : relative + "/" + entry.name
      let shown = displayPath + "/" + childRelative
      guard RelativePath.isSafe(entry.name) else {
        throw WorkspaceError.unsupportedFileName(path: shown)
      }
      let absolute = directory + "/" + entry.name
      guard let status = try FileStatus.of(absolute) else { continue }
      switch status.kind {
      case .directory:
        try walk(absolute, relative: childRelative, displayPath: displayPath, into: &files)
      case .regular:
        files.append(File(path: childRelative, status: status))
      case .symbolicLink:
        throw WorkspaceError.symbolicLink(path: shown)
      case .other:
        throw WorkspaceError.unsupportedFileType(path: shown)
      }
    }
  }
}

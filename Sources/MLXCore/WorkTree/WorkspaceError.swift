/// Errors about the work tree and the user's paths, each saying what to do.
public enum WorkspaceError: Error, CustomStringConvertible, Equatable {
  case notARepository(path: String)
  case notInitialized(root: String)
  case outsideRepository(path: String, root: String)
  case insideMetadata(path: String)
  /// `mlx add .`: the whole work tree as one artifact.
  case repositoryRoot(path: String)
  /// A file or directory name longer than ``RelativePath/maximumNameLength`` bytes.
  case nameTooLong(path: String, name: String)
  case metadataInside(path: String)
  case missingFile(path: String)
  case symbolicLink(path: String)
  case unsupportedFileType(path: String)
  case unsupportedFileName(path: String)
  case pointerGiven(path: String)
  case notTracked(path: String)
  /// A revision given where a path was expected (`mlx checkout HEAD~1`).
  case revisionGivenAsPath(revision: String)
  /// No pointer for the path (or under it) in that revision's tree.
  case notTrackedAt(path: String, revision: String)
  case invalidConfiguration(path: String, line: Int?, problem: String)
  case unknownRevision(revision: String)
  case noCommits
  case unsafeWrite(path: String, through: String)
  /// `mlx get`'s output exists and holds something else.
  case outputExists(path: String, reason: String)
  /// `mlx get -o` naming a device, pipe or socket, which a file would replace.
  case outputNotAFile(path: String)
  case nestedArtifact(path: String, inside: String)

  public var description: String {
    switch self {
    case .notARepository(let path):
      "\(path) is not inside a Git repository; run `git init` first, or `cd` into one"
    case .notInitialized(let root):
      "mlx is not initialized in \(root); run `mlx init` first"
    case .outsideRepository(let path, let root):
      "\(path) is outside the repository \(root); move or copy it inside first"
    case .insideMetadata(let path):
      "\(path) is inside .git or .mlx (in any letter case), which mlx never tracks or writes"
    case .repositoryRoot(let path):
      "\(path) is the repository root, which cannot be tracked as one artifact; name the "
        + "files or directories inside it instead (`mlx add data models/model.pkl`)"
    case .nameTooLong(let path, let name):
      "\(RelativePath.abbreviated(path)): a name of \(name.utf8.count) bytes is too long; mlx "
        + "tracks file and directory names of at most \(RelativePath.maximumNameLength) bytes "
        + "(it writes NAME.mlx and temporary files beside them); rename it"
    case .metadataInside(let path):
      "\(path): a tracked directory cannot hold a .git or .mlx entry (mlx never writes one); "
        + "move it out of the directory"
    case .missingFile(let path):
      "\(path): no such file or directory; check the path"
    case .symbolicLink(let path):
      "\(path) is a symbolic link; mlx tracks regular files only — add the file it points to, "
        + "or replace the link with a copy (see docs/commands.md#symbolic-links)"
    case .unsupportedFileType(let path):
      "\(path) is not a regular file or directory (a socket, device or FIFO); remove it first"
    case .unsupportedFileName(let path):
      "\(RelativePath.escaped(path)): file names with control characters (such as newlines) "
        + "cannot be tracked; rename it"
    case .pointerGiven(let path):
      "\(path) is an mlx pointer file; give the data path without '.mlx'"
    case .notTrackedAt(let path, let revision):
      "\(path) is not tracked by mlx at \(revision); `mlx ls` lists what is tracked"
    case .revisionGivenAsPath(let revision):
      "'\(revision)' is a revision, not a tracked path; give it as `--rev \(revision)` "
        + "(`mlx checkout --rev \(revision) [PATH]` restores files as they were there)"
    case .notTracked(let path):
      "\(path) is not tracked by mlx (no \(path).mlx pointer); run `mlx add \(path)` first"
    case .invalidConfiguration(let path, let line, let problem):
      "\(line.map { "\(path):\($0)" } ?? path): \(problem); fix the file"
    case .unknownRevision(let revision):
      "unknown revision '\(revision)'; use a commit, branch or tag name"
    case .noCommits:
      "the repository has no commits yet; commit first (`git commit`)"
    case .outputExists(let path, let reason):
      "\(path) exists: \(reason); choose another -o, or add --force to replace it"
    case .outputNotAFile(let path):
      "\(path) is a device, pipe or socket: mlx get writes a file (or a directory) in its "
        + "place, so it is refused even with --force; choose another -o"
    case .unsafeWrite(let path, let link):
      "refusing to write \(path): \(link) is a symbolic link, which could lead outside the "
        + "repository; remove the link and run again"
    case .nestedArtifact(let path, let inside):
      "\(path) is inside the tracked directory \(inside); add or remove the whole directory"
    }
  }
}

/// Why `mlx gc` keeps some content: the first root found that needs it, read from Git
/// objects (reference names, commit ids, tree paths), never from commit messages.
public struct KeepReason: Codable, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: String, Codable, Sendable {
    /// A pointer file in the work tree.
    case workTree = "work_tree"
    /// A pointer staged in the Git index.
    case index
    /// A pointer in a commit (or tree) a reference reaches.
    case reference
    /// A run record's input or output.
    case run
    /// A pack younger than the grace period: what its objects refer to stays with them, as
    /// an add, fetch or push under way may not have written its pointer yet.
    case recent
  }

  public var kind: Kind
  /// The reference that reaches the commit, or that holds the run record.
  public var reference: String?
  /// The commit whose tree holds the pointer.
  public var commit: String?
  /// The pointer file's path, or for a run the recorded path.
  public var path: String?
  /// For the work tree and the index: which one, when gc counts several (another work tree
  /// of the repository, or another clone sharing the store); nil for the one gc runs in.
  public var workTree: String?

  public var description: String {
    switch kind {
    case .workTree: "the work tree\(workTree.map { " " + $0 } ?? "") (\(path ?? ""))"
    case .index: "the Git index\(workTree.map { " of " + $0 } ?? "") (\(path ?? ""))"
    case .reference:
      "\(reference ?? "") (\(commit.map { "commit \($0.prefix(7)), " } ?? "")\(path ?? ""))"
    case .run: "\(reference ?? "") (run record, \(path ?? ""))"
    case .recent: "\(path ?? "a pack"), written within the grace period"
    }
  }
}

/// Content some root needs: the digest a pointer or run record names.
struct GCRoot {
  var digest: ObjectID
  var isDirectory: Bool
  var reason: KeepReason
}

/// What the roots of a gc were.
public struct GCRootSummary: Codable, Sendable, Equatable {
  /// References followed (branches, tags, `refs/mlx/*`, remote-tracking, stash, …).
  public var references = 0
  /// Commits read, across every reference's history.
  public var commits = 0
  /// Pointer files read (each distinct blob once) in history, the index and the work tree.
  public var pointers = 0
  /// Pointer blobs that do not parse, and so name no content.
  public var unreadablePointers = 0
  /// Run records read.
  public var runs = 0
  /// Distinct contents (files and directories) the roots name.
  public var contents = 0
  /// Of those, the ones no store holds.
  public var absent = 0
  /// Work trees whose pointers counted: this repository, then any `--project`.
  public var workTrees: [String] = []
}

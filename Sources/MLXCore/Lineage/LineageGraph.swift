/// Where a model (or dataset) came from, or what came from it: nodes with their verification
/// status, the edges between them, and every break found on the way.
public struct LineageGraph: Codable, Sendable {
  /// Upstream (what produced the target) or downstream (what used it).
  public enum Direction: String, Codable, Sendable { case upstream, downstream }

  public let direction: Direction
  /// The node the walk started from.
  public var root: String
  public var nodes: [LineageNode] = []
  public var edges: [LineageEdge] = []
  public var breaks: [LineageBreak] = []
  /// For a downstream walk: what it reached, counted.
  public var summary: DownstreamSummary?

  init(direction: Direction, root: String) {
    self.direction = direction
    self.root = root
  }

  /// True when every link was verified and nothing is broken.
  public var isVerified: Bool { breaks.isEmpty }

  public func node(_ id: String) -> LineageNode? { nodes.first { $0.id == id } }

  /// Adds a node unless one with its id exists; returns whether it was new.
  @discardableResult
  mutating func add(_ node: LineageNode) -> Bool {
    guard !nodes.contains(where: { $0.id == node.id }) else { return false }
    nodes.append(node)
    return true
  }

  mutating func link(_ from: String, _ to: String, _ label: String) {
    let edge = LineageEdge(from: from, to: to, label: label)
    if !edges.contains(edge) { edges.append(edge) }
  }

  /// Records a break on a node and marks the node broken.
  /// The same break reached through two nodes (two stages of one dirty run) is listed once.
  mutating func broken(_ id: String, _ kind: LineageBreak.Kind, _ message: String) {
    if !breaks.contains(where: { $0.kind == kind && $0.message == message }) {
      breaks.append(LineageBreak(node: id, kind: kind, message: message))
    }
    if let index = nodes.firstIndex(where: { $0.id == id }) {
      nodes[index].status = .broken
      nodes[index].problems.append(message)
    }
  }

  func children(of id: String) -> [LineageEdge] { edges.filter { $0.from == id } }
}

/// One thing in a lineage: a version, a registry event, a commit, an artifact, a run, params.
public struct LineageNode: Codable, Sendable, Equatable {
  public enum Kind: String, Codable, Sendable {
    case version, event, commit, artifact, code, run, params
  }

  public enum Status: String, Codable, Sendable {
    /// Every check on this node passed.
    case verified
    /// Nothing wrong found, but not everything could be checked (content not in the local
    /// store, for example).
    case unverified
    case broken
  }

  public let id: String
  public let kind: Kind
  public var title: String
  /// Ordered details: label and value.
  public var fields: [Field]
  public var status: Status
  public var problems: [String] = []
  /// What could not be checked, and why.
  public var notes: [String] = []

  public struct Field: Codable, Sendable, Equatable {
    public let name: String
    public let value: String
  }

  init(
    id: String, kind: Kind, title: String, fields: [(String, String)] = [],
    status: Status = .verified
  ) {
    self.id = id
    self.kind = kind
    self.title = title
    self.fields = fields.map { Field(name: $0.0, value: $0.1) }
    self.status = status
  }

  /// A field's value.
  public func field(_ name: String) -> String? { fields.first { $0.name == name }?.value }
}

public struct LineageEdge: Codable, Sendable, Equatable {
  public let from: String
  public let to: String
  /// `produced by`, `used`, `promoted`, …
  public let label: String
}

/// A link that failed verification, and what it means.
public struct LineageBreak: Codable, Sendable, Equatable {
  public enum Kind: String, Codable, Sendable {
    /// The artifact's bytes match no output of any recorded run.
    case unproducedArtifact = "unproduced-artifact"
    /// The run that produced it was made with uncommitted changes.
    case dirtyRun = "dirty-run"
    /// The lock file names a run whose record is not in `refs/mlx/runs/`.
    case missingRun = "missing-run"
    /// The run's input differs from what its commit records.
    case inputMismatch = "input-mismatch"
    /// The param values the run read differ from the params files its commit holds.
    case paramsMismatch = "params-mismatch"
    /// The stored content does not hash to its digest.
    case corruptObject = "corrupt-object"
    /// A promotion tag with no signature where the policy requires one.
    case unsignedPromotion = "unsigned-promotion"
    /// A signature that does not match the tag: it was altered after signing.
    case invalidSignature = "invalid-signature"
    /// A valid signature by a key or person not allowed to promote.
    case unauthorisedPromotion = "unauthorised-promotion"
    /// A tag object written for another tag name, replayed under this one.
    case replayedTag = "replayed-tag"
    /// An event the policy in force at its time rejects: stage order, gates, approvals, a
    /// claim the objects contradict, a reused counter, a backdated time.
    case policyViolation = "policy-violation"
    /// A failed run, or one with recorded outputs that do not match.
    case runMismatch = "run-mismatch"
    /// The lock file names a run for an output the run's record says it wrote differently.
    case lockMismatch = "lock-mismatch"
    /// A commit's `mlx.lock` does not parse: what it records cannot be checked.
    case malformedRecord = "malformed-record"
  }

  public let node: String
  public let kind: Kind
  public let message: String
}

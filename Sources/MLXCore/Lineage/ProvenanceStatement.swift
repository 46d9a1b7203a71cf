import Foundation

/// An in-toto Statement v1 with an SLSA Provenance v1 predicate, describing how a model (or
/// any artifact) was built: its digest as the subject, every input (data, features, code,
/// the code commit) as resolved dependencies, and the run that built it.
///
/// Specifications: in-toto `spec/v1/statement.md`, SLSA `spec/v1.0/provenance.md`.
public struct ProvenanceStatement: Encodable, Sendable {
  public static let statementType = "https://in-toto.io/Statement/v1"
  public static let predicateType = "https://slsa.dev/provenance/v1"
  public static let buildType = "https://mlx.dev/buildtypes/pipeline-run/v1"

  public struct ResourceDescriptor: Encodable, Sendable, Equatable {
    public var name: String?
    public var uri: String?
    public var digest: [String: String]
    public var annotations: [String: String]?
  }

  public struct Predicate: Encodable, Sendable {
    public struct BuildDefinition: Encodable, Sendable {
      public var buildType: String
      public var externalParameters: [String: ParamValue]
      public var internalParameters: [String: ParamValue]
      public var resolvedDependencies: [ResourceDescriptor]
    }

    public struct RunDetails: Encodable, Sendable {
      public struct Builder: Encodable, Sendable {
        public var id: String
        public var version: [String: String]
      }

      public struct Metadata: Encodable, Sendable {
        public var invocationId: String
        public var startedOn: String
        public var finishedOn: String
      }

      public var builder: Builder
      public var metadata: Metadata
      public var byproducts: [ResourceDescriptor]
    }

    public var buildDefinition: BuildDefinition
    public var runDetails: RunDetails
  }

  public let type = ProvenanceStatement.statementType
  public var subject: [ResourceDescriptor]
  public let predicateType = ProvenanceStatement.predicateType
  public var predicate: Predicate

  enum CodingKeys: String, CodingKey {
    case type = "_type"
    case subject, predicateType, predicate
  }

  /// The statement for the root artifact of an upstream lineage graph.
  init(graph: LineageGraph, record: RunRecord?, stage: String?) throws {
    let artifacts = graph.nodes.filter { $0.kind == .artifact || $0.kind == .code }
    let rootArtifact =
      graph.node(graph.root).flatMap { root in
        root.kind == .artifact ? root : graph.children(of: root.id).compactMap { graph.node($0.to) }.first { $0.kind == .artifact }
      }
    guard let rootArtifact, let subjectDigest = rootArtifact.field("digest").flatMap(ObjectID.init(parsing:)) else {
      throw LineageError.provenanceNeedsArtifact
    }
    subject = [ResourceDescriptor(name: rootArtifact.field("path"), digest: ["sha256": subjectDigest.hex])]

    var dependencies: [ResourceDescriptor] = []
    for node in artifacts where node.id != rootArtifact.id {
      guard let digest = node.field("digest").flatMap(ObjectID.init(parsing:)) else { continue }
      dependencies.append(
        ResourceDescriptor(
          name: node.field("path"), digest: ["sha256": digest.hex],
          annotations: ["kind": node.kind == .code ? "code" : "data"]))
    }
    if let commit = record?.code.commit {
      dependencies.insert(
        ResourceDescriptor(name: "source", uri: "git+commit:\(commit)", digest: ["gitCommit": commit]), at: 0)
    }
    let result = record?.stages.first { $0.name == stage } ?? record?.stages.first
    var external: [String: ParamValue] = [:]
    if let result {
      external["stage"] = .string(result.name)
      external["command"] = .string(result.cmd)
      external["params"] = .map(result.params.mapValues { .map($0) })
    }
    if let record, !record.overrides.isEmpty { external["overrides"] = .list(record.overrides.map(ParamValue.string)) }
    var internalParameters: [String: ParamValue] = [:]
    if let record {
      internalParameters["dirtyTree"] = .bool(record.code.dirty)
      if let branch = record.code.branch { internalParameters["branch"] = .string(branch) }
    }
    var byproducts: [ResourceDescriptor] = []
    for (file, values) in (result?.metrics ?? [:]).sorted(by: { $0.key < $1.key }) {
      byproducts.append(
        ResourceDescriptor(
          name: file, digest: result?.outs.first { $0.path == file }.map { ["sha256": $0.digest.hex] } ?? [:],
          annotations: values.mapValues(\.description)))
    }
    byproducts.removeAll { $0.digest.isEmpty }
    predicate = Predicate(
      buildDefinition: .init(
        buildType: Self.buildType, externalParameters: external,
        internalParameters: internalParameters,
        resolvedDependencies: dependencies),
      runDetails: .init(
        builder: .init(
          id: "mlx://\(record?.platform.host ?? "unknown-host")/\(record?.user.email ?? "unknown-user")",
          version: ["mlx": record?.mlxVersion ?? MLXVersion.current]),
        metadata: .init(
          invocationId: record?.id ?? "unrecorded",
          startedOn: record.map { Timestamp.format($0.startedAt) } ?? Timestamp.format(Date(timeIntervalSince1970: 0)),
          finishedOn: record.map { Timestamp.format($0.endedAt) } ?? Timestamp.format(Date(timeIntervalSince1970: 0))),
        byproducts: byproducts))
  }
}

extension Workspace {
  /// The SLSA provenance statement of a target's artifact, from its upstream lineage.
  public func provenance(of target: LineageTarget, options: LineageOptions = LineageOptions()) throws -> ProvenanceStatement {
    let graph = try lineage(of: target, options: options)
    let run = graph.nodes.first { $0.kind == .run && $0.status != .broken || $0.kind == .run }
    let record = run?.field("run").flatMap { try? RunStore(repository: repository).load($0) }
    let stage = run?.field("stage")
    return try ProvenanceStatement(graph: graph, record: record, stage: stage)
  }
}

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
        root.kind == .artifact
          ? root
          : graph.children(of: root.id).compactMap { graph.node($0.to) }.first {
            $0.kind == .artifact
          }
      }
    guard let rootArtifact,
      let subjectDigest = rootArtifact.field("digest").flatMap(ObjectID.init(parsing:))
    else {
      throw LineageError.provenanceNeedsArtifact
    }
    subject = [
      ResourceDescriptor(name: rootArtifact.field("path"), digest: ["sha256": subjectDigest.hex])
    ]

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
        ResourceDescriptor(
          name: "source", uri: "git+commit:\(commit)", digest: ["gitCommit": commit]), at: 0)
    }
    let result = record?.stages.first { $0.name == stage } ?? record?.stages.first
    var external: [String: ParamValue] = [:]
    if let result {
      external["stage"] = .string(result.name)
      external["command"] = .string(result.cmd)
      external["params"] = .map(result.params.mapValues { .map($0) })
    }
    if let record, !record.overrides.isEmpty {
      external["overrides"] = .list(record.overrides.map(ParamValue.string))
    }
    var internalParameters: [String: ParamValue] = [:]
    if let record {
      internalParameters["dirtyTree"] = .bool(record.code.dirty)
      if let branch = record.code.branch { internalParameters["branch"] = .string(branch) }
    }
    var byproducts: [ResourceDescriptor] = []
    for (file, values) in (result?.metrics ?? [:]).sorted(by: { $0.key < $1.key }) {
      byproducts.append(
        ResourceDescriptor(
          name: file,
          digest: result?.outs.first { $0.path == file }.map { ["sha256": $0.digest.hex] } ?? [:],
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
          id:
            "mlx://\(record?.platform.host ?? "unknown-host")/\(record?.user.email ?? "unknown-user")",
          version: ["mlx": record?.mlxVersion ?? MLXVersion.current]),
        metadata: .init(
          invocationId: record?.id ?? "unrecorded",
          startedOn: record.map { Timestamp.format($0.startedAt) }
            ?? Timestamp.format(Date(timeIntervalSince1970: 0)),
          finishedOn: record.map { Timestamp.format($0.endedAt) }
            ?? Timestamp.format(Date(timeIntervalSince1970: 0))),
        byproducts: byproducts))
  }
}

/// What `mlx verify-provenance` found in a DSSE envelope.
public struct ProvenanceVerification: Codable, Sendable {
  public struct Subject: Codable, Sendable, Equatable {
    public let name: String?
    public let digest: [String: String]
  }

  /// Whether a signature by an allowed signer covers the payload, the payload is an in-toto
  /// statement with an SLSA provenance predicate, and (when asked) the artifact matches.
  public var verified: Bool { problems.isEmpty }
  /// Principals of the keys that signed, per the allowed signers in force now.
  public var signers: [String] = []
  /// Fingerprints of the keys that signed.
  public var keys: [String] = []
  public var subjects: [Subject] = []
  public var problems: [String] = []
}

/// Checks a DSSE envelope mlx (or any in-toto signer) wrote: a valid signature by a key the
/// allowed signers list, an in-toto statement with an SLSA predicate, and, with an artifact,
/// that the file's SHA-256 is one of the statement's subjects. Needs no repository.
public enum ProvenanceVerifier {
  /// Reads an ssh-keygen ALLOWED SIGNERS file.
  public static func allowedSigners(at path: String) throws -> AllowedSigners {
    guard let text = try FileSystem.readTextIfPresent(path) else {
      throw LineageError.missingFile(path: path)
    }
    return try AllowedSigners(parsing: text, path: path)
  }

  /// - Parameter artifact: the file's path, and how to name it.
  public static func verify(
    envelopeAt path: String, shownAs shown: String, allowedSigners signers: AllowedSigners,
    signersSource: String,
    artifact: (path: String, shownAs: String)?
  ) throws -> ProvenanceVerification {
    guard let text = try FileSystem.readTextIfPresent(path) else {
      throw LineageError.missingFile(path: shown)
    }
    guard let envelope = try? JSONDecoder().decode(DSSEEnvelope.self, from: Data(text.utf8)) else {
      throw LineageError.notAnEnvelope(path: shown)
    }
    var result = ProvenanceVerification()
    // A key counts only while the allowed signers grant it a principal (valid-before,
    // namespaces and all).
    let now = Date()
    let keys = envelope.signers(among: signers.entries.map(\.key)).filter {
      !signers.principals(for: $0, at: now).isEmpty
    }
    for key in keys {
      result.keys.append(key.fingerprint)
      result.signers += signers.principals(for: key, at: now)
    }
    if keys.isEmpty {
      result.problems.append("no signature by a key in \(signersSource) verifies the payload")
    }
    if envelope.payloadType != DSSEEnvelope.inTotoPayloadType {
      result.problems.append(
        "payload type is '\(envelope.payloadType)', not \(DSSEEnvelope.inTotoPayloadType)")
    }
    struct Statement: Decodable {
      let _type: String
      let subject: [ProvenanceVerification.Subject]
      let predicateType: String
    }
    if let body = envelope.body,
      let statement = try? JSONDecoder().decode(Statement.self, from: Data(body))
    {
      result.subjects = statement.subject
      if statement._type != ProvenanceStatement.statementType
        || statement.predicateType != ProvenanceStatement.predicateType
      {
        result.problems.append(
          "the payload is not an in-toto statement with an SLSA provenance predicate")
      }
    } else {
      result.problems.append("the payload is not an in-toto statement")
    }
    if let artifact {
      let (digest, _) = try ContentDigest.ofFile(at: artifact.path, displayPath: artifact.shownAs)
      let hex = String(digest.description.dropFirst(ObjectID.prefix.count))
      if !result.subjects.contains(where: { $0.digest["sha256"] == hex }) {
        result.problems.append(
          "\(artifact.shownAs) (sha256 \(hex.prefix(12))…) is none of the statement's subjects")
      }
    }
    return result
  }
}

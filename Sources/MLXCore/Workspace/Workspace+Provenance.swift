import Foundation

extension Workspace {
  /// The SLSA provenance statement of a target's artifact, from its upstream lineage.
  public func provenance(of target: LineageTarget, options: LineageOptions = LineageOptions())
    throws -> ProvenanceStatement
  {
    let graph = try lineage(of: target, options: options)
    // The run that made the root: one whose links all hold, else any.
    let runs = graph.nodes.filter { $0.kind == .run }
    let run = runs.first { $0.status != .broken } ?? runs.first
    var record: RunRecord?
    if let id = run?.field("run") {
      do {
        record = try RunStore(repository: repository).load(id)
      } catch PipelineError.unknownRun {
        // A run the lineage names but whose record is gone: the graph shows that break, and
        // the statement names no run.
        record = nil
      }
    }
    let stage = run?.field("stage")
    return try ProvenanceStatement(graph: graph, record: record, stage: stage)
  }
}

extension Workspace {
  /// The provenance statement in a DSSE envelope signed with the registry's signing key
  /// (`user.signingkey` or `key`), an ed25519 key file mlx can open.
  public func signedProvenance(
    of target: LineageTarget, options: LineageOptions = LineageOptions(), key: String? = nil
  ) throws -> DSSEEnvelope {
    let statement = try provenance(of: target, options: options)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let body = Array(try encoder.encode(statement))
    guard case .ssh(let path) = try TagSigner.configured(repository, key: key) else {
      throw SigningError.failed(
        "signed provenance needs an ed25519 SSH key: `git config gpg.format ssh` and "
          + "`git config user.signingkey ~/.ssh/id_ed25519`, or --key")
    }
    let privateKey: OpenSSHPrivateKey
    do {
      privateKey = try OpenSSHPrivateKey(contentsOf: path)
    } catch {
      throw SigningError.failed(
        "\(error); DSSE signatures need a key file without a passphrase")
    }
    return try DSSEEnvelope(signing: body, type: DSSEEnvelope.inTotoPayloadType, with: privateKey)
  }

  /// Checks a DSSE envelope against the allowed signers of the trusted ref (see
  /// ``ProvenanceVerifier``).
  public func verifyProvenance(at path: String, artifact: String? = nil) throws
    -> ProvenanceVerification
  {
    let history = try PolicyHistory.read(repository, fallbackSigners: nil)
    return try ProvenanceVerifier.verify(
      envelopeAt: repositoryPathOrAbsolute(path), shownAs: path,
      allowedSigners: history.current.signers,
      signersSource: "the allowed signers of \(history.trustedRef ?? "HEAD")",
      artifact: try artifact.map { (try repositoryPathOrAbsolute($0), $0) })
  }

  /// The principals the trusted ref's allowed signers grant the key that signed `envelope`,
  /// now: empty when no verifier using them would accept it.
  public func allowedPrincipals(of envelope: DSSEEnvelope) throws -> [String] {
    let signers = try PolicyHistory.read(repository, fallbackSigners: nil).current.signers
    return envelope.signers(among: signers.entries.map(\.key)).flatMap {
      signers.principals(for: $0, at: Date())
    }
  }

  /// An absolute path for a path the user typed, inside the repository or not.
  private func repositoryPathOrAbsolute(_ path: String) throws -> String {
    path.hasPrefix("/") ? path : FileSystem.join(currentDirectory, path)
  }
}

import Foundation

extension Workspace {
  /// Reads the registry with what judges it.
  func registryReading() throws -> RegistryReading {
    try RegistryReading(
      repository: repository, fallbackSignersText: configuredAllowedSignersText(),
      paired: driftGate(), dataCheck: dataCheck())
  }

  /// Judges every registry event against the policy in force at its time: signature and
  /// signer, stage, stage order, gates recomputed from the tagged commit, approvals, claims
  /// against the objects, counters, replays.
  public func audit(artifact: String? = nil) throws -> AuditReport {
    let reading = try registryReading()
    let entries = try reading.audit().entries.filter { entry in
      artifact.map { entry.artifact == $0 } ?? true
    }
    return AuditReport(
      entries: entries, trustedRef: reading.history.trustedRef,
      policyIsTrusted: reading.history.isTrusted,
      hasPolicy: reading.history.current.hasPolicy, policyChanges: reading.history.changes)
  }

  /// The text of Git's `gpg.ssh.allowedSignersFile`, a file of this machine's
  /// configuration: used where the trusted ref has no allowed-signers file.
  func configuredAllowedSignersText() throws -> String? {
    guard let configured = try repository.configValue("gpg.ssh.allowedSignersFile") else {
      return nil
    }
    return try FileSystem.readTextIfPresent(
      configured.hasPrefix("/") ? configured : absolute(configured))
  }
}

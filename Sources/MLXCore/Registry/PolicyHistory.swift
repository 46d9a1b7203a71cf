import Foundation

/// The registry policy and allowed signers as they stood over time on the trusted ref, so
/// every event is judged by the rules in force when it was made, never by the commit it
/// promotes.
///
/// The trusted ref is `git config mlx.trustedRef` when set, else the default branch: the
/// branch `origin/HEAD` names (the local branch of that name when there is one, else the
/// remote-tracking one), else `init.defaultBranch`, `main` or `master`. Its first-parent
/// history is walked once per command; a policy took effect at the committer time of the
/// first commit that holds it.
public struct PolicyHistory: Sendable {
  /// One stretch of history in which the policy and allowed-signers files did not change.
  public struct Version: Sendable {
    /// The commit that introduced this version; nil before the trusted ref had a commit.
    public let commit: String?
    /// When it took effect (the commit's committer time).
    public let since: Date
    public let policy: RegistryPolicy
    public let signers: AllowedSigners
    /// Whether a policy file exists in this version (else the defaults apply).
    public let hasPolicy: Bool
    /// Why the policy file could not be read, when it could not: every event judged by this
    /// version then fails.
    public let problem: String?
  }

  /// A commit on the trusted ref that changed the policy or the allowed signers.
  public struct Change: Codable, Sendable, Equatable {
    public let commit: String
    public let time: Date
    public let author: GitIdentity
    public let files: [String]
    /// The commit's signature, checked against the allowed signers in force before it.
    public let signature: SignatureCheck
  }

  /// The ref the policy is read from (`refs/heads/main`); nil when none was found, in which
  /// case HEAD is read and ``isTrusted`` is false.
  public let trustedRef: String?
  public let isTrusted: Bool
  /// The trusted ref's commit now.
  public var tip: String?
  /// Versions, oldest first.
  public let versions: [Version]
  public let changes: [Change]

  /// The version in force at `time`: the last one that took effect at or before it.
  public func at(_ time: Date) -> Version {
    var low = 0
    var high = versions.count
    while low < high {
      let middle = (low + high) / 2
      if versions[middle].since <= time { low = middle + 1 } else { high = middle }
    }
    return low == 0 ? Self.none : versions[low - 1]
  }

  /// The version in force now.
  public var current: Version { versions.last ?? Self.none }

  /// Whether the trusted ref holds a policy now: registry reads then count only events that
  /// pass the audit.
  public var enforces: Bool { current.hasPolicy }

  static let none = Version(
    commit: nil, since: .distantPast, policy: RegistryPolicy(), signers: AllowedSigners(),
    hasPolicy: false, problem: nil)

  // MARK: - Reading

  /// Reads the history of the trusted ref. `fallbackSigners` is Git's
  /// `gpg.ssh.allowedSignersFile` (local configuration), used where the ref has no file.
  static func read(_ repository: Repository, fallbackSigners: AllowedSigners?) throws -> PolicyHistory {
    let (reference, isTrusted) = try trustedReference(repository)
    guard let reference, let tip = try repository.resolveReference(reference) ?? (try? repository.commit(reference))
    else {
      return PolicyHistory(trustedRef: nil, isTrusted: false, tip: nil, versions: [], changes: [])
    }
    // Walk first parents from the tip, noting where either file's blob changes.
    struct Point {
      let commit: CommitInfo
      let policy: GitOID?
      let signersPath: String
      let signers: GitOID?
    }
    var points: [Point] = []
    var policies: [GitOID: Result<RegistryPolicy, RegistryError>] = [:]
    var next: GitOID? = tip
    var seen: Set<String> = []
    while let id = next, seen.insert(id.hex).inserted {
      let info = try repository.commitInfo(id)
      let policyBlob = try repository.blobID(RegistryPolicy.path, inCommit: id)
      var signersPath = RegistryPolicy.defaultAllowedSigners
      if let policyBlob {
        if policies[policyBlob] == nil {
          let text = String(decoding: try repository.blob(policyBlob), as: UTF8.self)
          policies[policyBlob] = Result(catching: { () throws(RegistryError) in try RegistryPolicy(parsing: text) })
        }
        if case .success(let policy) = policies[policyBlob] { signersPath = policy.allowedSigners }
      }
      let signersBlob = RelativePath.isInside(signersPath) ? try repository.blobID(signersPath, inCommit: id) : nil
      points.append(Point(commit: info, policy: policyBlob, signersPath: signersPath, signers: signersBlob))
      next = info.parents.first
    }
    points.reverse()
    var versions: [Version] = []
    var changes: [Change] = []
    var signersByBlob: [GitOID: AllowedSigners] = [:]
    var previous: Point?
    for point in points {
      if let previous, previous.policy == point.policy, previous.signers == point.signers { continue }
      var problem: String?
      var policy = RegistryPolicy()
      if let blob = point.policy {
        switch policies[blob]! {
        case .success(let parsed): policy = parsed
        case .failure(let error): problem = error.description
        }
      }
      var signers = fallbackSigners ?? AllowedSigners()
      if let blob = point.signers {
        if signersByBlob[blob] == nil {
          let text = String(decoding: try repository.blob(blob), as: UTF8.self)
          do {
            signersByBlob[blob] = try AllowedSigners(parsing: text, path: point.signersPath)
          } catch {
            problem = problem ?? error.description
            signersByBlob[blob] = AllowedSigners()
          }
        }
        signers = signersByBlob[blob]!
      }
      let time = Date(timeIntervalSince1970: TimeInterval(point.commit.time))
      if previous != nil || point.policy != nil || point.signers != nil {
        var files: [String] = []
        if previous?.policy != point.policy { files.append(RegistryPolicy.path) }
        if previous?.signers != point.signers { files.append(point.signersPath) }
        let before = versions.last?.signers ?? signers
        let signature = try repository.commitSignature(point.commit.id)
        changes.append(
          Change(
            commit: point.commit.id.hex, time: time, author: point.commit.author, files: files,
            signature: SignatureCheck(
              SignatureVerdict.verify(payload: signature?.payload ?? [], signature: signature?.signature, of: "commit"),
              allowedSigners: before, at: time)))
      }
      versions.append(
        Version(
          commit: point.commit.id.hex, since: time, policy: policy, signers: signers,
          hasPolicy: point.policy != nil, problem: problem))
      previous = point
    }
    return PolicyHistory(
      trustedRef: reference, isTrusted: isTrusted, tip: tip.hex, versions: versions, changes: changes)
  }

  /// The trusted ref's full name, and whether it is one (false: HEAD, for want of any).
  static func trustedReference(_ repository: Repository) throws -> (String?, Bool) {
    if let configured = try repository.configValue("mlx.trustedRef"), !configured.isEmpty {
      for candidate in [configured, "refs/heads/\(configured)", "refs/remotes/\(configured)"]
      where (try? repository.resolveReference(candidate)) ?? nil != nil {
        return (candidate, true)
      }
      throw RegistryError.unknownTrustedRef(configured)
    }
    var candidates: [String] = []
    if let remoteHead = repository.symbolicTarget(ofReference: "refs/remotes/origin/HEAD") {
      let branch = String(remoteHead.dropFirst("refs/remotes/origin/".count))
      candidates += ["refs/heads/\(branch)", remoteHead]
    }
    if let configured = try repository.configValue("init.defaultBranch") {
      candidates.append("refs/heads/\(configured)")
    }
    candidates += ["refs/heads/main", "refs/heads/master"]
    for candidate in candidates where (try? repository.resolveReference(candidate)) ?? nil != nil {
      return (candidate, true)
    }
    return (try repository.headCommit() == nil ? nil : "HEAD", false)
  }
}

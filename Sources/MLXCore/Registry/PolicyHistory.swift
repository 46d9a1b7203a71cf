import Foundation

/// The registry policy and allowed signers as they stood over time on the trusted ref, so
/// every event is judged by the rules in force when it was made, never by the commit it
/// promotes.
///
/// The trusted ref is `git config mlx.trustedRef` when set, else the default branch: the
/// branch `origin/HEAD` names (the local branch of that name when there is one, else the
/// remote-tracking one), else a local branch named `init.defaultBranch`, `main` or `master`. Its first-parent
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
    /// The allowed-signers file the policy names when the trusted ref lacks it (and Git's
    /// configuration names none): signatures then fail as signed by a key not allowed, and
    /// the audit says the file is missing.
    public var missingSigners: String? = nil
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

  /// The version in force at `time`: the last one that took effect before it. A version
  /// committed in the same second as an event does not judge it: the event was written under
  /// the version before (mlx itself never writes an event in the second of the policy it
  /// follows; it waits).
  public func at(_ time: Date) -> Version {
    // The newest version, in first-parent order, committed before `time`: committer times
    // need not grow along the history (a commit dated in the future must not keep every
    // later policy out of force).
    guard let firstPolicy = versions.firstIndex(where: \.hasPolicy) else {
      return versions.last { $0.since < time } ?? Self.none
    }
    let found = versions.lastIndex { $0.since < time }
    // An event dated before the first policy is judged by the first policy: a tag's time is
    // a claim, and dating a tag back must not escape the rules.
    guard let found, found >= firstPolicy else { return versions[firstPolicy] }
    return versions[found]
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
  static func read(_ repository: Repository, fallbackSigners: AllowedSigners?) throws
    -> PolicyHistory
  {
    let (reference, isTrusted) = try trustedReference(repository)
    guard let reference,
      let tip = try repository.resolveReference(reference) ?? (try? repository.commit(reference))
    else {
      return PolicyHistory(trustedRef: nil, isTrusted: false, tip: nil, versions: [], changes: [])
    }
    let points = try PolicyPoints.read(repository, tip: tip)
    var versions: [Version] = []
    var changes: [Change] = []
    var signersByBlob: [GitOID: AllowedSigners] = [:]
    var previous: PolicyPoints.Point?
    for point in points {
      var problem: String?
      var policy = RegistryPolicy()
      if let blob = point.policy {
        if blob == PolicyPoints.notAFile {
          problem = "\(RegistryPolicy.path) is not a file (a directory or a symbolic link)"
        } else {
          do {
            policy = try RegistryPolicy(
              parsing: String(decoding: try repository.blob(blob), as: UTF8.self))
          } catch let error as RegistryError {
            problem = error.description
          }
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
      let time = Date(timeIntervalSince1970: TimeInterval(point.time))
      if previous != nil || point.policy != nil || point.signers != nil {
        var files: [String] = []
        if previous?.policy != point.policy { files.append(RegistryPolicy.path) }
        if previous?.signers != point.signers { files.append(point.signersPath) }
        let before = versions.last?.signers ?? signers
        let signature = try repository.commitSignature(point.commit)
        changes.append(
          Change(
            commit: point.commit.hex, time: time,
            author: try repository.commitInfo(point.commit).author,
            files: files,
            signature: SignatureCheck(
              SignatureVerdict.verify(
                payload: signature?.payload ?? [], signature: signature?.signature, of: "commit"),
              allowedSigners: before, at: time)))
      }
      let missing =
        point.policy != nil && point.signers == nil && fallbackSigners == nil
        ? point.signersPath : nil
      versions.append(
        Version(
          commit: point.commit.hex, since: time, policy: policy, signers: signers,
          hasPolicy: point.policy != nil, problem: problem, missingSigners: missing))
      previous = point
    }
    return PolicyHistory(
      trustedRef: reference, isTrusted: isTrusted, tip: tip.hex, versions: versions,
      changes: changes)
  }

  /// The trusted ref's full name, and whether it is one (false: HEAD, for want of any).
  static func trustedReference(_ repository: Repository) throws -> (String?, Bool) {
    func exists(_ name: String) -> Bool {
      (try? repository.resolveReference(name)).flatMap { $0 } != nil
    }
    if let configured = try repository.configValue("mlx.trustedRef"), !configured.isEmpty {
      if configured.hasPrefix("refs/") {
        guard exists(configured) else { throw RegistryError.unknownTrustedRef(configured) }
        return (configured, true)
      }
      let found = ["refs/heads/\(configured)", "refs/remotes/\(configured)"].filter(exists)
      guard found.count == 1 else {
        throw found.isEmpty
          ? RegistryError.unknownTrustedRef(configured)
          : RegistryError.ambiguousTrustedRef(configured, candidates: found)
      }
      return (found[0], true)
    }
    // The default branch as the server named it when the clone was made (origin/HEAD), as
    // a local branch or as origin's. Remote-tracking refs are never guessed by name: anyone
    // who can push can create `origin/main` in a repository whose default is `master`.
    if let remoteHead = repository.symbolicTarget(ofReference: "refs/remotes/origin/HEAD") {
      let name = String(remoteHead.dropFirst("refs/remotes/origin/".count))
      for candidate in ["refs/heads/\(name)", remoteHead] where exists(candidate) {
        return (candidate, true)
      }
    }
    // Else this clone's own branch of a usual name (created here, not pushed here).
    var names: [String] = []
    if let configured = try repository.configValue("init.defaultBranch") {
      names.append(configured)
    }
    names += ["main", "master"]
    for name in names where exists("refs/heads/\(name)") {
      return ("refs/heads/\(name)", true)
    }
    return (try repository.headCommit() == nil ? nil : "HEAD", false)
  }
}

/// Where the policy or the allowed signers change along the trusted ref's first parents,
/// oldest first, kept in `.git/mlx/policy-cache` with the tip they were read up to: a later
/// read walks only the commits added since (the whole history when it was rewritten).
struct PolicyPoints {
  struct Point: Equatable {
    let commit: GitOID
    /// Committer time.
    let time: Int64
    let policy: GitOID?
    let signersPath: String
    let signers: GitOID?

    func sameFiles(as other: Point) -> Bool { policy == other.policy && signers == other.signers }
  }

  private static let magic = "MLXPOL02"

  /// Stands for a policy path that holds no file.
  static let notAFile = GitOID(hex: String(repeating: "0", count: 40))!

  static func read(_ repository: Repository, tip: GitOID) throws -> [Point] {
    let path = repository.gitDirectory + "/mlx/policy-cache"
    let cached = (try? FileSystem.read(path)).flatMap(decode)
    if let cached, cached.tip == tip { return cached.points }
    var signersPaths: [GitOID: String] = [:]
    var walked: [Point] = []
    let reached = try repository.walkFirstParents(from: tip, until: cached?.tip) { step in
      // A policy path that holds a directory (or a link) is no policy to read: it fails
      // closed, as one that does not parse (the marker id names no blob).
      let policy =
        try step.blobID(RegistryPolicy.path)
        ?? (try step.hasEntry(RegistryPolicy.path) ? notAFile : nil)
      var signersPath = RegistryPolicy.defaultAllowedSigners
      if let policy, policy != notAFile {
        if signersPaths[policy] == nil {
          let text = String(decoding: try repository.blob(policy), as: UTF8.self)
          signersPaths[policy] =
            (try? RegistryPolicy(parsing: text))?.allowedSigners
            ?? RegistryPolicy.defaultAllowedSigners
        }
        signersPath = signersPaths[policy]!
      }
      let signers = RelativePath.isInside(signersPath) ? try step.blobID(signersPath) : nil
      walked.append(
        Point(
          commit: step.id, time: step.time, policy: policy, signersPath: signersPath,
          signers: signers))
    }
    var points = reached ? cached?.points ?? [] : []
    for point in walked.reversed() where points.last.map({ !$0.sameFiles(as: point) }) ?? true {
      points.append(point)
    }
    try? FileSystem.createDirectories(FileSystem.parent(of: path))
    try? FileSystem.write(encode(tip: tip, points: points), atomicallyTo: path, durable: false)
    return points
  }

  /// `MLXPOL02`, the tip, then per point: commit, time (8 bytes), policy blob (or empty),
  /// allowed-signers path, its blob (or empty); sealed with a SHA-256 of all of it, so a cut
  /// file never reads as a history without its latest policies.
  static func encode(tip: GitOID, points: [Point]) -> [UInt8] {
    var writer = BinaryWriter(magic: magic)
    writer.string(tip.hex)
    for point in points {
      writer.string(point.commit.hex)
      writer.integer(point.time)
      writer.string(point.policy?.hex ?? "")
      writer.string(point.signersPath)
      writer.string(point.signers?.hex ?? "")
    }
    return writer.sealed
  }

  static func decode(_ bytes: [UInt8]) -> (tip: GitOID, points: [Point])? {
    guard var reader = BinaryReader(sealed: bytes, magic: magic),
      let tip = reader.string().flatMap(GitOID.init(hex:))
    else { return nil }
    var points: [Point] = []
    while !reader.isAtEnd {
      guard let commit = reader.string().flatMap(GitOID.init(hex:)),
        let time = reader.integer(Int64.self),
        let policy = reader.string(), let signersPath = reader.string(),
        let signers = reader.string(),
        [policy, signers].allSatisfy({ $0.isEmpty || GitOID(hex: $0) != nil })
      else { return nil }
      points.append(
        Point(
          commit: commit, time: time, policy: policy.isEmpty ? nil : GitOID(hex: policy),
          signersPath: signersPath, signers: signers.isEmpty ? nil : GitOID(hex: signers)))
    }
    return (tip, points)
  }
}

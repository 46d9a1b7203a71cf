/// The `drift.psi` and `drift.ks` gates: how far the candidate's training data drifted from
/// that of the version holding the stage, as `mlx drift` measures it, from each commit's
/// `mlx.lock` and the profiles of the data it names (stored by the data's digest).
extension Workspace {
  /// The paired gate metrics (``PairedMetrics``) the registry checks.
  static let driftGateMetrics: Set<String> = ["drift.psi", "drift.ks"]

  /// The drift gates, for a registry reading.
  func driftGate() -> PairedMetrics {
    PairedMetrics(names: Self.driftGateMetrics) { [self] in try driftGateOutcomes($0) }
  }

  /// `drift.psi`: the largest PSI of a numeric column between the holder's training data and
  /// the candidate's; `drift.ks`: the largest KS statistic. A column whose kind changed counts
  /// as infinite PSI and a KS statistic of 1; columns the policy's `drift:` ignores (in the
  /// policy that judges) are left out.
  func driftGateOutcomes(_ request: PairedMetrics.Request) throws -> PairedMetrics.Outcomes {
    func all(_ outcome: PairedMetrics.Outcome) -> PairedMetrics.Outcomes {
      Dictionary(uniqueKeysWithValues: Self.driftGateMetrics.map { ($0, outcome) })
    }
    let holderName = "the holder" + (request.holderVersion.map { " \($0)" } ?? "")
    let candidate = try gateSide(request.path, commit: request.candidate, role: "the candidate")
    let holder = try gateSide(request.path, commit: request.holder, role: holderName)
    // A side that cannot be computed fails the gate before one that was not pulled.
    for side in [candidate, holder] {
      if case .problem(.failed(let why)) = side { return all(.failed(why)) }
    }
    let absent = [candidate, holder].compactMap { side -> String? in
      if case .problem(.unverifiable(let why)) = side { return why } else { return nil }
    }
    if !absent.isEmpty { return all(.unverifiable(absent.joined(separator: "; "))) }
    guard case .ready(let new, let newDigest, let newProfile) = candidate,
      case .ready(let old, let oldDigest, let oldProfile) = holder
    else { return [:] }
    let policy: DriftPolicy
    do {
      policy = try driftPolicy(at: request.policyCommit)
    } catch {
      return all(.failed("the policy's drift: key cannot be read: \(error)"))
    }
    let sides =
      "\(new) \(newDigest.hex.prefix(8)) vs \(holderName)'s \(old) \(oldDigest.hex.prefix(8))"
    func side(_ path: String, _ commit: String, _ profile: TableProfile) -> DriftReport.Side {
      DriftReport.Side(
        spec: "\(path)@\(commit)", path: path, revision: commit, digest: profile.digest,
        rows: profile.rows)
    }
    let report = DriftReport(
      baseline: side(old, request.holder, oldProfile),
      current: side(new, request.candidate, newProfile), profiles: (oldProfile, newProfile),
      policy: policy)
    if let change = report.typeChanges.first {
      let detail =
        "\(change.name) is \(change.baseline) in the holder's data, \(change.current) in the "
        + "candidate's; \(sides)"
      return [
        "drift.psi": .value(.infinity, detail: detail), "drift.ks": .value(1, detail: detail),
      ]
    }
    let numeric = report.columns.filter { $0.psi != nil && $0.ks != nil }
    guard let psi = numeric.max(by: { $0.psi! < $1.psi! }),
      let ks = numeric.max(by: { $0.ks!.statistic < $1.ks!.statistic })
    else {
      return all(.failed("no numeric column with values on both sides to compare (\(sides))"))
    }
    return [
      "drift.psi": .value(psi.psi!, detail: "\(psi.name); \(sides)"),
      "drift.ks": .value(ks.ks!.statistic, detail: "\(ks.name); \(sides)"),
    ]
  }

  /// The `drift:` thresholds of the policy at `commit` (the trusted ref's, which judges);
  /// defaults without one.
  func driftPolicy(at commit: String?) throws -> DriftPolicy {
    guard let commit, let id = GitOID(hex: commit),
      let bytes = try repository.file(RegistryPolicy.path, inCommit: id)
    else { return DriftPolicy() }
    return try DriftPolicy(
      parsingPolicy: String(decoding: bytes, as: UTF8.self),
      path: "\(RegistryPolicy.path) at \(commit.prefix(7))")
  }
}

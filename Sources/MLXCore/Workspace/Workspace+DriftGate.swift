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

  private enum GateSide {
    case ready(path: String, digest: ObjectID, profile: TableProfile)
    /// Why not: failed, or unverifiable (this repository lacks the data).
    case problem(PairedMetrics.Outcome)
  }

  /// The training data of the model at `model` in `commit`, and its profile: the one stored
  /// for the data's digest, else one computed from the data in the store (and stored), else
  /// the profile the commit's pointer names when the store holds it.
  private func gateSide(_ model: String, commit: String, role: String) throws -> GateSide {
    let at = "\(role) (commit \(commit.prefix(7)))"
    guard let id = GitOID(hex: commit), (try? repository.objectType(id)) == "commit",
      let read = try repository.lockFile(inCommit: id)
    else {
      return .problem(.failed("\(at) has no \(LockFile.fileName), so its training data is unknown"))
    }
    guard case .success(let lock) = read else {
      return .problem(
        .failed("\(LockFile.fileName) of \(at) cannot be read: training data unknown"))
    }
    let inputs = lock.trainingInputs(of: model)
    guard inputs.count == 1, let input = inputs.first else {
      let why =
        inputs.isEmpty
        ? "no stage of its \(LockFile.fileName) writing \(model), or upstream of it, reads a "
          + "CSV or TSV file"
        : "the stage writing \(model) (or upstream) reads \(inputs.map(\.path).joined(separator: ", ")): "
          + "no one training data file"
      return .problem(.failed("\(at): \(why)"))
    }
    let digest = input.digest
    let name = "\(role)'s training data \(input.path) \(digest.short)"
    let store: ObjectStore
    do {
      store = try self.store()
    } catch {
      return .problem(.unverifiable("mlx's store cannot be opened: \(error)"))
    }
    do {
      if DerivedObjects(store: store, kind: "profiles").lookup(digest.hex) != nil
        || store.contains(digest)
      {
        let stored = try storedProfile(of: digest, profiler: TableProfiler(), store: store) {
          try self.contentFile(digest, named: input.path, at: commit, store: store)
        }
        return .ready(path: input.path, digest: digest, profile: stored.profile)
      }
      if case .pointer(let pointer) = try repository.committedPointer(
        path: input.path, commit: commit), let profileID = pointer.profile,
        store.contains(profileID)
      {
        let profile = try TableProfile(
          json: try store.readVerifiedBlob(profileID), source: profileID.description)
        if profile.digest == digest.description, profile.types == "inferred" {
          return .ready(path: input.path, digest: digest, profile: profile)
        }
      }
    } catch {
      // Data that is no table fails; a store that cannot be read here proves nothing.
      let why = "\(name) cannot be profiled: \(error)"
      return .problem(error is QualityError ? .failed(why) : .unverifiable(why))
    }
    return .problem(
      .unverifiable(
        "\(name) is not in the local store, nor its profile; fetch it with "
          + "`mlx pull` (`mlx fetch --rev \(commit.prefix(7)) \(input.path)`)"))
  }

  /// The `drift:` thresholds of the policy at `commit` (the trusted ref's, which judges);
  /// defaults without one.
  private func driftPolicy(at commit: String?) throws -> DriftPolicy {
    guard let commit, let id = GitOID(hex: commit),
      let bytes = try repository.file(RegistryPolicy.path, inCommit: id)
    else { return DriftPolicy() }
    return try DriftPolicy(
      parsingPolicy: String(decoding: bytes, as: UTF8.self),
      path: "\(RegistryPolicy.path) at \(commit.prefix(7))")
  }
}

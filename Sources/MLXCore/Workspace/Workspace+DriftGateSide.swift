/// One side of a drift gate: the training data of a model at a commit, found through that
/// commit's `mlx.lock` and checked against what the commit holds, with its profile.
extension Workspace {
  enum DriftGateSide {
    case ready(path: String, digest: ObjectID, profile: TableProfile)
    /// Why not: failed, or unverifiable (this repository lacks the data).
    case problem(PairedMetrics.Outcome)
  }

  /// The training data of the model at `model` in `commit`, and its profile: the one stored
  /// for the data's digest, else one computed from the data in the store (and stored), else
  /// the profile the commit's pointer names when the store holds it.
  func gateSide(_ model: String, commit: String, role: String) throws -> DriftGateSide {
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
    let held = try repository.heldDigest(path: input.path, commit: id)
    guard held == digest else {  // what the commit holds, not only what its mlx.lock says
      return .problem(
        .failed(
          "\(at): \(LockFile.fileName) says the stage read \(input.path) \(digest.short), "
            + "the commit holds \(held?.short ?? "no such data")"))
    }
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
          + "`mlx fetch --rev \(commit.prefix(7)) \(input.path)` (a remote gets it from "
          + "`mlx push --rev \(commit.prefix(7))` where it was made)"))
  }
}

import Testing

@testable import MLXCore

/// What a model was trained on, as `mlx.lock` says: the training data `mlx drift NAME#STAGE`
/// and the `drift.psi` gate compare.
@Suite struct LockFileTrainingTests {
  private func entry(_ path: String) -> LockFile.Entry {
    .init(path: path, digest: ObjectID(hashing: Array(path.utf8)), size: 1, files: nil)
  }

  private func stage(deps: [String], outs: [String]) -> LockFile.StageState {
    LockFile.StageState(
      cmd: "run", deps: deps.map(entry), params: [:], outs: outs.map(entry), metrics: [:],
      run: nil)
  }

  @Test func theCSVTheTrainingStageReads() {
    let lock = LockFile(stages: [
      "train": stage(deps: ["train.py", "data/train.csv"], outs: ["model.pkl"]),
      "other": stage(deps: ["data/other.csv"], outs: ["report.txt"]),
    ])
    #expect(lock.trainingInputs(of: "model.pkl").map(\.path) == ["data/train.csv"])
    #expect(lock.trainingInputs(of: "model.pkl").first?.digest == entry("data/train.csv").digest)
    #expect(lock.trainingInputs(of: "missing.pkl").isEmpty)
  }

  /// Features in a directory: the nearest CSV upstream, through the stages writing the inputs.
  @Test func theNearestCSVUpstreamWhenTheStageReadsNone() {
    let lock = LockFile(stages: [
      "prepare": stage(deps: ["prepare.py", "data/raw.csv"], outs: ["data/prepared"]),
      "featurize": stage(deps: ["data/prepared"], outs: ["data/features"]),
      "train": stage(deps: ["train.py", "data/features"], outs: ["model.pkl"]),
      "evaluate": stage(deps: ["model.pkl", "data/holdout.csv"], outs: ["eval.json"]),
    ])
    #expect(lock.trainingInputs(of: "model.pkl").map(\.path) == ["data/raw.csv"])
    let none = LockFile(stages: ["train": stage(deps: ["data/images"], outs: ["model.pkl"])])
    #expect(none.trainingInputs(of: "model.pkl").isEmpty)
  }

  @Test func everyCSVOfTheNearestStage() {
    let lock = LockFile(stages: [
      "train": stage(deps: ["a.csv", "b.tsv", "a.csv"], outs: ["model.pkl"])
    ])
    #expect(lock.trainingInputs(of: "model.pkl").map(\.path) == ["a.csv", "b.tsv"])
  }

  /// A cycle (a damaged or hostile lock file) ends.
  @Test func aCycleEnds() {
    let lock = LockFile(stages: [
      "a": stage(deps: ["y"], outs: ["x"]), "b": stage(deps: ["x"], outs: ["y"]),
    ])
    #expect(lock.trainingInputs(of: "x").isEmpty)
  }
}

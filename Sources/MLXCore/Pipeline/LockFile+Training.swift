extension LockFile {
  /// What `model` was trained on: the CSV/TSV inputs of the `mlx.lock` stage that wrote it,
  /// else, when it reads none (features in a directory), those of the nearest stages
  /// upstream, the ones writing its inputs.
  public func trainingInputs(of model: String) -> [Entry] {
    let isData = { (path: String) in [".csv", ".tsv", ".tab"].contains { path.hasSuffix($0) } }
    var wanted: Set<String> = [model]
    var visited: Set<String> = []
    while true {
      let writers = stages.keys.sorted().filter { name in
        !visited.contains(name) && stages[name]!.outs.contains { wanted.contains($0.path) }
      }
      guard !writers.isEmpty else { return [] }
      visited.formUnion(writers)
      let deps = writers.flatMap { stages[$0]!.deps }
      var seen: Set<String> = []
      let data = deps.filter { isData($0.path) && seen.insert($0.path).inserted }
      if !data.isEmpty { return data }
      wanted = Set(deps.map(\.path))
    }
  }
}

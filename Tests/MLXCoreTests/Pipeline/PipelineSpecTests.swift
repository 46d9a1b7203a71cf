import Testing

@testable import MLXCore

@Suite struct PipelineSpecTests {
  @Test func parsesEveryKey() throws {
    let spec = try PipelineSpec(
      parsing: """
        stages:
          train:
            cmd: [python3 train.py, echo done]
            wdir: src
            deps: [train.py, ../data/features]
            params:
              - train.lr
              - ../config.yaml: [model.layers]
              - other.yaml:
            outs:
              - ../models/model.pkl: {kind: model}
              - ../models/extra
            metrics: [../metrics.json]
            env: {SEED: "1"}
            frozen: false
            always_changed: true
            role: train
            desc: fits the model
        """)
    let stage = try #require(spec.stage(named: "train"))
    #expect(stage.commands == ["python3 train.py", "echo done"])
    #expect(stage.workingDirectory == "src")
    #expect(stage.dependencies == ["src/train.py", "data/features"])
    #expect(
      stage.params == [
        .init(file: "src/params.yaml", key: "train.lr"),
        .init(file: "config.yaml", key: "model.layers"),
        .init(file: "src/other.yaml", key: nil),
      ])
    #expect(
      stage.outputs == [
        .init(path: "models/model.pkl", kind: .model), .init(path: "models/extra", kind: .file),
      ])
    #expect(stage.metrics == ["metrics.json"])
    #expect(stage.environment == ["SEED": "1"])
    #expect(stage.isAlwaysChanged && !stage.isFrozen)
    #expect(stage.role == .train)
  }

  @Test(arguments: [
    ("stages:\n  a:\n    cmd: x\n    outz: [y]\n", "mlx.yaml:4: stage 'a': unknown key 'outz'"),
    ("stages:\n  a:\n    deps: [x]\n", "stage 'a': missing key 'cmd'"),
    (
      "stages:\n  a:\n    cmd: x\n    role: test\n",
      "mlx.yaml:4: stage 'a': role must be train or eval"
    ),
    ("stages:\n  a:\n    cmd: x\n    outs: [../../y]\n", "leaves the repository"),
    ("stages:\n  a:\n    cmd: x\n    frozen: maybe\n", "'frozen' must be true or false"),
    ("stages: [a, b]\n", "'stages' must map stage names"),
    ("stage:\n  a: {cmd: x}\n", "unknown key 'stage'"),
    ("stages:\n  a:\n    cmd: [x\n", "mlx.yaml:"),
    ("stages:\n  bad name:\n    cmd: x\n", "stage name 'bad name'"),
  ])
  func reportsSchemaErrorsWithTheirLine(text: String, expected: String) {
    #expect {
      try PipelineSpec(parsing: text)
    } throws: { error in
      "\(error)".contains(expected)
    }
  }
}

@Suite struct StageGraphTests {
  private func graph(_ text: String) throws -> StageGraph {
    try StageGraph(PipelineSpec(parsing: text))
  }

  @Test func ordersStagesByTheirDataFlow() throws {
    let graph = try graph(
      """
      stages:
        train: {cmd: t, deps: [features/x], outs: [model]}
        featurize: {cmd: f, deps: [prepared], outs: [features]}
        prepare: {cmd: p, deps: [raw.csv], outs: [prepared]}
        report: {cmd: r, deps: [notes.md]}
      """)
    #expect(graph.order == ["prepare", "featurize", "train", "report"])
    #expect(graph.withUpstream(["train"]) == ["prepare", "featurize", "train"])
    #expect(graph.dependsOn("train", "prepare"))
    #expect(!graph.dependsOn("report", "prepare"))
  }

  @Test func rejectsCycles() throws {
    #expect(throws: PipelineError.cycle(["a", "b", "a"])) {
      try graph(
        "stages:\n  a: {cmd: x, deps: [b.out], outs: [a.out]}\n  b: {cmd: y, deps: [a.out], outs: [b.out]}\n"
      )
    }
  }

  @Test func rejectsOutputsClaimedTwice() throws {
    #expect(throws: PipelineError.duplicateOutput(path: "out/sub", stages: ["a", "b"])) {
      try graph("stages:\n  a: {cmd: x, outs: [out]}\n  b: {cmd: y, outs: [out/sub]}\n")
    }
  }
}

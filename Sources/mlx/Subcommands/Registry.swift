import ArgumentParser
import Foundation
import MLXCore

extension MLXCommand {
  /// Reads the registry.
  struct Registry: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show the model registry: versions and stages from Git tags (GTO's naming).",
      subcommands: [RegistryShow.self, RegistryHistory.self, RegistryWhich.self],
      defaultSubcommand: RegistryShow.self)
  }

  struct RegistryShow: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Current versions and stages of every artifact, or of one.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "An artifact's name.")
    var name: String?

    @Option(help: "Show the registry as it was at this time (ISO 8601 or YYYY-MM-DD).")
    var at: String?

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      let states = try workspace.registry(artifact: name, at: try at.map(Workspace.parseTime))
      if output.json {
        try Output.json(["artifacts": states])
        return
      }
      if states.isEmpty {
        print("The registry is empty; `mlx register NAME` or `mlx promote NAME --to STAGE` starts it.")
        return
      }
      let stageNames = Set(states.flatMap { $0.stages.keys }).sorted()
      var rows = [["ARTIFACT", "LATEST"] + stageNames.map { "#\($0)" }]
      for state in states {
        let latest = (state.latest ?? "-") + (state.deprecated ? " (deprecated)" : "")
        rows.append([state.name, latest] + stageNames.map { state.stages[$0]?.version ?? "-" })
      }
      print(Output.table(rows))
    }
  }

  struct RegistryHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "history", abstract: "Every registry event, oldest first.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "An artifact's name.")
    var name: String?

    @Option(help: "Only events up to this time; also prints what held each stage then.")
    var at: String?

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      let time = try at.map(Workspace.parseTime)
      let events = try workspace.registryHistory(artifact: name, at: time)
      if output.json {
        try Output.json(["events": events])
        return
      }
      var rows = [["TIME", "ARTIFACT", "EVENT", "VERSION", "STAGE", "TAGGER", "TAG"]]
      for event in events {
        rows.append([
          Timestamp.format(event.time), event.artifact, event.kind.rawValue, event.version ?? "-",
          event.stage ?? "-", event.tagger.email, event.tag,
        ])
      }
      print(Output.table(rows))
      if let time {
        for state in try workspace.registry(artifact: name, at: time) {
          let stages = state.stages.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.version)" }
          print("At \(Timestamp.format(time)): \(state.name) \(stages.isEmpty ? "in no stage" : stages.joined(separator: " "))")
        }
      }
    }
  }

  struct RegistryWhich: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "which",
      abstract: "The version in a stage, its commit and the model's digest: what to deploy.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "NAME#STAGE or NAME:STAGE.")
    var target: ArtifactStage

    @Option(help: "As it was at this time.")
    var at: String?

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      let deployment = try workspace.which(
        artifact: target.artifact, stage: target.stage, at: try at.map(Workspace.parseTime))
      if output.json {
        try Output.json(deployment)
        return
      }
      print("\(deployment.artifact)#\(deployment.stage): \(deployment.version)")
      print("  commit  \(deployment.commit)")
      print("  tag     \(deployment.tag)")
      if let path = deployment.path { print("  path    \(path)") }
      if let digest = deployment.digest { print("  digest  \(digest)") }
      if let run = deployment.run { print("  run     \(run)") }
    }
  }
}

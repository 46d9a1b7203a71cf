import ArgumentParser
import Foundation
import MLXCore

extension MLXCommand {
  /// Reads the registry.
  struct Registry: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "registry",
      abstract: "Show the model registry: versions and stages from Git tags (GTO's naming).",
      subcommands: [
        RegistryShow.self, RegistryHistory.self, RegistryWhich.self, RegistryCheckRef.self,
      ],
      defaultSubcommand: RegistryShow.self)
  }

  struct RegistryShow: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Current versions and stages of every artifact, or of one.",
      discussion: RegistryReadFlags.discussion)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var read: RegistryReadFlags

    @Argument(help: "An artifact's name: lists its versions.")
    var name: String?

    @Flag(help: "With --json, print `gto show --json`'s shape, for scripts written for GTO.")
    var gto = false

    func validate() throws {
      if gto && name != nil {
        throw ValidationError("--gto prints the whole registry, as `gto show --json`; give no NAME")
      }
    }

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      if gto {
        try Output.json(try workspace.registryInGTOShape(all: read.all))
        return
      }
      let view = try workspace.registry(artifact: name, at: try read.time(), all: read.all)
      RegistryText.warn(skipped: view.skipped)
      if output.json {
        try Output.json(view)
        return
      }
      let states = view.artifacts
      if states.isEmpty {
        print(
          "The registry is empty; `mlx register NAME` or `mlx promote NAME --to STAGE` starts it.")
        return
      }
      if name != nil, let state = states.first {
        var rows = [["VERSION", "COMMIT", "STAGES", "REGISTERED"]]
        for version in state.versions {
          rows.append([
            version.version, String(version.commit.prefix(7)),
            version.stages.joined(separator: ", "),
            Timestamp.format(version.registeredAt),
          ])
        }
        print(Output.table(rows))
        if state.deprecated { print("\(state.name) is deprecated") }
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
      commandName: "history", abstract: "Every registry event, oldest first.",
      discussion: RegistryReadFlags.discussion)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var read: RegistryReadFlags

    @Argument(help: "An artifact's name.")
    var name: String?

    @Flag(help: "With --json, print `gto history --json`'s shape, for scripts written for GTO.")
    var gto = false

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      if gto {
        try Output.json(try workspace.historyInGTOShape(artifact: name, all: read.all))
        return
      }
      let time = try read.time()
      let history = try workspace.registryHistory(artifact: name, at: time, all: read.all)
      RegistryText.warn(skipped: history.skipped)
      if output.json {
        try Output.json(history)
        return
      }
      var rows = [["TIME", "ARTIFACT", "EVENT", "VERSION", "STAGE", "TAGGER", "TAG"]]
      for event in history.events {
        rows.append([
          Timestamp.format(event.time), event.artifact, event.kind.rawValue, event.version ?? "-",
          event.stage ?? "-", event.tagger.email, event.tag,
        ])
      }
      print(Output.table(rows))
      if let time {
        for state in try workspace.registry(artifact: name, at: time, all: read.all).artifacts {
          let stages = state.stages.sorted { $0.key < $1.key }.map {
            "\($0.key)=\($0.value.version)"
          }
          print(
            "At \(Timestamp.format(time)): \(state.name) \(stages.isEmpty ? "in no stage" : stages.joined(separator: " "))"
          )
        }
      }
    }
  }

  struct RegistryWhich: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "which",
      abstract: "The version in a stage, its commit and the model's digest: what to deploy.",
      discussion: RegistryReadFlags.discussion)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var read: RegistryReadFlags

    @Argument(help: "NAME#STAGE or NAME%STAGE.")
    var target: ArtifactStage

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      let deployment = try workspace.which(
        artifact: target.artifact, stage: target.stage, at: try read.time(), all: read.all)
      RegistryText.warn(skipped: deployment.skipped)
      if output.json {
        try Output.json(deployment)
        return
      }
      print(
        "\(deployment.artifact)#\(deployment.stage): \(deployment.version)\(deployment.verified ? "" : " (NOT verified: fails `mlx audit`)")"
      )
      print("  commit  \(deployment.commit)")
      print("  tag     \(deployment.tag)")
      if let path = deployment.path { print("  path    \(path)") }
      if let digest = deployment.digest { print("  digest  \(digest)") }
      if let run = deployment.run { print("  run     \(run)") }
    }
  }
}

extension MLXCommand {
  /// GTO's CI hook: what one tag is, and whether CI may act on it.
  struct RegistryCheckRef: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "check-ref",
      abstract: "Interpret one registry tag for CI (GTO's check-ref), with its audit.",
      discussion: """
        Prints the artifact, event, version and stage the tag makes, from the Git objects. \
        Exits 1 when the tag fails `mlx audit` and a policy is enforced (or it is a replayed \
        tag): CI should not deploy it. A tag that is not a registry tag prints nothing and \
        exits 0, as with GTO.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The tag (NAME#STAGE#N, NAME@vX.Y.Z, or refs/tags/…).")
    var reference: String

    @Flag(help: "With --json, print GTO's check-ref JSON.")
    var gto = false

    @Flag(name: .customLong("name"), help: "Print only the artifact's name.")
    var showName = false
    @Flag(name: .customLong("version"), help: "Print only the version.")
    var showVersion = false
    @Flag(name: .customLong("event"), help: "Print only the event.")
    var showEvent = false
    @Flag(name: .customLong("stage"), help: "Print only the stage.")
    var showStage = false

    func validate() throws {
      if [output.json, showName, showVersion, showEvent, showStage].filter({ $0 }).count > 1 {
        throw ValidationError("give only one of --json, --name, --version, --event, --stage")
      }
    }

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      guard let check = try workspace.checkRef(reference) else {
        StandardError.write("mlx: \(reference) is not a registry tag here\n")
        return
      }
      let event = check.event
      if output.json {
        if gto { try Output.json(check.gto) } else { try Output.json(check) }
      } else if showName {
        print(event.artifact)
      } else if showVersion {
        if let version = event.version { print(version) }
      } else if showEvent {
        print(event.kind.rawValue)
      } else if showStage {
        if let stage = event.stage { print(stage) }
      } else {
        let stage = event.stage.map { " of \($0)" } ?? ""
        print(
          "\(event.tag): \(event.kind.rawValue)\(stage), \(event.artifact) \(event.version ?? "-") at \(event.commit.prefix(7)) by \(event.tagger.email)"
        )
        print(check.audit.passed ? "audit: ok" : "audit: FAIL [\(check.audit.status)]")
        for problem in check.audit.problems { print("  \(problem)") }
      }
      if !check.trusted { throw ExitCode.failure }
    }
  }
}

/// Options of the commands that read the registry.
struct RegistryReadFlags: ParsableArguments {
  static let discussion = """
    With a policy on the trusted ref (the default branch, or `git config mlx.trustedRef`), \
    only events that pass `mlx audit` count; those skipped are named on standard error. \
    --all counts every event, as GTO does.
    """

  @Option(help: "As it was at this time (ISO 8601 or YYYY-MM-DD).")
  var at: String?

  @Flag(help: "Count every event, including those that fail the audit.")
  var all = false

  func time() throws -> Date? { try at.map(Workspace.parseTime) }
}

import ArgumentParser
import MLXCore

/// Options of the commands that write registry tags.
struct RegistryWriteFlags: ParsableArguments {
  @Option(help: "Sign with this SSH key file instead of Git's user.signingkey.", completion: .file())
  var key: String?

  @Option(
    name: .long, parsing: .upToNextOption,
    help: ArgumentHelp("Push the new tags, to REMOTE (default: origin).", valueName: "remote"))
  var push: [String] = []

  @Option(help: "The artifact's path, for an artifact not declared in .mlx/policy.yaml.")
  var path: String?

  var options: RegistryWriteOptions {
    var options = RegistryWriteOptions()
    options.key = key
    options.path = path
    if !push.isEmpty { options.push = push[0] }
    return options
  }
}

/// `NAME#STAGE`, or the shell-safe `NAME:STAGE`.
struct ArtifactStage: ExpressibleByArgument {
  let artifact: String
  let stage: String

  init?(argument: String) {
    let separator: Character = argument.contains("#") ? "#" : ":"
    let parts = argument.split(separator: separator, maxSplits: 1).map(String.init)
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
    (artifact, stage) = (parts[0], parts[1])
  }
}

/// `NAME` or `NAME@vX.Y.Z`.
struct ArtifactVersion: ExpressibleByArgument {
  let artifact: String
  let version: String?

  init?(argument: String) {
    let parts = argument.split(separator: "@", maxSplits: 1).map(String.init)
    guard let first = parts.first, !first.isEmpty else { return nil }
    artifact = first
    version = parts.count == 2 ? parts[1] : nil
  }
}

/// Prints what a registry command did.
enum RegistryText {
  static func print(_ report: RegistryReport, json: Bool) throws {
    if json {
      try Output.json(report)
      return
    }
    for check in report.checks {
      Swift.print("  \(check.passed ? "pass" : "FAIL")  \(check.name): \(check.detail)")
    }
    if !report.accepted {
      StandardError.write(
        "Error: promotion of \(report.artifact)@\(report.version ?? "?") to \(report.stage ?? "?") refused; no tag was written\n")
      return
    }
    for tag in report.tags {
      Swift.print("Created tag \(tag)\(report.signed ? " (signed)" : "")")
    }
    if let remote = report.pushedTo {
      Swift.print("Pushed to \(remote)")
    } else if !report.tags.isEmpty {
      let specs = report.tags.map { "'\($0)'" }.joined(separator: " ")
      Swift.print("Share with: git push origin \(specs)")
    }
  }
}

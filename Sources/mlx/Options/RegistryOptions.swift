import ArgumentParser
import MLXCore

/// Options of the commands that write registry tags.
struct RegistryWriteFlags: ParsableArguments {
  @Option(
    help: "Sign with this SSH key file instead of Git's user.signingkey.", completion: .file())
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

/// `NAME#STAGE`, or `NAME%STAGE`, which needs no quoting in any shell.
struct ArtifactStage: ExpressibleByArgument {
  let artifact: String
  let stage: String

  init?(argument: String) {
    guard let reference = ArtifactStageReference(argument) else { return nil }
    (artifact, stage) = (reference.artifact, reference.stage)
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
  static func print(_ report: RegistryReport, json: Bool, quiet: QuietOption) throws {
    if json {
      try Output.json(report)
      return
    }
    if quiet.isOn {
      for note in report.notes { StandardError.write("mlx: \(note)\n") }
      if !report.accepted {
        // The checks were not printed: the failed ones go on the error line.
        let failed = report.checks.filter { !$0.passed }.map { "\($0.name): \($0.detail)" }
        let reasons = failed.isEmpty ? "" : " (\(failed.joined(separator: "; ")))"
        StandardError.write("Error: \(refusal(report))\(reasons)\n")
      }
      return
    }
    for check in report.checks {
      Swift.print("  \(check.passed ? "pass" : "FAIL")  \(check.name): \(check.detail)")
    }
    for note in report.notes { StandardError.write("mlx: \(note)\n") }
    if !report.accepted {
      StandardError.write("Error: \(refusal(report))\n")
      return
    }
    if let stage = report.stage, let previous = report.previous, let version = report.version,
      !report.tags.isEmpty
    {
      if report.tags.last?.contains("!") == true {
        Swift.print(
          "\(stage): \(previous) unassigned (\(report.holderAfter.map { "\(stage) now \($0)" } ?? "no version holds \(stage) now"))"
        )
      } else if previous != version {
        Swift.print("\(stage): \(previous) → \(version)")
      }
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

extension RegistryText {
  /// Why nothing was written.
  static func refusal(_ report: RegistryReport) -> String {
    let subject =
      report.stage.map { "promotion of \(report.artifact)@\(report.version ?? "?") to \($0)" }
      ?? "\(report.artifact)\(report.version.map { "@" + $0 } ?? "")"
    return "\(subject) refused; no tag was written (`mlx audit` would reject it)"
  }

  /// Names the events a read did not count, on standard error.
  static func warn(skipped: [SkippedEvent]) {
    guard !skipped.isEmpty else { return }
    let list = skipped.prefix(5).map { "\($0.tag) (\($0.status))" }.joined(separator: ", ")
    let more = skipped.count > 5 ? " and \(skipped.count - 5) more" : ""
    StandardError.write(
      "mlx: not counting \(skipped.count) event(s) that fail the audit: \(list)\(more); "
        + "`mlx audit` explains, --all counts them\n")
  }
}

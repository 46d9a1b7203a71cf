import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Checks the object store.
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "verify",
      abstract: "Re-hash the object store and report every corrupt or missing object.",
      discussion: """
        Damaged copies are recorded, so that a later `mlx add` of the original file stores \
        them again. With --repair, mlx does that itself: each damaged or missing object is \
        stored again from the work tree, where a tracked file still has the content its \
        pointer records, then fetched from the remote (--remote, or the default one); what \
        neither has is listed as lost.

        Exits 1 when any object is corrupt, any pointer's content is missing, or a pointer or \
        manifest records a size its content does not have; with --repair, when anything is \
        still lost afterwards.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var output: OutputOptions

    @Flag(help: "Store damaged or missing objects again, from the work tree or the remote.")
    var repair = false

    @Option(name: [.short, .long], help: "With --repair, the remote to fetch from.")
    var remote: String?

    func validate() throws {
      if remote != nil && !repair { throw ValidationError("--remote needs --repair") }
    }

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      guard repair else {
        let report = try workspace.verify(progress: quiet.reporter)
        if output.json {
          try Output.json(report)
        } else if quiet.isOn {
          Self.printUnreadable(report)
        } else {
          Self.print(report, repairing: false)
        }
        if !report.isHealthy {
          // Unreadable pointers are on standard error already.
          if !output.json, let summary = Self.summary(report) { quiet.summarize(failure: summary) }
          throw ExitCode.failure
        }
        return
      }
      let (report, repaired) = try workspace.repair(remote: remote, progress: quiet.reporter)
      if output.json {
        try Output.json(VerifyAndRepair(verify: report, repair: repaired))
      } else if quiet.isOn {
        Self.printUnreadable(report)
      } else {
        Self.print(report, repairing: true)
        if !report.isHealthy { Self.print(repaired) }
      }
      if !repaired.lost.isEmpty {
        if !output.json {
          quiet.summarize(
            failure: "\(repaired.lost.count) objects could not be restored; "
              + "`mlx verify --repair` without -q lists them")
        }
        throw ExitCode.failure
      }
    }

    /// One line for `--quiet`: what was found, and how to see the list.
    private static func summary(_ report: VerifyReport) -> String? {
      let gone = report.lostPacks.filter { $0.unrecovered > 0 }.count
      guard report.corrupt.count + report.missing.count + report.mismatched.count + gone > 0
      else { return nil }
      return
        "the store is damaged: \(report.corrupt.count) corrupt, \(report.missing.count) missing, "
        + "\(report.mismatched.count) with a wrong recorded size, "
        + "\(gone) packs gone; `mlx verify` lists them, "
        + "`mlx verify --repair` restores what it can"
    }

    /// As with `mlx status`: each pointer that cannot be read is one line on stderr.
    private static func printUnreadable(_ report: VerifyReport) {
      for problem in report.unreadablePointers { StandardError.write("mlx: \(problem)\n") }
    }

    private struct VerifyAndRepair: Encodable {
      let verify: VerifyReport
      let repair: RepairReport
    }

    private static func print(_ report: VerifyReport, repairing: Bool) {
      for problem in report.corrupt {
        Swift.print("corrupt: \(problem.object) in \(problem.location): \(problem.problem)")
      }
      for shared in report.sharedPacks {
        Swift.print(
          "shared pack: \(shared.pack).pack has \(shared.links) names on this disk (hard links "
            + "into a directory remote or another clone on this file system), damaged there too: "
            + "after --repair, delete \(shared.pack).pack, .idx and .ready from that remote, "
            + "then push again")
      }
      for lost in report.lostPacks {
        Swift.print(
          "missing pack: \(lost.pack).pack is gone, its index \(lost.pack).idx remains; "
            + "\(lost.objects) objects listed, \(lost.unrecovered) in no other pack")
      }
      for problem in report.missing {
        Swift.print("missing: \(problem.object) needed by \(problem.location): \(problem.problem)")
      }
      printUnreadable(report)
      for problem in report.mismatched {
        Swift.print(
          "size mismatch: \(problem.location): \(problem.problem); restore it with `git checkout -- \(problem.location)`"
        )
      }
      if !report.replaced.isEmpty {
        Swift.print(
          "\(report.replaced.count) damaged copies are replaced by sound ones; `mlx gc` drops them")
      }
      Swift.print(
        "Checked \(report.objectsChecked) objects (\(ByteCount.format(report.bytesChecked))): "
          + "\(report.corrupt.count) corrupt, \(report.missing.count) missing, "
          + "\(report.mismatched.count) with a wrong recorded size")
      if !report.isHealthy && !repairing {
        Swift.print(
          "Run `mlx verify --repair` to store the damaged objects again from the work tree or a "
            + "remote (or `mlx add` the original files).")
      }
    }

    private static func print(_ repaired: RepairReport) {
      for path in repaired.fromWorkTree { Swift.print("repaired from the work tree: \(path)") }
      for path in repaired.fromRemote {
        Swift.print("fetched again from \(repaired.remote ?? "the remote"): \(path)")
      }
      if let problem = repaired.remoteProblem {
        Swift.print("remote \(repaired.remote ?? "") could not help: \(problem)")
      }
      for lost in repaired.lost {
        Swift.print("lost: \(lost.location): \(lost.problem) (\(lost.object))")
      }
      Swift.print(
        repaired.lost.isEmpty
          ? "Repaired: every object the store needs is sound again"
          : "\(repaired.lost.count) could not be restored: add them from another copy, or "
            + "restore the files with `git checkout` of an older version")
    }
  }
}

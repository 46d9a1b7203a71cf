import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Removes what no reference, run, index or work tree needs, from the store or a remote.
  struct GC: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "gc",
      abstract: "Remove content no branch, tag, run, index or work tree needs.",
      discussion: """
        Keeps everything reachable from every reference (branches, tags including every \
        registry tag ever written, refs/mlx/*, remote-tracking references, the stash), the \
        Git index, the work tree's pointers and the run records. Objects in packs younger \
        than the grace period are never removed, so an add, fetch or push under way is never \
        broken. A pack holding garbage is replaced by a new pack with what it keeps; a gc \
        killed at any moment leaves a store `mlx verify` passes.

        With --remote NAME, gc runs on that remote only (never implicitly): it prints its \
        plan, then deletes the packs none of whose objects is kept.

        Examples:
          mlx gc --dry-run                   what would go and what stays
          mlx gc                             collect the local store
          mlx gc --grace 0                   also what was written a moment ago
          mlx gc --explain data/train.csv    which root keeps that content
          mlx gc --explain sha256:9f86d081   the same for an object (a prefix will do)
          mlx gc --remote shared --dry-run   the plan for remote shared
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var output: OutputOptions

    @Flag(help: "Print what would go and what stays; delete nothing.")
    var dryRun = false

    @Option(
      help: ArgumentHelp(
        "Leave objects younger than this alone: 24h, 30m, 90s, 7d, 1h30m or 0 (default: 24h).",
        valueName: "duration"),
      transform: { text in
        guard let seconds = GracePeriod.seconds(parsing: text) else {
          throw ValidationError(
            "'\(text)' is not a duration: write a number and a unit (s, m, h, d, w), such as "
              + "24h, 30m or 1h30m, or 0")
        }
        return seconds
      })
    var grace: Int64 = GracePeriod.defaultSeconds

    @Option(name: [.short, .long], help: "Collect this remote instead of the local store.")
    var remote: String?

    @Option(
      help: ArgumentHelp(
        "Say which root keeps an object (sha256:<hex> or a hex prefix) or a tracked path.",
        valueName: "object-or-path"))
    var explain: String?

    @Option(
      help: ArgumentHelp(
        "Another clone sharing this store, whose roots count too (repeatable).",
        valueName: "dir"))
    var project: [String] = []

    @Option(
      name: [.short, .long], help: "Requests in flight at once to an S3 remote (default: 8).")
    var jobs: Int?

    func validate() throws {
      if remote == "" {
        throw ValidationError(
          "gc on a remote needs its name: mlx gc --remote NAME (see `mlx remote list`)")
      }
      if explain != nil, remote != nil {
        throw ValidationError("--explain is about the local store; leave out --remote")
      }
      if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs is from 1 to 256") }
    }

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      if let explain {
        let answer = try workspace.explainGC(explain, graceSeconds: grace, projects: project)
        return output.json ? try Output.json(answer) : quiet.say(GCText.explanation(answer))
      }
      if let remote {
        var plan = try workspace.planRemoteGC(
          remote: remote, graceSeconds: grace, projects: project, jobs: jobs)
        if !output.json { quiet.say(GCText.plan(plan, dryRun: dryRun), terminator: "") }
        if !dryRun, !plan.delete.isEmpty || !plan.incomplete.isEmpty {
          plan = try workspace.runRemoteGC(plan, jobs: jobs)
          if !output.json { quiet.say(GCText.remoteOutcome(plan)) }
        }
        return output.json ? try Output.json(plan) : ()
      }
      let report = try workspace.gc(
        dryRun: dryRun, graceSeconds: grace, projects: project, progress: quiet.reporter)
      output.json ? try Output.json(report) : quiet.say(GCText.report(report), terminator: "")
    }
  }
}

/// The text `mlx gc` prints.
private enum GCText {
  static func count(_ totals: GCTotals, _ noun: String = "object") -> String {
    "\(totals.objects) \(noun)\(totals.objects == 1 ? "" : "s") (\(ByteCount.format(totals.bytes)))"
  }

  static func plural(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
  }

  static func roots(_ roots: GCRootSummary, remote: String? = nil) -> String {
    var text =
      "Roots: \(plural(roots.references, "reference")), \(plural(roots.commits, "commit")), "
      + "\(plural(roots.pointers, "pointer")), \(plural(roots.runs, "run record")), "
      + "the index and the work tree: \(plural(roots.contents, "content"))"
    if roots.absent > 0 {
      let place = remote.map { "in neither the store nor remote \($0)" } ?? "not in the store"
      text += " (\(roots.absent) \(place))"
    }
    if roots.workTrees.count > 1 { text += " across \(roots.workTrees.count) work trees" }
    return text + "\n"
  }

  static func report(_ report: GCReport) -> String {
    let grace = GracePeriod.format(report.graceSeconds)
    let packs = report.packs
    var text = roots(report.roots)
    let after = packs.before - packs.deleted - packs.repacked + packs.written
    if report.dryRun {
      text +=
        "Would remove \(count(report.removed)): \(plural(packs.deleted, "pack")) deleted, "
        + "\(packs.repacked) repacked\n"
      text += "Would keep \(count(report.kept)) in \(plural(after, "pack"))\n"
    } else {
      text +=
        "Removed \(count(report.removed)): \(plural(packs.deleted, "pack")) deleted, "
        + "\(packs.repacked) repacked into \(plural(packs.written, "new pack"))\n"
      text += "Kept \(count(report.kept)) in \(plural(after, "pack"))\n"
    }
    if report.young.objects > 0 {
      text +=
        "Left \(count(report.young, "unneeded object")) in packs younger than \(grace) "
        + "(--grace) for a later gc\n"
    }
    if report.strayFiles.objects > 0 {
      text +=
        "\(report.dryRun ? "Would remove" : "Removed") \(count(report.strayFiles, "stray file")) "
        + "(abandoned temporary files, packs without an index)\n"
    }
    let arrow = report.dryRun ? "about" : "now"
    text +=
      "Store packs: \(ByteCount.format(report.bytesBefore)), \(arrow) "
      + "\(ByteCount.format(report.bytesAfter))\n"
    return text
  }

  static func plan(_ plan: RemoteGCPlan, dryRun: Bool) -> String {
    var text = roots(plan.roots, remote: plan.remote)
    text +=
      "Plan for remote \(plan.remote) (\(plan.location)), grace \(GracePeriod.format(plan.graceSeconds)):\n"
    for pack in plan.delete {
      text +=
        "  delete \(pack.name): \(plural(pack.objects, "object")), none kept (\(ByteCount.format(pack.bytes)))\n"
    }
    for pack in plan.partlyGarbage {
      text +=
        "  keep   \(pack.name): \(pack.garbage) of \(plural(pack.objects, "object")) unneeded, "
        + "but remote packs are kept whole while any object in them is needed\n"
    }
    for pack in plan.young {
      text += "  keep   \(pack.name): younger than the grace period, kept whole\n"
    }
    for file in plan.incomplete {
      text += "  delete \(file.key): left by an unfinished push (\(ByteCount.format(file.bytes)))\n"
    }
    let kept = plan.keptPacks + plan.partlyGarbage.count + plan.young.count
    text +=
      "\(dryRun ? "Would delete" : "Deleting") \(plural(plan.delete.count, "pack")) and "
      + "\(plural(plan.incomplete.count, "leftover file")) "
      + "(\(ByteCount.format(plan.bytesToDelete))); keep \(plural(kept, "pack"))"
    if !plan.partlyGarbage.isEmpty { text += ", \(plan.partlyGarbage.count) partly garbage" }
    if plan.incompleteYoung > 0 {
      text += "; \(plural(plan.incompleteYoung, "file")) of a push that may be under way stay"
    }
    return text + "\n"
  }

  static func remoteOutcome(_ plan: RemoteGCPlan) -> String {
    "Deleted \(count(plan.deleted, "file")) from remote \(plan.remote)"
  }

  static func explanation(_ answer: GCExplanation) -> String {
    let name = answer.object.description + (answer.path.map { " (\($0))" } ?? "")
    let part = answer.partOf.map { ", as part of \($0)" } ?? ""
    switch answer.verdict {
    case .kept:
      return "\(name) is kept by \(answer.keptBy?.description ?? "a root")\(part)"
    case .garbage:
      return "\(name) is not kept: gc would remove it (no reference, run, index or work tree "
        + "needs it)"
    case .young:
      return "\(name) is not kept, but its pack is younger than "
        + "\(GracePeriod.format(answer.graceSeconds)): gc leaves it until then"
    case .absent:
      guard let reason = answer.keptBy else { return "\(name) is not in the store" }
      return "\(name) is not in the store; \(reason) needs it\(part) (`mlx fetch` brings it)"
    }
  }
}

import ArgumentParser
import MLXCore

/// Options push, fetch and pull share.
struct TransferOptions: ParsableArguments {
  @Option(name: [.short, .long], help: "The remote to use (default: the default remote).")
  var remote: String?

  @Option(
    name: [.short, .long],
    help: "Requests in flight at once to an S3 remote (default: 8).")
  var jobs: Int?

  @Option(
    help: ArgumentHelp(
      "Also transfer runs (refs/mlx/*) and tags with this Git remote (alone, before other "
        + "options or last: origin).",
      valueName: "git-remote"))
  var git: String?

  @Argument(help: "Tracked paths (default: all).", completion: .file())
  var paths: [String] = []

  func validate() throws {
    if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs is from 1 to 256") }
  }

  /// The remote's name; nil for the default (`--remote` given alone arrives as "").
  var remoteName: String? { remote.flatMap { $0.isEmpty ? nil : $0 } }
}

/// What `fetch --git` or `pull --git` brought: references created or moved, and refused.
func printReferences(_ report: TransferReport, quiet: QuietOption) {
  guard let git = report.gitRemote, let references = report.references else { return }
  quiet.say("Fetched \(references.updated.count) runs and tags from \(git)")
  for name in references.refused {
    StandardError.write(
      "mlx: not taking \(name) from \(git): it would rewrite the local one, or it is not "
        + "a run or approval mlx wrote\n")
  }
}

/// Which pointers push, fetch and `status --remote` cover.
struct RevisionOptions: ParsableArguments {
  @Option(help: "The pointers committed at this revision instead of the work tree's.")
  var rev: String?
  @Flag(help: "The pointers of every commit any branch, tag or other reference reaches.")
  var allCommits = false
  @Flag(help: "The pointers of every commit a tag names (registry tags included).")
  var allTags = false

  func validate() throws {
    if [rev != nil, allCommits, allTags].filter({ $0 }).count > 1 {
      throw ValidationError("give one of --rev, --all-commits and --all-tags")
    }
  }

  var selection: RevisionSelection {
    if let rev { return .revision(rev) }
    if allCommits { return .allCommits }
    if allTags { return .allTags }
    return .workTree
  }
}

extension MLXCommand {
  struct Push: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "push",
      abstract: "Upload the content the pointers need to a remote.",
      discussion: """
        Sends what the remote lacks as new packs (one to a directory remote, packs of at \
        most 16 MiB to S3), every object checked against its id first. A pack becomes \
        visible only once whole (pack, then index, then a marker), so a push killed half-way \
        leaves nothing a reader counts; run it again to send what is still missing. With --rev, the pointers of that commit instead of the work tree's; \
        with --all-commits or --all-tags, of every such commit (CI can push everything the \
        registry names with --all-tags).
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var output: OutputOptions
    @OptionGroup var transfer: TransferOptions
    @OptionGroup var revisions: RevisionOptions

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let report = try workspace.push(
        transfer.paths, remote: transfer.remoteName, at: revisions.selection,
        jobs: transfer.jobs, git: transfer.git, progress: quiet.reporter)
      if output.json { return try Output.json(report) }
      quiet.say(
        "Pushed \(report.totals.objects) objects (\(ByteCount.format(report.totals.bytes))) to "
          + "\(report.remote); \(report.totals.alreadyPresent) were there already")
      if let git = report.gitRemote { quiet.say("Pushed runs (refs/mlx) and tags to \(git)") }
    }
  }

  struct Fetch: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "fetch",
      abstract: "Download the content the pointers need from a remote into the store.",
      discussion: """
        Every downloaded object is checked against its id, and every chunked file against \
        its digest, before it enters the store. The work tree is not touched: `mlx pull` \
        fetches and checks out.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var output: OutputOptions
    @OptionGroup var transfer: TransferOptions
    @OptionGroup var revisions: RevisionOptions

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let report = try workspace.fetch(
        transfer.paths, remote: transfer.remoteName, at: revisions.selection,
        jobs: transfer.jobs, git: transfer.git, progress: quiet.reporter)
      if output.json { return try Output.json(report) }
      quiet.say(
        "Fetched \(report.totals.objects) objects (\(ByteCount.format(report.totals.bytes))) "
          + "from \(report.remote)")
      printReferences(report, quiet: quiet)
    }
  }

  struct Pull: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "pull",
      abstract: "Fetch the content the work tree's pointers need, then check it out.",
      discussion: """
        Also brings runs (refs/mlx/*) and tags from the Git remote origin, when there is one, \
        so a fresh `git clone` followed by `mlx pull` has the data and the run history; \
        --git NAME names another Git remote, --no-git skips it. An origin that cannot be \
        reached is a warning unless --git named it. Exits 1 if anything could not be checked \
        out, as `mlx checkout` does.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var output: OutputOptions
    @OptionGroup var transfer: TransferOptions
    @Flag(help: "Overwrite local changes.")
    var force = false
    @Flag(help: "Do not fetch runs and tags from a Git remote.")
    var noGit = false

    func validate() throws {
      if noGit && transfer.git != nil { throw ValidationError("give --git or --no-git, not both") }
    }

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      var git = transfer.git
      if git == nil && !noGit && workspace.hasGitRemote("origin") {
        git = "origin"
      }
      let report = try workspace.pull(
        transfer.paths, remote: transfer.remoteName, force: force, jobs: transfer.jobs,
        git: git, gitRequired: transfer.git != nil, progress: quiet.reporter)
      if output.json {
        try Output.json(report)
      } else {
        quiet.say(
          "Fetched \(report.fetch.totals.objects) objects "
            + "(\(ByteCount.format(report.fetch.totals.bytes))) from \(report.fetch.remote)")
        printReferences(report.fetch, quiet: quiet)
        if let problem = report.gitProblem {
          StandardError.write("mlx: runs and tags not fetched: \(problem)\n")
        }
        for path in report.checkout.restored { quiet.say("Restored \(workspace.display(path))") }
        for problem in report.checkout.refused {
          StandardError.write(
            "mlx: not restoring \(workspace.display(problem.path)): \(problem.reason); "
              + "`mlx add` keeps the changes; --force discards them\n")
        }
        for problem in report.checkout.failed {
          StandardError.write(
            "mlx: cannot restore \(workspace.display(problem.path)): \(problem.reason)\n")
        }
      }
      if !report.checkout.succeeded { throw ExitCode.failure }
    }
  }
}

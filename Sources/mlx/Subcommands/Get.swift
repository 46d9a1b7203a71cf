import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Writes one artifact's bytes somewhere, for deployment.
  struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "get",
      abstract: "Write one artifact's content to a file or directory, for deployment.",
      discussion: """
        REFERENCE is NAME#STAGE (the version the registry has in that stage), NAME@VERSION, \
        or a tracked path (as the work tree's pointer says, or at --rev). Content the store \
        lacks is fetched from the remote (-r, default: the default remote); every byte is \
        checked against its SHA-256 before it is written, and the output appears only \
        complete. With --repo URL, mlx works in a temporary clone of that Git repository \
        (deleted afterwards), so CI needs no clone of its own.

        Examples:
          mlx get churn#production -o model.pkl
          mlx get churn@v1.2.0 -o /srv/models/
          mlx get data/train.csv --rev v1 -o train-v1.csv
          mlx get --repo https://git.example.com/team/churn.git churn#production
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var output: OutputOptions

    @Argument(help: "NAME#STAGE, NAME@VERSION or a tracked path.")
    var reference: String

    @Option(
      name: [.short, .customLong("out")],
      help: ArgumentHelp(
        "Where to write (default: the artifact's name in the current directory; an existing "
          + "directory receives it under its name)."),
      completion: .file())
    var out: String?

    @Option(help: "For a path: read its pointer at this revision.")
    var rev: String?

    @Option(name: [.short, .long], help: "The remote to fetch from (default: the default one).")
    var remote: String?

    @Option(help: "A Git URL to read the repository from instead of the current one.")
    var repo: String?

    @Option(name: [.short, .long], help: "Requests in flight at once to an S3 remote.")
    var jobs: Int?

    @Flag(help: "Replace what is at the output path.")
    var force = false

    func run() throws {
      let body = { (workspace: Workspace) throws -> GetReport in
        try workspace.get(
          reference, revision: rev, remote: remote, output: out, force: force, jobs: jobs,
          progress: quiet.reporter)
      }
      let report =
        if let repo {
          try Workspace.withTemporaryClone(of: repo, body)
        } else {
          try body(try Workspace.open(at: global.repository))
        }
      if output.json { return try Output.json(report) }
      let version = report.version.map { " \($0)" } ?? ""
      quiet.say(
        "Wrote \(report.path)\(version) (\(ByteCount.format(report.size)), \(report.digest.short)) "
          + "to \(report.output)")
    }
  }
}

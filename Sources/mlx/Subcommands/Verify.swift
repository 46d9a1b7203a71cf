import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Checks the object store.
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Re-hash the object store and report every corrupt or missing object.",
      discussion: """
        Exits 1 when any object is corrupt, any pointer's content is missing, or a pointer or \
        manifest records a size its content does not have.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var progress: ProgressOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let report = try workspace.verify(progress: progress.reporter)
      if output.json {
        try Output.json(report)
      } else {
        for problem in report.corrupt {
          print("corrupt: \(problem.object) in \(problem.location): \(problem.problem)")
        }
        for problem in report.missing {
          print("missing: \(problem.object) needed by \(problem.location): \(problem.problem)")
        }
        for problem in report.mismatched {
          print(
            "size mismatch: \(problem.location): \(problem.problem); restore it with `git checkout -- \(problem.location)`"
          )
        }
        print(
          "Checked \(report.objectsChecked) objects (\(ByteCount.format(report.bytesChecked))): "
            + "\(report.corrupt.count) corrupt, \(report.missing.count) missing, "
            + "\(report.mismatched.count) with a wrong recorded size")
        if !report.isHealthy {
          print("Add the affected files again from their originals, or fetch them from a remote.")
        }
      }
      if !report.isHealthy { throw ExitCode.failure }
    }
  }
}

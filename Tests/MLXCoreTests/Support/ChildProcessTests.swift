import Foundation
import Testing

@testable import MLXCore

/// The one way mlx starts programs: captured output, input, exit codes, signals, errors.
@Suite struct ChildProcessTests {
  @Test func capturesBothOutputsWhileWritingMoreInputThanAPipeHolds() throws {
    // 4 MiB through `cat`: input and output both exceed the pipe buffer, so a runner that
    // wrote all input before reading any output would stall.
    let input = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    let result = try ChildProcess.capture(
      "/bin/sh", ["-c", "cat; echo done >&2"], input: input)
    #expect(result.outcome == .exited(0))
    #expect(result.stdout == input)
    #expect(result.stderr == "done\n")
  }

  @Test func aProgramThatStopsReadingEarlyIsNotAnError() throws {
    let input = [UInt8](repeating: 65, count: 1 << 20)
    let result = try ChildProcess.capture("/bin/sh", ["-c", "head -c 3"], input: input)
    #expect(result.outcome == .exited(0))
    #expect(result.stdout == [65, 65, 65])
  }

  @Test func exitCodesAndSignalsAreReportedAsAShellWould() throws {
    #expect(try ChildProcess.capture("/bin/sh", ["-c", "exit 3"]).outcome == .exited(3))
    let killed = try ChildProcess.capture("/bin/sh", ["-c", "kill -TERM $$"])
    #expect(killed.outcome == .signalled(SIGTERM))
    #expect(killed.status == 143)
    #expect(try ChildProcess.run("/bin/sh", ["-c", "exit 0"]) == .exited(0))
  }

  @Test func theEnvironmentAndDirectoryAreTheOnesGiven() throws {
    let directory = FileManager.default.temporaryDirectory.path
    let outcome = try ChildProcess.run(
      "/bin/sh",
      ["-c", "test \"$MLX_PROBE\" = yes && test \"$(pwd -P)\" = \"$(cd \(directory) && pwd -P)\""],
      in: directory, environment: ["MLX_PROBE": "yes", "PATH": "/usr/bin:/bin"])
    #expect(outcome == .exited(0))
  }

  @Test func aMissingProgramIsAClearError() {
    #expect(ChildProcess.find("mlx-no-such-program") == nil)
    #expect(throws: SystemError.self) {
      try ChildProcess.capture("mlx-no-such-program", [])
    }
  }
}

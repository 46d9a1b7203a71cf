import Foundation
import MLXTestSupport
import Testing

/// `mlx metrics show`, as `dvc metrics show [-A]`: the work tree, a revision, every commit.
@Suite struct MetricsShowTests {
  @Test func showsTheWorkTreeARevisionAndEveryCommit() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("train:\n  acc: 0.5\n", to: "params.yaml")
    // The stage copies train.acc into metrics.json.
    let command =
      #"acc=$(sed -n "s/^  acc: //p" params.yaml); printf "{\"acc\": %s}\n" "$acc" > metrics.json"#
    try repo.write(
      "stages:\n  train:\n    cmd: '\(command)'\n    params: [train.acc]\n    metrics: [metrics.json]\n",
      to: "mlx.yaml")
    #expect(try repo.mlx("run").succeeded)
    try repo.commitAll("first")
    try repo.write("train:\n  acc: 0.75\n", to: "params.yaml")
    #expect(try repo.mlx("run").succeeded)

    let workTree = try repo.mlx("metrics", "show")
    #expect(workTree.succeeded, "\(workTree)")
    #expect(workTree.stdout.contains("metrics.json"), "\(workTree)")
    #expect(workTree.stdout.contains("0.75"), "\(workTree)")

    let head = try repo.mlx("metrics", "show", "HEAD", "--json").json()
    let values = try #require(head["values"] as? [String: [String: Any]])
    #expect(values["metrics.json"]?["acc"] as? Double == 0.5, "\(head)")

    try repo.commitAll("second")
    let all = try repo.mlx("metrics", "show", "--all-commits", "--json").json()
    let commits = try #require(all["commits"] as? [[String: Any]])
    #expect(commits.count == 2, "\(all)")
    let accuracies = commits.compactMap {
      ($0["values"] as? [String: [String: Any]])?["metrics.json"]?["acc"] as? Double
    }
    #expect(accuracies == [0.75, 0.5])
  }
}

@testable import MLXCore

/// The seven parsers mlx reads untrusted files with, each called the way mlx calls it, for the
/// fuzz tests and the corpus of malformed inputs (`Fixtures/malformed/`).
enum FuzzedParser: String, CaseIterable, Sendable, CustomStringConvertible {
  case pointer, manifest, pipeline, params, lock, policy, tag

  var description: String { rawValue }

  /// The name the parser is given for the file, which its errors must show; nil for a
  /// directory manifest, a store object that its callers name.
  var fileName: String? {
    switch self {
    case .pointer: "data/train.csv.mlx"
    case .manifest: nil
    case .pipeline: "mlx.yaml"
    case .params: "params.yaml"
    case .lock: "mlx.lock"
    case .policy: ".mlx/policy.yaml"
    case .tag: "churn#production#3"
    }
  }

  /// Parses `bytes`: nil when the parser accepts them, else its error's description.
  func parse(_ bytes: [UInt8]) -> String? {
    let text = String(decoding: bytes, as: UTF8.self)
    let name = fileName ?? ""
    do {
      switch self {
      case .pointer: _ = try PointerFile(parsing: text, pointerPath: name)
      case .manifest: _ = try DirectoryManifest(decoding: bytes)
      case .pipeline: _ = try StageGraph(PipelineSpec(parsing: text, path: name))
      case .params: _ = try ValuesFile.parse(text, displayPath: name)
      case .lock: _ = try LockFile(parsing: text, path: name)
      case .policy: _ = try RegistryPolicy(parsing: text, path: name)
      case .tag: _ = try TagMessage.read(tag: name, bytes: bytes)
      }
      return nil
    } catch {
      return "\(error)"
    }
  }

  /// What is wrong with an error message, if anything: it must be one non-empty line of
  /// reasonable length that names the file.
  func messageProblem(_ message: String) -> String? {
    if message.isEmpty { return "empty message" }
    if message.contains(where: { $0 == "\n" || $0 == "\r" }) { return "more than one line" }
    if message.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
      return "control characters"
    }
    if message.count > 800 { return "\(message.count) characters" }
    if let fileName, !message.contains(fileName) { return "does not name \(fileName)" }
    return nil
  }

  /// A valid document, the starting point of mutations.
  var validDocuments: [String] {
    let digest = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    switch self {
    case .pointer:
      return [
        "version: 1\nkind: dataset\npath: train.csv\ndigest: \(digest)\nsize: 4\n",
        "version: 1\nkind: model\npath: \"m dir\"\ndigest: \(digest)\nsize: 10\nfiles: 2\n"
          + "description: the model\n",
      ]
    case .manifest:
      return [
        "mlx-manifest 1\n100644 4 \(digest) a.txt\n100755 12 \(digest) bin/run.sh\n",
        "mlx-manifest 1\n",
      ]
    case .pipeline:
      return [
        """
        stages:
          prepare:
            cmd: python prepare.py
            deps: [data/raw.csv, prepare.py]
            outs:
              - data/features: {kind: features}
          train:
            cmd: [python train.py, echo done]
            wdir: src
            deps: [../data/features]
            params: [train.lr, {../other.yaml: [seed]}]
            outs: [../models/model.pkl]
            metrics: [../metrics.json]
            env: {SEED: "1"}
            role: train

        """
      ]
    case .params:
      return [
        "train:\n  lr: 0.1\n  epochs: 10\n  layers: [64, 32]\nseed: 42\nname: \"run\"\n",
        "{\"accuracy\": 0.93, \"auc\": {\"macro\": 0.9}}\n",
      ]
    case .lock:
      return [
        """
        version: 1
        stages:
          train:
            cmd: python train.py
            deps:
            - path: data/features
              digest: \(digest)
              size: 1048576
              files: 2
            params:
              params.yaml:
                train.lr: 0.1
            outs:
            - path: models/model.pkl
              digest: \(digest)
              size: 524288
            metrics:
              metrics.json:
                accuracy: 0.93
            run: 20261122-101500-3f2a9c1e

        """
      ]
    case .policy:
      return [
        """
        version: 1
        allowed_signers: .mlx/allowed_signers
        artifacts:
          churn: {path: models/model.pkl, type: model, description: classifier}
        stages:
          - dev
          - name: staging
            after: dev
            gates: ["accuracy >= 0.9"]
          - name: production
            after: staging
            signature: required
            signers: [release@example.com]
            gates: ["accuracy >= 0.9", "auc >= current.auc - 0.01"]
            approvals: {required: 1, from: [lead@example.com]}
            rollback: skip-gates
            remote: required

        """
      ]
    case .tag:
      return [
        "object 4b825dc642cb6eb9a060e54bf8d69288fbee4904\ntype commit\ntag churn#production#3\n"
          + "tagger CI <ci@example.com> 1764547200 +0000\n\nPromote churn v1.2.0 to production\n\n"
          + "Mlx-Artifact: churn\nMlx-Version: v1.2.0\nMlx-Stage: production\n"
          + "Mlx-Event: assignment\nMlx-Path: models/model.pkl\nMlx-Digest: \(digest)\n"
          + "Mlx-Metric: accuracy=0.93\nMlx-Metric: auc=0.91\nMlx-Tool: mlx 0.1.0\n"
      ]
    }
  }
}

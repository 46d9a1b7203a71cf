import Testing

@testable import MLXCore

@Suite struct PointerFileTests {
  static let digest = ObjectID(
    parsing: "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")!

  @Test func encodesCanonicalBytes() {
    let pointer = PointerFile(kind: .dataset, path: "train.csv", digest: Self.digest, size: 4)
    #expect(
      pointer.encoded == """
        version: 1
        kind: dataset
        path: train.csv
        digest: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
        size: 4

        """)
  }

  @Test func recordsASchemaLastAndResolvesItInsideTheRepository() throws {
    var pointer = PointerFile(
      kind: .dataset, path: "train.csv", digest: Self.digest, size: 4, description: "d")
    pointer.schema = "../schemas/train.yaml"
    #expect(pointer.encoded.hasSuffix("description: d\nschema: \"../schemas/train.yaml\"\n"))
    #expect(try PointerFile(parsing: pointer.encoded, pointerPath: "p") == pointer)
    #expect(pointer.resolvedSchema(pointerDirectory: "data") == "schemas/train.yaml")
    #expect(pointer.resolvedSchema(pointerDirectory: "data/raw") == "data/schemas/train.yaml")
    #expect(pointer.resolvedSchema(pointerDirectory: "") == nil)
    #expect(PointerFile.resolve(schema: "s.yaml", pointerDirectory: "") == "s.yaml")
    for bad in ["/etc/s.yaml", "a/../s.yaml", "../.git/config", "./s.yaml", "..", "a//b"] {
      #expect(!PointerFile.isSchemaPath(bad), "\(bad)")
    }
  }

  @Test func roundTripsEveryField() throws {
    let pointers = [
      PointerFile(kind: .model, path: "m.pkl", digest: Self.digest, size: 0, isExecutable: true),
      PointerFile(
        kind: .features, path: "feat dir", digest: Self.digest, size: 10, fileCount: 3,
        description: "a \"quoted\" text: yes"),
      PointerFile(kind: .file, path: "true", digest: Self.digest, size: 1),
      PointerFile(kind: .file, path: "123", digest: Self.digest, size: 1),
      {
        var pointer = PointerFile(kind: .features, path: "f.csv", digest: Self.digest, size: 2)
        pointer.features = "defs/f.features.yaml"
        return pointer
      }(),
    ]
    for pointer in pointers {
      #expect(try PointerFile(parsing: pointer.encoded, pointerPath: "p.mlx") == pointer)
    }
  }

  @Test(arguments: [
    (
      "version: 1\nkind: features\npath: a\ndigest: \(digest)\nsize: 1\nfeatures: ../d.yaml\n",
      "p.mlx:6: features '../d.yaml' must stay inside"
    ),
    ("version: 2\nkind: file\npath: a\ndigest: \(digest)\nsize: 1\n", "newer than this mlx"),
    (
      "version: 1\nkind: weights\npath: a\ndigest: \(digest)\nsize: 1\n",
      "p.mlx:2: unknown kind 'weights'"
    ),
    ("version: 1\nkind: file\npath: a\ndigest: md5:abc\nsize: 1\n", "p.mlx:4: digest 'md5:abc'"),
    (
      "version: 1\nkind: file\npath: a\ndigest: \(digest.description.uppercased())\nsize: 1\n",
      "p.mlx:4: digest"
    ),
    ("version: 1\nkind: file\npath: a\ndigest: \(digest)\nsize: -1\n", "p.mlx:5: size must be"),
    (
      "version: 1\nkind: file\npath: a\ndigest: \(digest)\nsize: 1\nowner: me\n",
      "p.mlx:6: unknown key 'owner'"
    ),
    ("version: 1\nkind: file\npath: ../a\ndigest: \(digest)\nsize: 1\n", "must stay inside"),
    ("version: 1\nkind: file\npath: /etc/passwd\ndigest: \(digest)\nsize: 1\n", "must stay inside"),
    ("version: 1\nkind: file\npath: .git/hooks/x\ndigest: \(digest)\nsize: 1\n", "no .git or .mlx"),
    ("version: 1\nkind: file\npath: a/.GiT\ndigest: \(digest)\nsize: 1\n", "no .git or .mlx"),
    ("version: 1\nkind: file\npath: .MLX/cache\ndigest: \(digest)\nsize: 1\n", "no .git or .mlx"),
    // The keys that name other files (a schema, a feature definition) follow the same rule.
    (
      "version: 1\nkind: file\npath: a\ndigest: \(digest)\nsize: 1\nschema: ../.GIT/config\n",
      "p.mlx:6: schema"
    ),
    (
      "version: 1\nkind: file\npath: a\ndigest: \(digest)\nsize: 1\nschema: s/.Mlx/x.yaml\n",
      "p.mlx:6: schema"
    ),
    (
      "version: 1\nkind: features\npath: a\ndigest: \(digest)\nsize: 1\nfeatures: .Git/hooks/x\n",
      "no .git or .mlx"
    ),
    ("version: 1\nkind: file\ndigest: \(digest)\nsize: 1\n", "missing key 'path'"),
    ("version: 1\nkind: file\npath: a\ndigest: \(digest)\nsize: [1\n", "p.mlx:"),
    ("- just\n- a list\n", "expected a mapping"),
  ])
  func rejectsMalformedPointers(text: String, expected: String) {
    #expect {
      try PointerFile(parsing: text, pointerPath: "p.mlx")
    } throws: { error in
      "\(error)".contains(expected)
    }
  }
}

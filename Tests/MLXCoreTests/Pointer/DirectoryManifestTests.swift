import Testing

@testable import MLXCore

@Suite struct DirectoryManifestTests {
  let digest = ObjectID(hashing: Array("x".utf8))

  @Test func sortsByPathBytesAndEncodesCanonically() throws {
    let manifest = DirectoryManifest(entries: [
      .init(path: "b/z.txt", digest: digest, size: 1, isExecutable: false),
      .init(path: "B.txt", digest: digest, size: 2, isExecutable: true),
      .init(path: "a b.txt", digest: digest, size: 3, isExecutable: false),
    ])
    #expect(manifest.entries.map(\.path) == ["B.txt", "a b.txt", "b/z.txt"])
    let text = String(decoding: manifest.encoded, as: UTF8.self)
    #expect(
      text == """
        mlx-manifest 1
        100755 2 \(digest) B.txt
        100644 3 \(digest) a b.txt
        100644 1 \(digest) b/z.txt

        """)
    #expect(try DirectoryManifest(decoding: manifest.encoded) == manifest)
    #expect(manifest.totalSize == 6)
  }

  @Test(arguments: [
    "../x", "a/../../x", "/abs", "a//b", "./a", "a/.", ".git/hooks/post-checkout", ".GIT/config",
    "sub/.Git/HEAD", ".mlx/cache/x", "a/.MLX/b",
  ])
  func rejectsPathsThatCouldEscapeOrReachMetadata(path: String) {
    let text = "mlx-manifest 1\n100644 1 \(digest) \(path)\n"
    #expect(throws: ManifestError.self) { try DirectoryManifest(decoding: Array(text.utf8)) }
  }

  @Test func rejectsUnsortedOrDuplicateEntries() {
    for body in ["b\n100644 1 \(digest) a", "a\n100644 1 \(digest) a"] {
      let text = "mlx-manifest 1\n100644 1 \(digest) \(body)\n"
      #expect(throws: ManifestError.self) { try DirectoryManifest(decoding: Array(text.utf8)) }
    }
  }

  /// `a` and `a/b` cannot both be written: a file stands where a directory must be. Any
  /// entry between them in byte order (`a-x`) does not hide it.
  @Test func rejectsAPathInsideAnotherEntry() {
    let text =
      "mlx-manifest 1\n100644 1 \(digest) a\n100644 1 \(digest) a-x\n100644 1 \(digest) a/b/c\n"
    #expect(
      throws: ManifestError(line: 4, problem: "'a/b/c' is inside 'a', which is listed as a file")
    ) {
      try DirectoryManifest(decoding: Array(text.utf8))
    }
  }

  /// A problem of the whole manifest names no line (never `line ?`).
  @Test func describesProblemsWithAndWithoutALine() {
    #expect(
      ManifestError(line: 3, problem: "malformed entry").description
        == "manifest line 3: malformed entry")
    #expect(
      ManifestError(line: nil, problem: "entries are not sorted").description
        == "manifest: entries are not sorted")
  }

  @Test(arguments: [".github/x", ".gitignore", "a/.mlxrc", "git/x", "a.git/b"])
  func acceptsNamesThatOnlyLookLikeMetadata(path: String) throws {
    let text = "mlx-manifest 1\n100644 1 \(digest) \(path)\n"
    #expect(try DirectoryManifest(decoding: Array(text.utf8)).entries.map(\.path) == [path])
  }
}

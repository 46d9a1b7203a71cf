import Testing

@testable import MLXCore

@Suite struct ObjectIDTests {
  @Test func hashesLikeSha256sum() {
    // printf abc | sha256sum
    let id = ObjectID(hashing: Array("abc".utf8))
    #expect(
      id.description == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(ObjectID(parsing: id.description) == id)
    #expect(id.bytes.count == 32)
  }

  @Test(arguments: [
    "ba7816bf", "sha256:xyz", "sha1:ba7816bf8f01cfea414140de5dae2223b00361a3",
    "sha256:" + String(repeating: "A", count: 64),
  ])
  func rejectsOtherSpellings(text: String) {
    #expect(ObjectID(parsing: text) == nil)
  }

  @Test func ordersLikeItsBytes() {
    let low = ObjectID(parsing: "sha256:" + String(repeating: "0", count: 63) + "1")!
    let high = ObjectID(parsing: "sha256:1" + String(repeating: "0", count: 63))!
    #expect(low < high)
  }
}

import Foundation

/// The number of distinct values of a column, estimated in 4 KiB: a HyperLogLog (Flajolet et
/// al., 2007) of 4,096 one-byte registers over a 64-bit hash of each value's text, with linear
/// counting for small counts. Its relative standard error is 1.04/√4096 ≈ 1.6%
/// (``standardError``). Merging takes each register's maximum, so a file's pieces merge in
/// any order to the same registers.
public struct DistinctCounter: Codable, Equatable, Sendable {
  static let precision = 12
  static let registerCount = 1 << precision
  /// The relative standard error of ``estimate``.
  public static let standardError = 1.04 / Double(registerCount).squareRoot()

  private(set) var registers: [UInt8]

  public init() { registers = Array(repeating: 0, count: Self.registerCount) }

  /// Records a value by its hash (``ValueHash``).
  @inline(__always)
  public mutating func insert(hash: UInt64) {
    let index = Int(hash >> UInt64(64 - Self.precision))
    let rest = hash << UInt64(Self.precision) | (1 << UInt64(Self.precision - 1))
    let rank = UInt8(rest.leadingZeroBitCount + 1)
    if rank > registers[index] { registers[index] = rank }
  }

  public mutating func merge(_ other: DistinctCounter) {
    for index in registers.indices where other.registers[index] > registers[index] {
      registers[index] = other.registers[index]
    }
  }

  /// The estimated number of distinct values.
  public var estimate: Int {
    let m = Double(Self.registerCount)
    var sum = 0.0
    var zeros = 0
    for register in registers {
      sum += 1 / Double(UInt64(1) << UInt64(register))
      if register == 0 { zeros += 1 }
    }
    let alpha = 0.7213 / (1 + 1.079 / m)
    let raw = alpha * m * m / sum
    if raw <= 2.5 * m, zeros > 0 {
      return Int((m * log(m / Double(zeros))).rounded())
    }
    return Int(raw.rounded())
  }

  // MARK: - Codable: the registers in base64

  private enum CodingKeys: String, CodingKey { case registers }

  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let text = try container.decode(String.self, forKey: .registers)
    guard let data = Data(base64Encoded: text), data.count == Self.registerCount,
      data.allSatisfy({ $0 <= 64 })
    else {
      throw DecodingError.dataCorruptedError(
        forKey: .registers, in: container,
        debugDescription: "registers must be \(Self.registerCount) bytes in base64")
    }
    registers = Array(data)
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(Data(registers).base64EncodedString(), forKey: .registers)
  }
}

/// A 64-bit hash of a value's bytes, the same on every machine and in every run (Swift's
/// `Hasher` is seeded per process): 8 bytes at a time, then SplitMix64's finalizer.
enum ValueHash {
  @inline(__always)
  static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var state: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count)
    var offset = 0
    while offset + 8 <= bytes.count {
      let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      let mixed = state ^ (word &* 0x87C3_7B91_1142_53D5)
      state = (mixed << 31 | mixed >> 33) &* 0x4CF5_AD43_2745_937F
      offset += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while offset < bytes.count {
      tail |= UInt64(bytes[offset]) << shift
      shift += 8
      offset += 1
    }
    return QuantileSketch.mix(state ^ (tail &* 0x9E37_79B9_7F4A_7C15))
  }
}

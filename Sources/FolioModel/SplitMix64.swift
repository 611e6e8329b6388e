/// A small seeded random number generator (SplitMix64): the same seed gives the same
/// sequence on every machine and every run, so generated workloads repeat and a failing
/// randomized test replays from its seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D4_9BB1_3311_1EB8
    return mixed ^ (mixed >> 31)
  }
}

/// A small seeded random number generator (SplitMix64), so that shuffles in tests are the
/// same on every run and a failure replays from its seed.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D4_9BB1_3311_1EB8
    return mixed ^ (mixed >> 31)
  }
}

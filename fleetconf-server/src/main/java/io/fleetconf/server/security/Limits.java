package io.fleetconf.server.security;

/**
 * How much one caller may ask of the server.
 *
 * @param maxMutations operations in one change set
 * @param perIdentityRate requests per second per token or device (0: no limit), with bursts of 4 s worth
 * @param perAddressRate requests per second per client address (0: no limit), with bursts of 4 s worth
 * @param maxWatchesPerIdentity long-polls and event streams one token or device may hold at once
 */
public record Limits(int maxMutations, int perIdentityRate, int perAddressRate, int maxWatchesPerIdentity) {
  public static final Limits DEFAULT = new Limits(1000, 200, 1000, 64);
  /** For benchmarks and tests that drive a whole fleet through one token from one address. */
  public static final Limits NONE = new Limits(100_000, 0, 0, Integer.MAX_VALUE);

  public Limits {
    if (maxMutations < 1 || perIdentityRate < 0 || perAddressRate < 0 || maxWatchesPerIdentity < 1) {
      throw new IllegalArgumentException("limits must be positive (rates may be 0 for none)");
    }
  }
}

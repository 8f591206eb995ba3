// A fast, stable 64-bit hash (murmur-style mixing over 8-byte words) for checkpoint checksums, input
// fingerprints and the bar cache's keys and headers. Not cryptographic: it detects corruption and mismatched
// inputs, not tampering.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ktrdr::detail {

inline uint64_t rotl64(uint64_t x, int r) {
  return (x << r) | (x >> (64 - r));
}

inline uint64_t fmix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

inline uint64_t hash64(const void* data, size_t len, uint64_t seed) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t h = seed ^ (len * 0x9E3779B97F4A7C15ULL);
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t k;
    std::memcpy(&k, p + i, 8);
    k *= 0x87c37b91114253d5ULL;
    k = rotl64(k, 31);
    k *= 0x4cf5ad432745937fULL;
    h ^= k;
    h = rotl64(h, 27) * 5 + 0x52dce729;
  }
  uint64_t tail = 0;
  if (i < len) std::memcpy(&tail, p + i, len - i);
  h ^= fmix64(tail + (len - i));
  return fmix64(h);
}

}  // namespace ktrdr::detail

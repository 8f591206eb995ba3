// The text of the ktrdr::Error a piece of code throws, for exact-message checks (one copy for every suite).
#pragma once

#include <string>

#include "ktrdr/common/error.h"

namespace ktrdr::test {

// The message of the ktrdr::Error `fn` throws; "" when it throws none (other exceptions propagate).
template <typename Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const ktrdr::Error& e) {
    return e.what();
  }
  return {};
}

}  // namespace ktrdr::test

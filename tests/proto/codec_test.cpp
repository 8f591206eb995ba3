#include <doctest/doctest.h>

#include "ktrdr/proto/codec.h"

using namespace ktrdr::proto;

TEST_CASE("placeholder compile") {
  CHECK(make_op_id(0, 0xdeadbeef) == "op_backtesting_19700101_000000_deadbeef");
}

// Worker model resolution: only under --models-root; strategy -> {tf}_latest or highest {tf}_v{N}.
#include <doctest/doctest.h>

#include <filesystem>

#include "ktrdr/worker/job_paths.h"
#include "support/temp_dir.h"

namespace fs = std::filesystem;
using namespace ktrdr;

namespace {
struct Models {
  test::TempDir base{"ktrdr-paths"};
  fs::path root, outside;
  Models() {
    root = base.path() / "models";
    outside = base.path() / "secret";
    for (const char* d :
         {"trend/1h_v1", "trend/1h_v2", "trend/1h_v10", "trend/4h_latest", "trend/4h_v3", "solo/1d_v1"}) {
      fs::create_directories(root / d);
    }
    fs::create_directories(outside);
    fs::create_directory_symlink(outside, root / "trend" / "5m_latest");
  }
};
proto::JobSpec spec(std::string model, std::string strategy = {}, std::string tf = {}, uint32_t version = 0) {
  proto::JobSpec j;
  j.model = std::move(model);
  j.strategy = std::move(strategy);
  j.timeframe = std::move(tf);
  j.model_version = version;
  return j;
}
}  // namespace

TEST_CASE("strategy + timeframe resolve to _latest or the highest _vN") {
  Models m;
  worker::ResolvedModel r;
  REQUIRE(worker::resolve_model_dir(m.root.string(), spec("", "trend", "1h"), r).ok());
  CHECK(r.model_dir == fs::canonical(m.root / "trend/1h_v10").string());  // numeric, not lexical
  REQUIRE(worker::resolve_model_dir(m.root.string(), spec("", "trend", "4h"), r).ok());
  CHECK(r.model_dir == fs::canonical(m.root / "trend/4h_latest").string());
  REQUIRE(worker::resolve_model_dir(m.root.string(), spec("", "trend", "1h", 2), r).ok());
  CHECK(r.model_dir == fs::canonical(m.root / "trend/1h_v2").string());
  REQUIRE(worker::resolve_model_dir(m.root.string(), spec("", "solo"), r).ok());
  CHECK(r.timeframe == "1d");
  // Several timeframes and none given: an error listing them.
  auto s = worker::resolve_model_dir(m.root.string(), spec("", "trend"), r);
  CHECK(s.code == proto::ErrorCode::kRefused);
  CHECK(s.message.find("1h") != std::string::npos);
  CHECK(worker::resolve_model_dir(m.root.string(), spec("", "nope", "1h"), r).code ==
        proto::ErrorCode::kNotFound);
}

TEST_CASE("explicit model directories stay inside the root") {
  Models m;
  worker::ResolvedModel r;
  REQUIRE(worker::resolve_model_dir(m.root.string(), spec("trend/1h_v1"), r).ok());
  CHECK(r.model_dir == fs::canonical(m.root / "trend/1h_v1").string());
  CHECK(worker::resolve_model_dir(m.root.string(), spec("../secret"), r).code == proto::ErrorCode::kRefused);
  CHECK(worker::resolve_model_dir(m.root.string(), spec(m.outside.string()), r).code ==
        proto::ErrorCode::kRefused);
  // A symlink inside the root pointing outside it is refused after canonicalisation.
  CHECK(worker::resolve_model_dir(m.root.string(), spec("trend/5m_latest"), r).code ==
        proto::ErrorCode::kRefused);
  CHECK(worker::resolve_model_dir(m.root.string(), spec("", "trend", "5m"), r).code ==
        proto::ErrorCode::kRefused);
  CHECK(worker::resolve_model_dir(m.root.string(), spec("trend/1h_v99"), r).code ==
        proto::ErrorCode::kNotFound);
  CHECK(worker::is_inside(m.root.string(), (m.root / "a/b").string()));
  CHECK_FALSE(
      worker::is_inside(m.root.string(), m.root.string() + "x/a"));  // prefix of the name is not inside
}

// The doctest main of every test executable. One addition: a run whose --test-case filter matches no test
// case fails instead of passing with nothing run (a ctest entry cannot go green on a name that matches
// nothing, e.g. a test case name that CMake's discovery split at a ';').
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstring>
#include <iostream>

namespace {

struct RunCounts {
  bool ran = false;
  unsigned matched = 0;  // test cases that passed the filters
};

RunCounts& run_counts() {
  static RunCounts counts;
  return counts;
}

// Listener: records how many test cases the filters selected.
struct RunCountListener : doctest::IReporter {
  explicit RunCountListener(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats& stats) override {
    run_counts().ran = true;
    run_counts().matched = stats.numTestCasesPassingFilters;
  }
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

REGISTER_LISTENER("ktrdr-run-counts", 1, RunCountListener);

bool has_test_case_filter(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    for (const char* prefix : {"--test-case=", "-tc=", "--dt-test-case=", "--dt-tc="}) {
      if (std::strncmp(argv[i], prefix, std::strlen(prefix)) == 0) return true;
    }
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  const int rc = context.run();
  if (context.shouldExit()) return rc;
  if (rc == 0 && run_counts().ran && run_counts().matched == 0 && has_test_case_filter(argc, argv)) {
    std::cerr << "error: no test case matches the --test-case filter; nothing was tested\n";
    return 1;
  }
  return rc;
}

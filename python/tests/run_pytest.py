"""ctest entry point: runs pytest on the given test files, or reports SKIPPED (exit 77) when this python3
lacks a module the tests need (--require pytest,numpy,pandas by default) or the module was not built.

usage: run_pytest.py [--require MOD,MOD] TEST_FILE... [pytest options]
"""
import importlib.util
import sys

args = sys.argv[1:]
required = ["pytest", "numpy", "pandas"]
if args[:1] == ["--require"]:
    required = args[1].split(",")
    args = args[2:]
missing = [m for m in required if importlib.util.find_spec(m) is None]
if missing:
    print(f"SKIPPED: {sys.executable} has no {', '.join(missing)} (apt-get install "
          f"{' '.join('python3-' + m for m in missing)})")
    sys.exit(77)
import pytest  # noqa: E402

sys.exit(pytest.main(["-q", "-rs", "-p", "no:cacheprovider", *args]))

"""ctest entry point: runs pytest on the given test files, or reports SKIPPED (exit 77) when this python3
lacks pytest, numpy or pandas, or the module was not built."""
import importlib.util
import sys

missing = [m for m in ("pytest", "numpy", "pandas") if importlib.util.find_spec(m) is None]
if missing:
    print(f"SKIPPED: {sys.executable} has no {', '.join(missing)} (apt-get install python3-pytest python3-numpy "
          f"python3-pandas)")
    sys.exit(77)
import pytest  # noqa: E402

sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", *sys.argv[1:]]))

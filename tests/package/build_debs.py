"""ctest fixture "package: build": the .deb packages of this build tree, made by CPack from the installed
Release binaries (no rebuild) into OUT_DIR. Prints SKIPPED (exit 77) when dpkg-deb is not installed.

usage: build_debs.py CPACK BUILD_DIR OUT_DIR
"""
import pathlib
import shutil
import subprocess
import sys
import time

cpack, build_dir, out_dir = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
for tool in ("dpkg-deb", "dpkg-shlibdeps"):
    if shutil.which(tool) is None:
        print(f"SKIPPED: {tool} is not installed (apt-get install dpkg-dev)")
        sys.exit(77)
shutil.rmtree(out_dir, ignore_errors=True)
t0 = time.monotonic()
subprocess.run([cpack, "-G", "DEB", "-B", str(out_dir), "--config", str(build_dir / "CPackConfig.cmake")],
               check=True, timeout=300)
debs = sorted(p.name for p in out_dir.glob("*.deb"))
print(f"built {', '.join(debs)} in {time.monotonic() - t0:.1f} s")
sys.exit(0 if debs else 1)

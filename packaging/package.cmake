# The Debian packages, built by CPack's DEB generator from what `cmake --install` installs (prefix /usr):
#   ktrdr-backtest         the programs, systemd units, sysusers/tmpfiles, /etc/ktrdr conffiles, docs, example
#   python3-ktrdr-backtest the ktrdr_backtest module in /usr/lib/python3/dist-packages
# `cpack -G DEB` in the build directory (or the `package` target, which builds first). Depends come from
# dpkg-shlibdeps (the libraries the binaries link) plus what the scripts and the module need at run time.
# Descriptions: synopsis on the first line, then the extended text without leading spaces (CPack adds one).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ktrdr-backtest)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${KTRDR_PACKAGE_MAINTAINER})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL fleet)
if(TARGET ktrdr_python)
  list(APPEND CPACK_COMPONENTS_ALL python)
endif()

set(CPACK_DEBIAN_PACKAGE_VERSION ${KTRDR_DEB_VERSION})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${KTRDR_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

# ktrdr-backtest: the fleet
set(CPACK_DEBIAN_FLEET_PACKAGE_NAME ktrdr-backtest)
set(CPACK_DEBIAN_FLEET_PACKAGE_SECTION science)
# systemd: sysusers/tmpfiles in postinst and the units; init-system-helpers: deb-systemd-helper/-invoke
set(CPACK_DEBIAN_FLEET_PACKAGE_DEPENDS "systemd, init-system-helpers (>= 1.54~)")
set(CPACK_COMPONENT_FLEET_DESCRIPTION
   "neural-network trading strategy backtester and its worker fleet
ktrdr-backtest re-builds the backtester of ktrdr in C++: it runs a trained
model (MLP, LSTM or GRU from libtorch) over OHLCV bars with the reference
system's indicators, fuzzy features, positions and metrics (--mode ktrdr
reproduces it, --mode corrected fixes its known accounting issues).
.
This package holds ktrdr-backtest (one backtest in-process), ktrdr-broker
(the job queue, RocksDB), ktrdr-worker (one backtest at a time, checkpoints,
resumes), ktrdr-submit (submit, follow, results, a live dashboard) and
ktrdr-gateway (the reference's REST API, a web dashboard, Prometheus
metrics), with systemd units: `systemctl start ktrdr-fleet.target` runs a
broker, a worker and the gateway on this machine, configured in /etc/ktrdr.")
set(CPACK_DEBIAN_FLEET_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_LIST_DIR}/debian/postinst
    ${CMAKE_CURRENT_LIST_DIR}/debian/prerm ${CMAKE_CURRENT_LIST_DIR}/debian/postrm
    ${CMAKE_CURRENT_LIST_DIR}/debian/conffiles)

# python3-ktrdr-backtest: the module
set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME python3-ktrdr-backtest)
set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS "${KTRDR_PYTHON_DEB_DEPENDS}")
set(CPACK_COMPONENT_PYTHON_DESCRIPTION
   "ktrdr-backtest engine and fleet client for Python
import ktrdr_backtest: run() backtests a ktrdr model in this process on a
pandas DataFrame or CSV files and returns the metrics as dicts and the trades
and equity curve as DataFrames (the same numbers as the ktrdr-backtest
program); Fleet submits backtests to a ktrdr-broker and follows them.")

include(CPack)

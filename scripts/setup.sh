#!/usr/bin/env bash
# Set up everything RegioAtlas needs on a fresh Debian/Ubuntu machine with Python >= 3.11:
# system packages (when there are any to install and we may), a virtualenv in .venv, the package.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the project needs: Chromium for the browser tests (Playwright drives Debian's
# build; `playwright install` would download one and fails offline); PostgreSQL with PostGIS
# for the PostGIS store's tests (they start a throwaway cluster of their own, tests/pg.py);
# GDAL's ogrinfo opens the GeoPackage downloads in tests/test_exports.py.
APT_PACKAGES=()
# The benchmarks drive the same browser and PostgreSQL, and reuse the tests' servers
# (tests/browser/conftest.py, tests/pg.py): `bench` installs what `test` does, and more.
if [ "${1:-}" = "test" ] || [ "${1:-}" = "bench" ]; then APT_PACKAGES+=(chromium postgresql postgresql-15-postgis-3 gdal-bin); fi
missing=()
for pkg in "${APT_PACKAGES[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}";
  else sudo apt-get update -qq && sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; fi
fi

PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "RegioAtlas needs Python 3.11 or newer")'
if [ ! -x .venv/bin/python ]; then "$PYTHON" -m venv .venv; fi
extras="${1:-}"
if [ "$extras" = "bench" ]; then extras="test,bench"; fi
stamp=".venv/.installed${extras:+-${extras/,/-}}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".${extras:+[$extras]}"
  touch "$stamp"
fi

# NGSI-LD's client test drives the real ngsildclient, whose pins (httpx<0.24) clash with the
# test tools: it gets a virtualenv of its own (tests/test_ngsi_ld_client.py).
if [ "${1:-}" = "test" ] && [ ! -x .venv-ngsildclient/bin/python ]; then
  "$PYTHON" -m venv .venv-ngsildclient
  .venv-ngsildclient/bin/python -m pip install -q ngsildclient==0.5.2
fi

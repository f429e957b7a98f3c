#!/usr/bin/env bash
# Re-vendor the JavaScript the web layer serves (run by a developer; the results are committed).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack swagger-ui-dist@5.35.0 >/dev/null
tar xzf swagger-ui-dist-*.tgz
dest="$here/src/regioatlas/web/static/swagger-ui"
mkdir -p "$dest"
cp package/{swagger-ui-bundle.js,swagger-ui.css,LICENSE,NOTICE,swagger-ui-bundle.js.LICENSE.txt} "$dest/"
echo "vendored swagger-ui-dist into $dest"

# Leaflet: the map library of the web app (plain script build; no CDN, no remote tiles)
npm pack leaflet@1.9.4 >/dev/null
tar xzf leaflet-1.9.4.tgz
dest="$here/src/regioatlas/web/static/vendor/leaflet"
mkdir -p "$dest"
cp package/dist/{leaflet.js,leaflet.css} package/LICENSE "$dest/"
cp -r package/dist/images "$dest/"
echo "vendored leaflet into $dest"

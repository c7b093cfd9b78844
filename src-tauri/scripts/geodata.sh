#!/usr/bin/env bash
# Set-up step: installs the out-of-the-box Australian locality data from PyPI
# (`countrystatecity-postal-codes`, ODbL 1.0, data from the countries-states-cities-database
# project) and converts it into assets/geodata/au_localities.tsv (GeoNames postal-code column
# layout), which RouteMate loads at start. Idempotent; re-running replaces the file.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT_DIR="$ROOT/assets/geodata"
OUT="$OUT_DIR/au_localities.tsv"
PKG="countrystatecity-postal-codes==2.0.1"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

mkdir -p "$OUT_DIR"
# pip download keeps the system Python untouched; the wheel is a zip holding the JSON data.
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$WORK" "$PKG"
WHEEL="$(ls "$WORK"/countrystatecity_postal_codes-*.whl | head -n1)"
python3 - "$WHEEL" "$OUT.tmp" <<'PY'
import json, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(wheel)
rows = json.loads(z.read("countrystatecity_postal_codes/data/by-country/AU/postcodes.json"))
states = {"QLD": "Queensland", "NSW": "New South Wales", "VIC": "Victoria", "TAS": "Tasmania",
          "SA": "South Australia", "WA": "Western Australia", "NT": "Northern Territory",
          "ACT": "Australian Capital Territory"}
n = 0
with open(out, "w", encoding="utf-8") as f:
    for r in rows:
        lat, lng = r.get("latitude"), r.get("longitude")
        code, place, state = r.get("code"), r.get("localityName"), r.get("stateCode") or ""
        if lat is None or lng is None or not code or not place:
            continue
        # GeoNames layout: country, postcode, place, state name, state code, admin2 x2,
        # admin3 x2, lat, lng, accuracy (2 = one representative point per postcode).
        f.write("\t".join(["AU", code, place, states.get(state, state), state, "", "", "", "",
                           str(lat), str(lng), "2"]) + "\n")
        n += 1
print(f"geodata: {n} Australian postcode localities written", file=sys.stderr)
PY
mv "$OUT.tmp" "$OUT"
cat > "$OUT_DIR/ATTRIBUTION.txt" <<'TXT'
au_localities.tsv: Australian postcodes with one locality and point each, converted from the PyPI
package countrystatecity-postal-codes 2.0.1 (data: countries-states-cities-database,
https://github.com/dr5hn/countries-states-cities-database), licensed under the Open Database
License (ODbL) v1.0, https://opendatacommons.org/licenses/odbl/1-0/.
TXT
echo "geodata: $OUT"

#!/usr/bin/env bash
# Set-up step: installs the out-of-the-box Australian locality data from PyPI
# (`countrystatecity-postal-codes`: one locality and point per postcode; `countrystatecity-countries`:
# ~4,100 Australian towns and suburbs with points; both ODbL 1.0, data from the
# countries-states-cities-database project) and converts it into assets/geodata/au_localities.tsv
# (GeoNames postal-code column layout; suburbs without a postcode have an empty one), which
# RouteMate loads at start. Idempotent; re-running replaces the file.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT_DIR="$ROOT/assets/geodata"
OUT="$OUT_DIR/au_localities.tsv"
PKGS=("countrystatecity-postal-codes==2.0.1" "countrystatecity-countries==2.0.1")
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [ -s "$OUT" ] && [ "${1:-}" != "--force" ]; then
  echo "geodata: $OUT already present (pass --force to rebuild)"
  exit 0
fi
# Debian's python3 ships without pip; `pip download` only fetches the wheels (nothing is
# installed into the system Python), so the distribution's pip is enough.
if ! python3 -m pip --version >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null
  else
    echo "geodata: python3 -m pip is missing; install python3-pip" >&2
    exit 1
  fi
fi
mkdir -p "$OUT_DIR"
# pip download keeps the system Python untouched; the wheel is a zip holding the JSON data.
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$WORK" "${PKGS[@]}"
POSTAL="$(ls "$WORK"/countrystatecity_postal_codes-*.whl | head -n1)"
CITIES="$(ls "$WORK"/countrystatecity_countries-*.whl | head -n1)"
python3 - "$POSTAL" "$CITIES" "$OUT.tmp" <<'PY'
import json, sys, zipfile
postal, cities, out = sys.argv[1], sys.argv[2], sys.argv[3]
z = zipfile.ZipFile(postal)
rows = json.loads(z.read("countrystatecity_postal_codes/data/by-country/AU/postcodes.json"))
zc = zipfile.ZipFile(cities)
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
    m = 0
    for state in states:
        name = f"countrystatecity_countries/data/by-country/AU/states/{state}/cities.json"
        if name not in zc.namelist():
            continue
        for c in json.loads(zc.read(name)):
            lat, lng, place = c.get("latitude"), c.get("longitude"), c.get("name")
            if lat is None or lng is None or not place:
                continue
            # No postcode: these only name a suburb's point (accuracy 3).
            f.write("\t".join(["AU", "", place, states[state], state, "", "", "", "",
                               str(float(lat)), str(float(lng)), "3"]) + "\n")
            m += 1
print(f"geodata: {n} postcode localities and {m} suburbs written", file=sys.stderr)
PY
mv "$OUT.tmp" "$OUT"
cat > "$OUT_DIR/ATTRIBUTION.txt" <<'TXT'
au_localities.tsv: Australian postcodes with one locality and point each, and Australian towns and
suburbs with a point each, converted from the PyPI packages countrystatecity-postal-codes 2.0.1 and
countrystatecity-countries 2.0.1 (data: countries-states-cities-database,
https://github.com/dr5hn/countries-states-cities-database), licensed under the Open Database
License (ODbL) v1.0, https://opendatacommons.org/licenses/odbl/1-0/.
TXT
echo "geodata: $OUT"

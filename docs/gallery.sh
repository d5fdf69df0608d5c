#!/usr/bin/env bash
# Regenerates the README's figure gallery in docs/img/ (about a minute on two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o /tmp/rinsim-gallery ./cmd/rinsim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/tmp/rinsim-gallery reproduce --quiet --reps 30 --seed 1 --out "$tmp/reproduce"
/tmp/rinsim-gallery sweep --quiet --param funding.scale=0:2:9 --param peer.seek_prob=0:0.6:7 --reps 10 --out "$tmp/sweep"
/tmp/rinsim-gallery plot "$tmp/sweep" >/dev/null
/tmp/rinsim-gallery sensitivity --quiet --method sobol --param funding.scale=0.5:2 --param peer.seek_prob=0:0.6 \
  --param firm.step_rate=0.1:0.4 --param channel.network_project.commit_prob=0:1 --n 256 --reps 3 \
  --outcome entrant_share --out "$tmp/sobol"
/tmp/rinsim-gallery plot "$tmp/sobol" >/dev/null
cp "$tmp"/reproduce/fig*.png "$tmp"/sweep/fig7a*.png "$tmp"/sobol/fig7b*.png docs/img/
cp "$tmp/reproduce/claims.csv" docs/img/claims.csv
cp "$tmp/reproduce/claims.md" docs/img/claims.md
# Splice the claims table into the README between its markers.
awk -v table=docs/img/claims.md '
  /^<!-- claims table: docs\/gallery.sh -->$/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
  /^<!-- end of claims table -->$/ { skip = 0 }
  !skip { print }' README.md > README.md.tmp && mv README.md.tmp README.md
echo "gallery written to docs/img/"

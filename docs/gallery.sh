#!/usr/bin/env bash
# Regenerates the README's figure gallery in docs/img/ (about 5 minutes of CPU
# time, mostly the Sobol analysis).
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o /tmp/rinsim-gallery ./cmd/rinsim
r=/tmp/rinsim-gallery
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
$r reproduce --quiet --reps 30 --seed 1 --out "$tmp/reproduce"
$r sweep --quiet --param funding.scale=0:2:9 --param peer.seek_prob=0:0.6:7 --reps 10 --out "$tmp/grid"
$r sweep --quiet --param funding.scale=0:3:13 --reps 20 --out "$tmp/line"
$r sweep --quiet --lhs 60 --param funding.scale=0:2 --param peer.seek_prob=0:0.6 --param firm.step_rate=0.1:0.4 \
  --reps 5 --out "$tmp/lhs"
$r sweep --quiet --steps --param funding.scale=0.5:2:4 --reps 10 --out "$tmp/steps"
$r sensitivity --quiet --method sobol --param funding.scale=0.5:2 --param peer.seek_prob=0:0.6 \
  --param firm.step_rate=0.1:0.4 --param channel.network_project.commit_prob=0:1 --n 1024 --reps 3 \
  --outcome entrant_share --out "$tmp/sobol"
$r sensitivity --quiet --method morris --param funding.scale=0.5:2 --param peer.seek_prob=0:0.6 \
  --param firm.step_rate=0.1:0.4 --param channel.network_project.commit_prob=0:1 --n 40 --reps 3 \
  --outcome entrant_share --out "$tmp/morris"
for d in grid line lhs steps sobol morris; do $r plot "$tmp/$d" >/dev/null; done
rm -f docs/img/fig*.png
cp "$tmp"/reproduce/fig*.png "$tmp"/grid/fig7a-sweep-heatmap.png "$tmp"/line/fig7a-sweep-line.png \
  "$tmp"/lhs/fig7a-sweep-panels.png "$tmp"/sobol/fig7b-sensitivity.png "$tmp"/morris/fig7c-morris.png docs/img/
cp "$tmp"/steps/fig1-entrant-share.png docs/img/fig7a-sweep-steps.png
cp "$tmp/reproduce/claims.csv" docs/img/claims.csv
cp "$tmp/reproduce/claims.md" docs/img/claims.md
# Splice the claims table into the README between its markers.
awk -v table=docs/img/claims.md '
  /^<!-- claims table: docs\/gallery.sh -->$/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
  /^<!-- end of claims table -->$/ { skip = 0 }
  !skip { print }' README.md > README.md.tmp && mv README.md.tmp README.md
echo "gallery written to docs/img/"

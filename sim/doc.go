// Package sim runs rinsim scenarios: it builds the world from a scenario and
// a master seed, steps it quarter by quarter, collects the metrics of every
// step and summarises a run per network.
//
// # Determinism
//
// All randomness comes from streams derived from the master seed (package
// internal/rng): each firm draws from its own stream per step and phase,
// keyed by its identity (network, group, position), and each network from
// its own stream per step. The same scenario and seed give identical
// results, and a change to one network leaves the random numbers of every
// other network's firms untouched (common random numbers).
//
// # Claims and target patterns
//
// The thesis's claims (claims.go) and the target patterns (patterns.toml,
// read by LoadPatterns; computed by Validate in validate.go) are tested on
// replications paired by seed. Knockouts (knockouts.go) are named sets of
// overrides that switch routes of the networks' effect off, for negative
// controls and for the route pattern.
package sim

// Package sim runs rinsim scenarios: it builds the world from a scenario and
// a master seed, steps it quarter by quarter, collects the metrics of every
// step and summarises a run per network.
//
// # Determinism
//
// All randomness comes from streams derived from the master seed (package
// internal/rng): one per block of firms and one per network. The same
// scenario and seed give identical results.
package sim

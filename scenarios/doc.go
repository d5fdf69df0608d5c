// Package scenarios defines the rinsim scenario: every parameter of a run, with
// its unit, allowed range and source, the TOML file format, the embedded
// default scenarios and their validation.
//
// # Addressing parameters
//
// Every numeric parameter has a dotted key built from the TOML path, with list
// entries addressed by their id: "firm.step_rate", "channel.joint_stand.fee_nok",
// "network.cwn.stream.arena.to", "market.china.psychic_distance". Keys are what
// --set, sweeps and sensitivity analyses use; [Scenario.Params] lists them all.
// Two policy aliases exist: "funding.<network>.scale" is
// "network.<network>.funding_scale".
package scenarios

package sim_test

import (
	"context"
	"fmt"

	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

// Run the embedded thesis scenario with a raised budget for CWN and print
// the channels each network offers at the end.
func ExampleRun() {
	s, err := scenarios.Builtin("thesis")
	if err != nil {
		panic(err)
	}
	if err := s.Set("funding.cwn.scale", "3"); err != nil {
		panic(err)
	}
	res, err := sim.Run(context.Background(), s, 1, nil)
	if err != nil {
		panic(err)
	}
	for _, sum := range sim.Summarize(res) {
		fmt.Printf("%s: %d members, %d channels\n", sum.Network, sum.Members, sum.Channels)
	}
	// Output:
	// oreec: 60 members, 3 channels
	// oslo-medtech: 180 members, 7 channels
	// cwn: 70 members, 3 channels
}

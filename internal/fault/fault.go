// Package fault lets tests stop the process at a named write boundary (a
// file created, a header or a job written, a file synced or renamed), to
// check that rerunning the command recovers from a kill at exactly that
// point. Without its environment variables, At does nothing.
package fault

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

// Env names the boundary at which the process exits, with Code: "NAME" at
// its first occurrence, "NAME#K" at its K-th.
const Env = "RINSIM_FAULT"

// ListEnv names a file to which every boundary reached is appended, one
// "NAME#K" a line, so a test can enumerate them.
const ListEnv = "RINSIM_FAULT_LIST"

// Code is the exit code of a process stopped at a fault.
const Code = 86

var st struct {
	once  sync.Once
	on    bool
	stop  string
	list  string
	mu    sync.Mutex
	count map[string]int
}

// At marks the boundary name. With Env naming this occurrence the process
// exits at once, as if killed: deferred calls do not run and buffered data
// is lost.
func At(name string) {
	st.once.Do(func() {
		st.stop, st.list = os.Getenv(Env), os.Getenv(ListEnv)
		st.on = st.stop != "" || st.list != ""
		if st.stop != "" && !strings.Contains(st.stop, "#") {
			st.stop += "#1"
		}
		st.count = map[string]int{}
	})
	if !st.on {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.count[name]++
	at := name + "#" + strconv.Itoa(st.count[name])
	if st.list != "" {
		f, err := os.OpenFile(st.list, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintln(f, at)
			f.Close()
		}
	}
	if at == st.stop {
		os.Exit(Code)
	}
}

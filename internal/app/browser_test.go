package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rinsim/rinsim/scenarios"
)

// The browser test drives Debian's chromium, headless, through the DevTools
// protocol over --remote-debugging-pipe (JSON messages ending in a NUL byte
// on file descriptors 3 and 4): no websocket and no dependency beyond the
// standard library.

// findBrowser returns the chromium to use: $RINSIM_BROWSER, or the first
// of the usual names on PATH.
func findBrowser() string {
	if b := os.Getenv("RINSIM_BROWSER"); b != "" {
		return b
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// cdp is a DevTools protocol connection to a browser started by the test.
type cdp struct {
	t      *testing.T
	cmd    *exec.Cmd
	w      *os.File
	msgs   chan map[string]any
	events []map[string]any // read while waiting for something else
	next   int
}

func startBrowser(t *testing.T, path string) *cdp {
	t.Helper()
	toBrowser, ours, err := os.Pipe() // browser reads fd 3
	if err != nil {
		t.Fatal(err)
	}
	theirs, fromBrowser, err := os.Pipe() // browser writes fd 4
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--window-size=1100,1250", "--user-data-dir="+t.TempDir(), "--remote-debugging-pipe", "about:blank")
	cmd.ExtraFiles = []*os.File{toBrowser, fromBrowser}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	toBrowser.Close()
	fromBrowser.Close()
	c := &cdp{t: t, cmd: cmd, w: ours, msgs: make(chan map[string]any, 64)}
	go func() {
		defer close(c.msgs)
		r := bufio.NewReader(theirs)
		for {
			b, err := r.ReadBytes(0)
			if err != nil {
				return
			}
			var m map[string]any
			if json.Unmarshal(b[:len(b)-1], &m) == nil {
				c.msgs <- m
			}
		}
	}()
	t.Cleanup(func() {
		ours.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("browser stderr:\n%s", stderr.String())
		}
	})
	return c
}

const cdpTimeout = 60 * time.Second

// call sends a command (in a session if session is not empty) and returns
// its result.
func (c *cdp) call(session, method string, params map[string]any) map[string]any {
	c.t.Helper()
	c.next++
	id := c.next
	msg := map[string]any{"id": id, "method": method, "params": params}
	if session != "" {
		msg["sessionId"] = session
	}
	b, _ := json.Marshal(msg)
	if _, err := c.w.Write(append(b, 0)); err != nil {
		c.t.Fatalf("cdp %s: %v", method, err)
	}
	deadline := time.After(cdpTimeout)
	for {
		select {
		case m, ok := <-c.msgs:
			if !ok {
				c.t.Fatalf("cdp %s: the browser closed the connection", method)
			}
			if v, ok := m["id"].(float64); ok && int(v) == id {
				if e, ok := m["error"]; ok {
					c.t.Fatalf("cdp %s: %v", method, e)
				}
				res, _ := m["result"].(map[string]any)
				return res
			}
			if _, ok := m["method"]; ok {
				c.events = append(c.events, m)
			}
		case <-deadline:
			c.t.Fatalf("cdp %s: no answer in %v", method, cdpTimeout)
		}
	}
}

// wait returns the first event named method (and matching ok) that has
// arrived or arrives, and forgets it and every earlier one.
func (c *cdp) wait(method string, ok func(params map[string]any) bool) map[string]any {
	c.t.Helper()
	deadline := time.After(cdpTimeout)
	for {
		for k, e := range c.events {
			p, _ := e["params"].(map[string]any)
			if e["method"] == method && ok(p) {
				c.events = c.events[k+1:]
				return p
			}
		}
		select {
		case m, open := <-c.msgs:
			if !open {
				c.t.Fatalf("waiting for %s: the browser closed the connection", method)
			}
			if _, isEvent := m["method"]; isEvent {
				c.events = append(c.events, m)
			}
		case <-deadline:
			c.t.Fatalf("no %s event in %v", method, cdpTimeout)
		}
	}
}

func any_(map[string]any) bool { return true }

// eval evaluates a JavaScript expression in the page and returns its value.
func (c *cdp) eval(session, expr string) any {
	c.t.Helper()
	res := c.call(session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true})
	if ex, ok := res["exceptionDetails"]; ok {
		c.t.Fatalf("evaluate %q: %v", expr, ex)
	}
	r, _ := res["result"].(map[string]any)
	return r["value"]
}

// TestBrowser is issue 11's acceptance test: a person opens the page, sets
// CWN's funding to 2x, presses Compare and reads the change; the page's
// numbers are those of `rinsim compare` with the same settings and seed; the
// scenario it offers for download runs; the page is not blank.
func TestBrowser(t *testing.T) {
	browser := findBrowser()
	if browser == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but no browser was found: install Debian's chromium (see .ci/run) or set RINSIM_BROWSER")
		}
		t.Skip("no chromium found (install Debian's chromium or set RINSIM_BROWSER); CI runs this test")
	}
	base, err := scenarios.Load("thesis")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(base, "thesis", Limits{MaxReps: 100, MaxFirms: 20_000, MaxRuns: 2, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.Serve(ctx, ln)
	addr := "http://" + ln.Addr().String()

	c := startBrowser(t, browser)
	downloads := t.TempDir()
	c.call("", "Browser.setDownloadBehavior", map[string]any{"behavior": "allow", "downloadPath": downloads, "eventsEnabled": true})
	target := c.call("", "Target.createTarget", map[string]any{"url": "about:blank"})
	session := c.call("", "Target.attachToTarget", map[string]any{"targetId": target["targetId"], "flatten": true})["sessionId"].(string)
	c.call(session, "Page.enable", nil)
	c.call(session, "Page.navigate", map[string]any{"url": addr + "/"})
	c.wait("Page.loadEventFired", any_)

	// A person sets CWN to 2x and presses Compare.
	start := time.Now()
	c.eval(session, `document.getElementById("f.cwn").value = "2"; document.getElementById("compare").click(); true`)
	c.wait("Page.loadEventFired", any_)
	t.Logf("compare in the browser: %v", time.Since(start))
	if url := c.eval(session, "location.href").(string); !strings.Contains(url, "f.cwn=2") || !strings.Contains(url, "run=1") {
		t.Errorf("result URL %s does not hold the settings", url)
	}
	effects, _ := c.eval(session, `(document.getElementById("effects") || {innerText: document.body.innerText}).innerText`).(string)
	cli := compareCLI(t, "thesis", defaultWebName, []string{"funding.cwn.scale=2"}, defaultWebReps, 1)
	want := "Members of Clean Water Norway (cwn): " + diffWords(t, cli[defaultWebName+"/cwn/entries_per_member"])
	if !strings.Contains(effects, want) {
		t.Errorf("page shows\n%s\nwant %q (rinsim compare, same settings and seed)", effects, want)
	}

	// The scenario download runs with `rinsim run --scenario`.
	c.eval(session, `document.getElementById("toml").click(); true`)
	done := c.wait("Browser.downloadProgress", func(p map[string]any) bool { return p["state"] == "completed" || p["state"] == "canceled" })
	if done["state"] != "completed" {
		t.Fatalf("download %v", done)
	}
	toml := filepath.Join(downloads, defaultWebName+".toml")
	if b, err := os.ReadFile(toml); err != nil || !bytes.Contains(b, []byte("funding_scale = 2.0")) {
		t.Fatalf("downloaded scenario %s: %v\n%.400s", toml, err, b)
	}
	mustRun(t, "run", "--quiet", "--scenario", toml, "--out", filepath.Join(t.TempDir(), "run"))

	// A screenshot that is not blank.
	shot := c.call(session, "Page.captureScreenshot", map[string]any{"format": "png"})
	b, err := base64.StdEncoding.DecodeString(shot["data"].(string))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if frac, colours := inked(img); frac < 0.05 || colours < 16 {
		t.Errorf("screenshot looks blank: %.1f %% of pixels differ from the background, %d colours", 100*frac, colours)
	}
	path := os.Getenv("RINSIM_SCREENSHOT") // e.g. ../../docs/img/serve.png to refresh the README's
	if path == "" {
		path = filepath.Join(t.TempDir(), "serve.png")
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	if resp, err := http.Get(addr + "/report?f.cwn=2"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("printable report: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}

// inked is the share of pixels that differ from the top-left one, and the
// number of distinct colours (up to 1000).
func inked(img image.Image) (float64, int) {
	bg := img.At(0, 0)
	r0, g0, b0, _ := bg.RGBA()
	colours := map[[3]uint32]bool{}
	n, diff := 0, 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			n++
			if r != r0 || g != g0 || b != b0 {
				diff++
			}
			if len(colours) < 1000 {
				colours[[3]uint32{r, g, b}] = true
			}
		}
	}
	return float64(diff) / float64(n), len(colours)
}

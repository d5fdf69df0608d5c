package app

import (
	"bytes"
	"context"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/plots"
	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

//go:embed web/*.tmpl web/*.css
var webFS embed.FS

func serveCommand(stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "serve",
		Usage:     "a local web page to compare budget scenarios with the baseline",
		UsageText: "rinsim serve [--addr 127.0.0.1:8080] [--scenario NAME|FILE] [--posterior FILE]",
		Description: "Serves a page where a person sets each network's funding multiplier, switches its\n" +
			"programmes (VRI, Arena, NCE, Interreg, county ...) off or on from a year (or adds one) and sets the\n" +
			"budget and outreach levers the model has, then presses Compare: the server runs the\n" +
			"baseline and the scenario on common random numbers (30 replications by default) and shows\n" +
			"the change per network in figures and words, the extra public NOK and the NOK per\n" +
			"additional entry, with downloads (scenario TOML, CSVs, a printable report). The settings\n" +
			"are in the page's URL, so a link shares a scenario. Nothing is written to disk.\n\n" +
			"It listens on 127.0.0.1 (this computer only) unless --addr says otherwise; work per request\n" +
			"and concurrent comparisons are bounded (--max-reps, --max-firms, --max-runs, --timeout).\n" +
			"With --posterior (posterior.csv of rinsim calibrate) every replication draws its parameters\n" +
			"from the posterior, so the intervals carry parameter uncertainty as well as noise.\n\n" +
			"Example:\n   rinsim serve   # then open http://127.0.0.1:8080/",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", Usage: "listen on `HOST:PORT` (port 0: any free port)"},
			scenarioFlag, posteriorFlag,
			&cli.IntFlag{Name: "max-reps", Value: 100, Usage: "most replications `R` a request may ask for"},
			&cli.IntFlag{Name: "max-firms", Value: 20_000, Usage: "most firms `N` in a requested scenario"},
			&cli.IntFlag{Name: "max-runs", Value: 2, Usage: "comparisons `K` run at once; more get 429 Too Many Requests"},
			&cli.DurationFlag{Name: "timeout", Value: time.Minute, Usage: "longest `TIME` one comparison may take"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return fmt.Errorf("serve: unexpected argument %q", c.Args().First())
			}
			base, source, err := loadScenario(c.String("scenario"), nil)
			if err != nil {
				return err
			}
			lim := Limits{MaxReps: c.Int("max-reps"), MaxFirms: c.Int("max-firms"), MaxRuns: c.Int("max-runs"), Timeout: c.Duration("timeout")}
			if err := lim.check(); err != nil {
				return err
			}
			post, _, err := loadPosterior(c.String("posterior"), base)
			if err != nil {
				return err
			}
			srv, err := NewServer(base, source, lim)
			if err != nil {
				return failure(err)
			}
			srv.post, srv.postPath = post, c.String("posterior")
			ln, err := net.Listen("tcp", c.String("addr"))
			if err != nil {
				return fmt.Errorf("--addr %s: %w", c.String("addr"), err)
			}
			if host, _, _ := net.SplitHostPort(c.String("addr")); !isLoopback(host) {
				fmt.Fprintf(stderr, "serve: listening on %s: anyone who can reach this address can run simulations here\n", ln.Addr())
			}
			fmt.Fprintf(stderr, "rinsim serve: open http://%s/ (Ctrl-C to stop)\n", ln.Addr())
			return failure(srv.Serve(c.Context, ln))
		},
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Limits bound the work of one request and of the server.
type Limits struct {
	MaxReps  int           // replications per scenario
	MaxFirms int           // firms in the scenario
	MaxRuns  int           // comparisons at once
	Timeout  time.Duration // per comparison
}

func (l Limits) check() error {
	switch {
	case l.MaxReps < 2 || l.MaxReps > 10_000:
		return fmt.Errorf("--max-reps %d: allowed 2 to 10000", l.MaxReps)
	case l.MaxFirms < 1:
		return fmt.Errorf("--max-firms %d: allowed at least 1", l.MaxFirms)
	case l.MaxRuns < 1 || l.MaxRuns > 64:
		return fmt.Errorf("--max-runs %d: allowed 1 to 64", l.MaxRuns)
	case l.Timeout <= 0:
		return fmt.Errorf("--timeout %v: must be positive", l.Timeout)
	}
	return nil
}

// Server is the web page: a handler over a base scenario.
type Server struct {
	base   *scenarios.Scenario
	source string
	lim    Limits
	// post, if set, gives each replication its parameters (--posterior);
	// postPath is its file, for the equivalent command line.
	post     *sim.Posterior
	postPath string
	slots    chan struct{} // one per comparison running
	page     *template.Template
	css      template.CSS

	mu    sync.Mutex
	cache []cached // most recent last
}

type cached struct {
	key string
	res *webResult
}

// cacheSize is how many results are kept, so that downloads and the
// printable report of a result just shown do not run it again.
const cacheSize = 8

// NewServer prepares the page for base.
func NewServer(base *scenarios.Scenario, source string, lim Limits) (*Server, error) {
	css, err := webFS.ReadFile("web/style.css")
	if err != nil {
		return nil, err
	}
	t, err := template.New("page").Funcs(template.FuncMap{"join": strings.Join}).ParseFS(webFS, "web/*.tmpl")
	if err != nil {
		return nil, err
	}
	return &Server{base: base, source: source, lim: lim, slots: make(chan struct{}, lim.MaxRuns), page: t, css: template.CSS(css)}, nil
}

// Serve answers on ln until ctx is cancelled.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, WriteTimeout: s.lim.Timeout + 30*time.Second}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
		return nil
	}
}

// Handler routes the page, the printable report and the downloads.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /report", s.printable)
	mux.HandleFunc("GET /scenario.toml", s.scenarioTOML)
	mux.HandleFunc("GET /compare.csv", s.download(func(w io.Writer, r *webResult) error { return writeCompare(w, r.Rows) }))
	mux.HandleFunc("GET /over-time.csv", s.download(func(w io.Writer, r *webResult) error { return r.writeOverTime(w) }))
	return securityHeaders(mux)
}

// securityHeaders: the page loads nothing from elsewhere and runs no script.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}

// pageData is what the templates show.
type pageData struct {
	Form     *form
	Result   *webResult
	Scenario string
	CSS      template.CSS
	Version  string
	Busy     string
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	f := parseForm(s.base, r.URL.Query(), s.lim)
	d := &pageData{Form: f, Scenario: s.base.Name, CSS: s.css, Version: report.Version}
	status := http.StatusOK
	if f.Run && !f.hasErrors() {
		res, code, err := s.result(r.Context(), f)
		if err != nil {
			status = code
			d.Busy = err.Error()
		}
		d.Result = res
	} else if f.Run {
		status = http.StatusBadRequest
	}
	s.render(w, "index.html.tmpl", status, d)
}

func (s *Server) printable(w http.ResponseWriter, r *http.Request) {
	f := parseForm(s.base, r.URL.Query(), s.lim)
	if f.hasErrors() {
		http.Error(w, "invalid settings; open the page without /report to see which", http.StatusBadRequest)
		return
	}
	res, code, err := s.result(r.Context(), f)
	if err != nil {
		http.Error(w, err.Error(), code)
		return
	}
	s.render(w, "report.html.tmpl", http.StatusOK, &pageData{Form: f, Result: res, Scenario: s.base.Name, CSS: s.css, Version: report.Version})
}

func (s *Server) render(w http.ResponseWriter, name string, status int, d *pageData) {
	var b bytes.Buffer
	if err := s.page.ExecuteTemplate(&b, name, d); err != nil {
		http.Error(w, "template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// scenarioTOML is the scenario as a file that `rinsim run --scenario` takes.
func (s *Server) scenarioTOML(w http.ResponseWriter, r *http.Request) {
	f := parseForm(s.base, r.URL.Query(), s.lim)
	if f.hasErrors() {
		http.Error(w, "invalid settings; open the page without /scenario.toml to see which", http.StatusBadRequest)
		return
	}
	sc := s.base.Clone()
	if err := sc.Resolve(f.sets, s.base.Name+" after --set"); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	sc.Name = f.Name.Value
	b, err := sc.Encode()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var head strings.Builder
	fmt.Fprintf(&head, "# rinsim scenario %q: %s with\n", f.Name.Value, s.source)
	for _, set := range f.sets {
		fmt.Fprintf(&head, "#   --set %s\n", set)
	}
	fmt.Fprintf(&head, "# Run it: rinsim run --scenario %s.toml\n\n", plots.FileName(f.Name.Value))
	attach(w, "application/toml", plots.FileName(f.Name.Value)+".toml")
	io.WriteString(w, head.String())
	w.Write(b)
}

func attach(w http.ResponseWriter, ctype, name string) {
	w.Header().Set("Content-Type", ctype+"; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
}

func (s *Server) download(write func(io.Writer, *webResult) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := parseForm(s.base, r.URL.Query(), s.lim)
		if f.hasErrors() {
			http.Error(w, "invalid settings; open the page without the file name to see which", http.StatusBadRequest)
			return
		}
		res, code, err := s.result(r.Context(), f)
		if err != nil {
			http.Error(w, err.Error(), code)
			return
		}
		var b bytes.Buffer
		if err := write(&b, res); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		attach(w, "text/csv", strings.TrimPrefix(r.URL.Path, "/"))
		w.Write(b.Bytes())
	}
}

var errBusy = errors.New("the server is busy with other comparisons; try again in a few seconds")

// result runs the comparison of f, or returns it from the cache. The
// status code goes with the error.
func (s *Server) result(ctx context.Context, f *form) (*webResult, int, error) {
	key := f.Query()
	if res := s.cached(key); res != nil {
		return res, http.StatusOK, nil
	}
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	default:
		return nil, http.StatusTooManyRequests, errBusy
	}
	ctx, cancel := context.WithTimeout(ctx, s.lim.Timeout)
	defer cancel()
	res, err := compareWeb(ctx, s.base, f, s.lim, s.post, s.postPath)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return nil, http.StatusServiceUnavailable, fmt.Errorf("the comparison took longer than %v; ask for fewer replications", s.lim.Timeout)
	case errors.As(err, new(limitError)):
		return nil, http.StatusBadRequest, err
	case err != nil:
		return nil, http.StatusInternalServerError, err
	}
	s.mu.Lock()
	s.cache = append(s.cache, cached{key, res})
	if len(s.cache) > cacheSize {
		s.cache = s.cache[1:]
	}
	s.mu.Unlock()
	return res, http.StatusOK, nil
}

func (s *Server) cached(key string) *webResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.cache {
		if c.key == key {
			return c.res
		}
	}
	return nil
}

type limitError struct{ msg string }

func (e limitError) Error() string { return e.msg }

// svgURI renders a figure as the CLI saves it, as an SVG data URI for an <img>.
func svgURI(f plots.Figure) (template.URL, error) {
	c := vgsvg.New(plots.Width, plots.Height)
	if err := f.Draw(draw.New(c)); err != nil {
		return "", err
	}
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return "", err
	}
	return template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(b.Bytes())), nil
}

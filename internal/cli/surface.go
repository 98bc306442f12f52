package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/leakhound/leakhound/internal/detect"
	"io"
	"log/slog"
	"net/url"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/discover"
	"github.com/leakhound/leakhound/internal/surface/har"
	"github.com/leakhound/leakhound/internal/surface/openapi"
	"github.com/leakhound/leakhound/internal/surface/postman"
	"github.com/leakhound/leakhound/internal/transport"
)

// SurfaceConfig says where the API surface comes from besides the target:
// an API description (Config.Spec), recordings, and discovery.
type SurfaceConfig struct {
	HAR     string
	Postman string
	// ProbeWordlist replaces the built-in probe wordlist when set.
	ProbeWordlist string
	// Discovery enables spec auto-discovery (without --spec) and probing.
	Discovery bool
	// DiscoveryRequests bounds discovery's requests.
	DiscoveryRequests int
	// RecordedIdentities scans as the credentials found in recordings too.
	RecordedIdentities bool
}

// fileSurface is the YAML shape of the surface settings in --config.
type fileSurface struct {
	HAR                string `yaml:"har"`
	Postman            string `yaml:"postman"`
	ProbeWordlist      string `yaml:"probe_wordlist"`
	Discovery          *bool  `yaml:"discovery"`
	DiscoveryRequests  *int   `yaml:"discovery_requests"`
	RecordedIdentities *bool  `yaml:"recorded_identities"`
}

type surfaceFlags struct {
	har                string
	postman            string
	wordlist           string
	noDiscovery        bool
	discoveryRequests  int
	recordedIdentities bool
}

func (f *surfaceFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.har, "har", "", "HAR recording of browser or proxy traffic: its requests to the target become endpoints")
	fs.StringVar(&f.postman, "postman", "", "Postman collection (v2.1): its requests become endpoints")
	fs.StringVar(&f.wordlist, "probe-wordlist", "", "file of paths to probe, one a line, instead of the built-in list")
	fs.BoolVar(&f.noDiscovery, "no-discovery", false, "do not look for an API description or probe paths")
	fs.IntVar(&f.discoveryRequests, "discovery-requests", discover.DefaultMaxRequests, "requests discovery may send at most")
}

func (f *surfaceFlags) registerIdentities(fs *pflag.FlagSet) {
	fs.BoolVar(&f.recordedIdentities, "recorded-identities", false, "also scan as the credentials found in --har/--postman (off: they are only listed)")
}

func (f *surfaceFlags) build(set func(string) bool, fc fileSurface) (SurfaceConfig, error) {
	pick := func(name, flagVal, fileVal string) string {
		if set(name) || fileVal == "" {
			return flagVal
		}
		return fileVal
	}
	c := SurfaceConfig{
		HAR:                pick("har", f.har, fc.HAR),
		Postman:            pick("postman", f.postman, fc.Postman),
		ProbeWordlist:      pick("probe-wordlist", f.wordlist, fc.ProbeWordlist),
		Discovery:          !f.noDiscovery,
		DiscoveryRequests:  f.discoveryRequests,
		RecordedIdentities: f.recordedIdentities,
	}
	if !set("no-discovery") && fc.Discovery != nil {
		c.Discovery = *fc.Discovery
	}
	if !set("discovery-requests") && fc.DiscoveryRequests != nil {
		c.DiscoveryRequests = *fc.DiscoveryRequests
	}
	if !set("recorded-identities") && fc.RecordedIdentities != nil {
		c.RecordedIdentities = *fc.RecordedIdentities
	}
	if c.DiscoveryRequests == 0 && !set("discovery-requests") {
		c.DiscoveryRequests = discover.DefaultMaxRequests // demo: flag not registered
	}
	if c.DiscoveryRequests < 1 || c.DiscoveryRequests > 100000 {
		return c, usagef("--discovery-requests must be between 1 and 100000")
	}
	if c.RecordedIdentities && c.HAR == "" && c.Postman == "" {
		return c, usagef("--recorded-identities needs --har or --postman")
	}
	return c, nil
}

// surfaceInput is what the CLI hands the engine about the surface.
type surfaceInput struct {
	endpoints  []surface.Endpoint
	identities []transport.Identity // from recordings, when asked for
	discovery  *discover.Options
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// loadSurface reads the spec file and recordings and sets up discovery. A
// spec given as a URL must be on the target's origin; it is fetched by the
// scan's own client. Unreadable inputs are usage errors (exit 2).
func loadSurface(cfg *Config, log *slog.Logger) (*surfaceInput, error) {
	in := &surfaceInput{}
	specURL := ""
	switch {
	case cfg.Spec == "":
	case isURL(cfg.Spec):
		u, err := url.Parse(cfg.Spec)
		if err != nil {
			return nil, usagef("--spec %q: %v", cfg.Spec, err)
		}
		if transport.Origin(u) != transport.Origin(cfg.Target) {
			return nil, usagef("--spec URL must be on the target's origin (%s); download it and pass the file", transport.Origin(cfg.Target))
		}
		specURL = u.String()
	default:
		doc, err := openapi.LoadFile(cfg.Spec)
		if err != nil {
			return nil, usageError{err}
		}
		log.Info("API description loaded", "file", cfg.Spec, "version", doc.Version, "operations", len(doc.Endpoints))
		in.endpoints = append(in.endpoints, doc.Endpoints...)
	}
	var recs []*surface.Recorded
	if cfg.Surface.HAR != "" {
		rec, err := har.LoadFile(cfg.Surface.HAR, cfg.Target)
		if err != nil {
			return nil, usageError{err}
		}
		log.Info("HAR loaded", "file", cfg.Surface.HAR, "endpoints", len(rec.Endpoints), "skipped", rec.Skipped)
		recs = append(recs, rec)
	}
	if cfg.Surface.Postman != "" {
		rec, err := postman.LoadFile(cfg.Surface.Postman)
		if err != nil {
			return nil, usageError{err}
		}
		log.Info("Postman collection loaded", "file", cfg.Surface.Postman, "endpoints", len(rec.Endpoints), "skipped", rec.Skipped)
		recs = append(recs, rec)
	}
	for _, rec := range recs {
		in.endpoints = append(in.endpoints, rec.Endpoints...)
		for _, c := range rec.Credentials {
			if cfg.Surface.RecordedIdentities {
				in.identities = append(in.identities, transport.Identity{Name: c.Name, Header: c.Header.Clone()})
				continue
			}
			log.Warn("recording carries credentials, not used (pass --recorded-identities to scan as them)", "identity", c.Name, "headers", strings.Join(c.HeaderNames(), ","))
		}
	}
	if !cfg.Surface.Discovery && specURL == "" {
		return in, nil
	}
	o := &discover.Options{SpecURL: specURL, MaxRequests: cfg.Surface.DiscoveryRequests}
	if cfg.Surface.Discovery {
		o.FindSpec = cfg.Spec == ""
		o.Probe = true
	}
	if cfg.Surface.ProbeWordlist != "" {
		b, err := os.ReadFile(cfg.Surface.ProbeWordlist)
		if err != nil {
			return nil, usagef("read probe wordlist: %w", err)
		}
		if o.Wordlist = discover.ParseWordlist(string(b)); len(o.Wordlist) == 0 {
			return nil, usagef("probe wordlist %s has no paths", cfg.Surface.ProbeWordlist)
		}
	}
	in.discovery = o
	return in, nil
}

func runSurface(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("surface", stderr)
	var f scanFlags
	out := newGroup("Output")
	var format string
	out.fs.StringVar(&format, "format", "table", "table or json")
	help := &commandHelp{
		usage:   "surface TARGET_URL [flags]",
		summary: "Map the API (spec, recordings, discovery, links and ids in answers) and print the inventory; runs no check.",
		groups:  append(f.groups(forSurface), out),
		examples: []string{
			"leakhound surface https://api.example.test",
			"leakhound surface https://api.example.test --har session.har --format json",
		},
	}
	help.bind(fs, stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("surface takes one TARGET_URL, got %d arguments", fs.NArg())
	}
	format = strings.ToLower(format)
	if format != "table" && format != "json" {
		return usagef("--format: want table or json, got %q", format)
	}
	cfg, err := f.build(fs, fs.Arg(0))
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Verbosity)
	announceConfig(cfg, stderr)
	inv, err := Surface(ctx, cfg, log)
	if err != nil {
		return err
	}
	if format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(inv)
	}
	return writeInventory(stdout, inv)
}

// Surface maps the target as configured without running checks.
func Surface(ctx context.Context, cfg *Config, log *slog.Logger) (*scan.Inventory, error) {
	in, err := loadSurface(cfg, log)
	if err != nil {
		return nil, err
	}
	opts := scanOptions(cfg, log, in)
	opts.Checks, opts.Passive = nil, nil
	inv, err := scan.Map(ctx, opts)
	if err != nil {
		return nil, scanError(err)
	}
	return inv, nil
}

// scanError maps an error of the mapping phase: an unreadable API
// description is a usage error, anything else means the scan could not run.
func scanError(err error) error {
	if errors.Is(err, surface.ErrMalformed) || errors.Is(err, surface.ErrUnavailable) {
		return usageError{err}
	}
	return scanFailed{err}
}

func writeInventory(w io.Writer, inv *scan.Inventory) error {
	eps := append([]surface.Endpoint(nil), inv.Endpoints...)
	sort.SliceStable(eps, func(i, j int) bool {
		if eps[i].Path != eps[j].Path {
			return eps[i].Path < eps[j].Path
		}
		return eps[i].Method < eps[j].Method
	})
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "METHOD\tPATH\tSOURCE\tAUTH\tSTATUS\tPARAMETERS")
	for _, ep := range eps {
		auth := "?"
		if ep.AuthRequired != nil {
			auth = map[bool]string{true: "yes", false: "no"}[*ep.AuthRequired]
		}
		status := "-"
		if ep.Status > 0 {
			status = fmt.Sprint(ep.Status)
		}
		path := ep.Path
		if ep.Deprecated {
			path += " (deprecated)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", ep.Method, path, ep.Source, auth, status, params(ep.Params))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d endpoints, %d requests (%d for discovery)", len(eps), inv.RequestsSent, inv.DiscoveryRequests)
	if inv.DiscoveryTruncated {
		fmt.Fprint(w, ", discovery budget spent")
	}
	fmt.Fprintln(w)
	if inv.SpecURL != "" {
		fmt.Fprintf(w, "API description: %s\n", inv.SpecURL)
	}
	if len(inv.CatchAll) > 0 {
		fmt.Fprintf(w, "soft 404 (every path answers) under: %s\n", strings.Join(inv.CatchAll, " "))
	}
	if len(inv.Prefixes) > 0 {
		fmt.Fprintf(w, "API prefixes: %s\n", strings.Join(inv.Prefixes, " "))
	}
	if len(inv.AuthHeaders) > 0 {
		fmt.Fprintf(w, "custom credential headers (Access-Control-Allow-Headers): %s — send identities' tokens in them (--identity NAME=%s: TOKEN)\n", strings.Join(inv.AuthHeaders, ", "), inv.AuthHeaders[0])
	}
	for _, p := range inv.SpecProblems {
		fmt.Fprintf(w, "API description not read: %s\n", p)
	}
	return writeSkipped(w, inv.Skipped, inv.RequestsRefused)
}

// writeSkipped lists the operations the safety policy or the scope kept
// from being sent.
func writeSkipped(w io.Writer, skipped []finding.SkippedOperation, refused int) error {
	if len(skipped) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\nSkipped operations (%d; %d requests refused before the wire; see docs/safety.md):\n", len(skipped), refused)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, s := range skipped {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.Method, s.Path, s.Reason)
	}
	return tw.Flush()
}

func params(ps []surface.Param) string {
	var parts []string
	for _, p := range ps {
		if (p.In == "header" && surface.IsCredentialHeader(p.Name)) || p.In == "cookie" || detect.CategoryOf(detect.KeyType(p.Name)) == detect.Secret {
			parts = append(parts, p.Name+"("+p.In+")")
			continue
		}
		s := p.Name + "(" + p.In + ")"
		if len(p.Values) > 0 {
			v := p.Values[0]
			if len(v) > 24 {
				v = v[:24] + "…"
			}
			s += "=" + v
			if p.Synthetic {
				s += "~"
			}
		}
		if len(p.Neighbors) > 0 {
			s += " ±[" + strings.Join(p.Neighbors, ",") + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

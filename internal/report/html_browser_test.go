package report

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds a Chromium to drive, or "" (the Debian package is
// chromium; LEAKHOUND_CHROMIUM overrides).
func chromiumPath() string {
	if p := os.Getenv("LEAKHOUND_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestHTMLInChromium renders the fixture report and opens it in a real
// headless Chromium: the page must load with no console error, no exception
// and no network request, a screenshot is taken, and the filters must hide
// and show findings. It skips when no Chromium is installed (CI installs the
// Debian chromium package).
func TestHTMLInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	bin := chromiumPath()
	if bin == "" && os.Getenv("CI") != "" {
		t.Fatal("no chromium found in CI: make test installs it (make browser-install)")
	}
	if bin == "" {
		t.Skip("no chromium found (apt-get install chromium, or set LEAKHOUND_CHROMIUM): skipping the browser test")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	var buf bytes.Buffer
	if err := (HTML{Rules: fixtureRules()}).Report(&buf, fixtureReport()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1280, 900),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser() // closes the browser this test started

	// Start the browser and the tab, then listen before loading the page.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	var mu sync.Mutex
	var problems []string
	err := chromedp.Listen(bctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			switch e.Type {
			case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeWarning, runtime.ConsoleAPICalledTypeAssert:
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				problems = append(problems, fmt.Sprintf("console.%s: %s", e.Type, strings.Join(args, " ")))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, fmt.Sprintf("exception: %s (line %d)", e.ExceptionDetails.Text, e.ExceptionDetails.LineNumber))
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError || e.Entry.Level == log.EntryLevelWarning {
				problems = append(problems, fmt.Sprintf("log %s: %s %s", e.Entry.Level, e.Entry.Text, e.Entry.URL))
			}
		case *network.EventRequestWillBeSent:
			if !strings.HasPrefix(e.Request.URL, "file://") && !strings.HasPrefix(e.Request.URL, "data:") {
				problems = append(problems, "network request: "+e.Request.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}

	fileURL := (&url.URL{Scheme: "file", Path: page}).String()
	if err := chromedp.Do(bctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tg, runtime.Enable, cdp.Empty{}); err != nil {
				return err
			}
			if _, err := cdp.Call(ctx, tg, log.Enable, cdp.Empty{}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{})
			return err
		}),
		chromedp.Navigate(fileURL),
		chromedp.WaitVisible(chromedp.ID("summary")),
	); err != nil {
		t.Fatalf("load the report in chromium: %v", err)
	}
	title, err := chromedp.Run(bctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(title, "leakhound report") {
		t.Errorf("title %q", title)
	}
	// Open the first finding: its reproduction and fix must show.
	if err := chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS("details.finding > summary")),
		chromedp.WaitVisible(chromedp.CSS("details.finding[open] pre.curl")),
		chromedp.WaitVisible(chromedp.CSS("details.finding[open] pre.remediation")),
	); err != nil {
		t.Fatalf("open a finding: %v", err)
	}
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if len(shot) < 1000 {
		t.Fatalf("screenshot is %d bytes", len(shot))
	}
	shotPath := filepath.Join(dir, "report.png")
	if d := os.Getenv("LEAKHOUND_ARTIFACTS"); d != "" {
		shotPath = filepath.Join(d, "html-report.png")
	}
	if err := os.WriteFile(shotPath, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", shotPath, len(shot))

	visible := func() int {
		t.Helper()
		n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("details.finding:not([hidden])").length`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	rep := fixtureReport()
	active, critical, bola := 0, 0, 0
	for _, f := range rep.Findings {
		if f.Suppressed != nil {
			continue
		}
		active++
		if f.Severity.String() == "critical" {
			critical++
		}
		if f.Check == "bola" {
			bola++
		}
	}
	pickCheck := func(id string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.SetValue(chromedp.ID("f-check"), id),
			chromedp.Evaluate[chromedp.Void](`document.getElementById("f-check").dispatchEvent(new Event("change"))`),
		)
	}
	steps := []struct {
		name    string
		actions []chromedp.Action[chromedp.Void]
		want    int
	}{
		{"initially every unsuppressed finding", nil, active},
		{"show suppressed", []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.ID("f-suppressed"))}, len(rep.Findings)},
		{"hide suppressed again", []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.ID("f-suppressed"))}, active},
		{"untick critical", []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS(`input.f-sev[value="critical"]`))}, active - critical},
		{"tick critical, pick the bola check", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.CSS(`input.f-sev[value="critical"]`)),
			pickCheck("bola"),
		}, bola},
		{"all checks, search a path", []chromedp.Action[chromedp.Void]{
			pickCheck(""),
			chromedp.SendKeys(chromedp.ID("f-text"), "/orders"),
		}, 1},
	}
	for _, s := range steps {
		if err := chromedp.Do(bctx, s.actions...); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := visible(); got != s.want {
			t.Errorf("%s: %d findings visible, want %d", s.name, got, s.want)
		}
	}
	counter, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("f-count")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(counter, "1 of ") {
		t.Errorf("counter says %q", counter)
	}
	groupsShown, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("section.group:not([hidden])").length`))
	if err != nil {
		t.Fatal(err)
	}
	if groupsShown != 1 {
		t.Errorf("%d severity groups shown for one finding, want 1", groupsShown)
	}

	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("browser reported %s", p)
	}
}

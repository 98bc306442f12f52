package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/jwt"
	"github.com/leakhound/leakhound/internal/testapi"
)

// lockedBuffer is a bytes.Buffer safe for a writer and a reader at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var (
	servingAt  = regexp.MustCompile(`keeps running at (http://127\.0\.0\.1:\d+)`)
	preamble   = regexp.MustCompile(`(?m)^: "\$\{([A-Z0-9_]+):\?[^}]*\}"$`)
	statusLine = regexp.MustCompile(`(?m)^HTTP/[0-9.]+ (\d{3})`)
)

// TestDemoReproductionsRun runs the reproduction of every finding of
// `leakhound demo` in bash with curl against the demo API (kept up by
// --serve), its placeholders filled with the demo's credentials, and checks
// the answer has the status the finding reports.
func TestDemoReproductionsRun(t *testing.T) {
	bash, errB := exec.LookPath("bash")
	_, errC := exec.LookPath("curl")
	if errB != nil || errC != nil {
		t.Skip("needs bash and curl (make unit installs curl when missing)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"demo", "--serve", "--format", "json", "--reveal"}, &stdout, &stderr)
	}()
	var base string
	for deadline := time.Now().Add(2 * time.Minute); base == "" && time.Now().Before(deadline); {
		select {
		case code := <-done:
			t.Fatalf("demo exited %d before serving:\n%s", code, stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if m := servingAt.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("the demo API was not served:\n%s", stderr.String())
	}
	var rep struct {
		Findings []struct {
			Check, Method, Path, Title, Reproduce string
			Evidence                              struct {
				Status int
				Values []struct{ Type, Masked string }
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout.String()), &rep); err != nil {
		t.Fatalf("report: %v", err)
	}
	fill := map[string]string{
		"ALICE_AUTHORIZATION": "Bearer " + testapi.AliceToken,
		"BOB_AUTHORIZATION":   "Bearer " + testapi.BobToken,
		"ADMIN_AUTHORIZATION": "Bearer " + testapi.AdminToken,
	}
	ran := 0
	for _, f := range rep.Findings {
		if f.Reproduce == "" {
			continue
		}
		name := f.Check + " " + f.Method + " " + f.Path + ": " + f.Title
		values := map[string]string{}
		for k, v := range fill {
			values[k] = v
		}
		for _, v := range f.Evidence.Values {
			if t, err := jwt.Parse(v.Masked); err == nil && v.Type == "jwt" {
				values["ALG_NONE_TOKEN"] = t.NoneVariant()
				values["BAD_SIGNATURE_TOKEN"] = t.TamperedVariant()
			}
		}
		// As a user would: export the values first, then paste the
		// reproduction as printed; its preamble keeps them.
		missing := ""
		var exports strings.Builder
		for _, m := range preamble.FindAllStringSubmatch(f.Reproduce, -1) {
			val, ok := values[m[1]]
			if !ok {
				missing = m[1]
			}
			exports.WriteString("export " + m[1] + "=" + shellQuote(val) + "\n")
		}
		script := exports.String() + f.Reproduce
		if missing != "" {
			t.Errorf("%s: no value for placeholder %s", name, missing)
			continue
		}
		if strings.Contains(script, "…") {
			t.Errorf("%s: a masked value or name is left under --reveal:\n%s", name, f.Reproduce)
		}
		if !strings.Contains(script, base) {
			t.Errorf("%s: the reproduction does not target the demo API:\n%s", name, f.Reproduce)
			continue
		}
		out, err := exec.CommandContext(ctx, bash, "-c", script).Output()
		if err != nil {
			t.Errorf("%s: %v\n%s", name, err, script)
			continue
		}
		ran++
		m := statusLine.FindAllSubmatch(out, -1)
		if m == nil {
			t.Errorf("%s: no HTTP answer:\n%s", name, script)
			continue
		}
		got, _ := strconv.Atoi(string(m[len(m)-1][1]))
		if f.Evidence.Status != 0 && got != f.Evidence.Status {
			t.Errorf("%s: the reproduction answered %d, the finding reports %d:\n%s", name, got, f.Evidence.Status, f.Reproduce)
		}
	}
	t.Logf("%d reproductions ran", ran)
	if ran < 20 {
		t.Errorf("only %d reproductions ran", ran)
	}
	cancel()
	<-done
}

package detect_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/detect/corpus"
	"github.com/leakhound/leakhound/internal/finding"
)

func norm(typ detect.Type, v string) string {
	switch typ {
	case detect.TypeCard, detect.TypeSSN, detect.TypePhone, detect.TypeIBAN:
		var b strings.Builder
		for _, c := range strings.ToUpper(v) {
			if c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' {
				b.WriteRune(c)
			}
		}
		return b.String()
	case detect.TypeEmail:
		return strings.ToLower(strings.TrimSpace(v))
	}
	return strings.TrimSpace(v)
}

type tally struct{ tp, fp, fn int }

type key struct {
	typ detect.Type
	val string
}

func (t tally) precision() float64 {
	if t.tp+t.fp == 0 {
		return 1
	}
	return float64(t.tp) / float64(t.tp+t.fp)
}

func (t tally) recall() float64 {
	if t.tp+t.fn == 0 {
		return 1
	}
	return float64(t.tp) / float64(t.tp+t.fn)
}

// evaluate scans labelled documents and counts, per type, planted values
// found (tp), detections that were not planted (fp) and planted values
// missed (fn). Only detections at medium confidence or more count.
func evaluate(docs []corpus.Doc) map[detect.Type]*tally {
	out := map[detect.Type]*tally{}
	get := func(t detect.Type) *tally {
		if out[t] == nil {
			out[t] = &tally{}
		}
		return out[t]
	}
	for _, d := range docs {
		want := map[key]bool{}
		for _, l := range d.Labels {
			want[key{detect.Type(l.Type), norm(detect.Type(l.Type), l.Value)}] = true
		}
		got := map[key]bool{}
		for _, m := range detect.Scan(d.Body, d.ContentType).Matches {
			if m.Confidence < finding.ConfidenceMedium || m.Category == detect.Artefact {
				continue
			}
			got[key{m.Type, norm(m.Type, m.Value().Raw())}] = true
		}
		for k := range got {
			if want[k] {
				get(k.typ).tp++
			} else {
				get(k.typ).fp++
			}
		}
		for k := range want {
			if !got[k] {
				get(k.typ).fn++
			}
		}
	}
	return out
}

var (
	checksumTypes = []detect.Type{detect.TypeCard, detect.TypeSSN, detect.TypeIBAN, detect.TypeAWSKeyID, detect.TypePasswordHash}
	contextTypes  = []detect.Type{detect.TypePhone, detect.TypeDOB, detect.TypeAddress, detect.TypeName}
)

func TestAccuracyOnLabelledCorpus(t *testing.T) {
	t.Parallel()
	g := corpus.New(20261127)
	n := 3000
	if raceEnabled {
		n = 600
	}
	docs := make([]corpus.Doc, n)
	for i := range docs {
		docs[i] = g.PIIDoc()
	}
	res := evaluate(docs)
	var report []string
	for typ, r := range res {
		report = append(report, fmt.Sprintf("%s: precision %.4f recall %.4f (tp %d fp %d fn %d)", typ, r.precision(), r.recall(), r.tp, r.fp, r.fn))
	}
	t.Logf("accuracy:\n%s", strings.Join(report, "\n"))
	gate := func(types []detect.Type, p, r float64) {
		for _, typ := range types {
			tl := res[typ]
			if tl == nil || tl.tp == 0 {
				t.Errorf("%s: nothing planted or found", typ)
				continue
			}
			if tl.precision() < p || tl.recall() < r {
				t.Errorf("%s: precision %.4f (want >= %.2f), recall %.4f (want >= %.2f)", typ, tl.precision(), p, tl.recall(), r)
			}
		}
	}
	gate(checksumTypes, 0.98, 0.97)
	gate(contextTypes, 0.95, 0.90)
	// Every other PII or secret type still has to be precise.
	for typ, tl := range res {
		if tl.precision() < 0.95 {
			t.Errorf("%s: precision %.4f", typ, tl.precision())
		}
	}
}

func TestBenignPayloadsAtMostOneFalseFindingPer10MB(t *testing.T) {
	t.Parallel()
	size := 10 << 20
	if testing.Short() || raceEnabled {
		size = 2 << 20 // the gate then allows no false finding at all
	}
	docs := corpus.New(7).Benign(size)
	total, falses := 0, 0
	for i, d := range docs {
		total += len(d.Body)
		for _, m := range detect.Scan(d.Body, d.ContentType).Matches {
			if m.Confidence >= finding.ConfidenceMedium {
				falses++
				t.Logf("doc %d: false %s at %s: %s", i, m.Type, m.Path, m.Masked())
			}
		}
	}
	t.Logf("%d false findings in %.1f MB of benign payloads", falses, float64(total)/(1<<20))
	if per10 := float64(falses) / (float64(total) / (10 << 20)); per10 > 1 {
		t.Errorf("%.2f false findings per 10 MB (want <= 1)", per10)
	}
}

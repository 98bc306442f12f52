// Package weakkey holds the built-in list of weak and default secrets that
// the session-cookie and JWT checks try offline, and reads user wordlists.
package weakkey

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"
)

//go:embed weakkeys.txt
var builtin string

// MaxUserEntries bounds a user wordlist.
const MaxUserEntries = 1_000_000

// Builtin returns the built-in candidates, without duplicates.
func Builtin() []string {
	return Merge(parse(strings.NewReader(builtin), 0))
}

// Merge concatenates lists and drops duplicates, keeping the first order.
func Merge(lists ...[]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lists {
		for _, s := range l {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// Load reads a wordlist file: one candidate per line, blank lines skipped,
// lines starting with "#" are comments.
func Load(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	words := parse(f, MaxUserEntries)
	if len(words) == 0 {
		return nil, fmt.Errorf("wordlist %s has no entries", path)
	}
	return words, nil
}

func parse(r io.Reader, limit int) []string {
	var out []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	return out
}

package cli

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

func buildConfig(t *testing.T, args ...string) (*Config, error) {
	t.Helper()
	fs := newFlagSet("scan", io.Discard)
	var f scanFlags
	scanHelp(&f).bind(fs, io.Discard)
	if err := parse(fs, args); err != nil {
		t.Fatal(err)
	}
	return f.build(fs, fs.Arg(0))
}

func TestWordlistAndForgeFlags(t *testing.T) {
	dir := t.TempDir()
	words := filepath.Join(dir, "words.txt")
	if err := os.WriteFile(words, []byte("# team secrets\nnorthwind-2024\nclinic\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := buildConfig(t, "http://127.0.0.1:5000", "--wordlist", words, "--forge-sessions")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Wordlist) != 2 || cfg.Wordlist[0] != "northwind-2024" || !cfg.ForgeSessions {
		t.Errorf("wordlist %q, forge %v", cfg.Wordlist, cfg.ForgeSessions)
	}

	cfg, err = buildConfig(t, "http://127.0.0.1:5000")
	if err != nil || cfg.ForgeSessions || cfg.Wordlist != nil {
		t.Errorf("defaults: forge %v wordlist %q err %v", cfg.ForgeSessions, cfg.Wordlist, err)
	}

	file := filepath.Join(dir, "leakhound.yaml")
	if err := os.WriteFile(file, []byte("wordlist: "+words+"\nforge_sessions: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err = buildConfig(t, "http://127.0.0.1:5000", "--config", file)
	if err != nil || len(cfg.Wordlist) != 2 || !cfg.ForgeSessions {
		t.Errorf("config file: wordlist %q forge %v err %v", cfg.Wordlist, cfg.ForgeSessions, err)
	}
	cfg, err = buildConfig(t, "http://127.0.0.1:5000", "--config", file, "--forge-sessions=false")
	if err != nil || cfg.ForgeSessions {
		t.Errorf("flag must win over the config file: forge %v err %v", cfg.ForgeSessions, err)
	}

	empty := filepath.Join(dir, "empty.txt")
	_ = os.WriteFile(empty, []byte("# nothing\n"), 0o600)
	if _, err := buildConfig(t, "http://127.0.0.1:5000", "--wordlist", empty); err == nil {
		t.Error("an empty wordlist was accepted")
	}
}

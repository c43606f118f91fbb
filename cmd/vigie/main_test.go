package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestCommandLine(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"unknown flag is a usage error", []string{"vigie", "scan", "--no-such-flag"}, 2, "", "no-such-flag"},
		{"no target is an error", []string{"vigie", "scan", "--db", "none"}, 2, "", "no valid target"},
		{"bad fail-on", []string{"vigie", "scan", "--db", "none", "--fail-on", "sometimes", "x.test"}, 2, "", "unknown severity"},
		{"two formats", []string{"vigie", "scan", "--jsonl", "--sarif", "x.test"}, 2, "", "one output format"},
		{"bad resolve", []string{"vigie", "scan", "--resolve", "nonsense", "--db", "none", "x.test"}, 2, "", "nonsense"},
		{"catalogue", []string{"vigie", "checks"}, 0, "form.http-page", ""},
		{"catalogue in French markdown", []string{"vigie", "checks", "--format", "md", "--lang", "fr"}, 0, "[`form.password-http`]", ""},
		{"tls without host", []string{"vigie", "tls"}, 2, "", "at least one"},
		// A flag defined twice (the shared queue flags) breaks the command.
		{"worker flags", []string{"vigie", "worker", "--help"}, 0, "--give-up", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantOut, stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, stderr.String())
			}
		})
	}
}

// TestDemo runs the README's first command in-process: it must audit the
// farm and exit 0.
func TestDemo(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"vigie", "demo", "--db", "none"}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("demo exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "form.http-page") || !strings.Contains(stdout.String(), "0 failed") {
		t.Errorf("demo output:\n%s", stdout.String())
	}
}

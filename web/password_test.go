package web

import (
	"strings"
	"testing"
)

func TestPasswords(t *testing.T) {
	if _, err := HashPassword("eleven char"); err == nil || !strings.Contains(err.Error(), "at least 12") {
		t.Errorf("short password: %v", err)
	}
	hash, err := HashPassword("twelve chars")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("hash %q", hash)
	}
	other, _ := HashPassword("twelve chars")
	if other == hash {
		t.Error("two hashes of one password are equal: no salt")
	}
	tests := []struct {
		hash, password string
		ok             bool
		err            string
	}{
		{hash, "twelve chars", true, ""},
		{hash, "twelve chars ", false, ""},
		{hash, "", false, ""},
		{strings.Replace(hash, "argon2id", "argon2i", 1), "twelve chars", false, "not an argon2id"},
		{strings.Replace(hash, "v=19", "v=16", 1), "twelve chars", false, "version"},
		{strings.Replace(hash, "m=65536", "m=99999999", 1), "twelve chars", false, "parameters"},
		{"$2a$10$abcdefghijklmnopqrstuv", "twelve chars", false, "not an argon2id"},
		{"", "twelve chars", false, "not an argon2id"},
	}
	for _, tt := range tests {
		ok, err := CheckPassword(tt.hash, tt.password)
		if ok != tt.ok || (tt.err == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.err) {
			t.Errorf("CheckPassword(%.30q, %q) = %v, %v; want %v, %q", tt.hash, tt.password, ok, err, tt.ok, tt.err)
		}
	}
}

package netns

import "testing"

func TestIsolate(t *testing.T) {
	if !Isolate(t) {
		return
	}
	if !OnlyLoopback() {
		t.Fatal("the isolated test sees interfaces other than loopback")
	}
}

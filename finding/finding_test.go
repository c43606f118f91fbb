package finding

import "testing"

func TestIsFailure(t *testing.T) {
	tests := []struct {
		s, min Severity
		want   bool
	}{
		{Info, 0, false}, {Low, 0, true}, {Critical, 0, true},
		{Info, Info, false}, // info is a note whatever the threshold
		{Medium, High, false}, {High, High, true}, {0, 0, false},
	}
	for _, tt := range tests {
		if got := tt.s.IsFailure(tt.min); got != tt.want {
			t.Errorf("%s.IsFailure(%s) = %v, want %v", tt.s, tt.min, got, tt.want)
		}
	}
	for in, want := range map[string]Severity{"low": Low, "HIGH": High, "info": 0, "none": 0, "x": 0} {
		got, err := ParseThreshold(in)
		if got != want || (err == nil) != (want != 0) {
			t.Errorf("ParseThreshold(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

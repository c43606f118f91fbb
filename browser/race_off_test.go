//go:build !race

package browser

// raceDetector: see race_on_test.go.
const raceDetector = false

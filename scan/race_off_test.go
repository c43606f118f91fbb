//go:build !race

package scan

// raceDetector: see race_on_test.go.
const raceDetector = false

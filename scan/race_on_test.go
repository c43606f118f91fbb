//go:build race

package scan

// raceDetector is set when the tests run under the race detector (the
// race step of .ci/run), which makes Go code several times slower: tests
// bound by a few seconds of work give it more time.
const raceDetector = true

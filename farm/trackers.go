package farm

import _ "embed"

//go:embed trackers.csv
var trackerListCSV []byte

// TrackerListCSV returns a tracker list (CSV domain,name,category with a
// header line, as vigie --tracker-list reads it) naming the registrable
// domains of the farm's trackers and their categories: analytics,
// advertising and session-replay.
func TrackerListCSV() []byte { return append([]byte(nil), trackerListCSV...) }

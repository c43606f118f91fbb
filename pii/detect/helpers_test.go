package detect

import (
	"fmt"
	"sort"
	"strings"
)

// found scans body and returns its settled matches as "kind:value" (with
// an "org:" prefix for the organisation's data), sorted.
func found(body, contentType string, o Options) []string {
	s := newScanner()
	var out []string
	s.trace = func(kind, value string, org bool) {
		v := kind + ":" + value
		if org {
			v = "org:" + v
		}
		out = append(out, v)
	}
	if o.MaxSamples == 0 {
		o.MaxSamples = DefaultMaxSamples
	}
	s.reset(&o)
	fl := &flat{intern: map[string]string{}}
	b := []byte(body)
	switch FormatOf(contentType, b) {
	case FormatHTML:
		fl.html(b, false)
		s.text, s.labels = fl.text, fl.labels
	case FormatXML:
		fl.html(b, true)
		s.text, s.labels = fl.text, fl.labels
	case FormatJSON:
		fl.json(b)
		s.text, s.labels = fl.text, fl.labels
	case FormatCSV:
		fl.csv(b)
		s.text, s.labels = fl.text, fl.labels
	case FormatText:
		s.text = b
	default:
		return nil
	}
	s.run()
	s.personalData()
	sort.Strings(out)
	return out
}

// flatten shows the flat form of a body: records on lines, fields
// separated by " | ", labels as [label].
func flatten(body, contentType string) string {
	fl := &flat{intern: map[string]string{}}
	b := []byte(body)
	switch FormatOf(contentType, b) {
	case FormatHTML:
		fl.html(b, false)
	case FormatXML:
		fl.html(b, true)
	case FormatJSON:
		fl.json(b)
	case FormatCSV:
		fl.csv(b)
	}
	var sb strings.Builder
	li := 0
	for i, c := range fl.text {
		for li < len(fl.labels) && fl.labels[li].start == i {
			if fl.labels[li].label != "" {
				fmt.Fprintf(&sb, "[%s]", fl.labels[li].label)
			}
			li++
		}
		switch c {
		case '\t':
			sb.WriteString(" | ")
		default:
			sb.WriteByte(c)
		}
	}
	return strings.TrimSpace(sb.String())
}

package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"vigie/check"
)

func TestCatalogueGolden(t *testing.T) {
	tests := []struct{ golden, format, lang string }{
		{"catalogue.text.golden", "", ""},
		{"catalogue.fr.text.golden", "text", "fr"},
		{"catalogue.md.golden", "md", "en"},
		{"catalogue.fr.md.golden", "md", "fr"},
		{"catalogue.json.golden", "json", ""},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteCatalogue(&b, check.Catalogue(), tt.format, tt.lang); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.golden, b.Bytes())
		})
	}
}

func TestCatalogueJSONRoundTrip(t *testing.T) {
	var b bytes.Buffer
	metas := check.Catalogue()
	if err := WriteCatalogue(&b, metas, "json", "fr"); err != nil {
		t.Fatal(err)
	}
	var got []check.Meta
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, metas) {
		t.Errorf("catalogue JSON does not decode to the catalogue:\n%s", b.String())
	}
	b.Reset()
	if err := WriteCatalogue(&b, nil, "json", ""); err != nil || b.String() != "[]\n" {
		t.Errorf("empty catalogue = %q, %v", b.String(), err)
	}
}

func TestCatalogueErrors(t *testing.T) {
	if err := WriteCatalogue(&bytes.Buffer{}, nil, "yaml", "en"); err == nil || !strings.Contains(err.Error(), "text, md, json") {
		t.Errorf("unknown format: %v", err)
	}
	if err := WriteCatalogue(&bytes.Buffer{}, nil, "text", "de"); err == nil {
		t.Error("unknown language accepted")
	}
}

// A pipe in a title must not break the Markdown table.
func TestCatalogueMarkdownTable(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCatalogue(&b, check.Catalogue(), "md", "en"); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(l, "| [`test.delta`]") {
			if n := strings.Count(strings.ReplaceAll(l, `\|`, ""), "|"); n != 5 {
				t.Errorf("row has %d cell separators: %s", n, l)
			}
			return
		}
	}
	t.Error("no table row for test.delta")
}

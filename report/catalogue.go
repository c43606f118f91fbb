package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"vigie/check"
)

var catalogueFormats = []string{"text", "md", "json"}

// WriteCatalogue prints the check catalogue in format "text" (the default:
// one block per check with its ID, severity, family, title and legal basis),
// "md" (Markdown: a table of all checks, then one section per check with
// its title, rationale, remediation, legal basis and guidance) or "json"
// (metas as indented JSON). lang is "en" (the default) or "fr".
func WriteCatalogue(w io.Writer, metas []check.Meta, format, lang string) error {
	lang, err := normaliseLang(lang)
	if err != nil {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(format)) {
	case "", "text":
		return catalogueText(w, metas, lang)
	case "md", "markdown":
		return catalogueMarkdown(w, metas, lang)
	case "json":
		if metas == nil {
			metas = []check.Meta{}
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(metas)
	}
	return fmt.Errorf("report: unknown catalogue format %q (want one of %s)", format, strings.Join(catalogueFormats, ", "))
}

func catalogueText(w io.Writer, metas []check.Meta, lang string) error {
	b := bufio.NewWriter(w)
	colon := label(lang, "colon")
	for i, m := range metas {
		if i > 0 {
			fmt.Fprintln(b)
		}
		fmt.Fprintln(b, m.ID)
		fmt.Fprintf(b, "  %s%s%s   %s%s%s", label(lang, "severity"), colon, severityLabel(lang, m.Severity), label(lang, "family"), colon, m.Family)
		if m.Active {
			fmt.Fprintf(b, "   [%s]", label(lang, "active"))
		}
		fmt.Fprintln(b)
		fmt.Fprintf(b, "  %s%s%s\n", label(lang, "title"), colon, localized(m.Title, lang))
		fmt.Fprintf(b, "  %s%s%s\n", label(lang, "legal"), colon, strings.Join(m.Legal, "; "))
	}
	return b.Flush()
}

func catalogueMarkdown(w io.Writer, metas []check.Meta, lang string) error {
	b := bufio.NewWriter(w)
	l := func(key string) string { return label(lang, key) }
	colon := l("colon")
	fmt.Fprintf(b, "# %s\n\n%s\n\n", l("checks"), l("catalogue-intro"))
	fmt.Fprintf(b, "| %s | %s | %s | %s |\n|---|---|---|---|\n", l("check"), l("severity"), l("family"), l("title"))
	for _, m := range metas {
		fmt.Fprintf(b, "| [`%s`](#%s) | %s | %s | %s |\n", m.ID, mdAnchor(m.ID), severityLabel(lang, m.Severity), mdCell(m.Family), mdCell(localized(m.Title, lang)))
	}
	for _, m := range metas {
		fmt.Fprintf(b, "\n## %s\n\n", m.ID)
		fmt.Fprintf(b, "**%s**\n\n", mdText(localized(m.Title, lang)))
		fmt.Fprintf(b, "- %s%s%s\n", l("severity"), colon, severityLabel(lang, m.Severity))
		fmt.Fprintf(b, "- %s%s%s\n", l("confidence"), colon, m.Confidence)
		fmt.Fprintf(b, "- %s%s%s\n", l("family"), colon, mdText(m.Family))
		if m.Active {
			fmt.Fprintf(b, "- %s\n", l("active"))
		}
		fmt.Fprintf(b, "\n### %s\n\n%s\n", l("rationale"), mdText(localized(m.Rationale, lang)))
		fmt.Fprintf(b, "\n### %s\n\n%s\n", l("remediation"), mdText(localized(m.Remediation, lang)))
		fmt.Fprintf(b, "\n### %s\n\n", l("legal"))
		for _, s := range m.Legal {
			fmt.Fprintf(b, "- %s\n", mdText(s))
		}
		if len(m.Guidance) > 0 {
			fmt.Fprintf(b, "\n### %s\n\n", l("guidance"))
			for _, s := range m.Guidance {
				fmt.Fprintf(b, "- %s\n", mdText(s))
			}
		}
	}
	return b.Flush()
}

// mdAnchor is the fragment GitHub-flavoured Markdown gives the heading
// "## id": lower case, punctuation other than "-" and "_" dropped.
func mdAnchor(id string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		case r == ' ':
			return '-'
		}
		return -1
	}, id)
}

// mdText keeps catalogue text from being read as HTML by Markdown
// renderers.
func mdText(s string) string {
	return strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(s)
}

// mdCell is mdText for a table cell, where a pipe would end the cell and a
// line break the row.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", "").Replace(mdText(s))
}

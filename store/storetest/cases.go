package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"vigie/cases"
	"vigie/finding"
)

// RunCases runs the suite of cases.Store on db, which must hold no
// organisation and no case.
func RunCases(t *testing.T, db cases.Store) {
	ctx := t.Context()
	orgs := []cases.Organisation{
		{Name: "Ministère de l’Intérieur", DPOEmail: "dpd@interieur.gouv.fr", DPOAddress: "Place Beauvau, 75008 Paris", SecurityContact: "mailto:cert@interieur.gouv.fr", Sector: "public", SiteSuffixes: []string{"interieur.gouv.fr"}, SiteTags: []string{"prefecture", "dept:69"}},
		{Name: "Préfecture de l’Ain", Parent: "Ministère de l’Intérieur"},
	}
	for _, o := range append(orgs, orgs[0]) { // the repeat replaces
		if err := db.PutOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Organisations(ctx)
	if err != nil || !reflect.DeepEqual(got, orgs) {
		t.Fatalf("Organisations = %+v, %v; want %+v", got, err, orgs)
	}

	created := time.Date(2022, 1, 20, 9, 0, 0, 0, time.UTC)
	c := &cases.Case{Organisation: orgs[0].Name, Title: "Ministère de l’Intérieur — 2 sites", State: cases.Open,
		Findings: []string{"f1", "f2"}, Sites: []string{"http://a.example", "http://b.example"}, Created: created,
		MinSeverity: finding.Medium}
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	if c.ID != "C-1" {
		t.Errorf("ID = %q, want C-1", c.ID)
	}
	doc := &cases.Document{Name: "alerte.eml", Path: "/tmp/alerte.eml", SHA256: "ab12"}
	events := []cases.Event{
		{Date: time.Date(2022, 1, 25, 0, 0, 0, 0, time.UTC), Author: "vigie", Kind: "dpo-alerted", Text: "Courriel au DPO", Document: doc,
			Findings: []cases.FindingRef{{ID: "f2", Site: "http://a.example"}, {ID: "f1", Site: "http://b.example"}}},
		{Date: time.Date(2022, 3, 10, 0, 0, 0, 0, time.UTC), Kind: "complaint-filed", Ref: "28-6912"},
		{Date: time.Date(2022, 2, 1, 0, 0, 0, 0, time.UTC), Kind: "note", Text: "appel", Private: true},
	}
	for _, e := range events {
		if _, err := cases.Record(ctx, db, c.ID, e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cases.Record(ctx, db, c.ID, cases.Event{Date: created, Kind: "closed"}); !errors.Is(err, cases.ErrTransition) {
		t.Errorf("closing a complaint-filed case: err = %v, want ErrTransition", err)
	}
	back, err := db.Case(ctx, "c-1")
	if err != nil {
		t.Fatal(err)
	}
	want := *c
	want.State = cases.ComplaintFiled
	want.Events = []cases.Event{events[0], events[2], events[1]}
	if !reflect.DeepEqual(*back, want) {
		t.Errorf("Case =\n%+v\nwant\n%+v", *back, want)
	}
	all, err := db.Cases(ctx)
	if err != nil || len(all) != 1 || !reflect.DeepEqual(all[0], want) {
		t.Errorf("Cases = %+v, %v", all, err)
	}
	if n := back.Notified(); len(n) != 2 || n[0].ID != "f2" || n[1].ID != "f1" {
		t.Errorf("Notified = %+v", n)
	}

	// A verification's findings (fixed ones) come back with their event;
	// a case of the default threshold reads back as low.
	verified := cases.Event{Date: time.Date(2022, 6, 1, 0, 0, 0, 0, time.UTC), Kind: cases.KindPartiallyFixed, Text: "1 of 2 sites fixed",
		Findings: []cases.FindingRef{{ID: "f2", Site: "http://a.example"}}}
	if _, err := cases.Record(ctx, db, c.ID, verified); err != nil {
		t.Fatal(err)
	}
	back, err = db.Case(ctx, c.ID)
	if err != nil || len(back.Events) != 4 || !reflect.DeepEqual(back.Events[3], verified) {
		t.Errorf("after a partially-fixed event: %+v, %v", back, err)
	}
	if fixes := back.SiteFixes(); len(fixes) != 1 || !fixes["http://a.example"].Equal(verified.Date) {
		t.Errorf("SiteFixes = %v", fixes)
	}
	plain := &cases.Case{Organisation: orgs[1].Name, State: cases.Open, Created: created}
	if err := db.CreateCase(ctx, plain); err != nil {
		t.Fatal(err)
	}
	if back, err := db.Case(ctx, plain.ID); err != nil || back.MinSeverity != finding.Low {
		t.Errorf("case without a threshold: %+v, %v; want min severity low", back, err)
	}
	for _, id := range []string{"C-3", "x"} {
		if _, err := db.Case(ctx, id); !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("Case(%q) err = %v, want ErrNotFound", id, err)
		}
		if err := db.AddEvent(ctx, id, events[0], cases.DPOAlerted); !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("AddEvent(%q) err = %v, want ErrNotFound", id, err)
		}
	}
}

package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"vigie/cases"
)

// RunCases runs the suite of cases.Store on db, which must hold no
// organisation and no case.
func RunCases(t *testing.T, db cases.Store) {
	ctx := t.Context()
	orgs := []cases.Organisation{
		{Name: "Ministère de l’Intérieur", DPOEmail: "dpd@interieur.gouv.fr", DPOAddress: "Place Beauvau, 75008 Paris", Sector: "public", SiteSuffixes: []string{"interieur.gouv.fr"}, SiteTags: []string{"prefecture", "dept:69"}},
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
		Findings: []string{"f1", "f2"}, Sites: []string{"http://a.example", "http://b.example"}, Created: created}
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	if c.ID != "C-1" {
		t.Errorf("ID = %q, want C-1", c.ID)
	}
	doc := &cases.Document{Name: "alerte.eml", Path: "/tmp/alerte.eml", SHA256: "ab12"}
	events := []cases.Event{
		{Date: time.Date(2022, 1, 25, 0, 0, 0, 0, time.UTC), Author: "vigie", Kind: "dpo-alerted", Text: "Courriel au DPO", Document: doc},
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
	for _, id := range []string{"C-2", "x"} {
		if _, err := db.Case(ctx, id); !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("Case(%q) err = %v, want ErrNotFound", id, err)
		}
		if err := db.AddEvent(ctx, id, events[0], cases.DPOAlerted); !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("AddEvent(%q) err = %v, want ErrNotFound", id, err)
		}
	}
}

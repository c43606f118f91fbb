package storetest

import (
	"reflect"
	"testing"
	"time"

	"vigie/cases"
)

// RunRights checks that db keeps a rights-request case's kind and request
// beside a case about findings, with its events. db may hold other cases.
func RunRights(t *testing.T, db cases.Store) {
	ctx := t.Context()
	created := time.Date(2022, 1, 3, 9, 0, 0, 0, time.UTC)
	plain := &cases.Case{Organisation: "Mairie", Title: "Mairie — 1 site", State: cases.Open, Sites: []string{"http://m.example"}, Created: created}
	if err := db.CreateCase(ctx, plain); err != nil {
		t.Fatal(err)
	}
	r, err := cases.NewRightsRequest("France Travail", cases.Request{Right: cases.RightAccess, Subject: "Jean Exemple",
		Contact: "jean@example.test", About: "dossier 1234567A"}, created)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCase(ctx, &r); err != nil {
		t.Fatal(err)
	}
	for _, e := range []cases.Event{
		{Date: time.Date(2022, 1, 31, 0, 0, 0, 0, time.UTC), Kind: string(cases.RequestSent), Private: true},
		{Date: time.Date(2022, 2, 20, 0, 0, 0, 0, time.UTC), Kind: cases.KindExtension, Private: true},
	} {
		if _, err := cases.Record(ctx, db, r.ID, e); err != nil {
			t.Fatal(err)
		}
	}
	back, err := db.Case(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if back.Kind != cases.KindRightsRequest || !reflect.DeepEqual(back.Request, r.Request) || back.State != cases.RequestSent || len(back.Events) != 2 {
		t.Errorf("rights case read back = %+v (request %+v)", back, back.Request)
	}
	if d, ext, ok := back.Deadline(); !ok || !ext || d.Format(time.DateOnly) != "2022-05-02" {
		t.Errorf("Deadline = %s, %v, %v", d, ext, ok)
	}
	all, err := db.Cases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		switch c.ID {
		case plain.ID:
			if c.Kind != cases.KindFindings || c.Request != nil {
				t.Errorf("the finding case came back as %q with request %+v", c.Kind, c.Request)
			}
		case r.ID:
			if !c.IsRights() || c.Request == nil || c.Request.Subject != "Jean Exemple" {
				t.Errorf("Cases lost the rights request: %+v", c)
			}
		}
	}
}

package target

import "testing"

func TestPublicTag(t *testing.T) {
	for tag, want := range map[string]bool{
		"prefecture": true, "Préfecture": true, "commune": true, "EPCI": true, "secteur-public": true,
		"Etablissement public": true, "conseil_departemental": true, "syndicat-mixte": true, "chu": true,
		"syndicat": false, "association": false, "hopital": false, "universite": false, "entreprise": false,
		"dept:01": false, "public:no": false, "": false, "tribunal": false,
	} {
		if got := PublicTag(tag); got != want {
			t.Errorf("PublicTag(%q) = %v, want %v", tag, got, want)
		}
	}
	if !PublicTags([]string{"dept:01", "mairie"}) || PublicTags([]string{"dept:01", "browser"}) {
		t.Error("PublicTags")
	}
}

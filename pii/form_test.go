package pii

import (
	"strings"
	"testing"

	"vigie/observation"
)

// formOf builds a form: "method action" then fields as for field(),
// classified by ClassifyField, a trailing "|disabled" or "|navigates"
// setting those flags.
func formOf(head string, buttons []string, specs ...string) *observation.Form {
	method, action, _ := strings.Cut(head, " ")
	f := &observation.Form{Method: method, Action: action, Buttons: buttons}
	for _, s := range specs {
		var disabled, navigates bool
		for {
			switch {
			case strings.HasSuffix(s, "|disabled"):
				s, disabled = strings.TrimSuffix(s, "|disabled"), true
				continue
			case strings.HasSuffix(s, "|navigates"):
				s, navigates = strings.TrimSuffix(s, "|navigates"), true
				continue
			}
			break
		}
		fl := field(s)
		fl.Disabled, fl.Navigates = disabled, navigates
		fl.Category = ClassifyField(fl)
		f.Fields = append(f.Fields, fl)
	}
	return f
}

func TestCollectsPersonalData(t *testing.T) {
	const home = "https://www.mairie.test/"
	tests := []struct {
		name     string
		form     *observation.Form
		personal bool
		cats     string // comma-separated
		reason   string // a substring of the reason
	}{
		// Forms that collect.
		{"contact form", formOf("post "+home+"contact", []string{"Envoyer"},
			"select||civilite|||Civilité||||M.;Mme", "input|text|nom|||Nom", "input|email|email|||Courriel", "textarea||message|||Message"),
			true, "contact,identity,message", "free entry of identity data"},
		{"civility and birth department beside a name", formOf("post "+home+"etat-civil", []string{"Valider"},
			"select||civilite|||Civilité||||M.;Mme", "input|text|nom|||Nom de naissance",
			"select||dept_naissance|||Département de naissance||||Ain;Aisne", "select||jour||bday-day|Jour"),
			true, "birth,identity", "free entry"},
		{"upload only", formOf("post "+home+"depot", []string{"Déposer"}, "input|file|justificatif|||Justificatif de domicile"),
			true, "upload", "file upload"},
		{"special-category question alone", formOf("post "+home+"enquete", []string{"Envoyer"},
			"input|radio|rqth|||Oui|||Êtes-vous en situation de handicap ?"),
			true, "health", "special-category question"},
		{"e-mail in a GET form with an OK button", formOf("get "+home+"newsletter", []string{"OK"}, "input|email|email|||Votre e-mail"),
			true, "contact", "free entry of contact data"},
		{"elector's own name in a search form", formOf("get "+home+"recherche-bureau", []string{"Rechercher"},
			"input|text|nom|||Nom", "input|text|prenom|||Prénom", "input|text|commune|||Votre commune"),
			true, "contact,identity", "free entry of identity data"},
		{"login", formOf("post "+home+"login", []string{"Se connecter"}, "input|text|login|||Identifiant", "input|password|pw|||Mot de passe"),
			true, "credentials", "free entry of credentials data"},

		// Navigation, search and filter forms.
		{"commune chooser", formOf("get "+home+"demarches", []string{"Aller"},
			"select||commune|||Choisissez votre commune||||Ambert;Billom;Issoire"),
			false, "", `navigation or search form (method get, button “Aller”)`},
		{"posted back menu with Go", formOf("post "+home+"default.aspx", []string{"Go"},
			"select||ctl00$ddlSituation|||Votre situation||||Je suis en situation de handicap;Je suis étudiant"),
			false, "", `navigation or search form (method post, button “Go”)`},
		{"commune chooser without button", formOf("post "+home+"demarches", nil,
			"select||commune|||Choisissez votre commune||||Ambert;Billom;Issoire"),
			false, "", "only choices from fixed lists"},
		{"department select that navigates", formOf("get "+home, nil,
			"select||dep|||Votre département||||Ain;Aisne|navigates"),
			false, "", "(choices that navigate on change)"},
		{"language switcher", formOf("get "+home, []string{"OK"}, "select||lang|||Langue||||Français;English"),
			false, "", "no personal field"},
		{"topic filter with health topics", formOf("get "+home+"aides", []string{"Filtrer"},
			"select||public|||Public concerné||||Personnes handicapées;Jeunes", "input|checkbox|c1|||Je suis en situation de handicap"),
			false, "", "navigation or search form (method get, button"},
		{"sort and pagination", formOf("get "+home+"actualites", []string{"Afficher"},
			"select||tri|||Trier par||||Date;Titre", "select||par_page|||Résultats par page||||10;20", "input|number|page"),
			false, "", "no personal field"},
		{"site search", formOf("get "+home+"recherche", []string{"Rechercher"}, "input|text|q|||Rechercher"),
			false, "", "no personal field"},
		{"postcode to find a town hall", formOf("get "+home+"annuaire", []string{"Trouver"}, "input|text|cp|||Code postal"),
			false, "", "navigation or search form (method get to “/annuaire”)"},
		{"search role with a doctor's name", &observation.Form{Method: "post", Action: home + "annuaire", Role: "search", Fields: []observation.Field{
			{Tag: "input", Type: "text", Name: "medecin", Label: "Nom du médecin", Category: Health}}},
			false, "", `role "search"`},
		{"date filter", formOf("get "+home+"agenda", []string{"Filtrer"}, "input|date|du|||Du", "input|date|au|||Au"),
			false, "", "no personal field"},
		{"civility and sex alone", formOf("post "+home+"simulateur", []string{"Calculer"},
			"select||civilite|||Civilité||||M.;Mme", "select||sexe|||Sexe||||F;M"),
			false, "", "only choices from fixed lists"},

		{"department finder posted", formOf("post "+home+"centres", []string{"Valider"},
			"select||dep|||Département||||01 - Ain;02 - Aisne;03 - Allier;2A - Corse-du-Sud", "input|text|commune|||Votre commune"),
			false, "", "navigation or search form (a list of departments)"},
		{"department finder with a health question still asks it", formOf("post "+home+"centres", []string{"Valider"},
			"select||dep|||Département||||01 - Ain;02 - Aisne;03 - Allier", "textarea||sante|||Votre état de santé"),
			true, "contact,health", "free entry of health data"},
		{"birth department beside a name", formOf("post "+home+"naissance", []string{"Valider"},
			"input|text|nom|||Nom", "select||dep|||Département de naissance||||01 - Ain;02 - Aisne;03 - Allier", "input|text|commune|||Commune de naissance"),
			true, "birth,identity", "free entry of identity data"},
		{"ages are no departments", formOf("post "+home+"inscription", []string{"Valider"},
			"select||age|||Âge||||18 ans;19 ans;20 ans;21 ans", "input|text|ville|||Votre ville"),
			true, "contact,other-personal", "free entry of contact data"},
		{"language picker posted", formOf("post "+home+"langue", []string{"Valider"}, "select||l|||Votre pays||||Français;English;Deutsch"),
			false, "", "navigation or search form (a list of languages)"},

		{"English city finder", formOf("get "+home+"en/offices", []string{"Find"}, "input|text|city|||Your city", "input|text|zip|||ZIP code"),
			false, "", "navigation or search form (method get, button “Find”)"},
		{"English filter", formOf("get "+home+"en/news", []string{"Apply filters"},
			"select||topic|||Topic||||Health;Disability;Jobs", "select||sort|||Sort by||||Newest;Oldest", "input|checkbox|mine|||I have a disability"),
			false, "", "navigation or search form"},
		{"English contact form", formOf("post "+home+"en/contact", []string{"Send"},
			"input|text|name|||Full name", "input|email|email|||Email", "input|radio|q1|||Yes|||Are you a trade union member?"),
			true, "contact,identity,union", "free entry of identity data"},

		// Look-up forms: a list, log or history queried by an account key
		// beside filter controls (MediaWiki's Special:Contributions and
		// Special:Log, in English and French), and their personal
		// counterparts.
		{"contributions look-up", formOf("get "+home+"index.php", []string{"Search"},
			"input|text|target|||IP address or username:", "select||namespace|||Namespace:||||all;(Main);Talk;User",
			"input|checkbox|topOnly|||Only show edits that are latest revisions", "input|checkbox|hideMinor|||Hide minor edits",
			"input|date|start|||From date:", "input|date|end|||To date:"),
			false, "", "look-up form (method get, button “Search”, with filter controls): credentials data (“IP address or username:”)"},
		{"log look-up", formOf("get "+home+"index.php", []string{"Show"},
			"select||type||||||||All public logs;Block log;Deletion log", "input|text|user|||Performer:",
			"input|text|page|||Target (title or User:username for user):", "input|date|wpdate|||From date (and earlier):"),
			false, "", "look-up form"},
		{"contributions look-up in French", formOf("get "+home+"index.php", []string{"Rechercher"},
			"input|text|target|||Adresse IP ou nom d'utilisateur :", "select||namespace|||Espace de noms :||||tous;(Principal);Discussion",
			"input|checkbox|newOnly|||Afficher uniquement les modifications qui sont des créations de pages",
			"input|checkbox|hideMinor|||Masquer les modifications mineures"),
			false, "", "look-up form (method get, button “Rechercher”"},
		{"log look-up in French", formOf("get "+home+"index.php", []string{"Afficher"},
			"select||type||||||||Tous les journaux publics;Journal des blocages", "input|text|user|||Auteur :",
			"input|text|page|||Cible (titre ou Utilisateur:nom d'utilisateur pour un utilisateur) :", "input|date|wpdate|||Depuis la date (et avant) :"),
			false, "", "look-up form"},
		{"forum posts by pseudonym", formOf("get "+home+"forum/recherche", []string{"Rechercher"},
			"input|text|pseudo|||Pseudo de l'auteur", "input|checkbox|sujets|||Afficher seulement les sujets"),
			false, "", "look-up form"},
		{"subscription in a look-up's shape", formOf("get "+home+"index.php", []string{"OK"},
			"input|text|nom|||Votre nom", "input|email|email|||Votre e-mail", "select||theme|||Thème||||Culture;Sport",
			"input|checkbox|hebdo|||Afficher uniquement l'hebdomadaire"),
			true, "contact,identity", "free entry of identity data"},
		{"e-mail beside an account key and filters", formOf("get "+home+"index.php", []string{"Search"},
			"input|text|target|||IP address or username:", "input|email|email|||Your email", "input|date|start|||From date:"),
			true, "contact,credentials", "free entry of contact data"},
		{"GET log-in with a password and a filter-like select", formOf("get "+home+"index.php", []string{"OK"},
			"input|text|login|||Identifiant", "input|password|pw|||Mot de passe", "select||profil|||Profil||||Agent;Usager"),
			true, "credentials", "free entry of credentials data"},
		{"user name without filter controls", formOf("get "+home+"index.php", []string{"OK"},
			"input|text|login|||Identifiant", "input|checkbox|remember|||Se souvenir de moi"),
			true, "credentials", "free entry of credentials data"},
		{"own NIR beside filters", formOf("get "+home+"droits", []string{"Afficher"},
			"input|text|nir|||Votre numéro de sécurité sociale", "input|date|du|||Du", "input|checkbox|recent|||Afficher seulement les droits ouverts"),
			true, "national-id", "free entry of national-id data"},
		{"account key in a posted form", formOf("post "+home+"index.php", []string{"Search"},
			"input|text|target|||IP address or username:", "input|date|start|||From date:"),
			true, "credentials", "free entry of credentials data"},

		// Disabled fields and DSFR demonstration markup.
		{"disabled fields only", formOf("post "+home+"demo", []string{"Envoyer"},
			"input|text|text-disabled-1|||Nom|disabled", "input|email|email-disabled|||Courriel|disabled"),
			false, "", "no personal field"},
		{"DSFR name block", formOf("post "+home+"identite", []string{"Valider"},
			"input|text|family-name|family-name-7484|family-name|Nom|||Nom",
			"input|text|given-name|given-name-1|given-name|Prénom|||Prénom",
			"input|checkbox|firstname-disabled|checkbox-name-1518||Je n'ai pas de prénom"),
			true, "identity", "free entry of identity data"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := CollectsPersonalData(tc.form)
			if v.Personal != tc.personal || strings.Join(v.Categories, ",") != tc.cats || !strings.Contains(v.Reason, tc.reason) {
				t.Errorf("got personal=%v categories=%v reason %q; want %v %q reason containing %q",
					v.Personal, v.Categories, v.Reason, tc.personal, tc.cats, tc.reason)
			}
			if !v.Personal && len(v.Fields) > 0 {
				t.Errorf("non-personal verdict lists fields %v", v.Fields)
			}
		})
	}
}

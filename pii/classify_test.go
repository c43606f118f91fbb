package pii

import (
	"strings"
	"testing"

	"vigie/observation"
)

// field builds a Field from
// "tag|type|name|id|autocomplete|label|placeholder|aria|legend|options",
// options separated by ";"; trailing parts may be left out.
func field(spec string) observation.Field {
	p := strings.Split(spec, "|")
	for len(p) < 10 {
		p = append(p, "")
	}
	f := observation.Field{Tag: p[0], Type: p[1], Name: p[2], ID: p[3],
		Autocomplete: p[4], Label: p[5], Placeholder: p[6], Aria: p[7], Legend: p[8]}
	if p[9] != "" {
		f.Options = strings.Split(p[9], ";")
		f.OptionCount = len(f.Options)
	}
	return f
}

// personalFields are realistic fields of French public-sector and
// commercial sites, with the category each collects.
var personalFields = []struct {
	spec, want string
}{
	// Prefecture and service-public contact forms (Drupal webform).
	{"select||submitted[civilite]|edit-submitted-civilite||Civilité", Identity},
	{"input|text|submitted[nom]|edit-submitted-nom||Nom", Identity},
	{"input|text|submitted[prenom]|edit-submitted-prenom||Prénom", Identity},
	{"input|email|submitted[courriel]|edit-submitted-courriel||Courriel", Contact},
	{"input|tel|submitted[telephone]|edit-submitted-telephone||Téléphone", Contact},
	{"input|text|submitted[adresse]|edit-submitted-adresse||Adresse", Contact},
	{"input|text|submitted[code_postal]|edit-submitted-code-postal||Code postal", Contact},
	{"input|text|submitted[ville]|edit-submitted-ville||Ville", Contact},
	{"textarea||submitted[message]|edit-submitted-message||Message", Message},
	{"input|text|nom_naissance|||Nom de naissance", Identity},
	{"input|text|nom_usage|||Nom d'usage", Identity},
	{"input|date|date_naissance|||Date de naissance", Birth},
	{"input|text|lieu_naissance|||Lieu de naissance", Birth},
	{"input|text|field_8|||Né(e) le", Birth},
	{"input|text|field_9|||Né(e) à", Birth},
	{"input|text|numero_etranger|||Numéro étranger (AGDREF)", NationalID},
	{"input|text|num_titre_sejour|||Numéro du titre de séjour", NationalID},
	{"input|text|nir|||Numéro de sécurité sociale", NationalID},
	{"input|text|passport|||N° de passeport", NationalID},
	{"input|text|field_cni|||Numéro de carte nationale d'identité", NationalID},
	{"input|text|numero_fiscal|||Numéro fiscal", NationalID},
	{"input|text|permis|||Numéro de permis de conduire", NationalID},
	{"select||type_piece|||Type de pièce d'identité", NationalID},
	{"select||nationalite|||Nationalité", OtherPersonal},
	{"select||situation_familiale|||Situation familiale", OtherPersonal},
	{"input|text|profession|||Profession", OtherPersonal},
	{"input|text|immat|||Numéro d'immatriculation du véhicule", OtherPersonal},
	{"input|text|nom|||Nom (tel qu'il figure sur votre pièce d'identité)", Identity},
	{"input|text|edit-submitted-commune||||Votre commune", Contact},

	// CAF, CPAM, mutuelles.
	{"input|text|numAllocataire|||Numéro allocataire", OtherPersonal},
	{"input|password|codeConfidentiel|||Code confidentiel", Credentials},
	{"input|text|numero_adherent|||Numéro d'adhérent", OtherPersonal},
	{"input|text|nss|||N° de Sécurité Sociale", NationalID},
	{"input|text|ameli_nir|||Numéro de sécurité sociale (13 chiffres + clé)", NationalID},
	{"input|radio|handicap|||En situation de handicap ?", Health},
	{"textarea||traitement|||Traitement médical en cours", Health},
	{"input|text|allergies|||Allergies connues", Health},
	{"input|checkbox|grossesse|||Êtes-vous enceinte ?", Health},
	{"input|text|medecin_traitant|||Nom du médecin traitant", Health},
	{"select||groupe_sanguin|||Groupe sanguin", Health},
	{"input|text|mutuelle|||Votre mutuelle", OtherPersonal},
	{"input|file|certificat|||Certificat médical", Health},
	{"input|file|piece_identite|||Copie de la pièce d'identité", Upload},
	{"input|file|photo|||Photo d'identité", Upload},
	{"input|file|justificatif|||Justificatif de domicile", Upload},
	{"input|text|iban|||IBAN", Financial},
	{"input|text|bic|||BIC", Financial},
	{"input|file|rib|||RIB (PDF)", Upload},
	{"input|text|revenu_fiscal|||Revenu fiscal de référence", Financial},
	{"input|text|etat_sante|||État de santé", Health},
	{"select||handicap_type|||Type de handicap", Health},
	{"input|text|mdph|||N° de dossier MDPH", Health},
	{"input|checkbox|vaccination|||Vacciné contre la grippe", Health},
	{"textarea||symptomes|||Symptômes", Health},
	{"input|text|carte_vitale|||Numéro de carte Vitale", NationalID},
	{"input|text|numero_dossier|||Numéro de dossier", OtherPersonal},
	{"input|text|situation|||Situation de famille", OtherPersonal},

	// E-commerce checkouts (WooCommerce, PrestaShop).
	{"input|text|billing_first_name|billing_first_name|given-name|Prénom", Identity},
	{"input|text|billing_last_name|billing_last_name|family-name|Nom", Identity},
	{"select||billing_country|billing_country|country|Pays/région", Contact},
	{"input|text|billing_address_1||address-line1|Numéro et nom de rue", Contact},
	{"input|text|billing_address_2||address-line2|Appartement, suite, unité, etc.", Contact},
	{"input|text|billing_postcode||postal-code|Code postal", Contact},
	{"input|text|billing_city||address-level2|Ville", Contact},
	{"input|tel|billing_phone||tel|Téléphone", Contact},
	{"input|email|billing_email||email|Adresse e-mail", Contact},
	{"input|text|cardnumber||cc-number|Numéro de carte", Financial},
	{"input|text|exp-date||cc-exp|Date d'expiration (MM/AA)", Financial},
	{"input|text|cvc||cc-csc|Cryptogramme visuel", Financial},
	{"input|text|ccname||cc-name|Titulaire de la carte", Financial},
	{"input|password|password||new-password|Mot de passe", Credentials},
	{"input|text|username||username|Identifiant ou e-mail", Credentials},
	{"textarea||order_comments|||Notes de commande|Commentaires concernant votre commande", Message},
	{"input|text|firstname|field-firstname||Prénom", Identity},
	{"input|text|lastname|field-lastname||Nom", Identity},
	{"input|text|postcode|||Code postal", Contact},
	{"input|month|cc_exp|||Date d'expiration", Financial},

	// WordPress Contact Form 7, Elementor, WPForms.
	{"input|text|your-name|||Votre nom (requis)", Identity},
	{"input|email|your-email|||Votre e-mail (requis)", Contact},
	{"textarea||your-message|||Votre message", Message},
	{"input|tel|your-tel", Contact},
	{"input|text|your-name", Identity},
	{"input|text|your-email", Contact},
	{"input|text|form_fields[name]|form-field-name||Nom", Identity},
	{"input|email|form_fields[email]|form-field-email||Email", Contact},
	{"input|text|wpforms[fields][0][first]|wpforms-12-field_0||Prénom", Identity},
	{"input|text|wpforms[fields][0][last]|wpforms-12-field_0-last||Nom", Identity},
	{"input|text|wpforms[fields][0][first]", Identity},

	// Typo3 powermail.
	{"input|text|tx_powermail_pi1[field][nom]|powermail_field_nom||Nom", Identity},
	{"input|text|tx_powermail_pi1[field][prenom]|powermail_field_prenom||Prénom", Identity},
	{"input|email|tx_powermail_pi1[field][e_mail]|powermail_field_e_mail||E-mail", Contact},
	{"input|text|tx_powermail_pi1[field][e_mail]", Contact},
	{"textarea||tx_powermail_pi1[field][votrequestion]", Message},
	{"input|text|tx_powermail_pi1[field][telephone]", Contact},

	// Gravity Forms: opaque names, labels only.
	{"input|text|input_1.3|input_1_1_3||Prénom", Identity},
	{"input|text|input_1.6|input_1_1_6||Nom", Identity},
	{"input|email|input_2|input_1_2||E-mail", Contact},
	{"input|text|input_4.1|input_1_4_1||Adresse", Contact},
	{"input|text|input_4.5|input_1_4_5||Code postal", Contact},
	{"textarea||input_5|input_1_5||Commentaire", Message},
	{"input|text|input_7|input_1_7||Téléphone portable", Contact},

	// ASP.NET WebForms.
	{"input|text|ctl00$ContentPlaceHolder1$txtNom|ContentPlaceHolder1_txtNom", Identity},
	{"input|text|ctl00$ContentPlaceHolder1$txtPrenom|ContentPlaceHolder1_txtPrenom", Identity},
	{"input|text|ctl00$MainContent$tbEmail|MainContent_tbEmail", Contact},
	{"input|text|ctl00$ContentPlaceHolder1$txtNomUsager|||Nom de l'usager", Identity},
	{"input|text|ctl00$cphMain$txtDateNaissance", Birth},
	{"input|text|ctl00$ContentPlaceHolder1$txtCP", Contact},
	{"select||ctl00$ContentPlaceHolder1$ddlCivilite", Identity},
	{"input|text|ctl00$ContentPlaceHolder1$txtTelPortable", Contact},
	{"input|password|ctl00$ContentPlaceHolder1$txtMotDePasse", Credentials},
	{"input|text|ctl00$ContentPlaceHolder1$txtNumSecu", NationalID},
	{"input|text|ctl00$ContentPlaceHolder1$txtnomusager", Identity},

	// Opaque names: only the label, placeholder or aria text says.
	{"input|text|field_12|||Votre adresse e-mail", Contact},
	{"input|text|f3|||Prénom et nom", Identity},
	{"input|text|champ_7|||Numéro de téléphone", Contact},
	{"input|text|q17|||Code postal", Contact},
	{"textarea||c4|||Précisez votre demande", Message},
	{"input|text|a1||||Votre nom", Identity},
	{"input|text|x|||||Adresse électronique", Contact},
	{"input|text|f_9b2|||Date de naissance (JJ/MM/AAAA)", Birth},
	{"select||sel_4|||Religion", Religious},
	{"select||q_22|||Êtes-vous syndiqué(e) ?", Union},
	{"input|text|f_31|||Orientation sexuelle", SexualLife},
	{"input|text|f_32||||ex. : jean.dupont@exemple.fr|Courriel", Contact},
	{"input|text|el_1||||Ville de naissance", Birth},

	// Special categories (GDPR art. 9).
	{"select||opinion|||Opinion politique", Political},
	{"input|text|opinion_politique|||Opinion politique", Political},
	{"select||parti_politique|||Parti politique", Political},
	{"input|text|political_affiliation||||Political affiliation", Political},
	{"input|text|confession|||Confession religieuse", Religious},
	{"select||culte||||Culte pratiqué", Religious},
	{"input|checkbox|syndique|||Adhérent à un syndicat", Union},
	{"select||union_membership|||Union membership", Union},
	{"input|radio|appartenance_syndicale|||Oui|||Appartenance syndicale", Union},
	{"input|radio|q3|||Non|||Êtes-vous membre d'un parti politique ?", Political},
	{"input|text|orientation_sexuelle|||Orientation sexuelle", SexualLife},
	{"input|file|empreinte|||Empreinte digitale", Biometric},
	{"input|text|fingerprint_template|||Fingerprint", Biometric},
	{"input|text|traitement_medical|||Traitement médical", Health},
	{"input|radio|religion|||Catholique|||Religion", Religious},
	{"input|checkbox|f12|||Je suis en situation de handicap", Health},
	{"input|checkbox|disability|||I have a disability", Health},
	{"input|radio|rqth|||Oui|||Avez-vous une reconnaissance de travailleur handicapé (RQTH) ?", Health},
	{"select||statut|||Votre situation||||Je suis valide;Je suis en situation de handicap", Health},
	{"select||vous|||Vous êtes||||Salarié;Je suis adhérent d'un syndicat", Union},
	{"textarea||precisions||||||Votre état de santé", Health},
	{"input|text|x||||||Are you disabled?", Health},
	{"input|text|religion_label||||Quelle est votre religion ?", Religious},
	{"input|text|nom||||||Vos coordonnées", Identity},
	{"input|text|x1||||||Vos coordonnées", Contact},
	{"textarea||details||||||Votre état de santé", Health},
	{"input|text|nom||||||Informations médicales", Identity},
	{"select||situation|||Votre situation||||Je suis en recherche d'emploi;Je suis en situation de handicap", Health},

	// Location.
	{"input|text|geolocalisation|||Géolocalisation", Location},
	{"input|text|latitude", Location},
	{"input|text|longitude", Location},
	{"input|text|ma_position|||Votre position", Location},
	{"input|text|gps|||Coordonnées GPS", Location},

	// Other personal data.
	{"select||sexe|||Sexe", OtherPersonal},
	{"select||gender||sex|Gender", OtherPersonal},
	{"input|number|age|||Âge", OtherPersonal},
	{"input|number|nb_enfants|||Nombre d'enfants", OtherPersonal},
	{"select||csp|||Catégorie socio-professionnelle", OtherPersonal},
	{"input|text|numero_client|||N° client", OtherPersonal},
	{"input|text|numero_caf|||Nº CAF", OtherPersonal},
	{"input|text|lien_parente|||Lien de parenté", OtherPersonal},
	{"input|text|num_fiscal|||N° fiscal (SPI)", NationalID},
	{"input|text|ref_avis|||Référence de l'avis d'impôt", NationalID},
	{"textarea||motivation|||Lettre de motivation", Message},
	{"input|text|commune_naissance|||Commune de naissance", Birth},
	{"input|text|nom_rue|||Nom de la rue", Contact},
	{"input|text|complement|||Complément d'adresse", Contact},
	{"input|text|mobilephone", Contact},

	// Identity, contact, credentials by name alone.
	{"input|text|pseudo|||Pseudo", Identity},
	{"input|text|login|||Identifiant", Credentials},
	{"input|text|username", Credentials},
	{"input|password|pwd", Credentials},
	{"input|text|otp||one-time-code|Code reçu par SMS", Credentials},
	{"input|text|code_verif|||Code de vérification", Credentials},
	{"input|text|mdp", Credentials},
	{"input|text|e_mail", Contact},
	{"input|text|mel|||Mél", Contact},
	{"input|text|courriel", Contact},
	{"input|text|adresse_electronique", Contact},
	{"input|text|cp|||CP", Contact},
	{"input|text|commune|||Commune", Contact},
	{"input|text|portable|||Portable", Contact},
	{"input|text|fixe|||Téléphone fixe", Contact},
	{"input|text|mobile|||Mobile", Contact},
	{"input|text|zip|||ZIP code", Contact},
	{"input|text|street|||Street address", Contact},
	{"input|text|city|||City", Contact},
	{"input|text|first_name|||First name", Identity},
	{"input|text|last_name|||Last name", Identity},
	{"input|text|surname", Identity},
	{"input|text|full_name|||Full name", Identity},
	{"input|text|dob|||Date of birth", Birth},
	{"input|text|birthdate", Birth},
	{"input|text|ssn|||Social Security Number", NationalID},
	{"input|text|card_number|||Card number", Financial},
	{"input|text|cvv|||CVV", Financial},
	{"input|password|password|||Password", Credentials},
	{"input|text|contact[nom]", Identity},
	{"input|text|contact[email]", Contact},
	{"input|text|data[User][email]", Contact},
	{"input|text|nomprenom", Identity},
	{"input|text|datenaissance", Birth},
	{"input|text|datedenaissance", Birth},
	{"input|text|codepostal", Contact},
	{"input|text|adressemail", Contact},
	{"input|text|numtel", Contact},
	{"input|password|motdepasse", Credentials},
	{"input|text|motdepasse", Credentials},
	{"input|date|birthday", Birth},
	{"select||bday_day||bday-day|Jour", Birth},
	{"select||annee_naissance|||Année", Birth},
	{"input|text|adresse||||Rechercher votre adresse", Contact},
	{"input|text|email_pro|||E-mail professionnel", Contact},
	{"input|text|societe_email|||Adresse e-mail de votre société", Contact},
	{"input|text|nom_responsable|||Nom du responsable légal", Identity},
	{"input|text|prenom_enfant|||Prénom de l'enfant", Identity},
	{"input|text|telephone_urgence|||Téléphone en cas d'urgence", Contact},
	{"input|text|nom|||Votre nom ou raison sociale", Identity},
	{"input|text|emailconfirm|||Confirmez votre e-mail", Contact},

	// Messages.
	{"textarea||comment|||Comment", Message},
	{"textarea||message", Message},
	{"textarea||comment", Message},
	{"input|text|objet|||Objet de votre demande", Message},
	{"textarea||demande|||Votre demande", Message},
	{"textarea||field_description|||Description de la situation", Message},
	{"textarea||adresse|||Adresse complète", Contact},
	{"input|text|question|||Votre question", Message},

	// Autocomplete tokens with sections and modifiers.
	{"input|text|ship_addr||section-livraison shipping street-address|Adresse", Contact},
	{"input|text|x1||shipping given-name", Identity},
	{"input|text|x2||billing postal-code", Contact},
	{"input|tel|x3||home tel", Contact},
	{"input|text|x4||section-a work email", Contact},
	{"input|text|x5||username webauthn", Credentials},
	{"input|text|x6||off|Nom", Identity},
	{"select||x7||cc-exp-month", Financial},
	{"input|text|x8||nickname", Identity},
	{"input|text|x9||Address-Level1", Contact},
	{"input|text|x10||honorific-prefix", Identity},
	{"input|text|x11||organization-title|Fonction", OtherPersonal},
	{"input|text|x12||BDAY", Birth},
	{"input|password|x13||current-password", Credentials},
}

// notPersonal are look-alikes that collect nothing personal.
var notPersonal = []string{
	// Special categories in developers' tokens only: names, ids, DSFR's
	// demonstration markup ("disabled" is a state, not a disability).
	"input|checkbox|firstname-disabled|checkbox-name-1518||Je n'ai pas de prénom",
	"input|text|text-disabled-1|text-disabled-1||Libellé champ de saisie",
	"input|radio|radio-disabled|radio-disabled-1||Libellé radio",
	"input|checkbox|checkbox-disabled|checkbox-disabled||Libellé checkbox",
	"select||select-disabled|select-disabled||Libellé pour liste déroulante||||Option 1;Option 2",
	"input|radio|firstname|firstname-disabled||Disabled",
	"input|text|opinion_politique",
	"input|text|political_affiliation",
	"select||culte",
	"input|text|orientation_sexuelle",
	"input|text|fingerprint_template",
	"input|text|health_check",
	"input|checkbox|handicap",
	"input|radio|religion|||Catholique",
	"input|radio|appartenance_syndicale|||Oui",

	// Disabled fields are not filled in.
	"input|text|nom|||Nom|||||disabled",

	// Answers that name a topic, not the person.
	"input|radio|objet|||Santé|||Votre demande concerne",
	"input|radio|t|||Handicap|||Thème",
	"input|checkbox|theme[]|||Santé",
	"input|checkbox|c1|||Handicap|||Filtrer par thème",
	"select||theme|||Thème||||Santé;Handicap;Emploi",
	"select||public|||Public concerné||||Personnes handicapées;Jeunes;Seniors",
	"select||rubrique|||Rubrique||||Je suis en situation de handicap;Je cherche un emploi",
	"select||objet|||Votre demande concerne||||Santé;Transports;Syndicat des eaux",

	// Search boxes.
	"input|search|q",
	"input|search|nom|||Nom",
	"input|text|q|||Rechercher",
	"input|text|s|||Rechercher sur le site",
	"input|text|query",
	"input|text|recherche|||Recherche",
	"input|text|search_api_fulltext|||Mots-clés",
	"input|text|keywords",
	"input|text|motscles",
	"input|text|commune|||Nom de la commune recherchée",
	"input|text|ville||||Rechercher une ville",
	"input|text|searchword|||Rechercher par nom",

	// Language pickers, sorting, paging.
	"select||lang|||Langue",
	"select||language",
	"select||locale",
	"select||tri|||Trier par",
	"select||sort",
	"select||order|||Ordre",
	"select||per_page|||Résultats par page",
	"input|number|page",

	// Tokens, anti-robot answers, honeypots.
	"input|hidden|csrf_token",
	"input|hidden|_token",
	"input|hidden|__RequestVerificationToken",
	"input|text|captcha|||Recopiez le code",
	"input|text|captcha_code|||Code de vérification",
	"textarea||g-recaptcha-response",
	"input|text|honeypot|||Ne pas remplir ce champ",
	"input|text|website_hp|||Leave this field empty",
	"input|text|antispam|||Combien font 3 + 4 ?",
	"input|checkbox|robot|||Je ne suis pas un robot",

	// Quantities, products, amounts.
	"input|number|quantity|||Quantité",
	"input|number|qty",
	"input|text|code_promo|||Code promo",
	"input|text|product_name|||Nom du produit",
	"input|text|montant|||Montant du don",
	"input|text|reference|||Référence produit",

	// Consent and subscription boxes.
	"input|checkbox|newsletter|||Je souhaite recevoir la newsletter",
	"input|checkbox|rgpd|||J'accepte que mes données soient utilisées",
	"input|checkbox|consent",
	"input|checkbox|cgu|||J'accepte les CGU",
	"input|checkbox|politique|||J'ai lu la politique de confidentialité",
	"input|checkbox|acceptance-sante|||J'accepte le traitement de mes données de santé",
	"input|checkbox|remember|||Se souvenir de moi",
	"input|radio|newsletter_format|||HTML",
	"input|checkbox|acceptance-rgpd|||J'accepte les conditions",

	// Organisations, websites, domains.
	"input|text|domain|||Nom de domaine",
	"input|text|nom_domaine",
	"input|text|company|||Company name",
	"input|text|raison_sociale|||Raison sociale",
	"input|text|nom_entreprise|||Nom de l'entreprise",
	"input|text|billing_company||organization|Nom de l'entreprise (facultatif)",
	"input|text|nom_association|||Nom de l'association",
	"input|text|nom_etablissement|||Nom de l'établissement",
	"input|text|structure|||Nom de la structure",
	"input|text|siret|||Numéro SIRET",
	"input|text|nom_societe|||Nom de la société",
	"input|text|ville_entreprise|||Ville",
	"input|text|event_name|||Nom de l'événement",
	"input|text|nom_projet|||Nom du projet",
	"input|text|adresse_ip|||Adresse IP",
	"input|text|portable|||Ordinateur portable (modèle)",
	"input|text|url|||Adresse du site",
	"input|url|website|||Site web",
	"input|text|website",
	"input|url|linkedin|||Profil",
	"input|text|adresse_site|||Adresse de votre site internet",

	// Subjects and kinds of request.
	"select||objet|||Objet",
	"select||subject|||Subject",
	"select||your-subject",
	"input|text|your-subject|||Objet",
	"input|text|sujet|||Sujet",
	"select||categorie|||Catégorie",
	"select||type_demande|||Type de demande",
	"select||objet|||Objet de votre demande",
	"select||service|||Service concerné",
	"select||comment_connu|||Comment nous avez-vous connu ?",

	// Buttons, hidden fields and other controls.
	"input|submit|envoyer",
	"input|button|btn",
	"input|reset",
	"input|image|submit",
	"input|hidden|nom",
	"input|hidden|email",
	"input|color|couleur",
	"input|range|volume",
	"button|submit|email",
	"input|date|date_rdv|||Date du rendez-vous",
	"input|date|date_debut|||Date de début",
	"input|date|nom|||Nom",

	// Nothing to go by, or unrelated words.
	"input|text|field_5",
	"input|text|hp||new-password|",
	"input|text|",
	"input|text|filename|||Nom du fichier",
	"input|text|empreinte_carbone|||Empreinte carbone",
	"input|text|connaissance|||Comment avez-vous eu connaissance de ce service ?",
	"input|text|passage|||Passage",
	"input|checkbox|civilite_info|||Afficher",
	"input|text|position|||Position",
	"input|text|location|||Location de salle",
	"select||caisse|||Caisse d'assurance maladie",
	"input|text|etablissement_sante|||Nom de l'établissement de santé",
}

func TestClassifyField(t *testing.T) {
	if len(personalFields) < 150 || len(notPersonal) < 50 {
		t.Fatalf("table too small: %d personal, %d look-alikes", len(personalFields), len(notPersonal))
	}
	for _, tc := range personalFields {
		got, cue := Explain(field(tc.spec))
		if got != tc.want {
			t.Errorf("%s: got %q (cue %q), want %q", tc.spec, got, cue, tc.want)
		}
		if cue == "" {
			t.Errorf("%s: no cue", tc.spec)
		}
	}
	for _, spec := range notPersonal {
		f := field(strings.TrimSuffix(spec, "|disabled"))
		f.Disabled = strings.HasSuffix(spec, "|disabled")
		if got, cue := Explain(f); got != "" {
			t.Errorf("%s: got %q (cue %q), want \"\"", spec, got, cue)
		}
	}
}

func TestExplainCue(t *testing.T) {
	tests := []struct {
		spec, cat, cue string
	}{
		{"input|email|courriel|||Votre courriel", Contact, "type=email"},
		{"input|text|x||email|Courriel", Contact, "autocomplete=email"},
		{"input|text|field_1|||Votre nom", Identity, "label: Votre nom"},
		{"input|text|contact[nom]|||Nom", Identity, "name=contact[nom]"},
		{"input|text|f1|edit-prenom", Identity, "id=edit-prenom"},
		{"input|text|f1||||Votre prénom", Identity, "placeholder: Votre prénom"},
		{"input|text|f1|||||Prénom", Identity, "aria: Prénom"},
		{"input|password|nir|||Numéro de sécurité sociale", Credentials, "type=password"},
		{"input|file|doc|||Certificat médical", Health, "label: Certificat médical"},
		{"input|hidden|nom", "", "type=hidden"},
		{"input|text|q", "", "name=q"},
		{"input|text|nom|||Nom de l'entreprise", "", "label: Nom de l'entreprise"},
		{"input|checkbox|rgpd|||J'accepte", "", "name=rgpd"},
		{"input|text|field_5", "", ""},
	}
	for _, tc := range tests {
		cat, cue := Explain(field(tc.spec))
		if cat != tc.cat || cue != tc.cue {
			t.Errorf("Explain(%s) = %q, %q; want %q, %q", tc.spec, cat, cue, tc.cat, tc.cue)
		}
	}
}

func TestNormalise(t *testing.T) {
	tests := []struct{ in, want string }{
		{"txtNomUsager", "txt nom usager"},
		{"contact[nom]", "contact nom"},
		{"tx_powermail_pi1[field][prenom]", "tx powermail pi 1 field prenom"},
		{"your-email", "your email"},
		{"e_mail", "e mail"},
		{"ctl00$ContentPlaceHolder1$txtNom", "ctl 00 content place holder 1 txt nom"},
		{"Téléphone", "telephone"},
		{"TÉLÉPHONE", "telephone"},
		{"Né(e) le", "ne e le"},
		{"Numéro d’identité", "numero d identite"},
		{"HTMLParser", "html parser"},
		{"firstName", "first name"},
		{"CODE_POSTAL", "code postal"},
		{"Œuvre", "oeuvre"},
		{"Straße", "strasse"},
		{"e\u0301cole", "ecole"}, // decomposed accent
		{"  a--b  ", "a b"},
		{"", ""},
		{"123abc", "123 abc"},
		{"Ελληνικά", "ελληνικά"}, // only Latin letters lose their accents
	}
	for _, tc := range tests {
		if got := Normalise(tc.in); got != tc.want {
			t.Errorf("Normalise(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSegment(t *testing.T) {
	tests := []struct {
		in   string
		want string // space-separated pieces, "" when not split
	}{
		{"datenaissance", "date naissance"},
		{"datedenaissance", "date de naissance"},
		{"motdepasse", "mot de passe"},
		{"txtnomusager", "txt nom usager"},
		{"codepostal", "code postal"},
		{"adressemail", "adresse mail"},
		{"nomprenom", "nom prenom"},
		{"connaissance", ""},
		{"passage", ""},
		{"naissance", ""},
		{"automobile", ""},
		{"hotel", ""},
	}
	for _, tc := range tests {
		if got := strings.Join(segment(tc.in), " "); got != tc.want {
			t.Errorf("segment(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Every phrase of the lexicon must be reachable: a phrase shadowed by the
// normalisation of another would silently never match.
func TestLexiconPhrasesMatch(t *testing.T) {
	for _, e := range lexicon {
		toks := words(e.phrase, nil)
		n := &index.root
		for _, w := range toks {
			if stopWords[w] || possessives[w] {
				continue
			}
			n = n.next[w]
			if n == nil {
				t.Fatalf("phrase %q not in index", e.phrase)
			}
		}
		if n.e != &e && n.e.phrase != e.phrase {
			t.Errorf("phrase %q resolves to %q", e.phrase, n.e.phrase)
		}
	}
}

func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"txtNomUsager", "Né(e) le", "e\u0301", "\xff\xfe", "ǅ", "İ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalise(s)
		if strings.Contains(n, "  ") || strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") {
			t.Fatalf("Normalise(%q) = %q: stray spaces", s, n)
		}
		_, _ = Explain(observation.Field{Tag: "input", Name: s, Label: s, Autocomplete: s})
	})
}

func BenchmarkClassifyField(b *testing.B) {
	fs := make([]observation.Field, 0, len(personalFields)+len(notPersonal))
	for _, tc := range personalFields {
		fs = append(fs, field(tc.spec))
	}
	for _, s := range notPersonal {
		fs = append(fs, field(s))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ClassifyField(fs[i%len(fs)])
	}
}

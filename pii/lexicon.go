package pii

import "fmt"

// flags qualify a lexicon entry.
type flags uint16

const (
	weak     flags = 1 << iota // positive cue that yields to negative cues ("nom", "adresse")
	textArea                   // counts only in a textarea ("description", "détails")
	attrOnly                   // counts only in name or id, never in visible text ("fname", "pwd")
	needPoss                   // counts only after a possessive ("votre position")
	negSoft                    // not personal: beats weak positive cues (search, language, organisation)
	negHard                    // not personal whatever the words say (captcha, CSRF token, honeypot)
	consent                    // a consent or subscription box
	neutral                    // consumes its words so that shorter entries do not match
)

// entry is one phrase of the lexicon. Phrases are written naturally and
// normalised when the lexicon is built; stop words are dropped both from
// phrases and from the text matched, so "date de naissance" also matches
// "date naissance" and "datedenaissance" in a name.
type entry struct {
	phrase string
	cat    string // "" for negative and neutral entries
	flags  flags
}

// Negative and neutral entries leave cat empty.
const none = ""

var lexicon = []entry{
	// Identity.
	{"prénom", Identity, 0},
	{"prénoms", Identity, 0},
	{"first name", Identity, 0},
	{"firstname", Identity, 0},
	{"fname", Identity, attrOnly},
	{"given name", Identity, 0},
	{"last name", Identity, 0},
	{"lastname", Identity, 0},
	{"lname", Identity, attrOnly},
	{"surname", Identity, 0},
	{"family name", Identity, 0},
	{"full name", Identity, 0},
	{"fullname", Identity, 0},
	{"middle name", Identity, 0},
	{"maiden name", Identity, 0},
	{"display name", Identity, weak},
	{"nom de famille", Identity, 0},
	{"nom de naissance", Identity, 0},
	{"nom à la naissance", Identity, 0},
	{"nom naiss", Identity, attrOnly},
	{"nom d'usage", Identity, 0},
	{"nom marital", Identity, 0},
	{"nom d'épouse", Identity, 0},
	{"nom de jeune fille", Identity, 0},
	{"nom complet", Identity, 0},
	{"nom prénom", Identity, 0},
	{"nom usager", Identity, 0},
	{"deuxième prénom", Identity, 0},
	{"autres prénoms", Identity, 0},
	{"civilité", Identity, 0},
	{"civility", Identity, 0},
	{"salutation", Identity, 0},
	{"honorific prefix", Identity, 0},
	{"nickname", Identity, 0},
	{"surnom", Identity, 0},
	{"patronyme", Identity, 0},
	{"nom", Identity, weak},
	{"noms", Identity, weak},
	{"name", Identity, weak},
	{"names", Identity, weak},
	{"pseudo", Identity, weak},
	{"pseudonyme", Identity, weak},
	{"identité", Identity, weak},
	{"interlocuteur", Identity, weak},
	{"first", Identity, weak | attrOnly},
	{"last", Identity, weak | attrOnly},

	// Contact.
	{"email", Contact, 0},
	{"emails", Contact, 0},
	{"e mail", Contact, 0},
	{"mail", Contact, 0},
	{"courriel", Contact, 0},
	{"mél", Contact, 0},
	{"adresse électronique", Contact, 0},
	{"adresse courriel", Contact, 0},
	{"adresse mail", Contact, 0},
	{"adresse e mail", Contact, 0},
	{"adresse email", Contact, 0},
	{"email address", Contact, 0},
	{"téléphone", Contact, 0},
	{"telephon", Contact, attrOnly},
	{"tél", Contact, 0},
	{"phone", Contact, 0},
	{"phone number", Contact, 0},
	{"gsm", Contact, 0},
	{"fax", Contact, 0},
	{"téléphone fixe", Contact, 0},
	{"téléphone portable", Contact, 0},
	{"téléphone mobile", Contact, 0},
	{"numéro de téléphone", Contact, 0},
	{"portable", Contact, weak},
	{"mobile", Contact, weak},
	{"fixe", Contact, weak},
	{"code postal", Contact, 0},
	{"cp", Contact, 0},
	{"zip", Contact, 0},
	{"zipcode", Contact, 0},
	{"zip code", Contact, 0},
	{"postcode", Contact, 0},
	{"postal code", Contact, 0},
	{"postal", Contact, 0},
	{"adresse postale", Contact, 0},
	{"street address", Contact, 0},
	{"adresse du domicile", Contact, 0},
	{"adresse de résidence", Contact, 0},
	{"lieu de résidence", Contact, 0},
	{"complément d'adresse", Contact, 0},
	{"numéro de voie", Contact, 0},
	{"numéro de rue", Contact, 0},
	{"libellé de la voie", Contact, 0},
	{"boîte postale", Contact, 0},
	{"coordonnées", Contact, weak},
	{"adresse", Contact, weak},
	{"adresses", Contact, weak},
	{"address", Contact, weak},
	{"rue", Contact, weak},
	{"street", Contact, weak},
	{"voie", Contact, weak},
	{"ville", Contact, weak},
	{"city", Contact, weak},
	{"town", Contact, weak},
	{"commune", Contact, weak},
	{"département", Contact, weak},
	{"nom de la commune", Contact, weak},
	{"nom de la ville", Contact, weak},
	{"localité", Contact, weak},
	{"pays", Contact, weak},
	{"country", Contact, weak},
	{"domicile", Contact, weak},
	{"résidence", Contact, weak},
	{"appartement", Contact, weak},
	{"bâtiment", Contact, weak},
	{"lieu dit", Contact, weak},
	{"cedex", Contact, weak},

	// Message.
	{"message", Message, 0},
	{"messages", Message, 0},
	{"commentaire", Message, 0},
	{"commentaires", Message, 0},
	{"comment", Message, weak},
	{"comments", Message, weak},
	{"remarque", Message, weak},
	{"remarques", Message, weak},
	{"question", Message, weak},
	{"questions", Message, weak},
	{"demande", Message, weak},
	{"objet de la demande", Message, 0},
	{"requête", Message, weak},
	{"réclamation", Message, weak},
	{"enquiry", Message, weak},
	{"inquiry", Message, weak},
	{"précisions", Message, textArea},
	{"précisez", Message, textArea},
	{"motif", Message, textArea},
	{"description", Message, textArea},
	{"décrivez", Message, textArea},
	{"détails", Message, textArea},
	{"texte", Message, textArea},
	{"text", Message, textArea},
	{"contenu", Message, textArea},
	{"content", Message, textArea},
	{"body", Message, textArea},
	{"observations", Message, textArea},
	{"informations complémentaires", Message, textArea},
	{"situation", Message, textArea},
	{"avis", Message, textArea},
	{"suggestion", Message, textArea},
	{"suggestions", Message, textArea},
	{"témoignage", Message, textArea},
	{"feedback", Message, textArea},
	{"motivation", Message, textArea},
	{"lettre de motivation", Message, 0},
	{"comment avez", none, neutral},
	{"comment nous", none, neutral},
	{"comment vous", none, neutral},

	// Birth.
	{"naissance", Birth, 0},
	{"naiss", Birth, attrOnly},
	{"date de naissance", Birth, 0},
	{"lieu de naissance", Birth, 0},
	{"pays de naissance", Birth, 0},
	{"ville de naissance", Birth, 0},
	{"commune de naissance", Birth, 0},
	{"département de naissance", Birth, 0},
	{"birthdate", Birth, 0},
	{"birthday", Birth, 0},
	{"birthplace", Birth, 0},
	{"birth", Birth, 0},
	{"birth date", Birth, 0},
	{"date of birth", Birth, 0},
	{"place of birth", Birth, 0},
	{"dob", Birth, 0},
	{"ddn", Birth, 0},
	{"bday", Birth, 0},
	{"anniversaire", Birth, 0},
	{"né le", Birth, 0},
	{"née le", Birth, 0},
	{"né e le", Birth, 0},
	{"né à", Birth, 0},
	{"née à", Birth, 0},
	{"né e à", Birth, 0},
	{"sur acte de naissance", none, neutral},

	// National identifiers.
	{"numéro de sécurité sociale", NationalID, 0},
	{"sécurité sociale", NationalID, 0},
	{"sécu", NationalID, 0},
	{"numéro de sécu", NationalID, 0},
	{"nir", NationalID, 0},
	{"nss", NationalID, 0},
	{"ssn", NationalID, 0},
	{"social security", NationalID, 0},
	{"numéro insee", NationalID, 0},
	{"carte vitale", NationalID, 0},
	{"numéro d'assurance maladie", NationalID, 0},
	{"passeport", NationalID, 0},
	{"passport", NationalID, 0},
	{"carte d'identité", NationalID, 0},
	{"carte nationale d'identité", NationalID, 0},
	{"cni", NationalID, 0},
	{"pièce d'identité", NationalID, 0},
	{"identity card", NationalID, 0},
	{"id card", NationalID, 0},
	{"national id", NationalID, 0},
	{"titre de séjour", NationalID, 0},
	{"carte de séjour", NationalID, 0},
	{"numéro étranger", NationalID, 0},
	{"agdref", NationalID, 0},
	{"permis de conduire", NationalID, 0},
	{"numéro de permis", NationalID, 0},
	{"driving licence", NationalID, 0},
	{"driver license", NationalID, 0},
	{"numéro fiscal", NationalID, 0},
	{"identifiant fiscal", NationalID, 0},
	{"numéro d'identification fiscale", NationalID, 0},
	{"nif", NationalID, 0},
	{"tax id", NationalID, 0},
	{"tax number", NationalID, 0},
	{"spi", NationalID, 0},
	{"avis d'imposition", NationalID, 0},
	{"avis d'impôt", NationalID, 0},
	{"sur pièce d'identité", none, neutral},
	{"sur carte d'identité", none, neutral},
	{"sur passeport", none, neutral},
	{"sur titre de séjour", none, neutral},

	// Financial.
	{"iban", Financial, 0},
	{"bic", Financial, 0},
	{"swift", Financial, 0},
	{"rib", Financial, 0},
	{"relevé d'identité bancaire", Financial, 0},
	{"carte bancaire", Financial, 0},
	{"carte de crédit", Financial, 0},
	{"numéro de carte", Financial, 0},
	{"card number", Financial, 0},
	{"cardnumber", Financial, 0},
	{"credit card", Financial, 0},
	{"creditcard", Financial, 0},
	{"ccnum", Financial, 0},
	{"cc number", Financial, 0},
	{"cvv", Financial, 0},
	{"cvv 2", Financial, 0},
	{"cvc", Financial, 0},
	{"cryptogramme", Financial, 0},
	{"code de sécurité de la carte", Financial, 0},
	{"date d'expiration", Financial, weak},
	{"expiration date", Financial, weak},
	{"expiry", Financial, weak},
	{"titulaire de la carte", Financial, 0},
	{"titulaire du compte", Financial, 0},
	{"card holder", Financial, 0},
	{"cardholder", Financial, 0},
	{"compte bancaire", Financial, 0},
	{"numéro de compte", Financial, 0},
	{"bank account", Financial, 0},
	{"account number", Financial, 0},
	{"sort code", Financial, 0},
	{"routing number", Financial, 0},
	{"revenu fiscal de référence", Financial, 0},
	{"revenu", Financial, weak},
	{"revenus", Financial, weak},
	{"salaire", Financial, weak},
	{"income", Financial, weak},

	// Credentials.
	{"mot de passe", Credentials, 0},
	{"password", Credentials, 0},
	{"passwd", Credentials, 0},
	{"pass", Credentials, weak | attrOnly},
	{"mdp", Credentials, 0},
	{"pwd", Credentials, 0},
	{"pswd", Credentials, 0},
	{"code confidentiel", Credentials, 0},
	{"code secret", Credentials, 0},
	{"code d'accès", Credentials, 0},
	{"code pin", Credentials, 0},
	{"pin", Credentials, weak | attrOnly},
	{"code de vérification", Credentials, 0},
	{"verification code", Credentials, 0},
	{"otp", Credentials, 0},
	{"one time code", Credentials, 0},
	{"one time password", Credentials, 0},
	{"code reçu par sms", Credentials, 0},
	{"question de sécurité", Credentials, 0},
	{"security question", Credentials, 0},
	{"réponse secrète", Credentials, 0},
	{"identifiant", Credentials, 0},
	{"login", Credentials, 0},
	{"username", Credentials, 0},
	{"user name", Credentials, 0},
	{"nom d'utilisateur", Credentials, 0},

	// Health (GDPR art. 9).
	{"santé", Health, 0},
	{"état de santé", Health, 0},
	{"health", Health, 0},
	{"maladie", Health, 0},
	{"maladies", Health, 0},
	{"arrêt maladie", Health, 0},
	{"illness", Health, 0},
	{"traitement médical", Health, 0},
	{"traitements médicaux", Health, 0},
	{"traitement en cours", Health, 0},
	{"traitements en cours", Health, 0},
	{"traitement médicamenteux", Health, 0},
	{"médicament", Health, 0},
	{"médicaments", Health, 0},
	{"medication", Health, 0},
	{"handicap", Health, 0},
	{"handicapé", Health, 0},
	{"situation de handicap", Health, 0},
	{"disability", Health, 0},
	{"disabilities", Health, 0},
	// "Disabled" alone is the state of a control (DSFR's "Disabled"
	// demonstration fields): only a sentence about a person counts.
	{"are you disabled", Health, 0},
	{"disabled person", Health, 0},
	{"disabled people", Health, 0},
	{"registered disabled", Health, 0},
	{"travailleur handicapé", Health, 0},
	{"rqth", Health, 0},
	{"invalidité", Health, 0},
	{"taux d'incapacité", Health, 0},
	{"mdph", Health, 0},
	{"allergie", Health, 0},
	{"allergies", Health, 0},
	{"allergy", Health, 0},
	{"médical", Health, 0},
	{"médicale", Health, 0},
	{"médicaux", Health, 0},
	{"médicales", Health, 0},
	{"symptôme", Health, 0},
	{"symptômes", Health, 0},
	{"symptom", Health, 0},
	{"symptoms", Health, 0},
	{"grossesse", Health, 0},
	{"enceinte", Health, 0},
	{"pregnancy", Health, 0},
	{"pregnant", Health, 0},
	{"pathologie", Health, 0},
	{"pathologies", Health, 0},
	{"diagnostic", Health, 0},
	{"diagnosis", Health, 0},
	{"antécédents", Health, 0},
	{"groupe sanguin", Health, 0},
	{"blood type", Health, 0},
	{"blood group", Health, 0},
	{"vaccin", Health, 0},
	{"vacciné", Health, 0},
	{"vaccinée", Health, 0},
	{"vaccination", Health, 0},
	{"médecin", Health, 0},
	{"médecin traitant", Health, 0},
	{"assurance maladie", none, neutral},
	{"caisse d'assurance maladie", none, neutral},
	{"caisse primaire d'assurance maladie", none, neutral},
	{"santé publique", none, neutral},
	{"mutuelle", OtherPersonal, weak},
	{"complémentaire santé", OtherPersonal, weak},
	{"professionnel de santé", OtherPersonal, weak},
	{"établissement de santé", none, negSoft},
	{"centre de santé", none, negSoft},
	{"maison de santé", none, negSoft},
	{"agence régionale de santé", none, negSoft},

	// Political opinions (GDPR art. 9).
	{"opinion politique", Political, 0},
	{"opinions politiques", Political, 0},
	{"parti politique", Political, 0},
	{"partis politiques", Political, 0},
	{"parti", Political, 0},
	{"appartenance politique", Political, 0},
	{"affiliation politique", Political, 0},
	{"engagement politique", Political, 0},
	{"sensibilité politique", Political, 0},
	{"sympathie politique", Political, 0},
	{"political", Political, 0},

	// Religious beliefs (GDPR art. 9).
	{"religion", Religious, 0},
	{"religious", Religious, 0},
	{"religieuse", Religious, 0},
	{"religieux", Religious, 0},
	{"confession", Religious, 0},
	{"culte", Religious, 0},
	{"croyance", Religious, 0},
	{"croyances", Religious, 0},
	{"conviction religieuse", Religious, 0},
	{"convictions religieuses", Religious, 0},
	{"faith", Religious, 0},

	// Trade-union membership (GDPR art. 9).
	{"syndicat", Union, 0},
	{"syndical", Union, 0},
	{"syndicale", Union, 0},
	{"syndicaux", Union, 0},
	{"syndicales", Union, 0},
	{"syndiqué", Union, 0},
	{"syndiquée", Union, 0},
	{"union membership", Union, 0},
	{"trade union", Union, 0},
	{"labor union", Union, 0},
	{"labour union", Union, 0},

	// Sex life and sexual orientation (GDPR art. 9).
	{"orientation sexuelle", SexualLife, 0},
	{"sexual orientation", SexualLife, 0},
	{"vie sexuelle", SexualLife, 0},
	{"sex life", SexualLife, 0},
	{"sexual life", SexualLife, 0},
	{"sexualité", SexualLife, 0},
	{"sexuality", SexualLife, 0},
	{"pratiques sexuelles", SexualLife, 0},

	// Biometric data (GDPR art. 9).
	{"empreinte", Biometric, 0},
	{"empreintes", Biometric, 0},
	{"empreinte digitale", Biometric, 0},
	{"empreintes digitales", Biometric, 0},
	{"empreinte vocale", Biometric, 0},
	{"fingerprint", Biometric, 0},
	{"fingerprints", Biometric, 0},
	{"biométrique", Biometric, 0},
	{"biométriques", Biometric, 0},
	{"biometric", Biometric, 0},
	{"biometrics", Biometric, 0},
	{"reconnaissance faciale", Biometric, 0},
	{"facial recognition", Biometric, 0},
	{"face recognition", Biometric, 0},
	{"face template", Biometric, 0},
	{"voiceprint", Biometric, 0},
	{"empreinte carbone", none, neutral},
	{"empreinte écologique", none, neutral},
	{"carbon footprint", none, neutral},

	// Location.
	{"géolocalisation", Location, 0},
	{"geolocation", Location, 0},
	{"geoloc", Location, 0},
	{"latitude", Location, 0},
	{"longitude", Location, 0},
	{"gps", Location, 0},
	{"coordonnées gps", Location, 0},
	{"position gps", Location, 0},
	{"position actuelle", Location, 0},
	{"current location", Location, 0},
	{"position", Location, needPoss},
	{"location", Location, needPoss},
	{"localisation", Location, weak},
	{"lat", Location, weak | attrOnly},
	{"lng", Location, weak | attrOnly},

	// Other personal data.
	{"sexe", OtherPersonal, 0},
	{"gender", OtherPersonal, 0},
	{"genre", OtherPersonal, weak},
	{"situation familiale", OtherPersonal, 0},
	{"situation de famille", OtherPersonal, 0},
	{"situation matrimoniale", OtherPersonal, 0},
	{"marital status", OtherPersonal, 0},
	{"état civil", OtherPersonal, weak},
	{"union libre", OtherPersonal, 0},
	{"nationalité", OtherPersonal, 0},
	{"nationality", OtherPersonal, 0},
	{"citizenship", OtherPersonal, 0},
	{"profession", OtherPersonal, 0},
	{"métier", OtherPersonal, weak},
	{"occupation", OtherPersonal, weak},
	{"job title", OtherPersonal, weak},
	{"fonction", OtherPersonal, weak},
	{"catégorie socio professionnelle", OtherPersonal, 0},
	{"csp", OtherPersonal, weak},
	{"âge", OtherPersonal, weak},
	{"tranche d'âge", OtherPersonal, 0},
	{"nombre d'enfants", OtherPersonal, 0},
	{"allocataire", OtherPersonal, 0},
	{"numéro d'allocataire", OtherPersonal, 0},
	{"numéro caf", OtherPersonal, 0},
	{"numéro d'adhérent", OtherPersonal, 0},
	{"adhérent", OtherPersonal, weak},
	{"numéro de client", OtherPersonal, 0},
	{"numéro de dossier", OtherPersonal, 0},
	{"numéro de contrat", OtherPersonal, 0},
	{"numéro de sinistre", OtherPersonal, 0},
	{"immatriculation", OtherPersonal, weak},
	{"quotient familial", OtherPersonal, 0},
	{"lien de parenté", OtherPersonal, weak},

	// Hard negatives: anti-robot answers, tokens, honeypots.
	{"captcha", none, negHard},
	{"recaptcha", none, negHard},
	{"hcaptcha", none, negHard},
	{"antispam", none, negHard},
	{"anti spam", none, negHard},
	{"anti robot", none, negHard},
	{"antirobot", none, negHard},
	{"robot", none, negHard},
	{"honeypot", none, negHard},
	{"csrf", none, negHard},
	{"xsrf", none, negHard},
	{"nonce", none, negHard | attrOnly},
	{"token", none, negHard | attrOnly},
	{"viewstate", none, negHard},
	{"event validation", none, negHard},
	{"ne pas remplir", none, negHard},
	{"ne rien saisir", none, negHard},
	{"laisser vide", none, negHard},
	{"laissez vide", none, negHard},
	{"leave blank", none, negHard},
	{"leave empty", none, negHard},
	{"leave this field empty", none, negHard},
	{"do not fill", none, negHard},

	// Soft negatives: search, language, sorting and paging.
	{"query", none, negSoft},
	{"recherche", none, negSoft},
	{"rechercher", none, negSoft},
	{"recherchée", none, negSoft},
	{"search", none, negSoft},
	{"searchword", none, negSoft},
	{"keyword", none, negSoft},
	{"keywords", none, negSoft},
	{"mots clés", none, negSoft},
	{"mot clé", none, negSoft},
	{"motcle", none, negSoft},
	{"motscles", none, negSoft},
	{"filtre", none, negSoft},
	{"filtrer", none, negSoft},
	{"filter", none, negSoft},
	{"filters", none, negSoft},
	{"lang", none, negSoft},
	{"langue", none, negSoft},
	{"language", none, negSoft},
	{"languages", none, negSoft},
	{"locale", none, negSoft},
	{"tri", none, negSoft},
	{"trier", none, negSoft},
	{"trier par", none, negSoft},
	{"sort", none, negSoft},
	{"sortby", none, negSoft},
	{"sort by", none, negSoft},
	{"order", none, negSoft},
	{"orderby", none, negSoft},
	{"order by", none, negSoft},
	{"ordre", none, negSoft},
	{"page", none, negSoft | attrOnly},
	{"per page", none, negSoft},
	{"par page", none, negSoft},
	{"perpage", none, negSoft},
	{"limit", none, negSoft | attrOnly},
	{"offset", none, negSoft | attrOnly},
	{"résultats par page", none, negSoft},

	// Soft negatives: organisations, websites, subjects, products.
	{"entreprise", none, negSoft},
	{"société", none, negSoft},
	{"raison sociale", none, negSoft},
	{"company", none, negSoft},
	{"organisation", none, negSoft},
	{"organization", none, negSoft},
	{"organisme", none, negSoft},
	{"association", none, negSoft},
	{"établissement", none, negSoft},
	{"structure", none, negSoft},
	{"collectivité", none, negSoft},
	{"mairie", none, negSoft},
	{"service", none, negSoft},
	{"nom commercial", none, negSoft},
	{"enseigne", none, negSoft},
	{"siret", none, negSoft},
	{"siren", none, negSoft},
	{"numéro de tva", none, negSoft},
	{"tva intracommunautaire", none, negSoft},
	{"vat number", none, negSoft},
	{"business", none, negSoft},
	{"institution", none, negSoft},
	{"url", none, negSoft},
	{"website", none, negSoft},
	{"site", none, negSoft},
	{"site web", none, negSoft},
	{"site internet", none, negSoft},
	{"web", none, negSoft},
	{"domaine", none, negSoft},
	{"domain", none, negSoft},
	{"lien", none, negSoft},
	{"link", none, negSoft},
	{"homepage", none, negSoft},
	{"objet", none, negSoft},
	{"subject", none, negSoft},
	{"sujet", none, negSoft},
	{"thème", none, negSoft},
	{"rubrique", none, negSoft},
	{"catégorie", none, negSoft},
	{"category", none, negSoft},
	{"type", none, negSoft},
	{"quantité", none, negSoft},
	{"quantity", none, negSoft},
	{"qty", none, negSoft},
	{"qté", none, negSoft},
	{"nombre", none, negSoft},
	{"montant", none, negSoft},
	{"amount", none, negSoft},
	{"prix", none, negSoft},
	{"price", none, negSoft},
	{"produit", none, negSoft},
	{"product", none, negSoft},
	{"référence", none, negSoft},
	{"coupon", none, negSoft},
	{"code promo", none, negSoft},
	{"promo", none, negSoft},
	{"code de réduction", none, negSoft},
	{"couleur", none, negSoft},
	{"color", none, negSoft},
	{"colour", none, negSoft},
	{"nom de fichier", none, negSoft},
	{"file name", none, negSoft},
	{"filename", none, negSoft},
	{"adresse ip", none, negSoft},
	{"ip address", none, negSoft},
	{"événement", none, negSoft},
	{"event", none, negSoft},
	{"manifestation", none, negSoft},
	{"projet", none, negSoft},
	{"project", none, negSoft},
	{"ordinateur", none, negSoft},
	{"tel que", none, neutral},
	{"tel qu", none, neutral},
	{"telle que", none, neutral},

	// Consent and subscription boxes.
	{"accepte", none, consent},
	{"accepter", none, consent},
	{"acceptation", none, consent},
	{"consent", none, consent},
	{"consentement", none, consent},
	{"consens", none, consent},
	{"rgpd", none, consent},
	{"gdpr", none, consent},
	{"cgu", none, consent},
	{"cgv", none, consent},
	{"conditions générales", none, consent},
	{"terms", none, consent},
	{"agree", none, consent},
	{"newsletter", none, consent},
	{"newsletters", none, consent},
	{"lettre d'information", none, consent},
	{"optin", none, consent},
	{"opt in", none, consent},
	{"autorise", none, consent},
	{"politique de confidentialité", none, consent},
	{"politique de protection des données", none, consent},
	{"privacy", none, consent},
	{"mentions légales", none, consent},
	{"souhaite recevoir", none, consent},
}

// stopWords are skipped when matching phrases; possessives also make the
// next cue strong ("votre adresse" is the user's, "adresse" may not be).
var stopWords = map[string]bool{
	"de": true, "du": true, "des": true, "d": true, "la": true, "l": true, "les": true,
	"the": true, "of": true,
}

var possessives = map[string]bool{
	"votre": true, "vos": true, "mon": true, "ma": true, "mes": true,
	"ton": true, "ta": true, "tes": true, "your": true, "my": true,
}

// aliases are abbreviations read as the word they stand for: "N° fiscal"
// and "num_fiscal" are "numéro fiscal".
var aliases = map[string]string{
	"n": "numero", "no": "numero", "nr": "numero", "nro": "numero", "num": "numero",
}

// fillers are words that only glue identifiers together ("txtNomUsager",
// "confirmemail"); they let a run-together name be split.
var fillers = []string{
	"txt", "tbx", "tb", "ddl", "inp", "input", "fld", "field", "champ", "frm",
	"form", "ctl", "user", "usager", "client", "customer", "contact", "num",
	"numero", "number", "new", "old", "confirm", "confirmation", "repeat",
	"votre", "your", "date", "code", "de", "du", "la",
}

// shortSegments are words under four letters that may still be split out
// of a run-together name; other short words ("age", "rue", "pin") are too
// likely to be a piece of an unrelated word.
var shortSegments = []string{"nom", "mot", "tel", "mdp", "pwd", "dob", "zip", "otp", "fax", "gsm", "ssn", "cni", "bic", "rib", "cvv", "cvc"}

// node is a trie over normalised words.
type node struct {
	next map[string]*node
	e    *entry
}

type lexiconIndex struct {
	root node
	// words holds every word of every phrase (and every stop word):
	// a name token in it is never split.
	words map[string]bool
	// segments holds the words a run-together name may be split into.
	segments map[string]bool
	maxSeg   int
}

var index = buildIndex(lexicon)

func buildIndex(entries []entry) *lexiconIndex {
	ix := &lexiconIndex{words: map[string]bool{}, segments: map[string]bool{}}
	for w := range stopWords {
		ix.words[w] = true
	}
	for w := range possessives {
		ix.words[w] = true
	}
	for i := range entries {
		e := &entries[i]
		var toks []string
		for _, w := range words(e.phrase, nil) {
			ix.words[w] = true
			if len(w) >= 4 {
				ix.segments[w] = true
			}
			if !stopWords[w] && !possessives[w] {
				toks = append(toks, w)
			}
		}
		if len(toks) == 0 {
			panic(fmt.Sprintf("pii: lexicon phrase %q has no words", e.phrase))
		}
		n := &ix.root
		for _, w := range toks {
			if n.next == nil {
				n.next = map[string]*node{}
			}
			c := n.next[w]
			if c == nil {
				c = &node{}
				n.next[w] = c
			}
			n = c
		}
		if n.e != nil {
			panic(fmt.Sprintf("pii: lexicon phrases %q and %q collide", n.e.phrase, e.phrase))
		}
		n.e = e
	}
	for _, w := range fillers {
		ix.segments[w] = true
	}
	for _, w := range shortSegments {
		ix.segments[w] = true
	}
	for w := range ix.segments {
		ix.maxSeg = max(ix.maxSeg, len(w))
	}
	return ix
}

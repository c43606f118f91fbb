package detect

import "unicode/utf8"

// Folding: words are compared in lower-case ASCII, accents removed, so
// that "Né le", "NE LE" and "ne le" read alike.

// latin1Fold maps U+00C0–U+00FF (the second byte of a UTF-8 sequence
// starting 0xC3, minus 0x80) to a lower-case ASCII letter; 0 for × and ÷.
var latin1Fold = [64]byte{
	'a', 'a', 'a', 'a', 'a', 'a', 'a', 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',
	'd', 'n', 'o', 'o', 'o', 'o', 'o', 0, 'o', 'u', 'u', 'u', 'u', 'y', 't', 's',
	'a', 'a', 'a', 'a', 'a', 'a', 'a', 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',
	'd', 'n', 'o', 'o', 'o', 'o', 'o', 0, 'o', 'u', 'u', 'u', 'u', 'y', 't', 'y',
}

// foldRune returns the folded ASCII bytes of the UTF-8 sequence at the
// start of b and its length; ok is false for a non-letter.
func foldRune(b []byte) (f1, f2 byte, size int, ok bool) {
	c := b[0]
	switch {
	case c < utf8.RuneSelf:
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			return c, 0, 1, true
		case c >= 'A' && c <= 'Z':
			return c + 'a' - 'A', 0, 1, true
		}
		return 0, 0, 1, false
	case c == 0xC3 && len(b) > 1 && b[1] >= 0x80 && b[1] < 0xC0:
		f := latin1Fold[b[1]-0x80]
		return f, 0, 2, f != 0
	case c == 0xC5 && len(b) > 1 && (b[1] == 0x92 || b[1] == 0x93): // Œ œ
		return 'o', 'e', 2, true
	}
	_, size = utf8.DecodeRune(b)
	return 0, 0, size, false
}

// foldWord appends the folded form of w, a word, to dst; letters that do
// not fold to ASCII are dropped.
func foldWord(dst, w []byte) []byte {
	for i := 0; i < len(w); {
		c := w[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			dst = append(dst, c)
			i++
			continue
		}
		f1, f2, n, ok := foldRune(w[i:])
		if ok {
			dst = append(dst, f1)
			if f2 != 0 {
				dst = append(dst, f2)
			}
		}
		i += n
	}
	return dst
}

// foldText appends the folded form of t to dst: words folded, every run
// of other characters one space.
func foldText(dst, t []byte) []byte {
	space := len(dst) > 0 && dst[len(dst)-1] != ' '
	for i := 0; i < len(t); {
		f1, f2, n, ok := foldRune(t[i:])
		i += n
		if !ok {
			if space {
				dst = append(dst, ' ')
				space = false
			}
			continue
		}
		dst = append(dst, f1)
		if f2 != 0 {
			dst = append(dst, f2)
		}
		space = true
	}
	return dst
}

// isWordStart reports whether the byte c can start a word: an ASCII
// letter or the lead byte of a letter outside ASCII.
func isWordStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0xC3 && c != 0xE2
}

// wordEnd returns the end of the word starting at i: ASCII letters and
// digits, and non-ASCII letters (typographic punctuation U+2000–U+206F
// and the Latin-1 symbols U+00A0–U+00BF end a word).
func wordEnd(t []byte, i int) int {
	for i < len(t) {
		c := t[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			i++
		case c < utf8.RuneSelf, c == 0xC2, c == 0xE2 && i+1 < len(t) && t[i+1] == 0x80 || c == 0xE2 && i+1 < len(t) && t[i+1] == 0x81:
			return i
		case c < 0xC0:
			i++ // stray continuation byte
		default:
			_, n := utf8.DecodeRune(t[i:])
			i += n
		}
	}
	return i
}

// Classes of context words, found just before a value or in its label.
const (
	cBirth   uint16 = 1 << iota // naissance, birth, dob
	cRef                        // commande, dossier, facture: order and file numbers
	cPhone                      // tél, phone, mobile
	cService                    // accueil, standard, mairie: an organisation's lines
	cStreet                     // rue, avenue, chemin
	cIP                         // ip
	cCard                       // carte, card
	cNIR                        // sécurité sociale, nir, insee
	cSIREN                      // siren, siret, rcs
	cAddress                    // adresse, code postal (labels)
	cNe                         // "né", "née": "né le" is a birth context
)

// contextWords classifies folded words. Some are only meaningful in
// labels (column headers, JSON keys), others only before a value; a
// label is made of few words, so a broader reading is safe there.
var contextWords = map[string]uint16{
	"naissance": cBirth, "naissances": cBirth, "naiss": cBirth, "nais": cBirth, "ddn": cBirth,
	"birth": cBirth, "birthdate": cBirth, "birthday": cBirth, "born": cBirth, "dob": cBirth, "bday": cBirth,
	"datenaissance": cBirth, "datedenaissance": cBirth, "birthplace": cBirth,
	"ne": cNe, "nee": cNe,

	"commande": cRef, "commandes": cRef, "cde": cRef, "cmd": cRef, "order": cRef, "orders": cRef,
	"ref": cRef, "reference": cRef, "references": cRef, "dossier": cRef, "dossiers": cRef,
	"facture": cRef, "factures": cRef, "invoice": cRef, "ticket": cRef, "suivi": cRef, "colis": cRef,
	"tracking": cRef, "contrat": cRef, "transaction": cRef, "lot": cRef, "serie": cRef, "serial": cRef,
	"n": cRef, "no": cRef, "num": cRef, "nr": cRef, "id": cRef, "code": cRef, "ean": cRef, "isbn": cRef,
	"issn": cRef, "badge": cRef, "matricule": cRef, "immatriculation": cRef, "recepisse": cRef,
	"arrete": cRef, "deliberation": cRef, "bordereau": cRef, "quittance": cRef, "avis": cRef,
	"compte": cRef, "client": cRef, "licence": cRef, "agrement": cRef, "requete": cRef, "pv": cRef,
	"rna": cRef, "finess": cRef, "urssaf": cRef, "ape": cRef, "naf": cRef, "sku": cRef,

	"tel": cPhone, "telephone": cPhone, "telephones": cPhone, "phone": cPhone,
	"mobile": cPhone, "portable": cPhone, "gsm": cPhone, "cell": cPhone, "cellphone": cPhone,
	"appeler": cPhone, "appelez": cPhone, "joindre": cPhone, "sms": cPhone, "whatsapp": cPhone,
	"telephonique": cPhone, "fixe": cPhone, "domicile": cPhone, "perso": cPhone, "phonenumber": cPhone,

	"accueil": cService, "standard": cService, "secretariat": cService, "mairie": cService,
	"service": cService, "services": cService, "astreinte": cService, "permanence": cService,
	"permanences": cService, "urgence": cService, "urgences": cService, "police": cService,
	"gendarmerie": cService, "pompiers": cService, "samu": cService, "bureau": cService,
	"bureaux": cService, "office": cService, "agence": cService, "centre": cService,
	"direction": cService, "hotline": cService, "assistance": cService, "vert": cService,
	"reception": cService, "guichet": cService, "prefecture": cService, "hopital": cService,
	"clinique": cService, "siege": cService, "fax": cService, "telecopie": cService,
	"cabinet": cService, "mediatheque": cService, "bibliotheque": cService, "ecole": cService,
	"college": cService, "lycee": cService, "creche": cService, "cantine": cService,
	"piscine": cService, "dechetterie": cService, "decheterie": cService, "ccas": cService,
	"tourisme": cService, "renseignements": cService, "information": cService,
	"informations": cService, "reservation": cService, "reservations": cService,

	"rue": cStreet, "avenue": cStreet, "av": cStreet, "ave": cStreet, "bd": cStreet,
	"boulevard": cStreet, "chemin": cStreet, "allee": cStreet, "impasse": cStreet,
	"place": cStreet, "route": cStreet, "quai": cStreet, "cours": cStreet, "square": cStreet,
	"lieudit": cStreet, "residence": cStreet, "lotissement": cStreet, "hameau": cStreet,
	"chaussee": cStreet, "cite": cStreet, "passage": cStreet, "voie": cStreet, "sentier": cStreet,
	"faubourg": cStreet, "fg": cStreet, "bp": cStreet, "cs": cStreet, "street": cStreet,
	"road": cStreet, "lane": cStreet, "rte": cStreet, "imp": cStreet, "domaine": cStreet,
	"mail": cStreet, "parvis": cStreet, "esplanade": cStreet, "promenade": cStreet, "cedex": cStreet,

	"ip": cIP, "ipv4": cIP, "ipaddress": cIP, "ipaddr": cIP, "remoteaddr": cIP,

	"carte": cCard, "card": cCard, "cb": cCard, "visa": cCard, "mastercard": cCard,
	"amex": cCard, "credit": cCard, "pan": cCard, "paiement": cCard, "payment": cCard,

	"secu": cNIR, "securite": cNIR, "nir": cNIR, "insee": cNIR, "ss": cNIR, "ssn": cNIR,
	"social": cNIR, "sociale": cNIR, "vitale": cNIR, "nss": cNIR,

	"siren": cSIREN, "siret": cSIREN, "rcs": cSIREN, "sirene": cSIREN, "tva": cSIREN,
	"vat": cSIREN, "rm": cSIREN, "rne": cSIREN,

	"adresse": cAddress, "adresses": cAddress, "address": cAddress, "cp": cAddress,
	"postal": cAddress, "codepostal": cAddress, "zip": cAddress, "zipcode": cAddress,
	"postcode": cAddress, "postale": cAddress, "domiciliation": cAddress,
}

// ctxPrefixes covers the context words.
var ctxPrefixes = func() *prefixSet {
	var p prefixSet
	for w := range contextWords {
		p.add(w)
	}
	return &p
}()

// months maps folded French and English month names and abbreviations to
// their number.
var months = map[string]int{
	"janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
	"mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9,
	"octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
	"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
	"sep": 9, "october": 10, "november": 11, "december": 12,
}

// contextOf classifies the words of a folded text (words separated by
// single spaces). "né le" and "née le" count as a birth context.
func contextOf(folded []byte) uint16 {
	var cls, prev uint16
	for len(folded) > 0 {
		i := 0
		for i < len(folded) && folded[i] != ' ' {
			i++
		}
		w := folded[:i]
		c := contextWords[string(w)]
		if prev&cNe != 0 && string(w) == "le" {
			cls |= cBirth
		}
		if string(w) != "e" { // "né(e) le"
			prev = c
		}
		cls |= c
		if i < len(folded) {
			i++
		}
		folded = folded[i:]
	}
	return cls &^ cNe
}

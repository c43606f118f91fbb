package detect

import "bytes"

// E-mail addresses: found from their "@", the local part read backwards
// and the domain forwards. Addresses on the organisation's own domain, on
// a public administration's (gouv.fr), or naming a role rather than a
// person (contact@, dpo@, mairie.x@) are the organisation's contact
// points; documentation placeholders (nom@domaine.fr) are dropped.

func isLocalByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func isDomainByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
}

// email reads the address around the "@" at index at and returns the end
// of the address, or at+1 when there is none.
func (s *scanner) email(at int) int { return s.emailW(at, 1) }

// emailW is email for an "@" written in w bytes ("%40" in URLs).
func (s *scanner) emailW(at, w int) int {
	t := s.text
	ls := at
	for ls > 0 && at-ls < 64 && isLocalByte(t[ls-1]) {
		ls--
	}
	for ls < at && (t[ls] == '.' || t[ls] == '-' || t[ls] == '+') {
		ls++
	}
	if ls == at || t[at-1] == '.' {
		return at + 1
	}
	if ls > 0 && (t[ls-1] == '@' || t[ls-1] == '/' && ls > 1 && t[ls-2] == '/') {
		return at + 1 // a second "@", or user@ in a URL's authority
	}
	end := at + w
	for end < len(t) && end-at <= 253 && isDomainByte(t[end]) {
		end++
	}
	for end > at+w && (t[end-1] == '.' || t[end-1] == '-') {
		end--
	}
	dom := t[at+w : end]
	dot := -1
	for i, c := range dom {
		if c == '.' {
			if i == 0 || dom[i-1] == '.' || dom[i-1] == '-' || i+1 < len(dom) && dom[i+1] == '-' {
				return at + 1
			}
			dot = i
		}
	}
	if dot <= 0 || dom[0] == '-' {
		return at + 1
	}
	tld := dom[dot+1:]
	if len(tld) < 2 || len(tld) > 24 {
		return at + 1
	}
	for _, c := range tld {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return at + 1
		}
	}
	if end < len(t) && (t[end] == '@' || isWordStart(t[end])) {
		return at + 1
	}
	off := s.begin(KindEmail)
	for k, c := range t[ls:end] {
		switch k := ls + k; {
		case k > at && k < at+w:
			continue
		case k == at:
			c = '@'
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		s.arena = append(s.arena, c)
	}
	v := s.arena[off+len(KindEmail)+1:]
	lv, dv := v[:at-ls], v[at-ls+1:]
	if fileExtensions[string(dv[dot+1:])] || placeholderEmail(lv, dv) && !s.masking {
		s.arena = s.arena[:off]
		return end
	}
	org := s.orgEmail(lv, dv)
	s.at, s.to = ls, end
	s.keep(off, KindEmail, org, !org)
	return end
}

// fileExtensions are "top-level domains" that are really file names, as
// in "logo@2x.png".
var fileExtensions = map[string]bool{
	"png": true, "jpg": true, "jpeg": true, "gif": true, "svg": true, "webp": true, "css": true,
	"js": true, "pdf": true, "html": true, "htm": true, "php": true, "ico": true, "avif": true,
}

// placeholderDomains are the domains of example addresses.
var placeholderDomains = map[string]bool{
	"example.com": true, "example.org": true, "example.net": true, "example.fr": true,
	"exemple.fr": true, "exemple.com": true, "exemple.org": true, "domaine.fr": true,
	"domaine.com": true, "domain.com": true, "domain.tld": true, "mondomaine.fr": true,
	"votredomaine.fr": true, "votre-domaine.fr": true, "monsite.fr": true, "votresite.fr": true,
	"xxx.fr": true, "xxx.com": true, "email.tld": true, "fournisseur.fr": true,
}

// placeholderLocals are local parts of example addresses.
var placeholderLocals = map[string]bool{
	"nom": true, "prenom.nom": true, "nom.prenom": true, "prenom": true, "votre.nom": true,
	"votrenom": true, "votre.email": true, "votre.adresse": true, "vous": true, "xxx": true,
	"firstname.lastname": true, "first.last": true, "name": true, "yourname": true, "you": true,
	"john.doe": true, "jane.doe": true, "johndoe": true, "user": true, "username": true, "email": true,
	"adresse": true, "mon.adresse": true, "moi": true, "identifiant": true,
}

// placeholderLabels are domain labels of example addresses
// ("contact@mairie.exemple.fr").
var placeholderLabels = [][]byte{[]byte("example"), []byte("exemple"), []byte("domaine")}

func placeholderEmail(local, domain []byte) bool {
	if placeholderDomains[string(domain)] || placeholderLocals[string(local)] {
		return true
	}
	for label := range bytes.SplitSeq(domain, []byte(".")) {
		for _, p := range placeholderLabels {
			if bytes.Equal(label, p) {
				return true
			}
		}
	}
	return false
}

// roleWords name a function or a service rather than a person; an
// address whose local part has one as a component is a role address.
var roleWords = map[string]bool{
	"contact": true, "contacts": true, "info": true, "infos": true, "information": true,
	"informations": true, "accueil": true, "mairie": true, "commune": true, "secretariat": true,
	"dpo": true, "dpd": true, "rgpd": true, "gdpr": true, "cil": true, "privacy": true,
	"donneespersonnelles": true, "webmaster": true, "webmestre": true, "postmaster": true,
	"hostmaster": true, "abuse": true, "noreply": true, "reply": true, "nepasrepondre": true,
	"support": true, "service": true, "services": true, "presse": true, "press": true,
	"communication": true, "admin": true, "administration": true, "direction": true,
	"courrier": true, "courriel": true, "compta": true, "comptabilite": true, "rh": true,
	"recrutement": true, "jobs": true, "emploi": true, "sales": true, "hello": true, "bonjour": true,
	"office": true, "bureau": true, "standard": true, "reception": true, "prefecture": true,
	"pref": true, "ccas": true, "ecole": true, "bibliotheque": true, "mediatheque": true,
	"urbanisme": true, "etatcivil": true, "cantine": true, "tourisme": true, "ot": true,
	"association": true, "asso": true, "club": true, "newsletter": true, "news": true,
	"marketing": true, "equipe": true, "team": true, "questions": true, "aide": true, "help": true,
	"assistance": true, "facturation": true, "billing": true, "boutique": true, "shop": true,
	"inscription": true, "inscriptions": true, "adhesion": true, "adhesions": true,
	"cotisation": true, "cotisations": true, "dsi": true, "informatique": true, "it": true,
	"securite": true, "security": true, "cert": true, "csirt": true, "vente": true, "ventes": true,
	"commercial": true, "juridique": true, "legal": true, "relations": true, "citoyen": true,
	"citoyens": true, "usagers": true, "public": true, "elus": true, "maire": true, "cabinet": true,
	"sg": true, "dgs": true, "scolaire": true, "periscolaire": true, "enfance": true,
	"jeunesse": true, "sport": true, "sports": true, "culture": true, "social": true,
	"technique": true, "travaux": true, "environnement": true, "dechets": true, "eau": true,
	"police": true, "agence": true, "siege": true, "redaction": true, "editeur": true,
	"federation": true, "fede": true, "section": true, "permanence": true, "secretaire": true,
	"tresorier": true, "tresorerie": true, "president": true, "presidence": true,
}

// underDomain reports whether domain is d or one of its subdomains.
func underDomain(domain []byte, d string) bool {
	n := len(domain) - len(d)
	return string(domain[max(n, 0):]) == d && (n == 0 || n > 0 && domain[n-1] == '.')
}

// orgEmail reports whether an address is the organisation's contact
// point rather than a person's.
func (s *scanner) orgEmail(local, domain []byte) bool {
	for _, own := range s.o.OwnDomains {
		if underDomain(domain, own) {
			return true
		}
	}
	if underDomain(domain, "gouv.fr") {
		return true
	}
	joined := s.buf[:0]
	start := 0
	role := false
	for i := 0; i <= len(local); i++ {
		if i == len(local) || local[i] == '.' || local[i] == '-' || local[i] == '_' || local[i] == '+' {
			role = role || roleWords[string(local[start:i])]
			start = i + 1
			continue
		}
		joined = append(joined, local[i])
	}
	s.buf = joined
	return role || roleWords[string(joined)]
}

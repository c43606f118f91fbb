package crawl

import (
	"net/url"
	"strings"

	"vigie/pii"
)

// formWords are words of URLs and link texts that lead to pages with forms,
// in French and English, with the weight of each.
var formWords = map[string]int{
	"contact": 10, "contacter": 10, "contactez": 10, "ecrire": 8, "ecrivez": 8, "formulaire": 10, "form": 6,
	"inscription": 9, "inscrire": 9, "register": 9, "signup": 9, "adhesion": 9, "adherer": 9,
	"compte": 7, "account": 7, "connexion": 9, "login": 9, "signin": 9, "identification": 8, "authentification": 8,
	"newsletter": 6, "abonnement": 5, "rendez": 7, "rdv": 7, "demarches": 6, "demarche": 6, "teleservice": 7, "teleservices": 7,
	"signalement": 8, "signaler": 8, "candidature": 8, "postuler": 8, "recrutement": 5, "reclamation": 8,
	"demande": 5, "question": 4, "plainte": 8, "reservation": 6, "commande": 4, "devis": 6, "espace": 4, "mon": 2,
	"mail": 4, "courriel": 6, "assistance": 4, "support": 3, "aide": 2, "ticket": 5, "messagerie": 5, "saisine": 7,
}

// Score ranks a link by how likely it leads to a form that collects
// personal data, from its URL path, query and hash route ("#!/contact")
// and the link's text.
func Score(raw, text string) int {
	var words []string
	if u, err := url.Parse(raw); err == nil {
		words = append(words, strings.Fields(pii.Normalise(u.Path+" "+u.RawQuery+" "+routeOf(raw)))...)
	}
	words = append(words, strings.Fields(pii.Normalise(text))...)
	score := 0
	for _, w := range words {
		score += formWords[w]
	}
	return score
}

type item struct {
	url   string
	depth int
	score int
	order int
	// index is the item's position in the queue, -1 once popped.
	index int
}

// queue is a priority queue: best score first, then shallowest, then first
// discovered.
type queue []*item

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	// The entry page (and pages revisited, depth 0) come first whatever
	// the score of what a sitemap lists: site-level verdicts (headers,
	// hosting, the grade) are read on the first page.
	if (q[i].depth == 0) != (q[j].depth == 0) {
		return q[i].depth == 0
	}
	if q[i].score != q[j].score {
		return q[i].score > q[j].score
	}
	if q[i].depth != q[j].depth {
		return q[i].depth < q[j].depth
	}
	return q[i].order < q[j].order
}
func (q queue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *queue) Push(x any) {
	it := x.(*item)
	it.index = len(*q)
	*q = append(*q, it)
}
func (q *queue) Pop() any {
	old := *q
	n := len(old)
	it := old[n-1]
	old[n-1] = nil
	it.index = -1
	*q = old[:n-1]
	return it
}

